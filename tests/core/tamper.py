"""Tampering with the audit log as someone who may drop its guard triggers would.

Migration ``core.0004_audit_guard_triggers`` makes the database refuse edits and
deletions of audit entries. A database superuser (or the tables' owner) can still lift
those triggers; the hash chain must then detect what they did. Tests of that detection
tamper inside :func:`audit_guard_lifted`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from tinhso.core.models import AuditEntry, AuditHead

GUARDED_TABLES = (AuditEntry._meta.db_table, AuditHead._meta.db_table)


def guard_triggers() -> list[tuple[str, str]]:
    """(name, table) of the guard triggers on the audit tables."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname, tgrelid::regclass::text FROM pg_trigger"
                " WHERE NOT tgisinternal AND tgrelid::regclass::text IN (%s, %s)",
                list(GUARDED_TABLES),
            )
        else:
            cursor.execute(
                "SELECT name, tbl_name FROM sqlite_master"
                " WHERE type = 'trigger' AND tbl_name IN (%s, %s)",
                list(GUARDED_TABLES),
            )
        return sorted(cursor.fetchall())


@contextmanager
def audit_guard_lifted() -> Iterator[None]:
    """Lift the audit log's guard triggers for the block (a superuser's power)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in GUARDED_TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            try:
                yield
            finally:
                for table in GUARDED_TABLES:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            return
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (%s, %s)",
            list(GUARDED_TABLES),
        )
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        try:
            yield
        finally:
            for _name, sql in triggers:
                cursor.execute(sql)
