"""Concurrency on PostgreSQL: codes, idempotency keys and actions under parallel threads."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from tests.dossiers.conftest import World, pdf_upload
from tinhso.dossiers.models import Channel, Dossier, State
from tinhso.dossiers.prefill import applicant_from_registry
from tinhso.dossiers.services import (
    DossierConflict,
    Upload,
    dossier_act,
    dossier_code_next,
    dossier_submit,
)

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 12


def run_parallel(fn: Callable[[int], Any], n: int = THREADS) -> list[Any]:
    if connection.vendor != "postgresql":
        pytest.skip("threads against one database need PostgreSQL")
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = fn(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_codes_are_unique_under_concurrency(world: World) -> None:
    import datetime as dt

    day = dt.date(2027, 3, 2)
    codes = run_parallel(lambda i: dossier_code_next(agency=world.tree.commune_a, day=day))
    assert all(isinstance(c, str) for c in codes), codes
    assert sorted(codes) == [f"001.00.99.H98-270302-{i:04d}" for i in range(1, THREADS + 1)]


def test_parallel_submissions_get_distinct_codes(world: World) -> None:
    def submit(i: int) -> str:
        dossier, _created = dossier_submit(
            procedure=world.procedure,
            channel=Channel.ONLINE,
            submitted_by=world.citizen,
            applicant_user=world.citizen,
            applicant=applicant_from_registry(world.citizen.citizen_id or ""),  # type: ignore[arg-type]
            uploads=[Upload(file=pdf_upload(), required_document=world.form)],
        )
        return dossier.code

    codes = run_parallel(submit)
    assert all(isinstance(c, str) for c in codes), codes
    assert len(set(codes)) == THREADS
    assert Dossier.objects.count() == THREADS


def test_same_idempotency_key_in_parallel_creates_one_dossier(world: World) -> None:
    def submit(i: int) -> tuple[str, bool]:
        dossier, created = dossier_submit(
            procedure=world.procedure,
            channel=Channel.ONLINE,
            submitted_by=world.citizen,
            applicant_user=world.citizen,
            applicant=applicant_from_registry(world.citizen.citizen_id or ""),  # type: ignore[arg-type]
            uploads=[Upload(file=pdf_upload(), required_document=world.form)],
            idempotency_key="cung-mot-khoa",
        )
        return dossier.code, created

    results = run_parallel(submit)
    assert all(isinstance(r, tuple) for r in results), results
    assert len({code for code, _ in results}) == 1
    assert sum(1 for _, created in results if created) == 1
    assert Dossier.objects.count() == 1


def test_parallel_receive_is_applied_once(world: World) -> None:
    d = world.submit()

    def receive(i: int) -> str:
        return dossier_act(dossier=d, action="receive", actor=world.one_stop).state

    results = run_parallel(receive)
    ok = [r for r in results if r == State.RECEIVED]
    conflicts = [r for r in results if isinstance(r, DossierConflict)]
    assert len(ok) == 1 and len(conflicts) == THREADS - 1, results
    d.refresh_from_db()
    assert d.version == 2 and d.events.filter(action="receive").count() == 1


def test_cash_at_the_counter_and_the_bank_callback_at_once_keep_one_payment(
    world: World,
) -> None:
    """The officer records the fee at the counter while the gateway reports the online
    payment: whichever goes first, exactly one payment is kept (the other is refunded,
    or the officer is told the fee is already paid)."""
    from decimal import Decimal

    from tinhso.dossiers.models import FeeStatus
    from tinhso.dossiers.receivers import payment_payee, payment_reference
    from tinhso.payments.models import Payment
    from tinhso.payments.services import payment_start, simulator_complete
    from tinhso.procedures.models import Procedure

    world.procedure.fee_amount = Decimal(200000)
    world.procedure.fee_timing = Procedure.FeeTiming.BEFORE_RECEIPT
    world.procedure.save()
    for _round in range(4):
        d = world.submit()
        payment = payment_start(
            reference=payment_reference(d.code),
            amount=d.fee_amount,
            description="Lệ phí",
            payer=world.citizen,
            return_url="",
            **payment_payee(d),
        )

        def race(i: int, d: Dossier = d, payment: Payment = payment) -> Any:
            if i == 0:
                return dossier_act(dossier=d, action="confirm_payment", actor=world.one_stop)
            return simulator_complete(payment=payment, succeeded=True)

        counter, online = run_parallel(race, n=2)
        assert not isinstance(online, Exception), online
        d.refresh_from_db()
        payment.refresh_from_db()
        assert d.fee_status == FeeStatus.PAID
        if isinstance(counter, DossierConflict):  # the bank was first
            assert d.paid_online and payment.status == Payment.Status.SUCCEEDED
            assert not payment.refunds.exists()
        else:  # the counter was first
            assert not isinstance(counter, Exception), counter
            assert not d.paid_online and payment.status == Payment.Status.REFUNDED
            assert d.events.filter(action="payment_refunded").count() == 1
