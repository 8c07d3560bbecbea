"""Reads for the catalog. CONTRACT — signatures are fixed; bodies are implemented by the
catalog-core work. ``dataset_search`` is the one search entry point for the HTML search page,
the CKAN ``package_search`` action and the native API; it uses SQLite FTS5 or PostgreSQL
full text behind the same signature.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from tinhso.catalog.models import Dataset, Organization
from tinhso.core.models import User

# Facet field names, as CKAN names them.
FACET_FIELDS = ("organization", "groups", "tags", "res_format", "license_id")
SORTS = ("score desc", "title_string asc", "title_string desc", "metadata_modified desc",
         "metadata_modified asc", "metadata_created desc", "name asc", "name desc")


@dataclass
class FacetItem:
    name: str
    display_name: str
    count: int


@dataclass
class SearchResult:
    count: int
    datasets: list[Dataset]  # the requested page, in order, with related objects prefetched
    facets: dict[str, list[FacetItem]] = field(default_factory=dict)  # field → items sorted by count desc


def dataset_search(
    *,
    user: User | AnonymousUser | None,
    q: str = "",
    filters: Q | None = None,
    sort: str = "score desc",
    start: int = 0,
    rows: int = 10,
    facet_fields: Sequence[str] = FACET_FIELDS,
    facet_limit: int = 50,
    facet_mincount: int = 1,
    include_private: bool = False,
    include_drafts: bool = False,
) -> SearchResult:
    """Full-text, diacritics- and case-insensitive search with prefix matching and title boost.

    ``filters`` is a Q over Dataset (e.g. from the CKAN fq parser or the HTML facet links):
    ``organization__name``, ``groups__name``, ``tags__name``, ``resources__format``,
    ``license_id``, ``name``, ``state``… ``sort`` is one of SORTS. Private datasets are
    returned only with ``include_private`` *and* only those of organizations the user may
    read. Deleted datasets never. Raises ValueError on an unknown sort or facet field.
    """
    raise NotImplementedError


def dataset_visible_qs(user: User | AnonymousUser | None, *, include_private: bool = False, include_drafts: bool = False) -> QuerySet[Dataset]:
    """Datasets this user may see (public + private/drafts of their organizations)."""
    raise NotImplementedError


def can_edit_organization(user: User | AnonymousUser | None, organization: Organization) -> bool:
    """Organization admin/editor, a data publisher or administrator of the agency (or above), superuser."""
    raise NotImplementedError


def can_read_dataset(user: User | AnonymousUser | None, dataset: Dataset) -> bool:
    raise NotImplementedError
