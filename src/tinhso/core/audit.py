"""Append-only, hash-chained audit log.

Every write goes through :func:`audit_record` (services call it explicitly; a
post_save/post_delete signal covers admin and other ORM writes). Each entry stores
the SHA-256 of its canonical content plus the previous entry's hash, and a locked
head row keeps the tip and count, so :func:`audit_verify` detects an edited row, a
deleted row in the middle and a deleted last row.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from tinhso.core.models import AuditEntry, AuditHead, User

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
    """Append one entry to the chain, inside the caller's transaction."""
    ctx = current_context()
    who = actor if actor is not None else ctx.actor
    if who is not None and not getattr(who, "is_authenticated", False):
        who = None
    with transaction.atomic():
        head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
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
            prev_hash=head.last_hash,
        )
        entry.hash = compute_hash(entry)
        entry.save()
        AuditHead.objects.filter(pk=1).update(last_hash=entry.hash, count=head.count + 1)
    return entry


@dataclass
class VerifyReport:
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def audit_verify(*, batch_size: int = 5000) -> VerifyReport:
    """Walk the chain in order and report every break."""
    report = VerifyReport()
    prev_hash = GENESIS
    prev_id = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=batch_size):
        report.checked += 1
        if entry.prev_hash != prev_hash:
            report.problems.append(
                f"#{entry.pk}: liên kết tới bản ghi trước bị đứt "
                f"(bản ghi sau #{prev_id} đã bị xoá hoặc sửa)"
            )
        if compute_hash(entry) != entry.hash:
            report.problems.append(f"#{entry.pk}: nội dung đã bị sửa (mã băm không khớp)")
        prev_hash = entry.hash
        prev_id = entry.pk
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
