"""Who may read or change a resource's DataStore table (delegates to the catalog rules)."""

from __future__ import annotations

from typing import Any

from tinhso.catalog import selectors as catalog_selectors
from tinhso.catalog.models import Dataset, Resource


def can_read(user: Any, resource: Resource) -> bool:
    dataset: Dataset = resource.dataset
    if dataset.state == Dataset.State.DELETED:
        return bool(user is not None and getattr(user, "is_superuser", False))
    try:
        return bool(catalog_selectors.can_read_dataset(user, dataset))
    except NotImplementedError:  # catalog contract not implemented yet: public only
        return dataset.is_public or bool(user is not None and getattr(user, "is_superuser", False))


def can_edit(user: Any, resource: Resource) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    try:
        return bool(catalog_selectors.can_edit_organization(user, resource.dataset.organization))
    except NotImplementedError:  # catalog contract not implemented yet
        return bool(user.is_superuser)
