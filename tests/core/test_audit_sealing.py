"""Entries are recorded without a lock and chained after their transaction commits."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection, transaction

from tinhso.core.audit import audit_record, audit_seal, audit_verify
from tinhso.core.models import AuditEntry, AuditHead

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_entry_is_sealed_when_its_transaction_commits() -> None:
    with transaction.atomic():
        entry = audit_record(action="test", object_type="test.thing", object_id=1)
        audit_record(action="test", object_type="test.thing", object_id=2)
        assert AuditEntry.objects.get(pk=entry.pk).seq is None  # not before the commit
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()
    head = AuditHead.objects.get(pk=1)
    assert head.count == AuditEntry.objects.count()
    assert audit_verify().ok


def test_a_rolled_back_write_leaves_no_entry_and_later_writes_are_still_sealed() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(action="test", object_type="test.thing", object_id="gone")
        raise RuntimeError("refused")
    assert not AuditEntry.objects.filter(object_id="gone").exists()
    with transaction.atomic():
        audit_record(action="test", object_type="test.thing", object_id="kept")
    assert AuditEntry.objects.get(object_id="kept").seq is not None


def test_an_entry_outside_a_transaction_is_sealed_at_once() -> None:
    entry = audit_record(action="test", object_type="test.thing")
    entry.refresh_from_db()
    assert entry.seq == AuditHead.objects.get(pk=1).count
    assert entry.hash


def test_concurrent_writers_leave_one_complete_chain() -> None:
    """Writers in parallel threads (own connections): nothing waits, nothing is left unsealed."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the lock-free path is PostgreSQL's")
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(15):
                with transaction.atomic():
                    audit_record(action="test", object_type="test.thing", object_id=f"{n}-{i}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert AuditEntry.objects.filter(object_type="test.thing").count() == 90
    # Every committed entry was sealed by some writer, without anyone calling audit_seal.
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    report = audit_verify()
    assert report.ok, report.problems


def test_seal_is_idempotent() -> None:
    audit_record(action="test", object_type="test.thing")
    assert audit_seal() == 0
    assert audit_verify().ok


def test_the_background_sealer_seals_after_commit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Production mode on PostgreSQL: a thread of the process seals, off the request's path."""
    if connection.vendor != "postgresql":
        pytest.skip("the background sealer is PostgreSQL's")
    import time

    from tinhso.core import audit

    monkeypatch.setattr(audit, "SEAL_IN_BACKGROUND", True)
    with transaction.atomic():
        entry = audit_record(action="test", object_type="test.thing", object_id="bg")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if AuditEntry.objects.get(pk=entry.pk).seq is not None:
            break
        time.sleep(0.05)
    assert AuditEntry.objects.get(pk=entry.pk).seq is not None
    assert audit_verify().ok
    audit.release_sealer_connection()  # lets the test database be dropped
