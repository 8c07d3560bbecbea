"""The database refuses edits and deletions of the audit log (migration core.0004).

Raw SQL, past the model's refusals: what someone with SQL access (or a bug) could run.
Each refusal runs in a savepoint, as PostgreSQL aborts the transaction on an error.
"""

from __future__ import annotations

import importlib
import types
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from tests.core.tamper import GUARDED_TABLES, audit_guard_lifted, guard_triggers
from tinhso.core.audit import audit_record, audit_seal, audit_verify
from tinhso.core.models import AuditEntry, AuditHead

pytestmark = pytest.mark.django_db

TABLE = AuditEntry._meta.db_table
HEAD = AuditHead._meta.db_table
SEALING_COLUMNS = {"seq", "prev_hash", "hash"}
KEPT_COLUMNS = [
    f.column for f in AuditEntry._meta.concrete_fields if f.column not in SEALING_COLUMNS
]

guard_migration = importlib.import_module("tinhso.core.migrations.0004_audit_guard_triggers")


def raw_sql(sql: str, params: list[object] | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def refused(sql: str, params: list[object] | None = None, *, rule: str) -> None:
    """``sql`` fails with the error naming ``rule``, and changes nothing."""
    with pytest.raises(IntegrityError, match=rule), transaction.atomic():
        raw_sql(sql, params)


def row(pk: int) -> tuple[object, ...]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {TABLE} WHERE id = %s", [pk])
        found = cursor.fetchone()
    assert found is not None
    return tuple(found)


def sealed_entry() -> AuditEntry:
    entry = audit_record(action="test", object_type="test.thing", object_id="1")
    audit_seal()
    entry.refresh_from_db()
    assert entry.seq is not None
    return entry


def unsealed_entry() -> AuditEntry:
    """Tests run in a transaction that never commits: the entry stays unsealed."""
    entry = audit_record(action="test", object_type="test.thing", object_id="1")
    entry.refresh_from_db()
    assert entry.seq is None
    return entry


def test_the_guard_triggers_are_installed() -> None:
    assert {table for _name, table in guard_triggers()} == set(GUARDED_TABLES)


def test_a_sealed_entry_cannot_be_updated_in_sql() -> None:
    entry = sealed_entry()
    before = row(entry.pk)
    refused(
        f"UPDATE {TABLE} SET action = %s WHERE id = %s",
        ["forged", entry.pk],
        rule="sealed audit entry cannot be changed",
    )
    assert row(entry.pk) == before
    assert audit_verify().ok


def test_a_sealed_entry_cannot_be_resealed_with_a_new_hash() -> None:
    """Rewriting the chain's tail (content and hash together) is refused too."""
    entry = sealed_entry()
    before = row(entry.pk)
    refused(
        f"UPDATE {TABLE} SET object_id = %s, hash = %s WHERE id = %s",
        ["42", "f" * 64, entry.pk],
        rule="sealed audit entry cannot be changed",
    )
    refused(
        f"UPDATE {TABLE} SET seq = NULL WHERE id = %s",
        [entry.pk],
        rule="sealed audit entry cannot be changed",
    )
    assert row(entry.pk) == before


@pytest.mark.parametrize("seal", [True, False], ids=["sealed", "unsealed"])
def test_an_entry_cannot_be_deleted_in_sql(seal: bool) -> None:
    entry = sealed_entry() if seal else unsealed_entry()
    refused(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk], rule="audit entry cannot be deleted")
    refused(f"DELETE FROM {TABLE}", rule="audit entry cannot be deleted")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    assert audit_verify().ok


def test_sealing_still_works_and_the_chain_verifies() -> None:
    entries = [unsealed_entry() for _ in range(3)]
    assert audit_seal() >= 3
    for entry in entries:
        entry.refresh_from_db()
        assert entry.seq is not None and entry.hash
    report = audit_verify()
    assert report.ok, report.problems
    assert AuditHead.objects.get(pk=1).count == AuditEntry.objects.count()


def _other_value(column: str, entry: AuditEntry) -> tuple[str, object]:
    """A placeholder and a value different from ``entry``'s for ``column``."""
    values: dict[str, object] = {
        "id": entry.pk + 1_000_000,
        "at": "2020-01-01 00:00:00",
        "actor_id": 999_999,
        "changes": '{"forged": true}',
    }
    value = values.get(column, "forged")
    if column == "changes" and connection.vendor == "postgresql":
        return "%s::jsonb", value
    return "%s", value


