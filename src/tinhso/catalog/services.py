"""Writes for the catalog. CONTRACT — signatures are fixed; bodies are implemented by the
catalog-core work (every function: one transaction, validation with field errors,
permission check, an Activity revision snapshot, search index update, audit).

Other modules (CKAN API, harvesting, demo data, publisher UI) call only these.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile

from tinhso.catalog.models import Dataset, Organization, Resource
from tinhso.core.models import User
from tinhso.core.services import DomainError


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
) -> Dataset:
    """Create a dataset. ``groups`` are group names, ``spatial`` administrative-unit codes,
    ``tags`` free strings (NFC-normalised, deduplicated). ``user=None`` with
    ``check_permission=False`` is for system jobs (harvest, demo)."""
    raise NotImplementedError


def dataset_update(*, user: User | None, dataset: Dataset, check_permission: bool = True, **fields: Any) -> Dataset:
    """Replace: every field of :func:`dataset_create` (plus ``organization``); omitted ones reset to defaults."""
    raise NotImplementedError


def dataset_patch(*, user: User | None, dataset: Dataset, check_permission: bool = True, **fields: Any) -> Dataset:
    """Change only the given fields (same names as :func:`dataset_create`)."""
    raise NotImplementedError


def dataset_delete(*, user: User | None, dataset: Dataset, check_permission: bool = True) -> Dataset:
    """Soft delete (state=deleted), as CKAN does."""
    raise NotImplementedError


def dataset_restore(*, user: User | None, dataset: Dataset) -> Dataset:
    raise NotImplementedError


def dataset_publish(*, user: User | None, dataset: Dataset) -> Dataset:
    """draft → active."""
    raise NotImplementedError


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
) -> Resource:
    """Exactly one of ``url`` / ``upload``. Uploads: size limit, type detected from content,
    SHA-256, size and media type stored."""
    raise NotImplementedError


def resource_update(*, user: User | None, resource: Resource, check_permission: bool = True, **fields: Any) -> Resource:
    raise NotImplementedError


def resource_delete(*, user: User | None, resource: Resource, check_permission: bool = True) -> None:
    raise NotImplementedError


def resource_reorder(*, user: User | None, dataset: Dataset, order: Sequence[uuid.UUID | str]) -> None:
    raise NotImplementedError
