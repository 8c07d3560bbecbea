"""Writes for payments. Each function is one transaction and raises a domain error on refusal."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.audit import audit_record
from tinhso.core.models import User
from tinhso.core.services import DomainError
from tinhso.payments.gateways import CallbackMessage, CallbackRefused, get_gateway
from tinhso.payments.models import CallbackNonce, Payment, Refund
from tinhso.payments.signals import payment_failed, payment_refunded, payment_succeeded

logger = logging.getLogger("tinhso.payments")

MAX_AMOUNT = Decimal("999999999999")


class PaymentAlreadyPaid(DomainError):
    """The reference has already been paid."""


def _vnd(amount: Decimal | int | str) -> Decimal:
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        raise DomainError(_("Số tiền không hợp lệ."), field="amount") from None
    if value != value.to_integral_value():
        raise DomainError(_("Số tiền phải là số đồng nguyên (không có phần lẻ)."), field="amount")
    if value <= 0:
        raise DomainError(_("Số tiền phải lớn hơn 0."), field="amount")
    if value > MAX_AMOUNT:
        raise DomainError(_("Số tiền quá lớn."), field="amount")
    return value.quantize(Decimal(1))


def payment_start(
    *,
    reference: str,
    amount: Decimal,
    description: str,
    payer: User | None,
    return_url: str,
    payee_name: str = "",
    payee_parent_name: str = "",
) -> Payment:
    """Open a payment for ``reference`` with the configured gateway.

    Idempotent while a payment for the reference is pending: the same pending payment
    is returned (refused if the amount differs). A reference already paid is refused;
    after a failure a new attempt is opened. ``payee_name`` (and its parent,
    ``payee_parent_name``) is the agency collecting the fee, printed as the issuer of
    the e-receipt; left empty, the receipt is headed with the site's name.
    """
    reference = (reference or "").strip()
    if not reference or len(reference) > 64:
        raise DomainError(_("Mã tham chiếu thanh toán không hợp lệ."), field="reference")
    value = _vnd(amount)
    description = (description or "").strip()[:255] or reference
    payee = ((payee_name or "").strip()[:255], (payee_parent_name or "").strip()[:255])
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return _payment_start(reference, value, description, payer, return_url, payee)
        except IntegrityError:
            # A concurrent request opened the pending payment first: return that one.
            continue
    raise DomainError(_("Không mở được giao dịch thanh toán, vui lòng thử lại."))


def _payment_start(
    reference: str,
    value: Decimal,
    description: str,
    payer: User | None,
    return_url: str,
    payee: tuple[str, str],
) -> Payment:
    existing = (
        Payment.objects.select_for_update()
        .filter(reference=reference, status__in=[Payment.Status.PENDING, *Payment.PAID_STATUSES])
        .order_by("-created_at", "-id")
        .first()
    )
    if existing is not None and existing.is_paid:
        raise PaymentAlreadyPaid(
            _("Khoản %(reference)s đã được thanh toán.") % {"reference": reference}
        )
    if existing is not None:
        if existing.amount != value:
            raise DomainError(
                _(
                    "Khoản %(reference)s đang chờ thanh toán với số tiền %(amount)s đồng, "
                    "khác số tiền yêu cầu."
                )
                % {"reference": reference, "amount": f"{existing.amount:,.0f}".replace(",", ".")},
                field="amount",
            )
        return existing
    gateway = get_gateway()
    with transaction.atomic():
        payment = Payment.objects.create(
            reference=reference,
            amount=value,
            description=description,
            payee_name=payee[0],
            payee_parent_name=payee[1],
            payer=payer,
            gateway=gateway.name,
            return_url=return_url or "",
        )
    payment.redirect_url = gateway.start(payment)
    payment.save(update_fields=["redirect_url"])
    return payment


@dataclass(frozen=True)
class CallbackOutcome:
    payment: Payment
    applied: bool  # False for a repeated or late callback that changed nothing
    detail: str


def _find_payment(message: CallbackMessage) -> Payment:
    not_found = CallbackRefused(_("Không tìm thấy khoản thanh toán được thông báo."), status=404)
    try:
        import uuid

        public_id = uuid.UUID(message.payment_id)
    except ValueError:
        raise not_found from None
    payment = Payment.objects.select_for_update().filter(public_id=public_id).first()
    if payment is None:
        raise not_found
    return payment


@transaction.atomic
def payment_callback_receive(
    *, gateway_name: str, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]
) -> CallbackOutcome:
    """Apply a gateway's callback after verifying it.

    Refuses (and changes nothing) a forged or stale signature, a nonce seen with other
    content, an unknown payment, a reference or amount that differ from the payment's.
    A repeated callback (same nonce and content, or news already applied) changes
    nothing and sends no signal: ``payment_succeeded`` fires once per payment.
    """
    gateway = get_gateway(gateway_name)
    message = gateway.parse_callback(body=body, headers=headers, query=query)
    try:
        with transaction.atomic():
            CallbackNonce.objects.create(
                gateway=gateway.name, nonce=message.nonce, body_sha256=message.body_sha256
            )
    except IntegrityError:
        seen = CallbackNonce.objects.get(gateway=gateway.name, nonce=message.nonce)
        if seen.body_sha256 != message.body_sha256:
            raise CallbackRefused(
                _("Thông báo thanh toán dùng lại mã chống lặp với nội dung khác: bị từ chối."),
                status=403,
            ) from None
        payment = _find_payment(message)
        return CallbackOutcome(payment, False, "duplicate")
    if gateway.enforces_timestamp:
        horizon = timezone.now() - dt.timedelta(seconds=2 * settings.PAYMENT_CALLBACK_MAX_AGE)
        CallbackNonce.objects.filter(gateway=gateway.name, received_at__lt=horizon).delete()
    payment = _find_payment(message)
    if payment.gateway != gateway.name:
        raise CallbackRefused(_("Khoản thanh toán không thuộc cổng này."), status=403)
    if message.reference and message.reference != payment.reference:
        raise CallbackRefused(_("Mã tham chiếu không khớp với khoản thanh toán."), status=409)
    if message.amount != payment.amount:
        raise CallbackRefused(
            _("Số tiền được thông báo (%(got)s) khác số tiền phải nộp (%(want)s): bị từ chối.")
            % {"got": f"{message.amount:,.0f}", "want": f"{payment.amount:,.0f}"},
            status=409,
        )
    if payment.status != Payment.Status.PENDING:
        if message.succeeded and not payment.is_paid:
            # Money taken after the attempt was marked failed: keep it for an officer.
            logger.error("payment %s: success reported after failure", payment.public_id)
            audit_record(
                action="payment_late_success",
                object_type="payments.payment",
                object_id=payment.pk,
                object_repr=str(payment),
                changes={"transaction_id": message.transaction_id},
            )
        return CallbackOutcome(payment, False, "already_final")
    now = timezone.now()
    if message.succeeded:
        payment.status = Payment.Status.SUCCEEDED
        payment.paid_at = now
        payment.gateway_transaction_id = message.transaction_id
        payment.save(update_fields=["status", "paid_at", "gateway_transaction_id"])
        payment_succeeded.send(sender=Payment, payment=payment)
    else:
        payment.status = Payment.Status.FAILED
        payment.failure_reason = message.failure_reason or _("Giao dịch không thành công")
        payment.gateway_transaction_id = message.transaction_id
        payment.save(update_fields=["status", "failure_reason", "gateway_transaction_id"])
        payment_failed.send(sender=Payment, payment=payment)
    return CallbackOutcome(payment, True, payment.status)


@transaction.atomic
def payment_refund(
    *, payment: Payment, amount: Decimal, reason: str, actor: User | None = None
) -> Refund:
    """Give back ``amount`` of a paid payment (full or partial, never more than was paid)."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    value = _vnd(amount)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Cần ghi lý do hoàn tiền."), field="reason")
    if payment.status not in (Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED):
        raise DomainError(
            _("Chỉ hoàn tiền khoản đã thanh toán (trạng thái hiện tại: %(status)s).")
            % {"status": payment.get_status_display()}
        )
    remaining = payment.refundable_amount
    if value > remaining:
        raise DomainError(
            _("Số tiền hoàn %(amount)s vượt quá số còn có thể hoàn (%(remaining)s đồng).")
            % {"amount": f"{value:,.0f}", "remaining": f"{remaining:,.0f}"},
            field="amount",
        )
    gateway = get_gateway(payment.gateway)
    gateway_refund_id = gateway.refund(payment, value)
    refund = Refund.objects.create(
        payment=payment,
        amount=value,
        reason=reason[:255],
        gateway_refund_id=gateway_refund_id,
        created_by=actor,
    )
    payment.status = (
        Payment.Status.REFUNDED if value == remaining else Payment.Status.PARTIALLY_REFUNDED
    )
    payment.save(update_fields=["status"])
    payment_refunded.send(sender=Payment, payment=payment, refund=refund)
    return refund


