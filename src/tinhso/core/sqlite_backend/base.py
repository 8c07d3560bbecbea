"""Django's SQLite backend, whose ``flush`` lifts the tables' guard triggers.

On PostgreSQL ``flush`` (``manage.py flush``, the teardown of transactional tests) is a
``TRUNCATE``, which fires no row trigger. SQLite has no ``TRUNCATE``: Django empties each
table with ``DELETE FROM``, which the audit log's guard triggers refuse (migration
``core.0004_audit_guard_triggers``). Here a flush drops the ``*_guard_*`` triggers of the
tables it empties, deletes, and creates them again from their stored SQL, in the flush's
one transaction: afterwards the tables are empty and guarded as before. Other triggers
(the catalogue's full-text index) still fire, as with Django's backend.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import Any

from django.db.backends.sqlite3 import base, operations

# Triggers named so refuse writes to their table; flush lifts them for its own DELETEs.
GUARD_TRIGGER_PATTERN = r"%\_guard\_%"


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(
        self,
        style: Any,
        tables: Iterable[str],
        *,
        reset_sequences: bool = False,
        allow_cascade: bool = False,
    ) -> list[str]:
        tables = list(tables)
        sql: list[str] = super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if not tables:
            return sql
        flushed = set(tables)
        if allow_cascade:  # the tables Django's sql_flush adds to simulate CASCADE
            graph = self._references_graph  # type: ignore[attr-defined]  # Django's, not stubbed
            flushed = set(chain.from_iterable(graph(table) for table in tables))
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, tbl_name, sql FROM sqlite_master"
                " WHERE type = 'trigger' AND name LIKE %s ESCAPE '\\' ORDER BY name",
                [GUARD_TRIGGER_PATTERN],
            )
            guards = [(name, sql_text) for name, table, sql_text in cursor if table in flushed]
        if not guards:
            return sql
        lift = [f"DROP TRIGGER {self.quote_name(name)};" for name, _sql in guards]
        restore = [sql_text for _name, sql_text in guards]
        return lift + sql + restore


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
