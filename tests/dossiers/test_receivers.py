"""The payment gateway's news reaching the dossiers: a fee paid online resumes the dossier;
a fee paid for a dossier closed meanwhile, or already paid at the counter, is given back
(recorded on the dossier, the applicant told); the e-receipt names the receiving agency."""

from __future__ import annotations

import io
from decimal import Decimal
from unittest.mock import patch

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from tests.dossiers.conftest import World
from tinhso.core.models import AuditEntry
from tinhso.core.services import DomainError
from tinhso.dossiers.models import Dossier, FeeStatus, State
from tinhso.dossiers.receivers import on_payment_succeeded, payment_reference
from tinhso.dossiers.selectors import timeline
from tinhso.dossiers.services import DossierConflict, dossier_act
from tinhso.payments.gateways.simulator import SimulatorGateway, signed_callback
from tinhso.payments.models import Payment
from tinhso.payments.services import payment_start, simulator_complete
from tinhso.procedures.models import Procedure

pytestmark = pytest.mark.django_db


def _awaiting_fee(world: World) -> tuple[Dossier, Payment]:
    world.procedure.fee_amount = Decimal(200000)
    world.procedure.fee_timing = Procedure.FeeTiming.BEFORE_RECEIPT
    world.procedure.save()
    d = world.submit()
    assert d.state == State.AWAITING_PAYMENT
    payment = payment_start(
        reference=payment_reference(d.code),
        amount=d.fee_amount,
        description="Lệ phí",
        payer=world.citizen,
        return_url="",
    )
    return d, payment


def test_a_fee_paid_online_resumes_the_dossier_and_is_kept(world: World) -> None:
    d, payment = _awaiting_fee(world)
    simulator_complete(payment=payment, succeeded=True)
    d.refresh_from_db()
    payment.refresh_from_db()
    assert d.state == State.SUBMITTED and d.fee_status == FeeStatus.PAID
    assert payment.status == Payment.Status.SUCCEEDED and not payment.refunds.exists()


def test_a_fee_paid_after_the_dossier_was_withdrawn_is_refunded(world: World) -> None:
    # The applicant opened the bank page, withdrew the dossier in another tab, then paid.
    d, payment = _awaiting_fee(world)
    dossier_act(dossier=d, action="withdraw", actor=world.citizen, note="Nộp nhầm")
    simulator_complete(payment=payment, succeeded=True)
    d.refresh_from_db()
    payment.refresh_from_db()
    assert d.state == State.WITHDRAWN and d.fee_status == FeeStatus.UNPAID
    assert payment.status == Payment.Status.REFUNDED
    refund = payment.refunds.get()
    assert refund.amount == Decimal(200000) and d.code in refund.reason


# ------------------------------------------------ paid twice: online and at the counter

CALLBACK = "/thanh-toan/cong/simulator/callback"


def _pay_online_pending(world: World, client: Client) -> tuple[Dossier, Payment]:
    """The citizen submits, clicks "Thanh toán trực tuyến" and is sent to the bank page
    (the payment stays pending there)."""
    world.procedure.fee_amount = Decimal(200000)
    world.procedure.fee_timing = Procedure.FeeTiming.BEFORE_RECEIPT
    world.procedure.save()
    d = world.submit()
    assert d.state == State.AWAITING_PAYMENT
    client.force_login(world.citizen)
    r = client.post(reverse("dossiers:pay", args=[d.code]))
    payment = Payment.objects.get(reference=payment_reference(d.code))
    assert r.status_code == 302 and r["Location"] == payment.redirect_url
    assert payment.status == Payment.Status.PENDING
    return d, payment


def _bank_reports(client: Client, payment: Payment) -> tuple[bytes, dict[str, str]]:
    """The simulated bank's signed success callback, posted server-to-server."""
    body, headers = signed_callback(payment, succeeded=True)
    r = client.post(CALLBACK, data=body, content_type="application/json", headers=headers)
    assert r.status_code == 200, r.content
    return body, headers


