"""The VNPAY-style gateway against signing vectors built by hand (no network)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client

from tests.payments.factories import PaymentFactory
from tinhso.payments.gateways.vnpay import VnpayGateway, canonical_query, secure_hash
from tinhso.payments.models import Payment

pytestmark = pytest.mark.django_db

SECRET = "VNPAYTESTSECRETKEY0123456789ABCDEF"
TXN = "0123456789abcdef0123456789abcdef"
IPN = {
    "vnp_Amount": "15000000",
    "vnp_BankCode": "NCB",
    "vnp_OrderInfo": "Lệ phí hộ tịch",
    "vnp_PayDate": "20260105101500",
    "vnp_ResponseCode": "00",
    "vnp_TmnCode": "TINHSO01",
    "vnp_TransactionNo": "14226112",
    "vnp_TransactionStatus": "00",
    "vnp_TxnRef": TXN,
}
# Computed independently: HMAC-SHA512(SECRET, sorted form-encoded query).
IPN_QUERY = (
    "vnp_Amount=15000000&vnp_BankCode=NCB&vnp_OrderInfo=L%E1%BB%87+ph%C3%AD+h%E1%BB%99+t%E1%BB%8Bch"
    "&vnp_PayDate=20260105101500&vnp_ResponseCode=00&vnp_TmnCode=TINHSO01"
    "&vnp_TransactionNo=14226112&vnp_TransactionStatus=00&vnp_TxnRef=" + TXN
)
IPN_HASH = (
    "06ccb9482414e7e5aef4a20eec7bb6fee84d47ac0299638a1f3b1372fc7942ae"
    "69c09f171fd7c43ed2ce8ac4ad406b81e82d0b947997791236069f2086271750"
)


@pytest.fixture
def vnpay(settings):  # type: ignore[no-untyped-def]
    settings.PAYMENT_GATEWAY = "vnpay"
    settings.PAYMENT_HMAC_SECRET = SECRET
    settings.PAYMENT_GATEWAY_URL = "https://sandbox.example/paymentv2/vpcpay.html"
    settings.PAYMENT_MERCHANT_CODE = "TINHSO01"
    return VnpayGateway()


def test_canonical_query_and_hash_match_the_vector() -> None:
    assert canonical_query(IPN) == IPN_QUERY
    assert secure_hash(IPN, SECRET) == IPN_HASH
    # The hash fields themselves are never part of what is signed.
    assert (
        secure_hash({**IPN, "vnp_SecureHash": "x", "vnp_SecureHashType": "y"}, SECRET) == IPN_HASH
    )


def test_payment_url_is_signed_over_its_own_parameters(vnpay) -> None:  # type: ignore[no-untyped-def]
    payment = PaymentFactory(gateway="vnpay", amount=Decimal("150000"))
    url = vnpay.start(payment)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        "https://sandbox.example/paymentv2/vpcpay.html"
    )
    params = dict(parse_qsl(parts.query))
    assert params["vnp_Amount"] == "15000000"
    assert params["vnp_TmnCode"] == "TINHSO01"
    assert params["vnp_TxnRef"] == payment.public_id.hex
    assert params["vnp_SecureHash"] == secure_hash(params, SECRET)


def _payment() -> Payment:
    return PaymentFactory(gateway="vnpay", amount=Decimal("150000"), public_id=uuid.UUID(TXN))


def test_ipn_with_the_vector_marks_the_payment_paid(client: Client, vnpay, signals) -> None:  # type: ignore[no-untyped-def]
    payment = _payment()
    query = {**IPN, "vnp_SecureHash": IPN_HASH}
    response = client.get("/thanh-toan/cong/vnpay/callback", query)
    assert response.json() == {"RspCode": "00", "Message": "Đã ghi nhận."}
    payment.refresh_from_db()
    assert (payment.status, payment.gateway_transaction_id) == ("succeeded", "14226112")
    # VNPAY retries the same IPN: recognised, nothing changes.
    again = client.get("/thanh-toan/cong/vnpay/callback", query)
    assert again.json()["RspCode"] == "00"
    assert len(signals["succeeded"]) == 1


def test_ipn_with_a_bad_hash_is_refused(client: Client, vnpay) -> None:  # type: ignore[no-untyped-def]
    payment = _payment()
    query = {**IPN, "vnp_Amount": "100", "vnp_SecureHash": IPN_HASH}
    assert client.get("/thanh-toan/cong/vnpay/callback", query).json()["RspCode"] == "97"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_ipn_with_a_wrong_amount_is_refused(client: Client, vnpay) -> None:  # type: ignore[no-untyped-def]
    payment = _payment()
    params = {**IPN, "vnp_Amount": "100"}
    query = {**params, "vnp_SecureHash": secure_hash(params, SECRET)}
    assert client.get("/thanh-toan/cong/vnpay/callback", query).json()["RspCode"] == "04"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_vnpay_refund_is_refused_with_a_message(vnpay) -> None:  # type: ignore[no-untyped-def]
    from tinhso.core.services import DomainError
    from tinhso.payments.services import payment_refund

    payment = PaymentFactory(gateway="vnpay", status=Payment.Status.SUCCEEDED)
    with pytest.raises(DomainError) as exc:
        payment_refund(payment=payment, amount=Decimal("1000"), reason="x")
    assert "VNPAY" in exc.value.message
