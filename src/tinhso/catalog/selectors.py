"""Reads for the catalog. CONTRACT — signatures are fixed; bodies are implemented by the
catalog-core work. ``dataset_search`` is the one search entry point for the HTML search page,
the CKAN ``package_search`` action and the native API; it uses SQLite FTS5 or PostgreSQL
full text behind the same signature.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Q, QuerySet

from tinhso.catalog import search
from tinhso.catalog.models import (
    Dataset,
    Organization,
    OrganizationMember,
    SearchEntry,
)
from tinhso.core.models import Membership, Role, User
from tinhso.core.selectors import agencies_for_user, agency_ancestors, is_platform_admin

# Facet field names, as CKAN names them.
FACET_FIELDS = ("organization", "groups", "tags", "res_format", "license_id")
SORTS = (
    "score desc",
    "title_string asc",
    "title_string desc",
    "metadata_modified desc",
    "metadata_modified asc",
    "metadata_created desc",
    "name asc",
    "name desc",
)


@dataclass
class FacetItem:
    name: str
    display_name: str
    count: int


@dataclass
class SearchResult:
    count: int
    dataset_ids: list[uuid.UUID]  # the requested page, in order
    facets: dict[str, list[FacetItem]] = field(
        default_factory=dict
    )  # field → items sorted by count desc

    @cached_property
    def datasets(self) -> list[Dataset]:
        """The page's datasets, in order, with related objects prefetched (loaded on first
        use: the CKAN API builds its dicts from ``dataset_ids`` without model instances)."""
        return datasets_by_ids(self.dataset_ids)


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

    Every word of ``q`` must match (AND), each as a prefix, in the folded title or body
    (description, tags, groups, organization, resource names and formats, places, name).
    ``facet_limit`` < 0 means every value. ``rows`` = 0 returns only the count and facets.
    """
    order = _sort_order(sort)
    unknown = [f for f in facet_fields if f not in FACET_FIELDS]
    if unknown:
        raise ValueError(f"unknown facet field: {', '.join(unknown)}")
    start = max(0, int(start))
    rows = max(0, int(rows))
    words = search.query_tokens(q)
    readable = _readable_org_ids(user) if (include_private or include_drafts) else None

    # Count and facets from the in-memory bitmaps.
    index = search.facet_index()
    readable_keys = (
        None if readable is None else [str(pk) for pk in readable.values_list("pk", flat=True)]
    )
    if not (include_private or include_drafts):
        readable_keys = []
    mask = index.visible(
        readable_orgs=readable_keys, include_private=include_private, include_drafts=include_drafts
    )
    if filters is not None:
        mask &= search.q_mask(filters, index, mask)
    if words and mask:
        mask &= index.text_mask(words)
    count = mask.bit_count()
    facets: dict[str, list[FacetItem]] = {}
    if facet_fields:
        counted = index.counts(mask, facet_fields, limit=facet_limit, mincount=facet_mincount)
        facets = {
            name: [
                FacetItem(name=i.name, display_name=i.display_name, count=i.count) for i in items
            ]
            for name, items in counted.items()
        }

    # The page from SQL (index order, or relevance from the full-text engine).
    page_ids: list[uuid.UUID] = []
    if rows and start < count:
        visible = SearchEntry.objects.filter(
            _visibility(user, include_private=include_private, include_drafts=include_drafts)
        )
        qs = visible
        if filters is not None:
            qs = qs.filter(search.rewrite_dataset_q(filters))
        if words and order is None and count > RANK_LIMIT and connection.vendor == "postgresql":
            # The mask already holds the filters: walk only the visibility's index.
            page_ids = _tiered_page_from_masks(visible, words, index, mask, start, rows)
        elif words and order is None and count > RANK_LIMIT:
            page_ids = _tiered_page(qs, words, index, mask, start, rows)
        else:
            if words:
                qs = search.apply_text_query(qs, words, ranked=order is None)
                if order is None:
                    order = [*search.score_order(), "-metadata_modified", "-name"]
            if order is None:
                order = ["-metadata_modified", "-name"]
            page_ids = list(
                qs.order_by(*order).values_list("dataset_id", flat=True)[start : start + rows]
            )
    return SearchResult(count=count, dataset_ids=page_ids, facets=facets)


# Above this many matches, relevance is "title matches first, then the rest, each most
# recently modified first" instead of bm25/ts_rank over every match (which costs about a
# microsecond per match on SQLite and more on PostgreSQL).
RANK_LIMIT = 3000


