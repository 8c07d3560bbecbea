"""The payment gateway's news reaching the dossiers.

A fee paid online resumes the dossier waiting for it. A payment the dossier does not
need — the dossier was closed meanwhile, or its fee was already paid another way (cash
recorded at the counter while the bank page was open) — is refunded through the
gateway, recorded on the dossier and told to the applicant.
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger("tinhso.dossiers")

PAYMENT_PURPOSE_FEE = "fee"

# Dossier events written here (labels in workflow.EVENT_PUBLIC_LABELS).
EVENT_PAYMENT_REFUNDED = "payment_refunded"
EVENT_PAYMENT_REFUND_DUE = "payment_refund_due"


def payment_reference(code: str) -> str:
    return f"{code}:{PAYMENT_PURPOSE_FEE}"


def dossier_code_from_reference(reference: str) -> str | None:
    code, sep, purpose = (reference or "").rpartition(":")
    if not sep or purpose != PAYMENT_PURPOSE_FEE or not code:
        return None
    return code


def payment_payee(dossier: Any) -> dict[str, str]:
    """Who collects the dossier's fee, for ``payment_start``: the receiving agency (the
    issuer printed on the e-receipt) and the agency above it."""
    agency = dossier.agency
    parent = agency.parent
    return {"payee_name": agency.name, "payee_parent_name": parent.name if parent else ""}


def on_payment_succeeded(sender: Any = None, payment: Any = None, **kwargs: Any) -> None:
    from django.db import transaction
    from django.utils.translation import gettext as _

    from tinhso.dossiers.models import Dossier, FeeStatus, State
    from tinhso.dossiers.services import DossierConflict, dossier_act

    if payment is None:
        return
    reference = str(getattr(payment, "reference", ""))
    code = dossier_code_from_reference(reference)
    if code is None:
        return
    transaction_id = str(getattr(payment, "gateway_transaction_id", "") or "")
    with transaction.atomic():
        # The dossier row is locked: an officer recording the fee at the counter at the
        # same moment either goes first (and this payment is refunded below) or waits
        # and finds the fee paid online.
        dossier = Dossier.objects.select_for_update().filter(code=code).first()
        if dossier is None:
            logger.warning("payment %s names an unknown dossier", reference)
            return
        if dossier.fee_status == FeeStatus.PAID:
            if (
                dossier.paid_online
                and transaction_id
                and dossier.payment_reference == transaction_id
            ):
                return  # this very payment, reported again: already applied
            # Paid twice: cash at the counter (or another payment) came first.
            how = _("trực tuyến") if dossier.paid_online else _("tại quầy")
            reason = _(
                "Phí, lệ phí hồ sơ %(code)s đã được nộp %(how)s trước khi khoản thanh toán "
                "trực tuyến này thành công: hoàn lại khoản nộp trùng."
            ) % {"code": dossier.code, "how": how}
            _refund_unneeded(dossier, payment, reason)
            return
        if dossier.state in (State.WITHDRAWN, State.REFUSED, State.STOPPED):
            # Paid from a payment page left open after the dossier was closed: the money
            # goes back instead of staying taken for a dossier nobody will process.
            reason = _(
                "Hồ sơ %(code)s đã kết thúc (%(state)s) trước khi thanh toán: hoàn lại tiền."
            ) % {"code": dossier.code, "state": State(dossier.state).label}
            _refund_unneeded(dossier, payment, reason)
            return
        if dossier.state != State.AWAITING_PAYMENT:
            return
        try:
            dossier_act(
                dossier=dossier,
                action="confirm_payment",
                actor=None,
                # The gateway's transaction id tells this payment from any other later.
                payment_reference=transaction_id or reference,
                paid_online=True,
            )
        except DossierConflict:  # pragma: no cover - the row lock above prevents it
            logger.info("payment for %s arrived after the dossier moved on", code)


def _refund_unneeded(dossier: Any, payment: Any, reason: str) -> None:
    """Give back a payment the dossier does not need (the one refund path), record it
    on the dossier and tell the applicant; on a gateway without automatic refunds,
    record that an officer must refund it in the gateway's portal."""
    from django.db import transaction
    from django.utils.translation import gettext as _

    from tinhso.core.audit import audit_record, audit_suppressed
    from tinhso.core.services import DomainError
    from tinhso.dossiers.services import _event, _follow_up

    try:
        from tinhso.payments.models import Payment
        from tinhso.payments.services import payment_refund
    except ImportError:  # pragma: no cover - deployments without online payments
        return
    if not isinstance(payment, Payment):
        return
    current = Payment.objects.select_for_update().get(pk=payment.pk)
    if current.status != Payment.Status.SUCCEEDED:
        return  # already (partly) refunded: never twice
    amount = f"{current.amount:,.0f}".replace(",", ".")
    data: dict[str, Any] = {
        "payment": current.public_id.hex,
        "amount": int(current.amount),
        "gateway_transaction_id": current.gateway_transaction_id,
    }
    try:
        with transaction.atomic():
            refund = payment_refund(payment=current, amount=current.amount, reason=reason)
    except DomainError as exc:
        # A gateway without automatic refunds: an officer refunds it in the gateway's portal.
        logger.warning(
            "payment %s for dossier %s not refunded: %s", current.pk, dossier.code, exc.message
        )
        action = EVENT_PAYMENT_REFUND_DUE
        note = (
            reason
            + " "
            + (
                _("Số tiền %(amount)s đồng sẽ được cơ quan hoàn trả qua cổng thanh toán.")
                % {"amount": amount}
            )
        )
        data["error"] = exc.message
    else:
        action = EVENT_PAYMENT_REFUNDED
        note = (
            reason
            + " "
            + (
                _("Đã hoàn %(amount)s đồng về tài khoản đã dùng để thanh toán.")
                % {"amount": amount}
            )
        )
        data["gateway_refund_id"] = refund.gateway_refund_id
    with audit_suppressed():
        event = _event(
            dossier,
            action,
            dossier.state,
            dossier.state,
            None,
            dossier.agency,
            note=note,
            data=data,
        )
    audit_record(
        action=f"dossier_{action}",
        object_type="dossiers.dossier",
        object_id=dossier.code,
        object_repr=dossier.code,
        agency_code=dossier.agency.code,
        changes={"note": note, **data},
    )
    # The applicant is told as for any event (in the portal, by e-mail and SMS).
    _follow_up(dossier, event)


def connect_payment_signals() -> None:
    try:
        from tinhso.payments.signals import payment_succeeded
    except ImportError:
        return
    payment_succeeded.connect(on_payment_succeeded, dispatch_uid="dossiers-payment-succeeded")