def simulator_complete(*, payment: Payment, succeeded: bool) -> CallbackOutcome:
    """What the simulated bank does when the payer clicks: send its signed callback.

    The callback goes through exactly the verification a real one does
    (:func:`payment_callback_receive`); only the transport is in-process.
    """
    from tinhso.payments.gateways.simulator import signed_callback

    if payment.gateway != "simulator":
        raise DomainError(_("Khoản này không thanh toán qua cổng mô phỏng."))
    body, headers = signed_callback(payment, succeeded=succeeded)
    return payment_callback_receive(gateway_name="simulator", body=body, headers=headers, query={})


def amount_in_words(amount: Decimal | int) -> str:
    """Vietnamese reading of a whole number of đồng: 150000 → "Một trăm năm mươi nghìn đồng"."""
    n = int(amount)
    if n == 0:
        return "Không đồng"
    digits = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
    units = ["", " nghìn", " triệu", " tỷ", " nghìn tỷ", " triệu tỷ"]

    def group(value: int, full: bool) -> str:
        hundreds, rest = divmod(value, 100)
        tens, ones = divmod(rest, 10)
        words: list[str] = []
        if full or hundreds:
            words.append(f"{digits[hundreds]} trăm")
        if tens == 0:
            if ones and (full or hundreds):
                words.append("linh")
        elif tens == 1:
            words.append("mười")
        else:
            words.append(f"{digits[tens]} mươi")
        if ones:
            if ones == 1 and tens > 1:
                words.append("mốt")
            elif ones == 5 and tens > 0:
                words.append("lăm")
            elif ones == 4 and tens > 1:
                words.append("tư")
            else:
                words.append(digits[ones])
        return " ".join(words)

    groups: list[int] = []
    while n:
        n, g = divmod(n, 1000)
        groups.append(g)
    parts: list[str] = []
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            continue
        full = i < len(groups) - 1
        parts.append(group(g, full) + units[i])
    text = " ".join(parts)
    return text[0].upper() + text[1:] + " đồng"


def payment_as_dict(payment: Payment) -> dict[str, Any]:
    return {
        "id": str(payment.public_id),
        "reference": payment.reference,
        "amount": int(payment.amount),
        "description": payment.description,
        "status": payment.status,
        "gateway": payment.gateway,
        "gateway_transaction_id": payment.gateway_transaction_id,
        "redirect_url": payment.redirect_url,
        "created_at": payment.created_at,
        "paid_at": payment.paid_at,
        "refunded_amount": int(payment.refunded_amount),
    }
