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
    if dossier.fee_status == FeeStatus.PAID or dossier.state != State.AWAITING_PAYMENT:
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


def connect_payment_signals() -> None:
    try:
        from tinhso.payments.signals import payment_succeeded
    except ImportError:
        return
    payment_succeeded.connect(on_payment_succeeded, dispatch_uid="dossiers-payment-succeeded")