@pytest.fixture
def immediate_tasks(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_an_online_payment_after_cash_at_the_counter_is_refunded_and_the_applicant_told(
    world: World, client: Client, immediate_tasks: None, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    d, payment = _pay_online_pending(world, client)
    # Meanwhile the citizen pays cash at the counter; the officer records it.
    client.force_login(world.one_stop)
    r = client.post(reverse("dossiers:act", args=[d.code, "confirm_payment"]))
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.fee_status == FeeStatus.PAID and not d.paid_online
    version = d.version
    # Then the bank page left open reports success: the second payment goes back.
    with django_capture_on_commit_callbacks(execute=True):
        _bank_reports(client, payment)
    payment.refresh_from_db()
    d.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    refund = payment.refunds.get()
    assert refund.amount == Decimal(200000)
    assert d.code in refund.reason and "tại quầy" in refund.reason
    # The dossier itself is as the counter left it.
    assert d.state == State.SUBMITTED and d.fee_status == FeeStatus.PAID
    assert not d.paid_online and d.version == version
    event = d.events.get(action="payment_refunded")
    assert event.data["payment"] == payment.public_id.hex
    assert event.data["gateway_refund_id"] == refund.gateway_refund_id
    assert "200.000 đồng" in event.note
    # Told in the portal, by e-mail and by SMS, and shown on the applicant's timeline.
    told = d.notifications.filter(subject__contains="hoàn trả")
    assert set(told.values_list("channel", flat=True)) == {"in_app", "email", "sms"}
    assert "200.000 đồng" in told.get(channel="in_app").body
    assert any("hoàn trả" in row["label"] for row in timeline(d))
    # The payment's page lists the refund and why (the citizen); the dossier's history
    # says it (the officer).
    client.force_login(world.citizen)
    page = client.get(f"/thanh-toan/{payment.public_id}/")
    assert page.status_code == 200
    assert refund.reason in page.content.decode() and "Đã hoàn tiền" in page.content.decode()
    client.force_login(world.one_stop)
    page = client.get(reverse("dossiers:detail", args=[d.code]))
    assert event.note in page.content.decode()


def test_a_repeated_success_callback_refunds_only_once(
    world: World, client: Client, immediate_tasks: None, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    d, payment = _pay_online_pending(world, client)
    dossier_act(dossier=d, action="confirm_payment", actor=world.one_stop)
    with django_capture_on_commit_callbacks(execute=True):
        body, headers = _bank_reports(client, payment)
    told = d.notifications.count()
    with django_capture_on_commit_callbacks(execute=True):
        # The same notification replayed, and a new one saying the same thing.
        r = client.post(CALLBACK, data=body, content_type="application/json", headers=headers)
        assert r.status_code == 200
        _bank_reports(client, payment)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED and payment.refunds.count() == 1
    assert d.events.filter(action="payment_refunded").count() == 1
    assert d.notifications.count() == told
    # Told twice in-process (the signal sent again) changes nothing either.
    on_payment_succeeded(sender=Payment, payment=payment)
    assert payment.refunds.count() == 1
    assert d.events.filter(action__startswith="payment_refund").count() == 1


def test_a_single_online_payment_is_kept_and_resumes_the_dossier(
    world: World, client: Client, immediate_tasks: None, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    d, payment = _pay_online_pending(world, client)
    with django_capture_on_commit_callbacks(execute=True):
        body, headers = _bank_reports(client, payment)
        client.post(CALLBACK, data=body, content_type="application/json", headers=headers)
    payment.refresh_from_db()
    d.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED and not payment.refunds.exists()
    assert d.state == State.SUBMITTED and d.fee_status == FeeStatus.PAID and d.paid_online
    assert d.payment_reference == payment.gateway_transaction_id
    assert d.events.filter(action="confirm_payment").count() == 1
    assert not d.events.filter(action__startswith="payment_refund").exists()
    # The signal for the same payment again (not sent by the payments app, but harmless).
    on_payment_succeeded(sender=Payment, payment=payment)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED and not payment.refunds.exists()
    # The counter can no longer record the fee: it is paid.
    with pytest.raises(DossierConflict):
        dossier_act(dossier=d, action="confirm_payment", actor=world.one_stop)


def test_a_double_payment_on_a_gateway_without_refunds_is_left_for_an_officer(
    world: World, client: Client, settings
) -> None:  # type: ignore[no-untyped-def]
    d, payment = _pay_online_pending(world, client)
    dossier_act(dossier=d, action="confirm_payment", actor=world.one_stop)
    # A gateway that cannot refund automatically (as the VNPAY skeleton).
    with patch.object(SimulatorGateway, "refund", side_effect=DomainError("Không hoàn được.")):
        _bank_reports(client, payment)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED and not payment.refunds.exists()
    event = d.events.get(action="payment_refund_due")
    assert "200.000 đồng" in event.note and event.data["error"] == "Không hoàn được."
    assert AuditEntry.objects.filter(action="dossier_payment_refund_due").exists()


def test_a_fee_paid_after_the_dossier_was_withdrawn_is_recorded_and_told(
    world: World, client: Client, immediate_tasks: None, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    d, payment = _pay_online_pending(world, client)
    dossier_act(dossier=d, action="withdraw", actor=world.citizen, note="Nộp nhầm")
    with django_capture_on_commit_callbacks(execute=True):
        _bank_reports(client, payment)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    event = d.events.get(action="payment_refunded")
    assert event.to_state == State.WITHDRAWN
    assert d.notifications.filter(subject__contains="hoàn trả", channel="in_app").exists()


def test_the_receipt_is_issued_by_the_receiving_agency(world: World, client: Client) -> None:
    _d, payment = _pay_online_pending(world, client)
    assert payment.payee_name == "Ủy ban nhân dân xã Hoà An"
    assert payment.payee_parent_name == "Ủy ban nhân dân tỉnh Thử Nghiệm"
    _bank_reports(client, payment)
    client.force_login(world.citizen)
    r = client.get(f"/thanh-toan/{payment.public_id}/bien-lai.pdf")
    assert r.status_code == 200
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages)
    lines = [line.strip() for line in text.splitlines()]
    # Capitals, as on administrative documents, with the agency above it first.
    parent = lines.index("ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM")
    assert lines[parent + 1] == "ỦY BAN NHÂN DÂN XÃ HOÀ AN"
    assert django_settings.SITE_NAME.upper() not in text