def _tiered_page(
    qs: QuerySet[SearchEntry],
    words: Sequence[str],
    index: search.FacetIndex,
    mask: int,
    start: int,
    rows: int,
) -> list[uuid.UUID]:
    """Page ``start:start+rows`` of "title matches first, then the others", each most
    recently modified first. The number of title matches is needed only when the page
    starts past them: a full or partial first-tier page tells it (or the cached title
    mask does), so a first page costs no extra title-only text match."""
    matching = search.apply_text_query(qs, words, ranked=False)
    in_title = search.title_match_q(words)
    order = ["-metadata_modified", "-name"]
    cached = index.cached_text_mask(words, title_only=True)
    title_count = None if cached is None else (mask & cached).bit_count()
    if title_count is None and not search.title_match_exists(words):
        title_count = 0  # words only in descriptions: no title tier to look through
    ids: list[uuid.UUID] = []
    if title_count is None or start < title_count:
        ids = list(
            matching.filter(in_title)
            .order_by(*order)
            .values_list("dataset_id", flat=True)[start : start + rows]
        )
        if len(ids) == rows:
            return ids
        if title_count is None and (ids or start == 0):
            title_count = start + len(ids)
    if len(ids) < rows:
        if title_count is None:
            title_count = (mask & index.text_mask(words, title_only=True)).bit_count()
        offset = max(0, start - title_count)
        ids += list(
            matching.exclude(in_title)
            .order_by(*order)
            .values_list("dataset_id", flat=True)[offset : offset + rows - len(ids)]
        )
    return ids


# A tier's page is found by walking the recency index and keeping the tier's entries when
# that is expected to read at most this many index rows; otherwise by sorting the tier's ids.
WALK_LIMIT = 2000


def _tiered_page_from_masks(
    qs: QuerySet[SearchEntry],
    words: Sequence[str],
    index: search.FacetIndex,
    mask: int,
    start: int,
    rows: int,
) -> list[uuid.UUID]:
    """PostgreSQL: the same order as :func:`_tiered_page`, each tier's page chosen from its
    bitmap. The planner cannot estimate how many matches have the words in their title
    (it guesses ten times too few) and rechecks and sorts every match; the bitmaps know.
    A dense tier walks the ``-metadata_modified`` index (``qs`` with only the visibility
    filter) and keeps the tier's entries; a sparse one sorts its own ids only."""
    title = mask & index.text_mask(words, title_only=True)
    title_count = title.bit_count()
    population = max(1, index.active.bit_count())
    ids: list[uuid.UUID] = []
    if start < title_count:
        ids = _mask_page(qs, title, start, rows, population)
    if len(ids) < rows:
        offset = max(0, start - title_count)
        ids += _mask_page(qs, mask & ~title, offset, rows - len(ids), population)
    return ids


