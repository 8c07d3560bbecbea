"""Writes for the catalog. CONTRACT — signatures are fixed; bodies are implemented by the
catalog-core work (every function: one transaction, validation with field errors,
permission check, an Activity revision snapshot, search index update, audit).

Other modules (CKAN API, harvesting, demo data, publisher UI) call only these.

Semantics every caller can rely on:

* Permission is checked first (:class:`CatalogPermissionDenied`), then *all* fields are
  validated and every problem is reported at once (:class:`CatalogValidationError`, CKAN
  key names); nothing is written unless everything is valid.
* Each dataset write (including resource writes, which change their dataset) stores one
  :class:`~tinhso.catalog.models.Activity` with the next ``revision`` and a full snapshot
  (:func:`dataset_snapshot`), bumps ``metadata_modified``, updates the search index and
  appends one audit entry, all in the same transaction.
* Licence ids accept CKAN's legacy ids as aliases (``cc-by`` → ``CC-BY-4.0``…).
* Resource ``format`` is upper case (``CSV``, ``XLSX``…); for uploads ``hash`` is the
  SHA-256 as 64 lower-case hex digits, ``size`` bytes, ``mimetype`` the detected type.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from tinhso.catalog import search
from tinhso.catalog.models import (
    Activity,
    Dataset,
    Group,
    License,
    Organization,
    OrganizationMember,
    Resource,
    Tag,
)
from tinhso.catalog.selectors import can_admin_organization, can_edit_organization
from tinhso.catalog.uploads import (
    UploadRejected,
    format_from_url,
    inspect_upload,
    normalize_format,
)
from tinhso.core.audit import audit_record, audit_suppressed
from tinhso.core.models import AdministrativeUnit, Agency, User
from tinhso.core.services import DomainError
from tinhso.core.text import clean_text, nfc, slugify_vi


class CatalogValidationError(DomainError):
    """Invalid input. ``errors`` maps a field name (CKAN key names: name, title, owner_org,
    license_id, tags, groups, url, upload, …) to a list of Vietnamese messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        first = next(iter(errors.items()), ("", [""]))
        super().__init__(f"{first[0]}: {first[1][0]}" if first[0] else "", field=first[0] or None)
        self.errors = errors


class CatalogPermissionDenied(DomainError):
    """The user may not do this to this organization's datasets."""


class CatalogNotFound(DomainError):
    """A referenced object (dataset, resource, organization, group, licence) does not exist."""


NAME_RE = re.compile(r"^[a-z0-9_-]{2,100}$")
TAG_MAX = 100
EXTRA_KEY_MAX = 100
EXTRA_VALUE_MAX = 10_000
# CKAN's legacy licence ids → ours.
LICENSE_ALIASES = {
    "cc-by": "CC-BY-4.0",
    "cc-by-4.0": "CC-BY-4.0",
    "cc-zero": "CC0-1.0",
    "cc0": "CC0-1.0",
    "cc0-1.0": "CC0-1.0",
    "odc-by": "ODC-BY-1.0",
    "odc-by-1.0": "ODC-BY-1.0",
    "odc-odbl": "ODbL-1.0",
    "odbl": "ODbL-1.0",
    "odbl-1.0": "ODbL-1.0",
}
_URL = URLValidator(schemes=["http", "https"])
_EMAIL = EmailValidator()

# Fields of dataset_create and their "reset" value for dataset_update.
_DEFAULTS: dict[str, Any] = {
    "notes": "",
    "license_id": None,
    "tags": (),
    "groups": (),
    "private": False,
    "version": "",
    "url": "",
    "author": "",
    "author_email": "",
    "maintainer": "",
    "maintainer_email": "",
    "frequency": "",
    "temporal_start": None,
    "temporal_end": None,
    "spatial": (),
    "extras": None,
    "metadata_modified": None,
}
# Kept by dataset_update when omitted (no meaningful default).
_KEPT = ("organization", "name", "title", "state", "metadata_created")
_DATASET_FIELDS = frozenset(_DEFAULTS) | frozenset(_KEPT) | {"resources"}
_CORE_KEYS = frozenset(_DATASET_FIELDS) | {
    "id",
    "owner_org",
    "license_title",
    "num_resources",
    "num_tags",
    "type",
    "creator_user_id",
    "organization",
    "relationships_as_object",
    "relationships_as_subject",
    "isopen",
}
_RESOURCE_FIELDS = frozenset(
    {
        "name",
        "url",
        "upload",
        "description",
        "format",
        "position",
        "extras",
        "mimetype",
        "size",
        "hash",
        "last_modified",
        "created",
    }
)


# --- Helpers ----------------------------------------------------------------------------------


def _check(user: User | None, organization: Organization, check_permission: bool) -> None:
    if check_permission and not can_edit_organization(user, organization):
        raise CatalogPermissionDenied(
            _("Bạn không có quyền sửa dữ liệu của tổ chức “%(org)s”.") % {"org": organization.title}
        )


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _text(value: Any, field: str, errors: dict[str, list[str]], *, max_length: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        _add(errors, field, _("Giá trị phải là chuỗi ký tự."))
        return ""
    cleaned = clean_text(value)
    if len(cleaned) > max_length:
        _add(errors, field, _("Dài quá %(n)s ký tự.") % {"n": max_length})
    return cleaned


def _url(value: Any, field: str, errors: dict[str, list[str]], *, max_length: int) -> str:
    text = _text(value, field, errors, max_length=max_length)
    if text:
        try:
            _URL(text)
        except ValidationError:
            _add(
                errors, field, _("Đường dẫn không hợp lệ: chỉ nhận địa chỉ http:// hoặc https://.")
            )
    return text


def _email(value: Any, field: str, errors: dict[str, list[str]]) -> str:
    text = _text(value, field, errors, max_length=254)
    if text:
        try:
            _EMAIL(text)
        except ValidationError:
            _add(errors, field, _("Địa chỉ thư điện tử không hợp lệ."))
    return text


def _bool(value: Any, field: str, errors: dict[str, list[str]]) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {
        "true",
        "false",
        "1",
        "0",
        "yes",
        "no",
        "on",
        "off",
        "",
    }:
        return value.strip().lower() in {"true", "1", "yes", "on"}
    if isinstance(value, int):
        return bool(value)
    _add(errors, field, _("Giá trị phải là true hoặc false."))
    return False


def _date(value: Any, field: str, errors: dict[str, list[str]]) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        parsed = parse_date(text[:10]) if len(text) >= 10 else None
        if parsed is None and len(text) == 4 and text.isdigit():
            parsed = dt.date(
                int(text),
                1 if field.endswith("start") else 12,
                1 if field.endswith("start") else 31,
            )
        if parsed is not None:
            return parsed
    _add(errors, field, _("Ngày không hợp lệ (dùng dạng YYYY-MM-DD)."))
    return None


def _datetime(value: Any, field: str, errors: dict[str, list[str]]) -> dt.datetime | None:
    if value in (None, ""):
        return None
    parsed: dt.datetime | None = None
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
    if parsed is None:
        _add(errors, field, _("Thời điểm không hợp lệ (dùng dạng ISO 8601)."))
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, dt.UTC)  # CKAN sends naive UTC
    return parsed