@pytest.mark.parametrize("column", KEPT_COLUMNS)
def test_an_unsealed_entry_cannot_have_another_column_changed(column: str) -> None:
    """Every column but seq/prev_hash/hash: alone, or smuggled into a sealing."""
    entry = unsealed_entry()
    before = row(entry.pk)
    placeholder, value = _other_value(column, entry)
    refused(
        f"UPDATE {TABLE} SET {column} = {placeholder} WHERE id = %s",
        [value, entry.pk],
        rule="unsealed audit entry may only be sealed",
    )
    refused(
        f"UPDATE {TABLE} SET seq = %s, prev_hash = %s, hash = %s, {column} = {placeholder}"
        " WHERE id = %s",
        [10_000_000, "0" * 64, "e" * 64, value, entry.pk],
        rule="unsealed audit entry may only be sealed",
    )
    assert row(entry.pk) == before


def test_an_unsealed_entry_may_be_sealed_but_not_otherwise_touched() -> None:
    """Only a sealing (seq and hash set) passes; the sealer's own statement is that."""
    entry = unsealed_entry()
    refused(
        f"UPDATE {TABLE} SET prev_hash = %s WHERE id = %s",
        ["0" * 64, entry.pk],
        rule="unsealed audit entry may only be sealed",
    )
    assert (
        raw_sql(
            f"UPDATE {TABLE} SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s AND seq IS NULL",
            [10_000_000, "0" * 64, "e" * 64, entry.pk],
        )
        == 1
    )


def test_the_head_can_be_moved_but_not_deleted() -> None:
    sealed_entry()
    refused(f"DELETE FROM {HEAD}", rule="audit log head cannot be deleted")
    assert raw_sql(f"UPDATE {HEAD} SET count = count WHERE id = 1") == 1
    assert AuditHead.objects.filter(pk=1).exists()


def test_the_chain_still_detects_a_change_made_with_the_guard_lifted() -> None:
    """A database superuser can drop the triggers; the hash chain then tells."""
    entry = sealed_entry()
    with audit_guard_lifted():
        raw_sql(f"UPDATE {TABLE} SET action = %s WHERE id = %s", ["forged", entry.pk])
    assert not audit_verify().ok
    refused(
        f"UPDATE {TABLE} SET action = %s WHERE id = %s",
        ["test", entry.pk],
        rule="sealed audit entry cannot be changed",
    )


def test_flush_empties_the_audit_log_and_keeps_its_guard() -> None:
    """flush (TRUNCATE on PostgreSQL; DELETE with the guard lifted on SQLite) still works."""
    sealed_entry()
    triggers = guard_triggers()
    call_command("flush", interactive=False, inhibit_post_migrate=True, stdout=StringIO())
    assert not AuditEntry.objects.exists() and not AuditHead.objects.exists()
    assert guard_triggers() == triggers
    entry = sealed_entry()
    refused(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk], rule="audit entry cannot be deleted")


def test_the_migration_reverse_drops_the_guard_and_forward_restores_it() -> None:
    with connection.cursor() as cursor:
        editor = types.SimpleNamespace(connection=connection, execute=cursor.execute)
        guard_migration.remove_guard(None, editor)
        assert guard_triggers() == []
        entry = sealed_entry()
        assert raw_sql(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk]) == 1
        guard_migration.install_guard(None, editor)
    assert {table for _name, table in guard_triggers()} == set(GUARDED_TABLES)
    entry = sealed_entry()
    refused(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk], rule="audit entry cannot be deleted")


def test_sqlite_flush_lifts_only_the_guards_of_the_tables_it_empties() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's flush is a TRUNCATE, which fires no row trigger")
    from django.core.management.color import no_style

    unrelated = connection.ops.sql_flush(no_style(), ["core_agency"])
    assert not any("TRIGGER" in statement for statement in unrelated)
    for cascade in (False, True):
        sql = connection.ops.sql_flush(no_style(), [TABLE, HEAD], allow_cascade=cascade)
        dropped = [s for s in sql if s.startswith("DROP TRIGGER")]
        assert len(dropped) == len(guard_triggers()) == 4
        # lifted before the DELETEs, created again after them
        first_delete = next(i for i, s in enumerate(sql) if s.startswith("DELETE"))
        assert sql.index(dropped[-1]) < first_delete
        assert all(s.startswith("CREATE TRIGGER") for s in sql[-4:])
