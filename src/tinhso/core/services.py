"""Writes for core. Each function is one transaction and raises a domain error on refusal."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from vietnam_provinces import NESTED_DIVISIONS_JSON_PATH

from tinhso.core.audit import audit_record, audit_suppressed
from tinhso.core.models import (
    AdministrativeUnit,
    Agency,
    ApiToken,
    CalendarOverride,
    Membership,
    Role,
    User,
)
from tinhso.core.selectors import copy_scope, load_scope

FORMER_DISTRICTS_PATH = Path(__file__).parent / "data" / "former-districts.json"
TOKEN_BYTES = 32
# Date the district level was abolished (Resolution 202/2025/QH15, in force 1 July 2025).
DISTRICT_LEVEL_ENDED = dt.date(2025, 7, 1)


class DomainError(Exception):
    """A refused operation; ``message`` is shown to the user in their language."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@transaction.atomic
def admin_units_load(*, province_codes: list[str] | None = None) -> dict[str, int]:
    """Load provinces and communes/wards from ``vietnam-provinces``, plus former districts.

    Idempotent: existing rows are updated in place, nothing is duplicated. With
    ``province_codes`` only those provinces' units are loaded.
    """
    wanted = {c.zfill(2) for c in province_codes} if province_codes else None
    data = json.loads(NESTED_DIVISIONS_JSON_PATH.read_text(encoding="utf-8"))
    former = json.loads(FORMER_DISTRICTS_PATH.read_text(encoding="utf-8"))["districts"]
    existing = {u.code: u for u in AdministrativeUnit.objects.all()}
    counts = {"province": 0, "commune": 0, "district": 0}

    def upsert(
        code: str,
        name: str,
        division_type: str,
        level: str,
        parent: AdministrativeUnit | None,
        *,
        current: bool,
    ) -> AdministrativeUnit:
        unit = existing.get(code) or AdministrativeUnit(code=code)
        unit.name = name
        unit.division_type = division_type
        unit.level = level
        unit.parent = parent
        unit.is_current = current
        unit.valid_until = None if current else DISTRICT_LEVEL_ENDED
        unit.save()
        existing[code] = unit
        counts[level] += 1
        return unit

    with audit_suppressed():
        for p in data:
            pcode = str(p["code"]).zfill(2)
            if wanted is not None and pcode not in wanted:
                continue
            province = upsert(pcode, p["name"], p["division_type"], "province", None, current=True)
            for w in p.get("wards", []):
                upsert(
                    str(w["code"]).zfill(5),
                    w["name"],
                    w["division_type"],
                    "commune",
                    province,
                    current=True,
                )
            for d in former:
                if d["province_code"] == pcode:
                    upsert(
                        d["code"],
                        d["name"],
                        d["division_type"],
                        "district",
                        province,
                        current=False,
                    )
        if wanted is None:
            # Districts of the provinces merged into another in 2025 have no current
            # province with their old code: keep them for history, without a parent.
            current_codes = {str(p["code"]).zfill(2) for p in data}
            for d in former:
                if d["province_code"] not in current_codes:
                    upsert(
                        d["code"], d["name"], d["division_type"], "district", None, current=False
                    )
    audit_record(action="import", object_type="core.administrativeunit", changes=counts)
    return counts


def _new_key() -> str:
    while True:
        body = secrets.token_urlsafe(TOKEN_BYTES)
        # The prefix (the key's first characters after "tsk_") is typed on the command
        # line (`tinhso token revoke PREFIX`): one starting with "-" reads as an option.
        if not body.startswith("-"):
            return "tsk_" + body