def resolve_license_id(value: str | None) -> str | None:
    """Our licence id for ``value`` (ours or a CKAN legacy alias); None if blank."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    return LICENSE_ALIASES.get(text.lower(), text)


def _extras(value: Any, errors: dict[str, list[str]]) -> dict[str, str]:
    """Extras as a dict of strings; accepts a dict or CKAN's [{key, value}] list."""
    if value in (None, "", [], {}):
        return {}
    items: list[tuple[Any, Any]]
    if isinstance(value, Mapping):
        items = list(value.items())
    elif isinstance(value, list | tuple) and all(isinstance(i, Mapping) for i in value):
        items = [(i.get("key"), i.get("value")) for i in value]
    else:
        _add(errors, "extras", _("Thông tin bổ sung phải là các cặp khoá–giá trị."))
        return {}
    result: dict[str, str] = {}
    for key, raw in items:
        if not isinstance(key, str) or not key.strip():
            _add(errors, "extras", _("Khoá của thông tin bổ sung không được để trống."))
            continue
        key = nfc(key.strip())
        if len(key) > EXTRA_KEY_MAX:
            _add(
                errors,
                "extras",
                _("Khoá “%(key)s…” dài quá %(n)s ký tự.") % {"key": key[:20], "n": EXTRA_KEY_MAX},
            )
            continue
        if key in _CORE_KEYS:
            _add(
                errors,
                "extras",
                _("Khoá “%(key)s” trùng tên một trường chính của bộ dữ liệu.") % {"key": key},
            )
            continue
        if key in result:
            _add(errors, "extras", _("Khoá “%(key)s” bị lặp.") % {"key": key})
            continue
        if raw is None:
            text = ""
        elif isinstance(raw, bool):
            text = "true" if raw else "false"
        elif isinstance(raw, str | int | float):
            text = nfc(str(raw))
        else:
            _add(errors, "extras", _("Giá trị của “%(key)s” phải là chuỗi ký tự.") % {"key": key})
            continue
        if len(text) > EXTRA_VALUE_MAX or "\x00" in text:
            _add(
                errors,
                "extras",
                _("Giá trị của “%(key)s” không hợp lệ hoặc quá dài.") % {"key": key},
            )
            continue
        result[key] = text
    return result


def _tags(value: Any, errors: dict[str, list[str]]) -> list[str]:
    if value in (None, ""):
        return []
    raw: list[Any]
    if isinstance(value, str):
        raw = value.split(",")
    elif isinstance(value, list | tuple):
        raw = [v.get("name") if isinstance(v, Mapping) else v for v in value]
    else:
        _add(errors, "tags", _("Từ khoá phải là danh sách."))
        return []
    seen: set[str] = set()
    result: list[str] = []
    for item in raw:
        if not isinstance(item, str):
            _add(errors, "tags", _("Từ khoá phải là chuỗi ký tự."))
            continue
        tag = clean_text(item)
        if not tag:
            if isinstance(value, str):
                continue
            _add(errors, "tags", _("Từ khoá không được để trống."))
            continue
        if len(tag) > TAG_MAX:
            _add(
                errors,
                "tags",
                _("Từ khoá “%(tag)s…” dài quá %(n)s ký tự.") % {"tag": tag[:20], "n": TAG_MAX},
            )
            continue
        key = tag.casefold()
        if key not in seen:
            seen.add(key)
            result.append(tag)
    return result


