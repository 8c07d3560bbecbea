"""Catalog objects as CKAN dictionaries (the shapes ``package_show`` & co. return in CKAN 2.10).

Used by the CKAN Action API and reusable by anything that speaks CKAN (harvest, exports).
Datetimes are UTC without a zone suffix, as CKAN writes them. URLs are absolute: pass the
portal's ``base_url`` (scheme and host, e.g. ``https://dulieu.thanhhoa.gov.vn``).

tinhso fields that CKAN has no core key for travel as ``extras`` using the ckanext-dcat
names: ``frequency`` (EU frequency code), ``temporal_start``/``temporal_end`` (ISO dates),
``spatial_code`` (administrative-unit codes, comma-separated) and ``spatial_text`` (names).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from tinhso.catalog.models import Dataset, Group, License, Organization, Resource, Tag

#: Extras keys that map to Dataset fields (see module docstring).
FIELD_EXTRAS = ("frequency", "temporal_start", "temporal_end", "spatial_code", "spatial_text")

RESOURCE_CORE_KEYS = frozenset(
    {
        "id",
        "package_id",
        "name",
        "description",
        "url",
        "format",
        "mimetype",
        "mimetype_inner",
        "size",
        "hash",
        "position",
        "created",
        "last_modified",
        "metadata_modified",
        "url_type",
        "state",
        "resource_type",
        "cache_url",
        "cache_last_updated",
        "datastore_active",
    }
)


def iso(value: dt.datetime | dt.date | None) -> str | None:
    """CKAN's timestamp format: ISO 8601 in UTC without zone (``2024-05-01T03:00:00.123456``)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat()
    return value.isoformat()


