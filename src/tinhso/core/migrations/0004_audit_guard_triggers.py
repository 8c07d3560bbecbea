"""The database itself refuses edits and deletions of the audit log (defence in depth).

The application never updates nor deletes an ``AuditEntry`` (the model and its queryset
refuse); the hash chain detects a change made behind its back. These triggers refuse such
a change at the database level too, for anyone without the right to drop them:

- ``DELETE`` of an audit entry, or of the ``AuditHead`` row, is refused;
- ``UPDATE`` of an audit entry is refused, except the sealing of an unsealed entry
  (``core.audit.audit_seal``): ``OLD.seq IS NULL``, ``seq`` and ``hash`` set, and every
  column but ``seq``, ``prev_hash`` and ``hash`` unchanged;
- ``UPDATE`` of ``AuditHead`` stays allowed (the sealer moves the tip).

``TRUNCATE`` (PostgreSQL's ``flush``) fires no row trigger and keeps working; SQLite's
``flush`` is a ``DELETE``, which the project's SQLite backend
(``tinhso.core.sqlite_backend``) runs with the ``*_guard_*`` triggers lifted.

A later migration that changes ``core_auditentry`` must keep the triggers: on SQLite an
``AlterField``/``AddField`` remakes the table (copy, drop, rename) and drops its triggers,
so recreate them afterwards; a new column must be added to the comparison of both
engines (tests/core/test_audit_guard.py tries every column).
"""

from django.db import migrations

# Every column an unsealed entry must keep when it is sealed.
KEPT_COLUMNS = (
    "id",
    "at",
    "actor_id",
    "actor_repr",
    "ip",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "agency_code",
    "changes",
)

MESSAGE_DELETE = "audit log is append-only: an audit entry cannot be deleted"
MESSAGE_SEALED = "audit log is append-only: a sealed audit entry cannot be changed"
MESSAGE_UNSEALED = (
    "audit log is append-only: an unsealed audit entry may only be sealed"
    " (seq, prev_hash and hash set, every other column unchanged)"
)
MESSAGE_HEAD_DELETE = "audit log head cannot be deleted"

_PG_CHANGED = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in KEPT_COLUMNS)

POSTGRES_FORWARD = [
    f"""CREATE OR REPLACE FUNCTION core_auditentry_guard() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION USING
                MESSAGE = '{MESSAGE_DELETE} (id ' || OLD.id || ')',
                ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF OLD.seq IS NOT NULL THEN
            RAISE EXCEPTION USING
                MESSAGE = '{MESSAGE_SEALED} (id ' || OLD.id || ')',
                ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF NEW.seq IS NULL OR NEW.hash IS NULL OR {_PG_CHANGED} THEN
            RAISE EXCEPTION USING
                MESSAGE = '{MESSAGE_UNSEALED} (id ' || OLD.id || ')',
                ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END;
    $$""",
    """CREATE TRIGGER core_auditentry_guard
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION core_auditentry_guard()""",
    f"""CREATE OR REPLACE FUNCTION core_audithead_guard() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION USING
            MESSAGE = '{MESSAGE_HEAD_DELETE}',
            ERRCODE = 'integrity_constraint_violation';
    END;
    $$""",
    """CREATE TRIGGER core_audithead_guard
    BEFORE DELETE ON core_audithead
    FOR EACH ROW EXECUTE FUNCTION core_audithead_guard()""",
]

POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS core_audithead_guard ON core_audithead",
    "DROP FUNCTION IF EXISTS core_audithead_guard()",
    "DROP TRIGGER IF EXISTS core_auditentry_guard ON core_auditentry",
    "DROP FUNCTION IF EXISTS core_auditentry_guard()",
]

_SQLITE_CHANGED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in KEPT_COLUMNS)

SQLITE_FORWARD = [
    f"""CREATE TRIGGER core_auditentry_guard_delete
    BEFORE DELETE ON core_auditentry
    BEGIN SELECT RAISE(ABORT, '{MESSAGE_DELETE}'); END""",
    f"""CREATE TRIGGER core_auditentry_guard_update_sealed
    BEFORE UPDATE ON core_auditentry
    WHEN OLD.seq IS NOT NULL
    BEGIN SELECT RAISE(ABORT, '{MESSAGE_SEALED}'); END""",
    f"""CREATE TRIGGER core_auditentry_guard_update_unsealed
    BEFORE UPDATE ON core_auditentry
    WHEN OLD.seq IS NULL AND (NEW.seq IS NULL OR NEW.hash IS NULL OR {_SQLITE_CHANGED})
    BEGIN SELECT RAISE(ABORT, '{MESSAGE_UNSEALED}'); END""",
    f"""CREATE TRIGGER core_audithead_guard_delete
    BEFORE DELETE ON core_audithead
    BEGIN SELECT RAISE(ABORT, '{MESSAGE_HEAD_DELETE}'); END""",
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS core_audithead_guard_delete",
    "DROP TRIGGER IF EXISTS core_auditentry_guard_update_unsealed",
    "DROP TRIGGER IF EXISTS core_auditentry_guard_update_sealed",
    "DROP TRIGGER IF EXISTS core_auditentry_guard_delete",
]


def _run(schema_editor, statements_by_vendor):
    statements = statements_by_vendor.get(schema_editor.connection.vendor)
    if statements is None:
        raise RuntimeError(
            f"no audit guard triggers for database {schema_editor.connection.vendor!r}"
        )
    for statement in statements:
        schema_editor.execute(statement)


def install_guard(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD})


def remove_guard(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE})


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_audit_sealed_chain"),
    ]

    operations = [
        migrations.RunPython(install_guard, remove_guard),
    ]