def _names(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    result = []
    for v in value:
        if isinstance(v, Mapping):
            v = v.get("name") or v.get("id") or ""
        result.append(str(v).strip())
    return [v for v in result if v]


def _groups(value: Any, errors: dict[str, list[str]]) -> list[Group]:
    wanted = list(dict.fromkeys(_names(value)))
    if not wanted:
        return []
    ids = [w for w in wanted if _is_uuid(w)]
    found = {g.name: g for g in Group.objects.filter(name__in=wanted)}
    found.update({str(g.pk): g for g in Group.objects.filter(pk__in=ids)})
    missing = [w for w in wanted if w not in found]
    if missing:
        _add(
            errors,
            "groups",
            _("Lĩnh vực không tồn tại: %(names)s.") % {"names": ", ".join(missing)},
        )
    return list({found[w].pk: found[w] for w in wanted if w in found}.values())


def _spatial(value: Any, errors: dict[str, list[str]]) -> list[AdministrativeUnit]:
    wanted = list(dict.fromkeys(_names(value)))
    if not wanted:
        return []
    found = {u.code: u for u in AdministrativeUnit.objects.filter(code__in=wanted)}
    missing = [w for w in wanted if w not in found]
    if missing:
        _add(
            errors,
            "spatial",
            _("Mã đơn vị hành chính không tồn tại: %(codes)s.") % {"codes": ", ".join(missing)},
        )
    return [found[w] for w in wanted if w in found]


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


# Path segments of the portal's own pages under /du-lieu/: a dataset with such a name
# would be unreachable at /du-lieu/<name>/.
RESERVED_NAMES = frozenset({"feed", "tao-moi"})


def _validate_dataset(values: dict[str, Any], *, instance: Dataset | None) -> dict[str, Any]:
    """Validate every field; return cleaned values or raise CatalogValidationError."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}

    name = values.get("name")
    if not isinstance(name, str) or not name.strip():
        _add(errors, "name", _("Cần nhập tên định danh."))
    else:
        name = name.strip()
        if not NAME_RE.fullmatch(name):
            _add(
                errors,
                "name",
                _("Tên định danh chỉ gồm chữ thường không dấu, số, dấu - và _, dài 2–100 ký tự."),
            )
        elif name in RESERVED_NAMES and (instance is None or instance.name != name):
            _add(
                errors,
                "name",
                _("“%(name)s” là từ dành riêng cho địa chỉ của cổng, hãy chọn tên khác.")
                % {"name": name},
            )
        else:
            clash = Dataset.objects.filter(name=name)
            if instance is not None:
                clash = clash.exclude(pk=instance.pk)
            if clash.exists():
                _add(errors, "name", _("Tên định danh “%(name)s” đã được dùng.") % {"name": name})
    out["name"] = name

    title = _text(values.get("title"), "title", errors, max_length=500)
    if not title and "title" not in errors:
        _add(errors, "title", _("Cần nhập tiêu đề."))
    out["title"] = title

    notes = values.get("notes") or ""
    if not isinstance(notes, str):
        _add(errors, "notes", _("Giá trị phải là chuỗi ký tự."))
        notes = ""
    out["notes"] = nfc(notes).replace("\r\n", "\n").strip()

    license_id = resolve_license_id(values.get("license_id"))
    if license_id is not None and not License.objects.filter(pk=license_id).exists():
        _add(errors, "license_id", _("Giấy phép “%(id)s” không tồn tại.") % {"id": license_id})
    out["license_id"] = license_id

    out["tags"] = _tags(values.get("tags"), errors)
    out["groups"] = _groups(values.get("groups"), errors)
    out["spatial"] = _spatial(values.get("spatial"), errors)
    out["private"] = _bool(values.get("private", False), "private", errors)

    state = values.get("state") or Dataset.State.ACTIVE
    if state not in (Dataset.State.DRAFT, Dataset.State.ACTIVE):
        _add(errors, "state", _("Trạng thái chỉ có thể là draft hoặc active."))
    out["state"] = state

    out["version"] = _text(values.get("version"), "version", errors, max_length=100)
    out["url"] = _url(values.get("url"), "url", errors, max_length=1000)
    out["author"] = _text(values.get("author"), "author", errors, max_length=255)
    out["maintainer"] = _text(values.get("maintainer"), "maintainer", errors, max_length=255)
    out["author_email"] = _email(values.get("author_email"), "author_email", errors)
    out["maintainer_email"] = _email(values.get("maintainer_email"), "maintainer_email", errors)

    frequency = values.get("frequency") or ""
    if not isinstance(frequency, str):
        frequency = ""
        _add(errors, "frequency", _("Tần suất cập nhật không hợp lệ."))
    frequency = frequency.strip().rsplit("/", 1)[-1].upper()
    if frequency and frequency not in Dataset.Frequency.values:
        _add(errors, "frequency", _("Tần suất cập nhật không hợp lệ: %(v)s.") % {"v": frequency})
    out["frequency"] = frequency

    start = _date(values.get("temporal_start"), "temporal_start", errors)
    end = _date(values.get("temporal_end"), "temporal_end", errors)
    if start and end and start > end:
        _add(errors, "temporal_end", _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."))
    out["temporal_start"], out["temporal_end"] = start, end

    out["extras"] = _extras(values.get("extras"), errors)
    out["metadata_created"] = _datetime(values.get("metadata_created"), "metadata_created", errors)
    out["metadata_modified"] = _datetime(
        values.get("metadata_modified"), "metadata_modified", errors
    )
    out["resources"] = _validate_resource_dicts(values.get("resources"), errors, instance=instance)

    if errors:
        raise CatalogValidationError(errors)
    return out


def _validate_resource_dicts(
    value: Any, errors: dict[str, list[str]], *, instance: Dataset | None
) -> list[dict[str, Any]] | None:
    """URL resources given with a dataset (CKAN package_create/update ``resources``)."""
    if value is None:
        return None
    if not isinstance(value, list | tuple):
        _add(errors, "resources", _("Tài nguyên phải là danh sách."))
        return None
    existing: set[str] = set()
    if instance is not None:
        existing = {str(pk) for pk in instance.resources.values_list("pk", flat=True)}
    cleaned: list[dict[str, Any]] = []
    for index, item in enumerate(value):
        if not isinstance(item, Mapping):
            _add(errors, "resources", _("Tài nguyên thứ %(n)s không hợp lệ.") % {"n": index + 1})
            continue
        item_errors: dict[str, list[str]] = {}
        resource_id = str(item.get("id") or "")
        if resource_id and resource_id not in existing:
            resource_id = ""  # unknown id: a new resource (ids are never taken from clients)
        url = _url(item.get("url"), "url", item_errors, max_length=2000)
        if not url and not resource_id:
            _add(item_errors, "url", _("Cần đường dẫn (url) cho tài nguyên."))
        entry = {
            "id": resource_id,
            "url": url,
            "name": _text(item.get("name"), "name", item_errors, max_length=500),
            "description": nfc(str(item.get("description") or "")).strip(),
            "format": normalize_format(str(item.get("format") or "")),
            "mimetype": _text(item.get("mimetype"), "mimetype", item_errors, max_length=100),
            "hash": _text(item.get("hash"), "hash", item_errors, max_length=80),
            "size": _size(item.get("size"), item_errors),
            "extras": _resource_extras(item, item_errors),
        }
        for field, messages in item_errors.items():
            for message in messages:
                _add(errors, "resources", f"#{index + 1} {field}: {message}")
        cleaned.append(entry)
    return cleaned


_RESOURCE_DICT_KEYS = {
    "id",
    "url",
    "name",
    "description",
    "format",
    "mimetype",
    "hash",
    "size",
    "position",
    "package_id",
    "created",
    "last_modified",
    "url_type",
    "state",
    "extras",
    "datastore_active",
    "metadata_modified",
    "resource_type",
    "mimetype_inner",
    "cache_url",
    "cache_last_updated",
}


def _resource_extras(item: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, str]:
    extra = dict(item.get("extras") or {}) if isinstance(item.get("extras"), Mapping) else {}
    for key, value in item.items():
        if key not in _RESOURCE_DICT_KEYS and isinstance(value, str | int | float | bool):
            extra[key] = value
    result: dict[str, str] = {}
    for key, value in extra.items():
        if not isinstance(value, str | int | float | bool) or value is None:
            _add(errors, "extras", _("Giá trị của “%(key)s” phải là chuỗi ký tự.") % {"key": key})
            continue
        result[str(key)[:EXTRA_KEY_MAX]] = str(value)[:EXTRA_VALUE_MAX]
    return result


def _size(value: Any, errors: dict[str, list[str]]) -> int | None:
    if value in (None, ""):
        return None
    try:
        size = int(value)
    except (TypeError, ValueError):
        _add(errors, "size", _("Dung lượng phải là số nguyên."))
        return None
    if size < 0:
        _add(errors, "size", _("Dung lượng không được âm."))
        return None
    return size


def _set_relations(dataset: Dataset, cleaned: dict[str, Any]) -> None:
    dataset.groups.set(cleaned["groups"])
    dataset.spatial.set(cleaned["spatial"])
    tags = []
    for name in cleaned["tags"]:
        tag = Tag.objects.filter(name=name).first()
        if tag is None:
            tag = Tag(name=name)
            tag.save()
        tags.append(tag)
    dataset.tags.set(tags)


def dataset_snapshot(dataset: Dataset) -> dict[str, Any]:
    """A JSON-safe dict of the dataset with its organization, tags, groups, places and
    resources (CKAN key names): what an Activity stores."""
    d = (
        Dataset.objects.select_related("organization", "license")
        .prefetch_related("groups", "tags", "spatial", "resources")
        .get(pk=dataset.pk)
    )
    org = d.organization

    def iso(value: dt.datetime | dt.date | None) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "id": str(d.pk),
        "name": d.name,
        "title": d.title,
        "notes": d.notes,
        "state": d.state,
        "private": d.private,
        "version": d.version,
        "url": d.url,
        "author": d.author,
        "author_email": d.author_email,
        "maintainer": d.maintainer,
        "maintainer_email": d.maintainer_email,
        "license_id": d.license_id or "",
        "license_title": d.license.title if d.license else "",
        "owner_org": str(org.pk),
        "organization": {"id": str(org.pk), "name": org.name, "title": org.title},
        "groups": [{"id": str(g.pk), "name": g.name, "title": g.title} for g in d.groups.all()],
        "tags": sorted(t.name for t in d.tags.all()),
        "spatial": sorted(u.code for u in d.spatial.all()),
        "frequency": d.frequency,
        "temporal_start": iso(d.temporal_start),
        "temporal_end": iso(d.temporal_end),
        "extras": dict(d.extras or {}),
        "metadata_created": iso(d.metadata_created),
        "metadata_modified": iso(d.metadata_modified),
        "resources": [
            {
                "id": str(r.pk),
                "name": r.name,
                "description": r.description,
                "url": r.url,
                "url_type": r.url_type,
                "upload": r.upload.name if r.upload else "",
                "format": r.format,
                "mimetype": r.mimetype,
                "size": r.size,
                "hash": r.hash,
                "position": r.position,
                "created": iso(r.created),
                "last_modified": iso(r.last_modified),
                "extras": dict(r.extras or {}),
            }
            for r in sorted(d.resources.all(), key=lambda r: r.position)
        ],
    }


def _record(dataset: Dataset, user: User | None, kind: str, action: str) -> Activity:
    """Activity with the next revision and a snapshot, index update and one audit entry."""
    Dataset.objects.select_for_update().filter(pk=dataset.pk).exists()
    last = Activity.objects.filter(dataset=dataset).aggregate(n=Max("revision"))["n"] or 0
    actor = user if user is not None and user.is_authenticated else None
    activity = Activity(
        dataset=dataset,
        organization_id=dataset.organization_id,
        user=actor,
        kind=kind,
        revision=last + 1,
        data=dataset_snapshot(dataset),
        timestamp=timezone.now(),
    )
    activity.save()
    search.index_dataset(dataset)
    audit_record(
        action=action,
        object_type="catalog.dataset",
        object_id=str(dataset.pk),
        object_repr=dataset.title[:255],
        changes={"name": dataset.name, "revision": activity.revision, "state": dataset.state},
        agency_code=dataset.organization.agency.code,
        actor=actor,
    )
    return activity


def _touch(dataset: Dataset, when: dt.datetime | None = None) -> None:
    dataset.metadata_modified = when or timezone.now()
    Dataset.objects.filter(pk=dataset.pk).update(metadata_modified=dataset.metadata_modified)


def _apply(dataset: Dataset, cleaned: dict[str, Any]) -> None:
    for field in (
        "name",
        "title",
        "notes",
        "private",
        "state",
        "version",
        "url",
        "author",
        "author_email",
        "maintainer",
        "maintainer_email",
        "frequency",
        "temporal_start",
        "temporal_end",
        "extras",
    ):
        setattr(dataset, field, cleaned[field])
    dataset.license_id = cleaned["license_id"]


def _sync_resources(dataset: Dataset, wanted: list[dict[str, Any]]) -> None:
    """Make the dataset's resources exactly ``wanted`` (URL resources; uploads keep their file)."""
    existing = {str(r.pk): r for r in dataset.resources.all()}
    keep: set[str] = set()
    now = timezone.now()
    for position, item in enumerate(wanted):
        resource = existing.get(item["id"]) if item["id"] else None
        if resource is None:
            resource = Resource(dataset=dataset, created=now)
        keep.add(str(resource.pk))
        if item["url"]:
            if resource.upload:
                _delete_file_on_commit(resource.upload.name)
                resource.upload = None  # type: ignore[assignment]
            resource.url = item["url"]
        resource.name = item["name"] or resource.name or _name_from_url(resource.url)
        resource.description = item["description"]
        resource.format = item["format"] or resource.format or format_from_url(resource.url)
        if not resource.upload:
            resource.mimetype = item["mimetype"]
            resource.hash = item["hash"]
            resource.size = item["size"]
        resource.extras = item["extras"]
        resource.position = position
        resource.last_modified = now
        resource.save()
    for pk, resource in existing.items():
        if pk not in keep:
            if resource.upload:
                _delete_file_on_commit(resource.upload.name)
            resource.delete()


def _name_from_url(url: str) -> str:
    from urllib.parse import unquote, urlsplit

    tail = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]) if url else ""
    return clean_text(tail)[:500] or url[:500]


