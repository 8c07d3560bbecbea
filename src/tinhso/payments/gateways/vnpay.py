"""Skeleton of a VNPAY-style redirect gateway (payment URL API 2.1.0).

The payer is redirected to ``PAYMENT_GATEWAY_URL`` with ``vnp_*`` query parameters,
sorted by name, URL-encoded, and signed with HMAC-SHA512 (``vnp_SecureHash``) using
``PAYMENT_HMAC_SECRET`` as the merchant's hash secret. The gateway calls back
(IPN, a GET to ``/thanh-toan/cong/vnpay/callback``) with the same signing. Amounts
travel multiplied by 100. Never tested against the real service (no network here):
the tests check it against signing vectors built by hand.

Refunds go through the gateway's separate merchant API, which is not wired: a refund
is refused with a message saying to do it in the merchant portal.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING
from urllib.parse import quote_plus

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.services import DomainError
from tinhso.payments.gateways.base import (
    CallbackMessage,
    CallbackRefused,
    PaymentGateway,
    register,
)

if TYPE_CHECKING:
    from tinhso.payments.models import Payment

VN_TZ = dt.timezone(dt.timedelta(hours=7))
_HASH_KEYS = {"vnp_SecureHash", "vnp_SecureHashType"}


def canonical_query(params: Mapping[str, str]) -> str:
    """``k=v&…`` sorted by key, values form-encoded, hash fields and empty values left out."""
    items = sorted((k, v) for k, v in params.items() if k not in _HASH_KEYS and v != "")
    return "&".join(f"{quote_plus(k)}={quote_plus(str(v))}" for k, v in items)


def secure_hash(params: Mapping[str, str], secret: str) -> str:
    return hmac.new(secret.encode(), canonical_query(params).encode(), hashlib.sha512).hexdigest()


@register("vnpay")
class VnpayGateway(PaymentGateway):
    label = "VNPAY (chuyển hướng, ký HMAC-SHA512)"
    supports_refunds = False

    def payment_params(self, payment: Payment, *, now: dt.datetime | None = None) -> dict[str, str]:
        created = (now or timezone.now()).astimezone(VN_TZ)
        host = settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "localhost"
        return_path = reverse("payments:detail", kwargs={"public_id": payment.public_id})
        return {
            "vnp_Version": "2.1.0",
            "vnp_Command": "pay",
            "vnp_TmnCode": settings.PAYMENT_MERCHANT_CODE,
            "vnp_Amount": str(int(payment.amount) * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": payment.public_id.hex,
            "vnp_OrderInfo": payment.description[:255],
            "vnp_OrderType": "other",
            "vnp_Locale": "vn",
            "vnp_ReturnUrl": f"https://{host}{return_path}",
            "vnp_IpAddr": "127.0.0.1",
            "vnp_CreateDate": created.strftime("%Y%m%d%H%M%S"),
            "vnp_ExpireDate": (created + dt.timedelta(minutes=15)).strftime("%Y%m%d%H%M%S"),
        }

    def start(self, payment: Payment) -> str:
        params = self.payment_params(payment)
        signature = secure_hash(params, settings.PAYMENT_HMAC_SECRET)
        return (
            f"{settings.PAYMENT_GATEWAY_URL}?{canonical_query(params)}&vnp_SecureHash={signature}"
        )

    def parse_callback(
        self, *, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]
    ) -> CallbackMessage:
        params = {k: v for k, v in query.items() if k.startswith("vnp_")}
        received = params.get("vnp_SecureHash", "").lower()
        expected = secure_hash(params, settings.PAYMENT_HMAC_SECRET)
        # compare_digest() raises TypeError on non-ASCII text: such a hash is forged anyway.
        if not received or not received.isascii() or not hmac.compare_digest(expected, received):
            raise CallbackRefused(_("Chữ ký của thông báo thanh toán không hợp lệ."), status=403)
        try:
            amount = Decimal(params["vnp_Amount"]) / 100
            txn_ref = params["vnp_TxnRef"]
            transaction_no = params.get("vnp_TransactionNo", "")
            code = params.get("vnp_ResponseCode", "")
        except (KeyError, InvalidOperation):
            raise CallbackRefused(_("Thông báo thanh toán không đúng định dạng.")) from None
        if not amount.is_finite():
            raise CallbackRefused(_("Thông báo thanh toán không đúng định dạng."))
        succeeded = code == "00" and params.get("vnp_TransactionStatus", "00") == "00"
        # VNPAY retries an IPN with the same parameters: that is the nonce.
        nonce = hashlib.sha256(canonical_query(params).encode()).hexdigest()
        return CallbackMessage(
            payment_id=txn_ref,
            reference="",
            amount=amount,
            succeeded=succeeded,
            transaction_id=transaction_no[:100],
            nonce=nonce,
            body_sha256=nonce,
            failure_reason="" if succeeded else f"vnp_ResponseCode={code}",
        )

    def refund(self, payment: Payment, amount: Decimal) -> str:
        raise DomainError(
            _(
                "Cổng VNPAY chưa hỗ trợ hoàn tiền tự động; hãy hoàn tiền trên trang quản lý của cổng."
            )
        )

    def callback_response(self, *, ok: bool, message: str, status: int) -> HttpResponse:
        # VNPAY reads RspCode from a 200 answer.
        code = "00" if ok else {403: "97", 404: "01", 409: "04"}.get(status, "99")
        return JsonResponse({"RspCode": code, "Message": message})