def absolute(base_url: str, path: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def dataset_prefetch(datasets: Sequence[Dataset]) -> None:
    """Load every relation :func:`dataset_dict` reads, in a fixed number of queries.

    Relations already prefetched (for instance by ``dataset_search``) are not fetched again.
    """
    prefetch_related_objects(
        list(datasets),
        "organization",
        "license",
        "groups",
        "tags",
        "spatial",
        Prefetch("resources", queryset=Resource.objects.order_by("position", "created")),
    )


# --- licences ----------------------------------------------------------------------------


def license_dict(license: License) -> dict[str, Any]:
    """``license_list`` item (CKAN's License.license_dictize keys)."""
    return {
        "id": license.id,
        "title": license.title,
        "url": license.url,
        "status": "active",
        "maintainer": "",
        "family": "",
        "domain_content": False,
        "domain_data": license.is_open,
        "domain_software": False,
        "is_generic": license.id in ("other-open", "other-closed", "notspecified"),
        "od_conformance": "approved" if license.is_okd_compliant else "not reviewed",
        "osd_conformance": "approved" if license.is_osi_compliant else "not reviewed",
        "is_okd_compliant": license.is_okd_compliant,
        "is_osi_compliant": license.is_osi_compliant,
    }


# --- organizations and groups ------------------------------------------------------------


def organization_summary(organization: Organization) -> dict[str, Any]:
    """The ``organization`` object embedded in a dataset dict."""
    return _organization_summary(_OrganizationRow.of(organization))


def _organization_summary(organization: _OrganizationRow) -> dict[str, Any]:
    return {
        "id": str(organization.id),
        "name": organization.name,
        "title": organization.title,
        "type": "organization",
        "description": organization.description,
        "image_url": organization.image_url,
        "created": iso(organization.created),
        "is_organization": True,
        "approval_status": "approved",
        "state": "active" if organization.is_active else "deleted",
    }


def group_summary(group: Group, *, base_url: str) -> dict[str, Any]:
    """A ``groups`` item embedded in a dataset dict."""
    return _group_summary(_GroupRow.of(group), base_url=base_url)


def _group_summary(group: _GroupRow, *, base_url: str) -> dict[str, Any]:
    return {
        "id": str(group.id),
        "name": group.name,
        "title": group.title,
        "display_name": group.title or group.name,
        "description": group.description,
        "image_display_url": absolute(base_url, group.image_url),
    }


def group_or_org_dict(
    obj: Group | Organization, *, base_url: str, package_count: int | None = None
) -> dict[str, Any]:
    """``group_show``/``organization_show`` (and ``*_list`` with ``all_fields``) dict."""
    is_org = isinstance(obj, Organization)
    data: dict[str, Any] = {
        "id": str(obj.id),
        "name": obj.name,
        "title": obj.title,
        "display_name": obj.title or obj.name,
        "description": obj.description,
        "image_url": obj.image_url,
        "image_display_url": absolute(base_url, obj.image_url),
        "created": iso(obj.created),
        "is_organization": is_org,
        "type": "organization" if is_org else "group",
        "approval_status": "approved",
        "state": "deleted" if isinstance(obj, Organization) and not obj.is_active else "active",
        "num_followers": 0,
    }
    if package_count is not None:
        data["package_count"] = package_count
    return data


# --- tags --------------------------------------------------------------------------------


def tag_dict(tag: Tag) -> dict[str, Any]:
    return _tag_dict(_TagRow(id=tag.pk, name=tag.name))


def _tag_dict(tag: _TagRow) -> dict[str, Any]:
    return {
        "id": str(tag.id),
        "name": tag.name,
        "display_name": tag.name,
        "state": "active",
        "vocabulary_id": None,
    }


# --- resources ---------------------------------------------------------------------------


def resource_download_url(resource: Resource, *, dataset_name: str, base_url: str) -> str:
    """Absolute URL of an uploaded file (the catalog's download view)."""
    return _download_url(resource.id, dataset_name=dataset_name, base_url=base_url)


def _download_url(resource_id: uuid.UUID, *, dataset_name: str, base_url: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        try:
            path = reverse("catalog:resource_download", args=[dataset_name, resource_id])
        except NoReverseMatch:
            path = f"/du-lieu/{quote(dataset_name)}/tai-nguyen/{resource_id}/tai-ve/"
    return absolute(base_url, path)


def resource_dict(
    resource: Resource, *, base_url: str, dataset: Dataset | None = None
) -> dict[str, Any]:
    dataset = dataset or resource.dataset
    row = _ResourceRow.of(resource, datastore_active=bool(_datastore_active([resource.pk])))
    return _resource_dict(row, dataset_name=dataset.name, base_url=base_url)


#: The name of the resource's DataStore table ("" or NULL: none serving), through the
#: DataStore's one-to-one ``related_name``.
DATASTORE_TABLE = "datastore__table_name"


def _datastore_active(resource_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    """The resources among these whose DataStore table answers ``datastore_search``: CKAN's
    ``datastore_active``, which clients read to decide whether to query the DataStore."""
    if not resource_ids:
        return set()
    return set(
        Resource.objects.filter(pk__in=resource_ids, **{f"{DATASTORE_TABLE}__gt": ""})
        .order_by()
        .values_list("pk", flat=True)
    )


def _resource_dict(resource: _ResourceRow, *, dataset_name: str, base_url: str) -> dict[str, Any]:
    if resource.upload:
        url = _download_url(resource.id, dataset_name=dataset_name, base_url=base_url)
    else:
        url = resource.url
    extras = resource.extras or {}
    data: dict[str, Any] = {}
    for key, value in sorted(extras.items()):
        if key not in RESOURCE_CORE_KEYS:
            data[key] = (
                value
                if isinstance(value, str | int | float | bool) or value is None
                else json.dumps(value, ensure_ascii=False)
            )
    data.update(
        {
            "id": str(resource.id),
            "package_id": str(resource.dataset_id),
            "name": resource.name,
            "description": resource.description,
            "url": url,
            "format": resource.format,
            "mimetype": resource.mimetype or None,
            "mimetype_inner": None,
            "size": resource.size,
            "hash": resource.hash,
            "position": resource.position,
            "created": iso(resource.created),
            "last_modified": iso(resource.last_modified),
            "metadata_modified": iso(resource.last_modified),
            "url_type": "upload" if resource.upload else None,
            "state": "active",
            "resource_type": None,
            "cache_url": None,
            "cache_last_updated": None,
            "datastore_active": resource.datastore_active,
        }
    )
    return data


# --- datasets ----------------------------------------------------------------------------


def _extra_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def dataset_extras(dataset: Dataset) -> list[dict[str, str]]:
    """CKAN ``extras``: the free key/values plus tinhso's coverage fields, sorted by key."""
    units = [_UnitRow(code=u.code, name=u.name) for u in dataset.spatial.all()]
    return _dataset_extras(_DatasetRow.of(dataset), units)


def _dataset_extras(dataset: _DatasetRow, units: Sequence[_UnitRow]) -> list[dict[str, str]]:
    values: dict[str, str] = {
        str(key): _extra_value(value)
        for key, value in (dataset.extras or {}).items()
        if key not in FIELD_EXTRAS
    }
    if dataset.frequency:
        values["frequency"] = dataset.frequency
    if dataset.temporal_start:
        values["temporal_start"] = dataset.temporal_start.isoformat()
    if dataset.temporal_end:
        values["temporal_end"] = dataset.temporal_end.isoformat()
    if units:
        values["spatial_code"] = ",".join(u.code for u in units)
        values["spatial_text"] = ", ".join(u.name for u in units)
    return [{"key": key, "value": values[key]} for key in sorted(values)]


def dataset_dict(dataset: Dataset, *, base_url: str) -> dict[str, Any]:
    """``package_show`` result for ``dataset``."""
    license = dataset.license
    return _dataset_dict(
        _DatasetRow.of(dataset),
        organization=_OrganizationRow.of(dataset.organization),
        license=_LicenseRow.of(license) if license else None,
        groups=[_GroupRow.of(g) for g in dataset.groups.all()],
        tags=[_TagRow(id=t.pk, name=t.name) for t in dataset.tags.all()],
        resources=_resource_rows(list(dataset.resources.all())),
        units=[_UnitRow(code=u.code, name=u.name) for u in dataset.spatial.all()],
        base_url=base_url,
    )


def _dataset_dict(
    dataset: _DatasetRow,
    *,
    organization: _OrganizationRow,
    license: _LicenseRow | None,
    groups: Sequence[_GroupRow],
    tags: Sequence[_TagRow],
    resources: Sequence[_ResourceRow],
    units: Sequence[_UnitRow],
    base_url: str,
) -> dict[str, Any]:
    ordered_resources = sorted(resources, key=lambda r: (r.position, r.created))
    return {
        "id": str(dataset.id),
        "name": dataset.name,
        "title": dataset.title,
        "type": "dataset",
        "notes": dataset.notes,
        "url": dataset.url,
        "version": dataset.version,
        "state": dataset.state,
        "private": dataset.private,
        "license_id": dataset.license_id or "",
        "license_title": license.title if license else None,
        "license_url": (license.url or None) if license else None,
        "isopen": bool(license and license.is_open),
        "author": dataset.author,
        "author_email": dataset.author_email,
        "maintainer": dataset.maintainer,
        "maintainer_email": dataset.maintainer_email,
        "owner_org": str(dataset.organization_id),
        "organization": _organization_summary(organization),
        "groups": [
            _group_summary(g, base_url=base_url) for g in sorted(groups, key=lambda g: g.name)
        ],
        "tags": [_tag_dict(t) for t in tags],
        "num_tags": len(tags),
        "resources": [
            _resource_dict(r, dataset_name=dataset.name, base_url=base_url)
            for r in ordered_resources
        ],
        "num_resources": len(ordered_resources),
        "extras": _dataset_extras(dataset, units),
        "metadata_created": iso(dataset.metadata_created),
        "metadata_modified": iso(dataset.metadata_modified),
        "creator_user_id": str(dataset.creator_user_id) if dataset.creator_user_id else None,
        "relationships_as_object": [],
        "relationships_as_subject": [],
    }


def dataset_dicts(datasets: Iterable[Dataset], *, base_url: str) -> list[dict[str, Any]]:
    items = list(datasets)
    dataset_prefetch(items)
    return [dataset_dict(d, base_url=base_url) for d in items]


def dataset_dicts_by_id(ids: Sequence[uuid.UUID], *, base_url: str) -> list[dict[str, Any]]:
    """The ``package_show`` dicts of the datasets ``ids``, in that order (missing ids are
    skipped): the same dicts as :func:`dataset_dicts`, built from plain rows.

    For result pages (``package_search``): one query per relation for the whole page and
    no model instances, related managers or prefetch bookkeeping, which cost several times
    the SQL for 100 datasets.
    """
    if not ids:
        return []
    wanted = list(ids)
    rows = {
        row.id: row
        for row in (
            _DatasetRow(*values)
            for values in Dataset.objects.filter(pk__in=wanted)
            .order_by()
            .values_list(*_DatasetRow.FIELDS)
        )
    }
    found = list(rows)
    if not found:
        return []
    organizations = {
        row.id: row
        for row in (
            _OrganizationRow(*values)
            for values in Organization.objects.filter(
                pk__in={r.organization_id for r in rows.values()}
            )
            .order_by()
            .values_list(*_OrganizationRow.FIELDS)
        )
    }
    licence_ids = {r.license_id for r in rows.values() if r.license_id}
    licences = (
        {
            row.id: row
            for row in (
                _LicenseRow(*values)
                for values in License.objects.filter(pk__in=licence_ids)
                .order_by()
                .values_list(*_LicenseRow.FIELDS)
            )
        }
        if licence_ids
        else {}
    )
    groups: dict[uuid.UUID, list[_GroupRow]] = {}
    for dataset_id, *values in (
        Dataset.groups.through.objects.filter(dataset_id__in=found)
        .order_by()
        .values_list("dataset_id", *(f"group__{f}" for f in _GroupRow.FIELDS))
    ):
        groups.setdefault(dataset_id, []).append(_GroupRow(*values))
    tags: dict[uuid.UUID, list[_TagRow]] = {}
    for dataset_id, tag_id, tag_name in (
        Dataset.tags.through.objects.filter(dataset_id__in=found)
        .order_by("tag__name")
        .values_list("dataset_id", "tag_id", "tag__name")
    ):
        tags.setdefault(dataset_id, []).append(_TagRow(id=tag_id, name=tag_name))
    units: dict[uuid.UUID, list[_UnitRow]] = {}
    for dataset_id, code, name in (
        Dataset.spatial.through.objects.filter(dataset_id__in=found)
        .order_by("administrativeunit__code")
        .values_list("dataset_id", "administrativeunit__code", "administrativeunit__name")
    ):
        units.setdefault(dataset_id, []).append(_UnitRow(code=code, name=name))
    resources: dict[uuid.UUID, list[_ResourceRow]] = {}
    for *values, datastore_table in (
        Resource.objects.filter(dataset_id__in=found)
        .order_by()
        .values_list(*_ResourceRow.FIELDS, DATASTORE_TABLE)
    ):
        resource = _ResourceRow(*values)
        resource.datastore_active = bool(datastore_table)
        resources.setdefault(resource.dataset_id, []).append(resource)
    return [
        _dataset_dict(
            row,
            organization=organizations[row.organization_id],
            license=licences.get(row.license_id) if row.license_id else None,
            groups=groups.get(row.id, []),
            tags=tags.get(row.id, []),
            resources=resources.get(row.id, []),
            units=units.get(row.id, []),
            base_url=base_url,
        )
        for row in (rows.get(i) for i in wanted)
        if row is not None
    ]


# --- plain rows: what the dicts read, from model instances or from ``values_list`` ------------


@dataclass(slots=True)
class _OrganizationRow:
    id: uuid.UUID
    name: str
    title: str
    description: str
    image_url: str
    created: dt.datetime
    is_active: bool

    FIELDS = ("id", "name", "title", "description", "image_url", "created", "is_active")

    @classmethod
    def of(cls, obj: Organization) -> _OrganizationRow:
        return cls(*(getattr(obj, f) for f in cls.FIELDS))


@dataclass(slots=True)
class _GroupRow:
    id: uuid.UUID
    name: str
    title: str
    description: str
    image_url: str

    FIELDS = ("id", "name", "title", "description", "image_url")

    @classmethod
    def of(cls, obj: Group) -> _GroupRow:
        return cls(*(getattr(obj, f) for f in cls.FIELDS))


@dataclass(slots=True)
class _TagRow:
    id: Any
    name: str


@dataclass(slots=True)
class _UnitRow:
    code: str
    name: str


@dataclass(slots=True)
class _LicenseRow:
    id: str
    title: str
    url: str
    is_open: bool

    FIELDS = ("id", "title", "url", "is_open")

    @classmethod
    def of(cls, obj: License) -> _LicenseRow:
        return cls(*(getattr(obj, f) for f in cls.FIELDS))


@dataclass(slots=True)
class _ResourceRow:
    id: uuid.UUID
    dataset_id: uuid.UUID
    name: str
    description: str
    url: str
    upload: str  # the stored file name ("" without a file)
    format: str
    mimetype: str
    size: int | None
    hash: str
    position: int
    created: dt.datetime
    last_modified: dt.datetime
    extras: dict[str, Any]
    datastore_active: bool = False

    FIELDS = (
        "id",
        "dataset_id",
        "name",
        "description",
        "url",
        "upload",
        "format",
        "mimetype",
        "size",
        "hash",
        "position",
        "created",
        "last_modified",
        "extras",
    )

    @classmethod
    def of(cls, obj: Resource, *, datastore_active: bool = False) -> _ResourceRow:
        values = [getattr(obj, f) for f in cls.FIELDS]
        values[5] = obj.upload.name or "" if obj.upload else ""
        row = cls(*values)
        row.datastore_active = datastore_active
        return row


def _resource_rows(resources: list[Resource]) -> list[_ResourceRow]:
    active = _datastore_active([r.pk for r in resources])
    return [_ResourceRow.of(r, datastore_active=r.pk in active) for r in resources]


@dataclass(slots=True)
class _DatasetRow:
    id: uuid.UUID
    name: str
    title: str
    notes: str
    url: str
    version: str
    state: str
    private: bool
    license_id: str | None
    author: str
    author_email: str
    maintainer: str
    maintainer_email: str
    organization_id: uuid.UUID
    extras: dict[str, Any]
    frequency: str
    temporal_start: dt.date | None
    temporal_end: dt.date | None
    metadata_created: dt.datetime
    metadata_modified: dt.datetime
    creator_user_id: Any

    FIELDS = (
        "id",
        "name",
        "title",
        "notes",
        "url",
        "version",
        "state",
        "private",
        "license_id",
        "author",
        "author_email",
        "maintainer",
        "maintainer_email",
        "organization_id",
        "extras",
        "frequency",
        "temporal_start",
        "temporal_end",
        "metadata_created",
        "metadata_modified",
        "creator_user_id",
    )

    @classmethod
    def of(cls, obj: Dataset) -> _DatasetRow:
        return cls(*(getattr(obj, f) for f in cls.FIELDS))