def _delete_file_on_commit(name: str) -> None:
    if not name:
        return
    storage = Resource._meta.get_field("upload").storage  # type: ignore[attr-defined]
    transaction.on_commit(lambda: storage.delete(name))


# --- Datasets ---------------------------------------------------------------------------------


@transaction.atomic
def dataset_create(
    *,
    user: User | None,
    organization: Organization,
    name: str,
    title: str,
    notes: str = "",
    license_id: str | None = None,
    tags: Sequence[str] = (),
    groups: Sequence[str] = (),
    private: bool = False,
    state: str = Dataset.State.ACTIVE,
    version: str = "",
    url: str = "",
    author: str = "",
    author_email: str = "",
    maintainer: str = "",
    maintainer_email: str = "",
    frequency: str = "",
    temporal_start: dt.date | None = None,
    temporal_end: dt.date | None = None,
    spatial: Sequence[str] = (),
    extras: dict[str, Any] | None = None,
    metadata_created: dt.datetime | None = None,
    metadata_modified: dt.datetime | None = None,
    check_permission: bool = True,
    resources: Sequence[Mapping[str, Any]] | None = None,
) -> Dataset:
    """Create a dataset. ``groups`` are group names, ``spatial`` administrative-unit codes,
    ``tags`` free strings (NFC-normalised, deduplicated). ``user=None`` with
    ``check_permission=False`` is for system jobs (harvest, demo).

    Optional ``resources``: URL resources as CKAN dicts (``url``, ``name``, ``description``,
    ``format``, ``mimetype``, ``size``, ``hash``…), created in the same transaction.
    """
    if not isinstance(organization, Organization):
        raise CatalogValidationError({"owner_org": [_("Cần chọn tổ chức xuất bản.")]})
    _check(user, organization, check_permission)
    values = {k: v for k, v in locals().items() if k in _DATASET_FIELDS}
    cleaned = _validate_dataset(values, instance=None)
    now = timezone.now()
    with audit_suppressed():
        dataset = Dataset(
            organization=organization,
            creator_user=user if user is not None and user.is_authenticated else None,
            metadata_created=cleaned["metadata_created"] or now,
            metadata_modified=cleaned["metadata_modified"] or cleaned["metadata_created"] or now,
        )
        _apply(dataset, cleaned)
        dataset.save()
        _set_relations(dataset, cleaned)
        if cleaned["resources"]:
            _sync_resources(dataset, cleaned["resources"])
        _record(dataset, user, Activity.Kind.NEW, "catalog.dataset_create")
    return dataset


