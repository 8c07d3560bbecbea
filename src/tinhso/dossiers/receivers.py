"""Resume a dossier waiting for payment when the payment gateway reports success."""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger("tinhso.dossiers")

PAYMENT_PURPOSE_FEE = "fee"


def payment_reference(code: str) -> str:
    return f"{code}:{PAYMENT_PURPOSE_FEE}"


def dossier_code_from_reference(reference: str) -> str | None:
    code, sep, purpose = (reference or "").rpartition(":")
    if not sep or purpose != PAYMENT_PURPOSE_FEE or not code:
        return None
    return code


def on_payment_succeeded(sender: Any = None, payment: Any = None, **kwargs: Any) -> None:
    from tinhso.dossiers.models import Dossier, FeeStatus, State
    from tinhso.dossiers.services import DossierConflict, dossier_act

    if payment is None:
        return
    code = dossier_code_from_reference(str(getattr(payment, "reference", "")))
    if code is None:
        return
    dossier = Dossier.objects.filter(code=code).first()
    if dossier is None:
        logger.warning("payment %s names an unknown dossier", payment.reference)
        return
    # Idempotent: a repeated callback finds the dossier paid and does nothing.
    if dossier.fee_status == FeeStatus.PAID:
        return
    if dossier.state in (State.WITHDRAWN, State.REFUSED, State.STOPPED):
        # Paid from a payment page left open after the dossier was closed: the money
        # goes back instead of staying taken for a dossier nobody will process.
        _refund_closed(dossier, payment)
        return
    if dossier.state != State.AWAITING_PAYMENT:
        return
    try:
        dossier_act(
            dossier=dossier,
            action="confirm_payment",
            actor=None,
            payment_reference=str(getattr(payment, "reference", "")),
            paid_online=True,
        )
    except DossierConflict:
        logger.info("payment for %s arrived after the dossier moved on", code)


def _refund_closed(dossier: Any, payment: Any) -> None:
    from django.db import transaction
    from django.utils.translation import gettext as _

    from tinhso.core.services import DomainError
    from tinhso.dossiers.models import State

    try:
        from tinhso.payments.models import Payment
        from tinhso.payments.services import payment_refund
    except ImportError:  # pragma: no cover - deployments without online payments
        return
    if not isinstance(payment, Payment):
        return
    reason = _("Hồ sơ %(code)s đã kết thúc (%(state)s) trước khi thanh toán: hoàn lại tiền.") % {
        "code": dossier.code,
        "state": State(dossier.state).label,
    }
    try:
        with transaction.atomic():
            payment_refund(payment=payment, amount=payment.amount, reason=reason)
    except DomainError as exc:
        # A gateway without automatic refunds: an officer refunds it in the gateway's portal.
        logger.warning(
            "payment %s for closed dossier %s not refunded: %s", payment.pk, dossier.code, exc
        )


def connect_payment_signals() -> None:
    try:
        from tinhso.payments.signals import payment_succeeded
    except ImportError:
        return
    payment_succeeded.connect(on_payment_succeeded, dispatch_uid="dossiers-payment-succeeded")