@transaction.atomic
def token_create(
    *, user: User, name: str, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token and return it with the plain key, which is shown once and never stored."""
    name = name.strip()
    if not name:
        raise DomainError(_("Cần đặt tên cho khoá API."), field="name")
    if not user.is_active:
        raise DomainError(_("Tài khoản đã bị khoá, không thể tạo khoá API."))
    key = _new_key()
    token = ApiToken(
        user=user,
        name=name[:100],
        prefix=key[4 : 4 + ApiToken.PREFIX_LENGTH],
        key_hash=ApiToken.hash_key(key),
        expires_at=expires_at,
    )
    with audit_suppressed():
        token.save()
    audit_record(
        action="token_create",
        object_type="core.apitoken",
        object_id=token.pk,
        object_repr=str(token),
        actor=user,
    )
    return token, key


@transaction.atomic
def token_revoke(*, token: ApiToken, by: User | None = None) -> ApiToken:
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    with audit_suppressed():
        token.save(update_fields=["revoked_at"])
    audit_record(
        action="token_revoke",
        object_type="core.apitoken",
        object_id=token.pk,
        object_repr=str(token),
        actor=by,
    )
    return token


# An API client sends its key with every request; each process keeps the users of the
# keys it has just checked for TOKEN_CACHE_SECONDS instead of reading key and user again.
# A key revoked or a user deactivated in this process is forgotten at once (signals);
# other processes stop accepting it after at most that long.
TOKEN_CACHE_SECONDS = 5.0
_TOKEN_CACHE_MAX = 2000
_tokens_kept: dict[str, tuple[float, User, dt.datetime | None]] = {}
_USER_FIELDS = tuple(f.attname for f in User._meta.concrete_fields)


def forget_kept_tokens(**_kwargs: object) -> None:
    """Signal receiver: a key or a user changed."""
    _tokens_kept.clear()


def token_authenticate(*, header: str) -> User | None:
    """Accept ``Authorization: <key>`` and ``Authorization: Bearer <key>``; None if invalid."""
    value = header.strip()
    if value.lower().startswith("bearer "):
        value = value[7:].strip()
    if not value or len(value) > 200:
        return None
    key_hash = ApiToken.hash_key(value)
    now = timezone.now()
    kept = _tokens_kept.get(key_hash)
    if kept is not None and kept[0] > time.monotonic() and (kept[2] is None or kept[2] > now):
        return _fresh_user(kept[1])
    token = ApiToken.objects.select_related("user").filter(key_hash=key_hash).first()
    if token is None or not token.is_active or not token.user.is_active:
        _tokens_kept.pop(key_hash, None)
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(seconds=60):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    if len(_tokens_kept) >= _TOKEN_CACHE_MAX:
        _tokens_kept.clear()
    # Kept until TOKEN_CACHE_SECONDS have passed, with the user's agency scope (read now:
    # nearly every API call needs it); ``last_used_at`` is written at most once a minute.
    # The kept object itself is never handed out, so no request can change it.
    load_scope(token.user)
    _tokens_kept[key_hash] = (time.monotonic() + TOKEN_CACHE_SECONDS, token.user, token.expires_at)
    return _fresh_user(token.user)


def _fresh_user(kept: User) -> User:
    """A new instance per request (per-request caches live on the user object), with the
    kept agency scope, which core.selectors uses only while no membership has changed."""
    user = User.from_db(None, _USER_FIELDS, [getattr(kept, f) for f in _USER_FIELDS])
    copy_scope(kept, user)
    return user


@transaction.atomic
def membership_grant(
    *, user: User, agency: Agency, role: str, by: User | None = None
) -> Membership:
    if role not in Role.values:
        raise DomainError(_("Vai trò không hợp lệ: %(role)s") % {"role": role}, field="role")
    membership, _created = Membership.objects.get_or_create(user=user, agency=agency, role=role)
    return membership


@transaction.atomic
def membership_revoke(*, user: User, agency: Agency, role: str) -> int:
    deleted = 0
    for m in Membership.objects.filter(user=user, agency=agency, role=role):
        m.delete()
        deleted += 1
    return deleted


@transaction.atomic
def calendar_override_set(*, date: dt.date, kind: str, reason: str) -> CalendarOverride:
    if kind not in CalendarOverride.Kind.values:
        raise DomainError(_("Loại điều chỉnh không hợp lệ."), field="kind")
    if not reason.strip():
        raise DomainError(_("Cần ghi căn cứ hoặc lý do điều chỉnh."), field="reason")
    override, _created = CalendarOverride.objects.update_or_create(
        date=date, defaults={"kind": kind, "reason": reason.strip()}
    )
    return override
