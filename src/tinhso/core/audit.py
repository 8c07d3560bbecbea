"""Append-only, hash-chained audit log.

Every write goes through :func:`audit_record` (services call it explicitly; a
post_save/post_delete signal covers admin and other ORM writes).

Recording and chaining are two steps, so that writers never wait for each other:

1. :func:`audit_record` inserts the entry inside the caller's transaction (one
   ``INSERT``, no lock): it commits or rolls back with the write it describes.
2. :func:`audit_seal` chains committed entries, in batches, by one sealer at a time:
   each gets the next ``seq``, the previous entry's hash and the SHA-256 of its
   canonical content; the head row keeps the tip and the count. It runs right after
   every commit that recorded an entry (non-blocking: if another process is sealing,
   that one picks the entry up, see :func:`_seal_after_commit`), from
   ``tinhso audit seal`` and before :func:`audit_verify`.

:func:`audit_verify` then detects an edited row, a deleted row in the middle and a
deleted last row. An entry is open to undetected editing only between its commit and
its sealing (milliseconds under traffic; see docs/architecture.md).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import json
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from tinhso.core.models import AuditEntry, AuditHead, User

logger = logging.getLogger(__name__)

GENESIS = "0" * 64


@dataclass
class AuditContext:
    actor: User | None = None
    ip: str = ""
    suppressed: bool = False


_context: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar(
    "tinhso_audit_context", default=None
)


def current_context() -> AuditContext:
    return _context.get() or AuditContext()


@contextmanager
def audit_context(*, actor: User | None = None, ip: str = "") -> Iterator[AuditContext]:
    """Attribute writes in this block to ``actor`` from ``ip``."""
    ctx = AuditContext(actor=actor, ip=ip)
    token = _context.set(ctx)
    try:
        yield ctx
    finally:
        _context.reset(token)


def audit_set_actor(actor: User) -> None:
    """Attribute the rest of the current request's writes to ``actor``.

    The middleware opens the context before the API has authenticated a token;
    token authentication calls this so that API writes name their user too.
    """
    ctx = _context.get()
    if ctx is not None:
        ctx.actor = actor


@contextmanager
def audit_suppressed() -> Iterator[None]:
    """Skip the automatic signal entries (used where a service records one richer entry)."""
    outer = current_context()
    token = _context.set(AuditContext(actor=outer.actor, ip=outer.ip, suppressed=True))
    try:
        yield
    finally:
        _context.reset(token)


def _canonical(entry: AuditEntry) -> bytes:
    payload = {
        "at": entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": entry.actor_id,
        "actor_repr": entry.actor_repr,
        "ip": entry.ip,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "agency_code": entry.agency_code,
        "changes": entry.changes,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()


def compute_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_canonical(entry)).hexdigest()


def _now_to_the_millisecond() -> dt.datetime:
    """Now, without sub-millisecond digits.

    Django's JSON serializer (``dumpdata``, backups, serialized test rollback) keeps
    milliseconds only; a timestamp that survives the round trip keeps its hash valid.
    """
    now = timezone.now()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def audit_record(
    *,
    action: str,
    object_type: str,
    object_id: str | int = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    agency_code: str = "",
    actor: User | None = None,
    ip: str | None = None,
) -> AuditEntry:
    """Record one entry inside the caller's transaction; it is chained once committed."""
    ctx = current_context()
    who = actor if actor is not None else ctx.actor
    if who is not None and not getattr(who, "is_authenticated", False):
        who = None
    entry = AuditEntry(
        at=_now_to_the_millisecond(),
        actor=who,
        actor_repr=(who.get_username() if who else "hệ thống")[:200],
        ip=(ip if ip is not None else ctx.ip)[:45],
        action=action[:50],
        object_type=object_type[:100],
        object_id=str(object_id)[:100],
        object_repr=object_repr[:255],
        agency_code=agency_code[:20],
        changes=_jsonable(changes or {}),
    )
    entry.save()
    _seal_after_commit()
    return entry


# PostgreSQL advisory lock key of the sealer (any constant; "tinhso audit" in ASCII).
_SEAL_LOCK = 0x74696E68736F6175


