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
from collections.abc import Iterable, Sequence
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
    return {
        "id": str(tag.pk),
        "name": tag.name,
        "display_name": tag.name,
        "state": "active",
        "vocabulary_id": None,
    }


# --- resources ---------------------------------------------------------------------------


def resource_download_url(resource: Resource, *, dataset_name: str, base_url: str) -> str:
    """Absolute URL of an uploaded file (the catalog's download view)."""
    with translation.override(settings.LANGUAGE_CODE):
        try:
            path = reverse("catalog:resource_download", args=[dataset_name, resource.id])
        except NoReverseMatch:
            path = f"/du-lieu/{quote(dataset_name)}/tai-nguyen/{resource.id}/tai-ve/"
    return absolute(base_url, path)


def resource_dict(
    resource: Resource, *, base_url: str, dataset: Dataset | None = None
) -> dict[str, Any]:
    dataset = dataset or resource.dataset
    if resource.upload:
        url = resource_download_url(resource, dataset_name=dataset.name, base_url=base_url)
    else:
        url = resource.url
    data: dict[str, Any] = {}
    for key, value in sorted((resource.extras or {}).items()):
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
            "url_type": resource.url_type or None,
            "state": "active",
            "resource_type": None,
            "cache_url": None,
            "cache_last_updated": None,
            "datastore_active": bool((resource.extras or {}).get("datastore_active", False)),
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
    units = list(dataset.spatial.all())
    if units:
        values["spatial_code"] = ",".join(u.code for u in units)
        values["spatial_text"] = ", ".join(u.name for u in units)
    return [{"key": key, "value": values[key]} for key in sorted(values)]


def dataset_dict(dataset: Dataset, *, base_url: str) -> dict[str, Any]:
    """``package_show`` result for ``dataset``."""
    license = dataset.license
    tags = list(dataset.tags.all())
    resources = sorted(dataset.resources.all(), key=lambda r: (r.position, r.created))
    groups = sorted(dataset.groups.all(), key=lambda g: g.name)
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
        "organization": organization_summary(dataset.organization),
        "groups": [group_summary(g, base_url=base_url) for g in groups],
        "tags": [tag_dict(t) for t in tags],
        "num_tags": len(tags),
        "resources": [resource_dict(r, base_url=base_url, dataset=dataset) for r in resources],
        "num_resources": len(resources),
        "extras": dataset_extras(dataset),
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
