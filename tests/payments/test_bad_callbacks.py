"""Forged, replayed and tampered payment callbacks (issue #6 bad-input sweep).

Each is refused with a status that fits and a message in the request's language, leaves
the payment, the nonces, the dossiers and the files as they were, and leaves exactly one
audit entry: the record of the refusal.
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.payments.factories import PaymentFactory
from tests.payments.test_vnpay import IPN, SECRET, TXN
from tinhso.core.models import AuditEntry
from tinhso.dossiers.models import Dossier, DossierEvent
from tinhso.payments.gateways.simulator import (
    NONCE_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    sign,
    signed_callback,
)
from tinhso.payments.gateways.vnpay import secure_hash
from tinhso.payments.models import CallbackNonce, Payment
from tinhso.payments.services import payment_start

pytestmark = pytest.mark.django_db

CALLBACK = "/thanh-toan/cong/simulator/callback"


def start() -> Payment:
    return payment_start(
        reference="000.00.01.H56-260105-0001",
        amount=Decimal("150000"),
        description="Lệ phí cấp bản sao trích lục hộ tịch",
        payer=None,
        return_url="",
    )


def signed(
    data: Any, *, timestamp: str | None = None, nonce: str | None = None
) -> tuple[bytes, dict[str, str]]:
    """``data`` (bytes as is, anything else as JSON) correctly signed with the secret."""
    body = data if isinstance(data, bytes) else json.dumps(data).encode()
    ts = timestamp if timestamp is not None else str(int(time.time()))
    nonce = nonce or secrets.token_hex(16)
    signature = sign(body=body, timestamp=ts, nonce=nonce, secret=settings.PAYMENT_HMAC_SECRET)
    return body, {TIMESTAMP_HEADER: ts, NONCE_HEADER: nonce, SIGNATURE_HEADER: signature}


def fields(p: Payment, **changes: Any) -> dict[str, Any]:
    data = {
        "payment_id": p.public_id.hex,
        "reference": p.reference,
        "amount": str(p.amount),
        "status": "succeeded",
        "transaction_id": "NH1",
        "reason": "",
    }
    data.update(changes)
    return data


def snapshot() -> dict[str, Any]:
    return {
        "payments": sorted(Payment.objects.values_list("public_id", "status", "paid_at")),
        "nonces": CallbackNonce.objects.count(),
        "dossiers": Dossier.objects.count(),
        "events": DossierEvent.objects.count(),
        "audit": AuditEntry.objects.exclude(action="payment_callback_refused").count(),
    }


Make = Callable[[Payment], tuple[bytes, dict[str, str]]]


def _tamper_amount(p: Payment) -> tuple[bytes, dict[str, str]]:
    body, headers = signed_callback(p, succeeded=True)
    return body.replace(b'"150000"', b'"1500"'), headers


def _forged_secret(p: Payment) -> tuple[bytes, dict[str, str]]:
    return signed_callback(p, succeeded=True, secret="k" * 40)


def _non_ascii_signature(p: Payment) -> tuple[bytes, dict[str, str]]:
    body, headers = signed_callback(p, succeeded=True)
    return body, {**headers, SIGNATURE_HEADER: "é" * 64}


CASES: list[tuple[str, Make, int, str, str]] = [
    ("forged secret", _forged_secret, 403, "chữ ký", "signature"),
    ("tampered amount", _tamper_amount, 403, "chữ ký", "signature"),
    ("non-ASCII signature", _non_ascii_signature, 403, "chữ ký", "signature"),
    (
        "no headers",
        lambda p: (signed_callback(p, succeeded=True)[0], {}),
        403,
        "chữ ký",
        "signature",
    ),
    (
        "timestamp not a number",
        lambda p: signed(fields(p), timestamp="abc"),
        403,
        "chữ ký",
        "signature",
    ),
    (
        "timestamp an hour old",
        lambda p: signed(fields(p), timestamp=str(int(time.time()) - 3600)),
        403,
        "quá hạn",
        "",
    ),
    (
        "timestamp in year 5138",
        lambda p: signed(fields(p), timestamp="99999999999"),
        403,
        "quá hạn",
        "",
    ),
    (
        "nonce of 65 characters",
        lambda p: signed(fields(p), nonce="n" * 65),
        403,
        "chữ ký",
        "signature",
    ),
    ("body not JSON", lambda p: signed(b"status=succeeded"), 400, "định dạng", ""),
    ("body a JSON list", lambda p: signed([fields(p)]), 400, "định dạng", ""),
    ("unknown status", lambda p: signed(fields(p, status="refunded")), 400, "định dạng", ""),
    ("amount not a number", lambda p: signed(fields(p, amount="abc")), 400, "định dạng", ""),
    ("amount NaN", lambda p: signed(fields(p, amount="NaN")), 400, "định dạng", ""),
    ("amount sNaN", lambda p: signed(fields(p, amount="sNaN")), 400, "định dạng", ""),
    ("amount Infinity", lambda p: signed(fields(p, amount="Infinity")), 400, "định dạng", ""),
    ("amount negative", lambda p: signed(fields(p, amount="-150000")), 409, "số tiền", "amount"),
    ("amount huge", lambda p: signed(fields(p, amount="1e30")), 409, "số tiền", "amount"),
    ("amount lower", lambda p: signed(fields(p, amount="1500")), 409, "số tiền", "amount"),
    ("wrong reference", lambda p: signed(fields(p, reference="KHAC-1")), 409, "tham chiếu", ""),
    (
        "unknown payment",
        lambda p: signed(fields(p, payment_id="0" * 32)),
        404,
        "không tìm thấy",
        "",
    ),
    (
        "payment id traversal",
        lambda p: signed(fields(p, payment_id="../../x")),
        404,
        "không tìm thấy",
        "",
    ),
    ("payment id a number", lambda p: signed(fields(p, payment_id=5)), 404, "không tìm thấy", ""),
]


@pytest.mark.parametrize(
    ("make", "status", "vi", "en"), [pytest.param(*c[1:], id=c[0]) for c in CASES]
)
def test_bad_callback_is_refused_and_changes_nothing(
    client: Client, make: Make, status: int, vi: str, en: str
) -> None:
    payment = start()
    body, headers = make(payment)
    before = snapshot()
    refused = AuditEntry.objects.filter(action="payment_callback_refused").count()
    r = client.post(CALLBACK, data=body, content_type="application/json", headers=headers)
    assert r.status_code == status, r.content
    assert r.json()["ok"] is False
    assert vi in r.json()["message"].lower(), r.json()
    assert snapshot() == before
    assert AuditEntry.objects.filter(action="payment_callback_refused").count() == refused + 1
    if en:
        r = client.post(
            CALLBACK,
            data=body,
            content_type="application/json",
            headers={**headers, "Accept-Language": "en"},
        )
        assert r.status_code == status
        assert en in r.json()["message"].lower(), r.json()
        assert snapshot() == before


def test_replayed_success_changes_nothing_the_second_time(client: Client) -> None:
    payment = start()
    body, headers = signed_callback(payment, succeeded=True)
    assert (
        client.post(
            CALLBACK, data=body, content_type="application/json", headers=headers
        ).status_code
        == 200
    )
    before = snapshot()
    audit = AuditEntry.objects.count()
    again = client.post(CALLBACK, data=body, content_type="application/json", headers=headers)
    assert again.status_code == 200 and again.json()["ok"] is True
    assert snapshot() == before and AuditEntry.objects.count() == audit


def test_a_failure_replayed_with_a_new_nonce_after_success_changes_nothing(client: Client) -> None:
    payment = start()
    body, headers = signed_callback(payment, succeeded=True)
    client.post(CALLBACK, data=body, content_type="application/json", headers=headers)
    before = snapshot()
    body, headers = signed_callback(payment, succeeded=False)
    r = client.post(CALLBACK, data=body, content_type="application/json", headers=headers)
    assert r.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert snapshot()["payments"] == before["payments"]


def test_get_without_a_body_is_refused(client: Client) -> None:
    start()
    before = snapshot()
    r = client.get(CALLBACK)
    assert r.status_code == 403 and "chữ ký" in r.json()["message"].lower()
    assert snapshot() == before


# ---------------------------------------------------------------- VNPAY-style IPN


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        pytest.param({"vnp_SecureHash": "é" * 128}, "97", id="non-ASCII hash"),
        pytest.param({"vnp_Amount": "NaN"}, "99", id="amount NaN signed"),
        pytest.param({"vnp_Amount": "sNaN"}, "99", id="amount sNaN signed"),
        pytest.param({"vnp_Amount": "abc"}, "99", id="amount abc signed"),
        pytest.param({"vnp_TxnRef": "../../x"}, "01", id="unknown payment signed"),
    ],
)
def test_bad_vnpay_ipn_is_refused_and_changes_nothing(
    client: Client, settings: Any, changes: dict[str, str], code: str
) -> None:
    settings.PAYMENT_GATEWAY = "vnpay"
    settings.PAYMENT_HMAC_SECRET = SECRET
    settings.PAYMENT_MERCHANT_CODE = "TINHSO01"
    PaymentFactory(gateway="vnpay", public_id=uuid.UUID(TXN), amount=Decimal("150000"))
    params = {**IPN, **{k: v for k, v in changes.items() if k != "vnp_SecureHash"}}
    query = {
        **params,
        "vnp_SecureHash": changes.get("vnp_SecureHash") or secure_hash(params, SECRET),
    }
    before = snapshot()
    r = client.get("/thanh-toan/cong/vnpay/callback", query)
    assert r.status_code == 200 and r.json()["RspCode"] == code, r.content
    assert snapshot() == before


# ---------------------------------------------------------------- refunds API


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"amount": 0, "reason": "Thu thừa"}, "amount"),
        ({"amount": -5, "reason": "Thu thừa"}, "amount"),
        ({"amount": 10**30, "reason": "Thu thừa"}, "amount"),
        ({"amount": "50000", "reason": "Thu thừa"}, "amount"),
        ({"amount": True, "reason": "Thu thừa"}, "amount"),
        ({"amount": 50000, "reason": ""}, "reason"),
        ({"amount": 50000, "reason": "thu\x00thừa"}, "reason"),
        ({"amount": 50000}, "reason"),
    ],
)
def test_bad_refund_is_422_and_refunds_nothing(
    client: Client, body: dict[str, Any], words: str
) -> None:
    from tests.core.factories import UserFactory
    from tests.payments.factories import PaidPaymentFactory
    from tinhso.payments.models import Refund

    payment = PaidPaymentFactory(payer=UserFactory(username="nguoinop"))
    client.force_login(UserFactory(username="ketoan", is_staff=True))
    before = snapshot()
    r = client.post(
        f"/api/v1/payments/{payment.public_id}/refunds", body, content_type="application/json"
    )
    assert r.status_code == 422, r.content
    assert words in r.json()["detail"]
    assert snapshot() == before and not Refund.objects.exists()