def _mask_page(
    qs: QuerySet[SearchEntry], tier: int, offset: int, limit: int, population: int
) -> list[uuid.UUID]:
    """Rows ``offset:offset+limit`` of the entries in ``tier``, most recently modified first."""
    size = tier.bit_count()
    if limit <= 0 or offset >= size:
        return []
    need = offset + limit
    expected = need * population // size
    if expected <= WALK_LIMIT:
        raw = tier.to_bytes((tier.bit_length() + 7) // 8 or 1, "little")
        chunk = 2 * expected + 64
        position = 0
        found: list[uuid.UUID] = []
        ordered = qs.order_by("-metadata_modified", "-name").values_list("pk", "dataset_id")
        while position <= 4 * WALK_LIMIT:
            batch = list(ordered[position : position + chunk])
            found += [d for pk, d in batch if (pk >> 3) < len(raw) and raw[pk >> 3] >> (pk & 7) & 1]
            if len(found) >= need or len(batch) < chunk:
                return found[offset:need]
            position += chunk
            chunk *= 2
    return search.recent_page_of_ids(search.mask_ids(tier), offset, limit)


_SORT_COLUMNS = {
    "title_string": "sort_title",
    "name": "name",
    "metadata_modified": "metadata_modified",
    "metadata_created": "metadata_created",
}


def _sort_order(sort: str) -> list[str] | None:
    """Entry ordering for a SORTS value; None for relevance (decided once ``q`` is known)."""
    normalized = " ".join((sort or "score desc").split()).lower()
    if normalized not in SORTS:
        raise ValueError(f"unknown sort: {sort}")
    key, direction = normalized.split(" ")
    if key == "score":
        return None
    column = _SORT_COLUMNS[key]
    prefix = "-" if direction == "desc" else ""
    if column == "name":  # unique
        return [f"{prefix}name"]
    return [f"{prefix}{column}", f"{prefix}name"]


def datasets_by_ids(ids: Sequence[uuid.UUID]) -> list[Dataset]:
    """Datasets in the given order, with everything a result list or CKAN dict reads prefetched."""
    if not ids:
        return []
    found = {d.pk: d for d in dataset_prefetch(Dataset.objects.filter(pk__in=list(ids)))}
    return [found[i] for i in ids if i in found]


def dataset_prefetch(qs: QuerySet[Dataset]) -> QuerySet[Dataset]:
    """Select/prefetch organization (+agency), licence, groups, tags, spatial, resources."""
    return qs.select_related("organization", "organization__agency", "license").prefetch_related(
        "groups", "tags", "spatial", "resources"
    )


def _readable_org_ids(user: User | AnonymousUser | None) -> QuerySet[Organization, Any] | None:
    """Organizations whose private datasets and drafts ``user`` may read; None = all."""
    if user is None or not user.is_authenticated:
        return Organization.objects.none()
    if user.is_superuser or is_platform_admin(user):
        return None
    return Organization.objects.filter(
        Q(members__user=user) | Q(agency__in=agencies_for_user(user))
    ).values("pk")


def _visibility(
    user: User | AnonymousUser | None, *, include_private: bool, include_drafts: bool
) -> Q:
    """Q over SearchEntry (which has the same state/private/organization columns as Dataset)."""
    # ``private__in=[False]`` (not ``private=False``, which SQLite writes as ``NOT private``)
    # lets the (state, private, …) indexes serve the sort.
    public = Q(state=Dataset.State.ACTIVE, private__in=[False])
    if not include_private and not include_drafts:
        return public
    readable = _readable_org_ids(user)
    states = [Dataset.State.ACTIVE] + ([Dataset.State.DRAFT] if include_drafts else [])
    extra = Q(state__in=states)
    if not include_private:
        extra &= Q(private__in=[False])
    if readable is None:
        return public | extra
    return public | (extra & Q(organization_id__in=readable))


def dataset_visible_qs(
    user: User | AnonymousUser | None,
    *,
    include_private: bool = False,
    include_drafts: bool = False,
) -> QuerySet[Dataset]:
    """Datasets this user may see (public + private/drafts of their organizations)."""
    return Dataset.objects.filter(
        _visibility(user, include_private=include_private, include_drafts=include_drafts)
    )


_EDITOR_CAPACITIES = (OrganizationMember.Capacity.ADMIN, OrganizationMember.Capacity.EDITOR)
_PUBLISHER_ROLES = (Role.DATA_PUBLISHER, Role.ADMINISTRATOR)


def can_edit_organization(user: User | AnonymousUser | None, organization: Organization) -> bool:
    """Organization admin/editor, a data publisher or administrator of the agency (or above), superuser."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if OrganizationMember.objects.filter(
        organization=organization, user=user, capacity__in=_EDITOR_CAPACITIES
    ).exists():
        return True
    return Membership.objects.filter(
        user=user,
        role__in=_PUBLISHER_ROLES,
        agency__in=[a.pk for a in agency_ancestors(organization.agency)],
    ).exists()


def can_admin_organization(user: User | AnonymousUser | None, organization: Organization) -> bool:
    """May manage the organization's members: organization admin, agency administrator (or
    above), superuser."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if OrganizationMember.objects.filter(
        organization=organization, user=user, capacity=OrganizationMember.Capacity.ADMIN
    ).exists():
        return True
    return Membership.objects.filter(
        user=user,
        role=Role.ADMINISTRATOR,
        agency__in=[a.pk for a in agency_ancestors(organization.agency)],
    ).exists()


def can_read_organization_private(
    user: User | AnonymousUser | None, organization: Organization
) -> bool:
    """Members of the organization and officers whose agencies cover its agency."""
    readable = _readable_org_ids(user)
    if readable is None:
        return True
    return readable.filter(pk=organization.pk).exists()


def can_read_dataset(user: User | AnonymousUser | None, dataset: Dataset) -> bool:
    """Public datasets: everyone. Private datasets and drafts: readers of the organization.
    Deleted datasets: only those who may edit the organization (to restore them)."""
    if dataset.state == Dataset.State.ACTIVE and not dataset.private:
        return True
    if dataset.state == Dataset.State.DELETED:
        return can_edit_organization(user, dataset.organization)
    return can_read_organization_private(user, dataset.organization)


def organizations_editable_by(user: User | AnonymousUser | None) -> QuerySet[Organization]:
    """Organizations in which ``user`` may create and edit datasets (publisher UI pickers)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Organization.objects.none()
    if user.is_superuser or is_platform_admin(user):
        return Organization.objects.filter(is_active=True)
    agencies = agencies_for_user(user, roles=_PUBLISHER_ROLES)
    return Organization.objects.filter(
        Q(members__user=user, members__capacity__in=_EDITOR_CAPACITIES) | Q(agency__in=agencies),
        is_active=True,
    ).distinct()


def dataset_activity(dataset: Dataset) -> QuerySet[Any]:
    """The dataset's activity stream, newest first (each with a full snapshot in ``data``)."""
    return dataset.activities.select_related("user").order_by("-revision")