def _seal_after_commit() -> None:
    """Seal once the current transaction commits (one callback per transaction)."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        _seal_soon()
        return
    # Django drops the callbacks of a rolled-back (savepoint) block from this list.
    if any(func is _seal_soon for _sids, func, _robust in conn.run_on_commit):
        return
    transaction.on_commit(_seal_soon)


# On PostgreSQL a thread of each process seals what the process's requests recorded, so
# that sealing is off the requests' path and batched under load. Tests turn it off to
# seal at once, after commit, in the writing thread.
SEAL_IN_BACKGROUND = True


class _BackgroundSealer:
    """One daemon thread per process; woken after each commit that recorded entries."""

    IDLE_SECONDS = 60.0
    # After a wake-up the thread waits this long before sealing, so that the commits of
    # the next moments are sealed together: under load one seal (≈ 8 statements) covers
    # the entries of dozens of requests instead of running once per request; when the
    # site is quiet an entry is sealed a fifth of a second after its commit.
    GATHER_SECONDS = 0.2

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.wake = threading.Event()
        self.release = threading.Event()
        self.released = threading.Event()
        self.thread = threading.Thread(target=self._run, name="tinhso-audit-sealer", daemon=True)
        self.thread.start()

    def _run(self) -> None:  # pragma: no cover - exercised by test_audit_sealing in a thread
        from django.db import close_old_connections

        while True:
            woken = self.wake.wait(timeout=self.IDLE_SECONDS)
            if woken:
                self.release.wait(timeout=self.GATHER_SECONDS)  # cut short by a release
                self.wake.clear()
                close_old_connections()
                try:
                    _seal_pending()
                except Exception:
                    logger.exception(
                        "audit entries not sealed now (they will be at the next write)"
                    )
                    connection.close()
            if not woken or self.release.is_set():
                connection.close()  # idle (or asked to): give the connection back
                self.release.clear()
                self.released.set()


_sealer: _BackgroundSealer | None = None
_sealer_lock = threading.Lock()


def release_sealer_connection(timeout: float = 5.0) -> None:
    """Have this process's sealer thread close its database connection (tests, shutdown)."""
    sealer = _sealer
    if sealer is None or sealer.pid != os.getpid():
        return
    sealer.released.clear()
    sealer.release.set()
    sealer.wake.set()
    sealer.released.wait(timeout)


def _seal_soon() -> None:
    """Seal what is waiting, now (SQLite, tests) or in this process's sealer thread."""
    global _sealer
    if connection.vendor == "postgresql" and SEAL_IN_BACKGROUND:
        with _sealer_lock:
            if _sealer is None or _sealer.pid != os.getpid():  # first use, or forked
                _sealer = _BackgroundSealer()
        _sealer.wake.set()
        return
    try:
        _seal_pending()
    except Exception:  # sealing must never fail the request whose write is committed
        logger.exception("audit entries not sealed now (they will be at the next write)")


def _seal_pending() -> None:
    """Seal what is waiting, without ever waiting for another sealer.

    PostgreSQL: a session advisory lock taken with ``pg_try_advisory_lock``; a sealer
    that does not get it leaves the entries to the holder, who checks for entries
    committed meanwhile *after* releasing the lock (so none is left behind: a writer
    commits before its sealer tries the lock, the holder looks after releasing it).
    Other engines serialise writers anyway and seal directly.
    """
    if connection.vendor != "postgresql":
        audit_seal()
        return
    while True:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_SEAL_LOCK])
            row = cursor.fetchone()
        if not row or not row[0]:
            return
        try:
            audit_seal()
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_SEAL_LOCK])
        if not AuditEntry.objects.filter(seq__isnull=True).exists():
            return


def audit_seal(*, batch_size: int = 2000) -> int:
    """Chain every committed, unsealed entry (in id order); return how many were sealed.

    Safe to call from several processes at once: the head row is locked while sealing.
    """
    sealed = 0
    while True:
        with transaction.atomic():
            head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
            batch = list(AuditEntry.objects.filter(seq__isnull=True).order_by("id")[:batch_size])
            if not batch:
                return sealed
            prev_hash, count = head.last_hash, head.count
            rows = []
            for entry in batch:
                count += 1
                entry.prev_hash = prev_hash
                entry.hash = compute_hash(entry)
                rows.append((count, entry.prev_hash, entry.hash, entry.pk))
                prev_hash = entry.hash
            table = connection.ops.quote_name(AuditEntry._meta.db_table)
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s "  # noqa: S608
                    "WHERE id = %s AND seq IS NULL",
                    rows,
                )
            AuditHead.objects.filter(pk=1).update(last_hash=prev_hash, count=count)
            sealed += len(batch)
            if len(batch) < batch_size:
                return sealed


@dataclass
class VerifyReport:
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def audit_verify(*, batch_size: int = 5000) -> VerifyReport:
    """Seal what is waiting, then walk the chain in order and report every break."""
    audit_seal()
    report = VerifyReport()
    prev_hash = GENESIS
    prev_seq = 0
    entries = AuditEntry.objects.filter(seq__isnull=False).order_by("seq")
    for entry in entries.iterator(chunk_size=batch_size):
        report.checked += 1
        if entry.prev_hash != prev_hash or entry.seq != prev_seq + 1:
            report.problems.append(
                f"#{entry.pk}: liên kết tới bản ghi trước bị đứt "
                f"(bản ghi sau số thứ tự {prev_seq} đã bị xoá hoặc sửa)"
            )
        if compute_hash(entry) != entry.hash:
            report.problems.append(f"#{entry.pk}: nội dung đã bị sửa (mã băm không khớp)")
        prev_hash = entry.hash or ""
        prev_seq = entry.seq or 0
    head = AuditHead.objects.filter(pk=1).first()
    expected_count = head.count if head else 0
    expected_tip = head.last_hash if head else GENESIS
    if report.checked != expected_count:
        report.problems.append(
            f"số bản ghi {report.checked} khác số đã ghi {expected_count}: có bản ghi bị xoá"
        )
    if prev_hash != expected_tip:
        report.problems.append("bản ghi cuối chuỗi không khớp đầu chuỗi: có bản ghi bị xoá/sửa")
    return report
