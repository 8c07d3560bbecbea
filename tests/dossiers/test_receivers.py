"""The payment gateway's news reaching the dossiers: a fee paid online resumes the dossier;
a fee paid for a dossier closed meanwhile is given back."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.dossiers.conftest import World
from tinhso.dossiers.models import Dossier, FeeStatus, State
from tinhso.dossiers.receivers import payment_reference
from tinhso.dossiers.services import dossier_act
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