def _update(
    *,
    user: User | None,
    dataset: Dataset,
    check_permission: bool,
    fields: dict[str, Any],
    replace: bool,
) -> Dataset:
    unknown = set(fields) - _DATASET_FIELDS
    if unknown:
        raise TypeError(f"unknown dataset fields: {', '.join(sorted(unknown))}")
    dataset = Dataset.objects.select_related("organization__agency").get(pk=dataset.pk)
    _check(user, dataset.organization, check_permission)
    if dataset.state == Dataset.State.DELETED:
        raise CatalogValidationError(
            {"state": [_("Bộ dữ liệu đã bị xoá; hãy khôi phục trước khi sửa.")]}
        )
    target = fields.get("organization", dataset.organization)
    if not isinstance(target, Organization):
        raise CatalogValidationError({"owner_org": [_("Tổ chức xuất bản không tồn tại.")]})
    if target.pk != dataset.organization_id:
        _check(user, target, check_permission)

    current = dataset_snapshot(dataset)
    values: dict[str, Any] = {
        "name": dataset.name,
        "title": dataset.title,
        "state": dataset.state,
        "metadata_created": dataset.metadata_created,
    }
    if replace:
        values.update(_DEFAULTS)
    else:
        values.update(
            {
                "notes": dataset.notes,
                "license_id": dataset.license_id,
                "tags": current["tags"],
                "groups": [g["name"] for g in current["groups"]],
                "private": dataset.private,
                "version": dataset.version,
                "url": dataset.url,
                "author": dataset.author,
                "author_email": dataset.author_email,
                "maintainer": dataset.maintainer,
                "maintainer_email": dataset.maintainer_email,
                "frequency": dataset.frequency,
                "temporal_start": dataset.temporal_start,
                "temporal_end": dataset.temporal_end,
                "spatial": current["spatial"],
                "extras": dataset.extras,
                "metadata_modified": None,
            }
        )
    values.update({k: v for k, v in fields.items() if k != "organization"})
    if values.get("state") == Dataset.State.DELETED:
        values["state"] = dataset.state
    cleaned = _validate_dataset(values, instance=dataset)
    with audit_suppressed():
        _apply(dataset, cleaned)
        dataset.organization = target
        dataset.metadata_created = cleaned["metadata_created"] or dataset.metadata_created
        dataset.metadata_modified = cleaned["metadata_modified"] or timezone.now()
        dataset.save()
        _set_relations(dataset, cleaned)
        if cleaned["resources"] is not None:
            _sync_resources(dataset, cleaned["resources"])
        _record(dataset, user, Activity.Kind.CHANGED, "catalog.dataset_update")
    return dataset


@transaction.atomic
def dataset_update(
    *, user: User | None, dataset: Dataset, check_permission: bool = True, **fields: Any
) -> Dataset:
    """Replace: every field of :func:`dataset_create` (plus ``organization``); omitted ones reset to defaults.

    ``name``, ``title``, ``organization``, ``state`` and ``metadata_created`` are kept when
    omitted. ``resources`` (CKAN dicts; an ``id`` of an existing resource updates it) replaces
    the resource list when given and leaves it alone when omitted.
    """
    return _update(
        user=user, dataset=dataset, check_permission=check_permission, fields=fields, replace=True
    )


@transaction.atomic
def dataset_patch(
    *, user: User | None, dataset: Dataset, check_permission: bool = True, **fields: Any
) -> Dataset:
    """Change only the given fields (same names as :func:`dataset_create`)."""
    return _update(
        user=user, dataset=dataset, check_permission=check_permission, fields=fields, replace=False
    )


@transaction.atomic
def dataset_delete(
    *, user: User | None, dataset: Dataset, check_permission: bool = True
) -> Dataset:
    """Soft delete (state=deleted), as CKAN does. Deleting a deleted dataset changes nothing."""
    dataset = Dataset.objects.select_related("organization__agency").get(pk=dataset.pk)
    _check(user, dataset.organization, check_permission)
    if dataset.state == Dataset.State.DELETED:
        return dataset
    return _dataset_set_state(
        dataset, user, Dataset.State.DELETED, Activity.Kind.DELETED, "catalog.dataset_delete"
    )


@transaction.atomic
def dataset_restore(
    *, user: User | None, dataset: Dataset, check_permission: bool = True
) -> Dataset:
    """deleted → the state it had before deletion (draft or active)."""
    dataset = Dataset.objects.select_related("organization__agency").get(pk=dataset.pk)
    _check(user, dataset.organization, check_permission)
    if dataset.state != Dataset.State.DELETED:
        return dataset
    before = (
        Activity.objects.filter(dataset=dataset)
        .exclude(kind=Activity.Kind.DELETED)
        .order_by("-revision")
        .values_list("data", flat=True)
        .first()
    ) or {}
    previous = before.get("state") if isinstance(before, dict) else None
    state = (
        previous
        if previous in (Dataset.State.DRAFT, Dataset.State.ACTIVE)
        else Dataset.State.ACTIVE
    )
    return _dataset_set_state(
        dataset, user, state, Activity.Kind.CHANGED, "catalog.dataset_restore"
    )


