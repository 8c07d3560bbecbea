"""A local gateway for the demo and tests.

The payer is sent to ``/thanh-toan/mo-phong/<id>/``, a page of this site standing in
for the bank's; their choice there produces the callback a real gateway would send
server-to-server: a JSON body signed with HMAC-SHA256 over
``<timestamp>.<nonce>.<body>`` with ``PAYMENT_HMAC_SECRET``, in the headers
``X-Tinhso-Timestamp``, ``X-Tinhso-Nonce`` and ``X-Tinhso-Signature``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from tinhso.payments.gateways.base import (
    CallbackMessage,
    CallbackRefused,
    PaymentGateway,
    register,
)

if TYPE_CHECKING:
    from tinhso.payments.models import Payment

TIMESTAMP_HEADER = "X-Tinhso-Timestamp"
NONCE_HEADER = "X-Tinhso-Nonce"
SIGNATURE_HEADER = "X-Tinhso-Signature"


def sign(*, body: bytes, timestamp: str, nonce: str, secret: str) -> str:
    message = timestamp.encode() + b"." + nonce.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_callback(
    payment: Payment,
    *,
    succeeded: bool,
    transaction_id: str = "",
    amount: Decimal | None = None,
    timestamp: int | None = None,
    nonce: str | None = None,
    secret: str | None = None,
) -> tuple[bytes, dict[str, str]]:
    """The body and headers the simulated bank sends for ``payment``."""
    body = json.dumps(
        {
            "payment_id": payment.public_id.hex,
            "reference": payment.reference,
            "amount": str(payment.amount if amount is None else amount),
            "status": "succeeded" if succeeded else "failed",
            "transaction_id": transaction_id or f"SIM{secrets.token_hex(6).upper()}",
            "reason": "" if succeeded else "Người nộp huỷ giao dịch",
        },
        ensure_ascii=False,
        sort_keys=True,
    ).encode()
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or secrets.token_hex(16)
    signature = sign(
        body=body, timestamp=ts, nonce=nonce, secret=secret or settings.PAYMENT_HMAC_SECRET
    )
    return body, {TIMESTAMP_HEADER: ts, NONCE_HEADER: nonce, SIGNATURE_HEADER: signature}


@register("simulator")
class SimulatorGateway(PaymentGateway):
    label = "Cổng thanh toán mô phỏng (trình diễn)"
    enforces_timestamp = True

    def start(self, payment: Payment) -> str:
        return reverse("payments:simulator", kwargs={"public_id": payment.public_id})

    def parse_callback(
        self, *, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]
    ) -> CallbackMessage:
        forged = CallbackRefused(_("Chữ ký của thông báo thanh toán không hợp lệ."), status=403)
        timestamp = headers.get(TIMESTAMP_HEADER, "")
        nonce = headers.get(NONCE_HEADER, "")
        signature = headers.get(SIGNATURE_HEADER, "")
        if (
            not (timestamp.isascii() and timestamp.isdigit() and nonce and signature)
            or len(nonce) > 64
            or len(timestamp) > 12
            or not signature.isascii()  # compare_digest() raises TypeError on other text
        ):
            raise forged
        expected = sign(
            body=body, timestamp=timestamp, nonce=nonce, secret=settings.PAYMENT_HMAC_SECRET
        )
        if not hmac.compare_digest(expected, signature.lower()):
            raise forged
        if abs(time.time() - int(timestamp)) > settings.PAYMENT_CALLBACK_MAX_AGE:
            raise CallbackRefused(
                _("Thông báo thanh toán đã quá hạn (thời điểm ký quá xa hiện tại)."), status=403
            )
        try:
            data = json.loads(body)
            amount = Decimal(str(data["amount"]))
            status = str(data["status"])
            message = CallbackMessage(
                payment_id=str(data["payment_id"]),
                reference=str(data["reference"]),
                amount=amount,
                succeeded=status == "succeeded",
                transaction_id=str(data.get("transaction_id", ""))[:100],
                nonce=nonce,
                body_sha256=hashlib.sha256(body).hexdigest(),
                failure_reason=str(data.get("reason", ""))[:255],
            )
        except (ValueError, KeyError, TypeError, InvalidOperation):
            raise CallbackRefused(_("Thông báo thanh toán không đúng định dạng.")) from None
        if status not in ("succeeded", "failed") or not amount.is_finite():
            # NaN, sNaN and Infinity parse as Decimal; sNaN cannot even be compared.
            raise CallbackRefused(_("Thông báo thanh toán không đúng định dạng."))
        return message

    def refund(self, payment: Payment, amount: Decimal) -> str:
        return f"SIMR{secrets.token_hex(6).upper()}"
