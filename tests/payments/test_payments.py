"""Starting payments, the simulator gateway's signed callback, replay and forgery."""

from __future__ import annotations

import json
import time
from decimal import Decimal

import pytest
from django.test import Client

from tests.core.factories import UserFactory
from tests.payments.factories import PaymentFactory
from tinhso.core.models import AuditEntry
from tinhso.core.services import DomainError
from tinhso.payments.gateways.simulator import signed_callback
from tinhso.payments.models import CallbackNonce, Payment
from tinhso.payments.services import PaymentAlreadyPaid, payment_start

pytestmark = pytest.mark.django_db

CALLBACK = "/thanh-toan/cong/simulator/callback"


def post_callback(client: Client, body: bytes, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post(
        CALLBACK,
        data=body,
        content_type="application/json",
        headers=headers,
    )


def start(**overrides):  # type: ignore[no-untyped-def]
    kwargs = {
        "reference": "000.00.01.H56-260105-0001",
        "amount": Decimal("150000"),
        "description": "Lệ phí cấp bản sao trích lục hộ tịch",
        "payer": None,
        "return_url": "",
    }
    kwargs.update(overrides)
    return payment_start(**kwargs)


def test_payment_start_opens_a_pending_payment_with_a_redirect() -> None:
    payer = UserFactory(username="nguoinop")
    payment = start(payer=payer, return_url="/ho-so/")
    assert payment.status == Payment.Status.PENDING
    assert payment.gateway == "simulator"
    assert payment.amount == Decimal("150000")
    assert payment.redirect_url == f"/thanh-toan/mo-phong/{payment.public_id}/"


def test_payment_start_is_idempotent_per_reference_while_pending() -> None:
    first = start()
    again = start()
    assert again.pk == first.pk
    assert Payment.objects.count() == 1


def test_payment_start_refuses_another_amount_for_a_pending_reference() -> None:
    start()
    with pytest.raises(DomainError) as exc:
        start(amount=Decimal("200000"))
    assert exc.value.field == "amount"


def test_payment_start_refuses_a_paid_reference_and_reopens_a_failed_one() -> None:
    payment = start()
    payment.status = Payment.Status.FAILED
    payment.save()
    retry = start()
    assert retry.pk != payment.pk and retry.status == Payment.Status.PENDING
    retry.status = Payment.Status.SUCCEEDED
    retry.save()
    with pytest.raises(PaymentAlreadyPaid):
        start()


@pytest.mark.parametrize("amount", ["0", "-5000", "1500.5", "abc"])
def test_payment_start_refuses_amounts_that_are_not_whole_positive_dong(amount: str) -> None:
    with pytest.raises(DomainError):
        start(amount=amount)
    assert not Payment.objects.exists()


def test_happy_path_through_the_simulator_page(client: Client, signals) -> None:  # type: ignore[no-untyped-def]
    payer = UserFactory(username="nguoinop")
    payment = start(payer=payer, return_url="/ho-so/cua-toi/")
    page = client.get(payment.redirect_url)
    assert page.status_code == 200
    assert "150.000" in page.content.decode()
    assert "Thanh toán thành công" in page.content.decode()
    response = client.post(payment.redirect_url, {"action": "pay"})
    assert response.status_code == 302
    assert response["Location"] == "/ho-so/cua-toi/"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.paid_at is not None
    assert payment.gateway_transaction_id.startswith("SIM")
    assert [s["payment"].pk for s in signals["succeeded"]] == [payment.pk]
    # A second click on the (now stale) page changes nothing.
    client.post(payment.redirect_url, {"action": "pay"})
    assert len(signals["succeeded"]) == 1


def test_cancel_on_the_simulator_page_fails_the_payment(client: Client, signals) -> None:  # type: ignore[no-untyped-def]
    payment = start()
    response = client.post(payment.redirect_url, {"action": "cancel"})
    assert response.status_code == 302
    assert response["Location"] == f"/thanh-toan/{payment.public_id}/"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    assert payment.failure_reason
    assert len(signals["failed"]) == 1 and not signals["succeeded"]


def test_return_url_to_another_site_is_not_followed(client: Client) -> None:
    payment = start(return_url="https://evil.example/phish")
    response = client.post(payment.redirect_url, {"action": "pay"})
    assert response["Location"] == f"/thanh-toan/{payment.public_id}/"


def test_signed_callback_marks_the_payment_paid(client: Client, signals) -> None:  # type: ignore[no-untyped-def]
    payment = start()
    body, headers = signed_callback(payment, succeeded=True, transaction_id="NH123")
    response = post_callback(client, body, headers)
    assert response.status_code == 200, response.content
    assert response.json()["ok"] is True
    payment.refresh_from_db()
    assert (payment.status, payment.gateway_transaction_id) == ("succeeded", "NH123")
    assert len(signals["succeeded"]) == 1


def test_forged_signature_is_refused_and_changes_nothing(client: Client, signals) -> None:  # type: ignore[no-untyped-def]
    payment = start()
    body, headers = signed_callback(payment, succeeded=True, secret="x" * 40)
    response = post_callback(client, body, headers)
    assert response.status_code == 403
    assert "Chữ ký" in response.json()["message"]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert not signals["succeeded"]
    assert not CallbackNonce.objects.exists()
    assert AuditEntry.objects.filter(action="payment_callback_refused").count() == 1


def test_tampered_body_is_refused(client: Client) -> None:
    payment = start()
    body, headers = signed_callback(payment, succeeded=False)
    tampered = body.replace(b'"failed"', b'"succeeded"')
    assert post_callback(client, tampered, headers).status_code == 403
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_missing_signature_headers_are_refused(client: Client) -> None:
    payment = start()
    body, _headers = signed_callback(payment, succeeded=True)
    assert post_callback(client, body, {}).status_code == 403


def test_stale_timestamp_is_refused(client: Client) -> None:
    payment = start()
    body, headers = signed_callback(payment, succeeded=True, timestamp=int(time.time()) - 3600)
    response = post_callback(client, body, headers)
    assert response.status_code == 403
    assert "quá hạn" in response.json()["message"]


def test_replayed_callback_is_idempotent_and_signals_once(client: Client, signals) -> None:  # type: ignore[no-untyped-def]
    payment = start()
    body, headers = signed_callback(payment, succeeded=True)
    first = post_callback(client, body, headers)
    second = post_callback(client, body, headers)
    assert first.status_code == second.status_code == 200
    # A new, validly signed notification of the same success changes nothing either.
    body3, headers3 = signed_callback(payment, succeeded=True)
    assert post_callback(client, body3, headers3).status_code == 200
    assert len(signals["succeeded"]) == 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED


def test_failure_reported_after_success_does_not_undo_it(client: Client, signals) -> None:  # type: ignore[no-untyped-def]
    payment = start()
    post_callback(client, *signed_callback(payment, succeeded=True))
    post_callback(client, *signed_callback(payment, succeeded=False))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert not signals["failed"]


def test_nonce_reused_with_other_content_is_refused(client: Client) -> None:
    payment = start()
    body, headers = signed_callback(payment, succeeded=False, nonce="n-1")
    assert post_callback(client, body, headers).status_code == 200
    other = start(reference="000.00.01.H56-260105-0002")
    body2, headers2 = signed_callback(other, succeeded=True, nonce="n-1")
    assert post_callback(client, body2, headers2).status_code == 403
    other.refresh_from_db()
    assert other.status == Payment.Status.PENDING


def test_amount_mismatch_is_refused_and_changes_nothing(client: Client, signals) -> None:  # type: ignore[no-untyped-def]
    payment = start()
    body, headers = signed_callback(payment, succeeded=True, amount=Decimal("1000"))
    response = post_callback(client, body, headers)
    assert response.status_code == 409
    assert "Số tiền" in response.json()["message"]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert not signals["succeeded"]
    # The refused message left no nonce: the honest callback still goes through.
    assert post_callback(client, *signed_callback(payment, succeeded=True)).status_code == 200


def test_reference_mismatch_is_refused(client: Client) -> None:
    payment = start()
    body, headers = signed_callback(payment, succeeded=True)
    data = json.loads(body)
    data["reference"] = "KHAC"
    forged = json.dumps(data, sort_keys=True).encode()
    from django.conf import settings

    from tinhso.payments.gateways.simulator import SIGNATURE_HEADER, sign

    headers[SIGNATURE_HEADER] = sign(
        body=forged,
        timestamp=headers["X-Tinhso-Timestamp"],
        nonce=headers["X-Tinhso-Nonce"],
        secret=settings.PAYMENT_HMAC_SECRET,
    )
    assert post_callback(client, forged, headers).status_code == 409


def test_callback_for_an_unknown_payment_is_404(client: Client) -> None:
    import uuid

    payment = PaymentFactory.build(public_id=uuid.UUID("00000000-0000-4000-8000-000000000000"))
    assert post_callback(client, *signed_callback(payment, succeeded=True)).status_code == 404


def test_callback_for_an_unknown_gateway_is_404(client: Client) -> None:
    assert client.post("/thanh-toan/cong/khong-co/callback").status_code == 404


def test_payment_status_page_is_for_the_payer(client: Client) -> None:
    payer = UserFactory(username="nguoinop")
    payment = start(payer=payer)
    url = f"/thanh-toan/{payment.public_id}/"
    assert client.get(url).status_code in (302, 403)
    client.force_login(UserFactory(username="nguoi-khac"))
    assert client.get(url).status_code == 403
    client.force_login(payer)
    assert client.get(url).status_code == 200