@transaction.atomic
def dataset_publish(
    *, user: User | None, dataset: Dataset, check_permission: bool = True
) -> Dataset:
    """draft → active. Publishing an active dataset changes nothing; a deleted one is refused."""
    dataset = Dataset.objects.select_related("organization__agency").get(pk=dataset.pk)
    _check(user, dataset.organization, check_permission)
    if dataset.state == Dataset.State.ACTIVE:
        return dataset
    if dataset.state == Dataset.State.DELETED:
        raise CatalogValidationError({"state": [_("Bộ dữ liệu đã bị xoá; hãy khôi phục trước.")]})
    return _dataset_set_state(
        dataset, user, Dataset.State.ACTIVE, Activity.Kind.CHANGED, "catalog.dataset_publish"
    )


def _dataset_set_state(
    dataset: Dataset, user: User | None, state: str, kind: str, action: str
) -> Dataset:
    """Change the state (publish, delete, restore): one activity and one audit entry."""
    with audit_suppressed():
        dataset.state = state
        dataset.metadata_modified = timezone.now()
        dataset.save(update_fields=["state", "metadata_modified"])
        _record(dataset, user, kind, action)
    return dataset


# --- Resources --------------------------------------------------------------------------------


def _resource_errors_common(
    errors: dict[str, list[str]], *, name: Any, description: Any, extras: Any
) -> tuple[str, str, dict[str, str]]:
    clean_name = _text(name, "name", errors, max_length=500)
    if description is not None and not isinstance(description, str):
        _add(errors, "description", _("Giá trị phải là chuỗi ký tự."))
        description = ""
    sub: dict[str, list[str]] = {}
    clean_extras = _extras(extras, sub)
    for messages in sub.values():
        for message in messages:
            _add(errors, "extras", message)
    return clean_name, nfc(description or "").replace("\r\n", "\n").strip(), clean_extras


def _store_upload(
    resource: Resource, upload: UploadedFile, filename: str, stored: list[str]
) -> None:
    resource.upload.save(filename, upload, save=False)
    stored.append(resource.upload.name)


def _discard_files(names: list[str]) -> None:
    """Remove files written by a write that was then rolled back."""
    storage = Resource._meta.get_field("upload").storage  # type: ignore[attr-defined]
    for name in names:
        with contextlib.suppress(OSError):
            storage.delete(name)


def _shift_for_insert(dataset: Dataset, position: int) -> None:
    Resource.objects.filter(dataset=dataset, position__gte=position).update(
        position=F("position") + 1
    )


def _renumber(dataset: Dataset) -> None:
    for index, pk in enumerate(
        Resource.objects.filter(dataset=dataset)
        .order_by("position", "created")
        .values_list("pk", flat=True)
    ):
        Resource.objects.filter(pk=pk).exclude(position=index).update(position=index)


def resource_create(
    *,
    user: User | None,
    dataset: Dataset,
    name: str = "",
    url: str = "",
    upload: UploadedFile | None = None,
    description: str = "",
    format: str = "",
    position: int | None = None,
    extras: dict[str, Any] | None = None,
    check_permission: bool = True,
    mimetype: str = "",
    size: int | None = None,
    hash: str = "",
    created: dt.datetime | None = None,
    last_modified: dt.datetime | None = None,
) -> Resource:
    """Exactly one of ``url`` / ``upload``. Uploads: size limit, type detected from content,
    SHA-256, size and media type stored.

    ``mimetype``, ``size``, ``hash``, ``created`` and ``last_modified`` are taken as given
    for URL resources (harvesting) and ignored for uploads (computed).
    """
    stored: list[str] = []
    try:
        with transaction.atomic():
            return _resource_create(
                user=user,
                dataset=dataset,
                name=name,
                url=url,
                upload=upload,
                description=description,
                format=format,
                position=position,
                extras=extras,
                check_permission=check_permission,
                mimetype=mimetype,
                size=size,
                hash=hash,
                created=created,
                last_modified=last_modified,
                stored=stored,
            )
    except BaseException:
        _discard_files(stored)
        raise


def _resource_create(
    *,
    user: User | None,
    dataset: Dataset,
    name: str,
    url: str,
    upload: UploadedFile | None,
    description: str,
    format: str,
    position: int | None,
    extras: dict[str, Any] | None,
    check_permission: bool,
    mimetype: str,
    size: int | None,
    hash: str,
    created: dt.datetime | None,
    last_modified: dt.datetime | None,
    stored: list[str],
) -> Resource:
    dataset = Dataset.objects.select_related("organization__agency").get(pk=dataset.pk)
    _check(user, dataset.organization, check_permission)
    errors: dict[str, list[str]] = {}
    if dataset.state == Dataset.State.DELETED:
        _add(errors, "package_id", _("Bộ dữ liệu đã bị xoá."))
    clean_url = _url(url, "url", errors, max_length=2000)
    if bool(clean_url) == bool(upload):
        _add(errors, "url", _("Cần đúng một trong hai: đường dẫn (url) hoặc tệp tải lên."))
    clean_name, clean_description, clean_extras = _resource_errors_common(
        errors, name=name, description=description, extras=extras
    )
    if position is not None and (not isinstance(position, int) or position < 0):
        _add(errors, "position", _("Thứ tự phải là số nguyên không âm."))
    info = None
    if upload is not None and not errors.get("url"):
        try:
            info = inspect_upload(upload, declared_format=format or "")
        except UploadRejected as exc:
            _add(errors, "upload", exc.message)
    clean_size = _size(size, errors) if info is None else None
    clean_created = _datetime(created, "created", errors)
    clean_modified = _datetime(last_modified, "last_modified", errors)
    if errors:
        raise CatalogValidationError(errors)

    now = timezone.now()
    with audit_suppressed():
        count = Resource.objects.filter(dataset=dataset).count()
        pos = count if position is None else min(position, count)
        _shift_for_insert(dataset, pos)
        resource = Resource(
            dataset=dataset,
            description=clean_description,
            extras=clean_extras,
            position=pos,
            created=clean_created or now,
            last_modified=clean_modified or now,
        )
        if info is not None and upload is not None:
            resource.name = clean_name or (upload.name or info.filename)[:500]
            resource.format, resource.mimetype = info.format, info.mimetype
            resource.size, resource.hash = info.size, info.hash
            _store_upload(resource, upload, info.filename, stored)
        else:
            resource.url = clean_url
            resource.name = clean_name or _name_from_url(clean_url)
            resource.format = normalize_format(format) or format_from_url(clean_url)
            resource.mimetype = (mimetype or "")[:100]
            resource.size = clean_size
            resource.hash = (hash or "")[:80]
        resource.save()
        _touch(dataset)
        _record(dataset, user, Activity.Kind.CHANGED, "catalog.resource_create")
    return resource


def resource_update(
    *, user: User | None, resource: Resource, check_permission: bool = True, **fields: Any
) -> Resource:
    """Change the given fields (names as :func:`resource_create`). A new ``upload`` replaces
    the file (and clears ``url``); a non-empty ``url`` replaces an uploaded file."""
    unknown = set(fields) - _RESOURCE_FIELDS
    if unknown:
        raise TypeError(f"unknown resource fields: {', '.join(sorted(unknown))}")
    stored: list[str] = []
    try:
        with transaction.atomic():
            return _resource_update(
                user=user,
                resource=resource,
                check_permission=check_permission,
                fields=fields,
                stored=stored,
            )
    except BaseException:
        _discard_files(stored)
        raise


def _resource_update(
    *,
    user: User | None,
    resource: Resource,
    check_permission: bool,
    fields: dict[str, Any],
    stored: list[str],
) -> Resource:
    resource = Resource.objects.select_related("dataset__organization__agency").get(pk=resource.pk)
    dataset = resource.dataset
    _check(user, dataset.organization, check_permission)
    errors: dict[str, list[str]] = {}
    if dataset.state == Dataset.State.DELETED:
        _add(errors, "package_id", _("Bộ dữ liệu đã bị xoá."))
    upload = fields.get("upload")
    new_url = _url(fields["url"], "url", errors, max_length=2000) if "url" in fields else None
    if upload is not None and new_url:
        _add(errors, "url", _("Cần đúng một trong hai: đường dẫn (url) hoặc tệp tải lên."))
    if upload is None and new_url == "" and not resource.upload:
        _add(errors, "url", _("Cần đường dẫn (url) cho tài nguyên."))
    clean_name, clean_description, clean_extras = _resource_errors_common(
        errors,
        name=fields.get("name"),
        description=fields.get("description"),
        extras=fields.get("extras"),
    )
    position = fields.get("position")
    if position is not None and (not isinstance(position, int) or position < 0):
        _add(errors, "position", _("Thứ tự phải là số nguyên không âm."))
    info = None
    declared = fields.get("format")
    if upload is not None and not errors.get("url"):
        try:
            info = inspect_upload(upload, declared_format=declared or "")
        except UploadRejected as exc:
            _add(errors, "upload", exc.message)
    clean_size = _size(fields.get("size"), errors) if "size" in fields else None
    clean_modified = _datetime(fields.get("last_modified"), "last_modified", errors)
    if errors:
        raise CatalogValidationError(errors)

    with audit_suppressed():
        if "name" in fields:
            resource.name = clean_name or resource.name
        if "description" in fields:
            resource.description = clean_description
        if "extras" in fields:
            resource.extras = clean_extras
        if info is not None and upload is not None:
            old = resource.upload.name if resource.upload else ""
            resource.url = ""
            resource.format, resource.mimetype = info.format, info.mimetype
            resource.size, resource.hash = info.size, info.hash
            _store_upload(resource, upload, info.filename, stored)
            _delete_file_on_commit(old)
            if "name" not in fields and not resource.name:
                resource.name = info.filename
        elif new_url:
            if resource.upload:
                _delete_file_on_commit(resource.upload.name)
                resource.upload = None  # type: ignore[assignment]
                resource.size = None
                resource.mimetype = ""
                resource.hash = ""
            resource.url = new_url
            if "format" in fields:
                resource.format = normalize_format(declared or "") or format_from_url(new_url)
            elif not resource.format:
                resource.format = format_from_url(new_url)
        elif "format" in fields and not resource.upload:
            resource.format = normalize_format(declared or "")
        if not resource.upload:
            if "mimetype" in fields:
                resource.mimetype = str(fields["mimetype"] or "")[:100]
            if "size" in fields:
                resource.size = clean_size
            if "hash" in fields:
                resource.hash = str(fields["hash"] or "")[:80]
        resource.last_modified = clean_modified or timezone.now()
        resource.save()
        if position is not None and position != resource.position:
            ids = list(
                Resource.objects.filter(dataset=dataset)
                .exclude(pk=resource.pk)
                .order_by("position", "created")
                .values_list("pk", flat=True)
            )
            ids.insert(min(position, len(ids)), resource.pk)
            _apply_order(ids)
        _touch(dataset)
        _record(dataset, user, Activity.Kind.CHANGED, "catalog.resource_update")
    return resource


@transaction.atomic
def resource_delete(
    *, user: User | None, resource: Resource, check_permission: bool = True
) -> None:
    resource = Resource.objects.select_related("dataset__organization__agency").get(pk=resource.pk)
    dataset = resource.dataset
    _check(user, dataset.organization, check_permission)
    with audit_suppressed():
        if resource.upload:
            _delete_file_on_commit(resource.upload.name)
        resource.delete()
        _renumber(dataset)
        _touch(dataset)
        _record(dataset, user, Activity.Kind.CHANGED, "catalog.resource_delete")


def _apply_order(ids: Sequence[uuid.UUID]) -> None:
    for index, pk in enumerate(ids):
        Resource.objects.filter(pk=pk).exclude(position=index).update(position=index)


@transaction.atomic
def resource_reorder(
    *,
    user: User | None,
    dataset: Dataset,
    order: Sequence[uuid.UUID | str],
    check_permission: bool = True,
) -> None:
    """Put the given resources first, in that order; the others follow in their current order
    (CKAN package_resource_reorder). Unknown ids are refused."""
    dataset = Dataset.objects.select_related("organization__agency").get(pk=dataset.pk)
    _check(user, dataset.organization, check_permission)
    current = list(
        Resource.objects.filter(dataset=dataset)
        .order_by("position", "created")
        .values_list("pk", flat=True)
    )
    by_str = {str(pk): pk for pk in current}
    wanted: list[uuid.UUID] = []
    unknown: list[str] = []
    for item in order:
        pk = by_str.get(str(item))
        if pk is None:
            unknown.append(str(item))
        elif pk not in wanted:
            wanted.append(pk)
    if unknown:
        raise CatalogValidationError(
            {
                "order": [
                    _("Tài nguyên không thuộc bộ dữ liệu này: %(ids)s.")
                    % {"ids": ", ".join(unknown)}
                ]
            }
        )
    final = wanted + [pk for pk in current if pk not in wanted]
    if final == current:
        return
    with audit_suppressed():
        _apply_order(final)
        _touch(dataset)
        _record(dataset, user, Activity.Kind.CHANGED, "catalog.resource_reorder")


# --- Organizations, members, groups -----------------------------------------------------------


@transaction.atomic
def organization_for_agency(
    *, agency: Agency, name: str | None = None, description: str = ""
) -> Organization:
    """The Organization publishing for ``agency``; created (name = slug of the agency name,
    made unique) if missing. Idempotent: an existing organization is returned unchanged."""
    existing = Organization.objects.filter(agency=agency).first()
    if existing is not None:
        return existing
    base = (name or slugify_vi(agency.name, max_length=90) or "to-chuc")[:90]
    if len(base) < 2:
        base = f"to-chuc-{base}"
    candidate = base
    n = 2
    while Organization.objects.filter(name=candidate).exists():
        candidate = f"{base}-{n}"
        n += 1
    org = Organization(agency=agency, name=candidate, title=agency.name, description=description)
    org.full_clean(exclude=["agency"])
    org.save()
    return org


@transaction.atomic
def group_ensure(
    *,
    name: str,
    title: str,
    title_en: str = "",
    description: str = "",
    theme_uri: str = "",
    position: int = 0,
    image_url: str = "",
) -> Group:
    """Create or update the group (lĩnh vực) called ``name``. Idempotent."""
    errors: dict[str, list[str]] = {}
    if not NAME_RE.fullmatch(name or ""):
        _add(
            errors,
            "name",
            _("Tên định danh chỉ gồm chữ thường không dấu, số, dấu - và _, dài 2–100 ký tự."),
        )
    clean_title = _text(title, "title", errors, max_length=255)
    if not clean_title:
        _add(errors, "title", _("Cần nhập tên."))
    clean_uri = _url(theme_uri, "theme_uri", errors, max_length=200)
    if errors:
        raise CatalogValidationError(errors)
    group, _created = Group.objects.update_or_create(
        name=name,
        defaults={
            "title": clean_title,
            "title_en": clean_text(title_en or ""),
            "description": nfc(description or "").strip(),
            "theme_uri": clean_uri,
            "position": position,
            "image_url": image_url or "",
        },
    )
    if not _created:
        # Titles are indexed text: refresh the index rows of the group's datasets.
        for pk in group.datasets.exclude(state=Dataset.State.DELETED).values_list("pk", flat=True):
            search.index_dataset(pk)
    return group


@transaction.atomic
def organization_member_set(
    *,
    user: User | None,
    organization: Organization,
    member: User,
    capacity: str,
    check_permission: bool = True,
) -> OrganizationMember:
    """Give ``member`` a capacity (admin, editor, member) in the organization."""
    if check_permission and not can_admin_organization(user, organization):
        raise CatalogPermissionDenied(
            _("Bạn không có quyền quản lý thành viên của “%(org)s”.") % {"org": organization.title}
        )
    if capacity not in OrganizationMember.Capacity.values:
        raise CatalogValidationError(
            {"capacity": [_("Vai trò không hợp lệ: %(v)s.") % {"v": capacity}]}
        )
    membership, _created = OrganizationMember.objects.update_or_create(
        organization=organization, user=member, defaults={"capacity": capacity}
    )
    return membership


@transaction.atomic
def organization_member_remove(
    *, user: User | None, organization: Organization, member: User, check_permission: bool = True
) -> None:
    if check_permission and not can_admin_organization(user, organization):
        raise CatalogPermissionDenied(
            _("Bạn không có quyền quản lý thành viên của “%(org)s”.") % {"org": organization.title}
        )
    OrganizationMember.objects.filter(organization=organization, user=member).delete()


def activity_snapshot(dataset: Dataset, revision: int) -> dict[str, Any] | None:
    """The stored snapshot of one revision (None if there is no such revision)."""
    data = (
        Activity.objects.filter(dataset=dataset, revision=revision)
        .values_list("data", flat=True)
        .first()
    )
    return json.loads(json.dumps(data)) if data is not None else None


@transaction.atomic
def dataset_record_change(
    *,
    user: User | None,
    dataset: Dataset,
    kind: str = Activity.Kind.CHANGED,
    action: str = "catalog.dataset_change",
) -> Activity:
    """Book a change written outside these services (the admin): bump ``metadata_modified``,
    store the next revision with a snapshot, update the search index, audit once."""
    dataset = Dataset.objects.select_related("organization__agency").get(pk=dataset.pk)
    with audit_suppressed():
        _touch(dataset)
        return _record(dataset, user, kind, action)


# Same rows as migration 0004 (ids as SPDX, titles as CKAN's default licence list).
DEFAULT_LICENCES: tuple[tuple[str, str, str, bool], ...] = (
    (
        "CC-BY-4.0",
        "Creative Commons Attribution",
        "https://creativecommons.org/licenses/by/4.0/",
        True,
    ),
    (
        "CC0-1.0",
        "Creative Commons CCZero",
        "https://creativecommons.org/publicdomain/zero/1.0/",
        True,
    ),
    (
        "ODC-BY-1.0",
        "Open Data Commons Attribution License",
        "https://opendatacommons.org/licenses/by/1-0/",
        True,
    ),
    (
        "ODbL-1.0",
        "Open Data Commons Open Database License (ODbL)",
        "https://opendatacommons.org/licenses/odbl/1-0/",
        True,
    ),
    ("other-open", "Other (Open)", "", True),
    ("notspecified", "License not specified", "", False),
)


def licences_ensure() -> int:
    """Create the default licences that are missing (never changes existing rows); returns
    how many were created. Runs after every ``migrate`` and ``flush`` (post_migrate)."""
    existing = set(License.objects.values_list("id", flat=True))
    missing = [
        License(
            id=lid,
            title=title,
            url=url,
            is_open=is_open,
            is_okd_compliant=is_open,
            is_osi_compliant=False,
            position=position,
        )
        for position, (lid, title, url, is_open) in enumerate(DEFAULT_LICENCES)
        if lid not in existing
    ]
    License.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)
