"""The catalog's search index: one engine-neutral set of rows, two full-text engines.

Every non-deleted dataset has one :class:`~tinhso.catalog.models.SearchEntry` row holding
what a search needs without joins (state, private flag, organization name, licence, sort
keys, dates) and the *folded* text (``fold``: lower case, no diacritics, đ→d) split into a
title column and a body column; its facet values (organization, groups, tags, res_format,
license_id) are :class:`~tinhso.catalog.models.SearchFacet` rows. Database triggers keep
the engine's index in step with the entry rows (migration 0003):

* SQLite: FTS5 external-content table ``catalog_search_fts``, rank ``bm25(10.0, 1.0)``;
* PostgreSQL: the ``document`` tsvector (title weight A, body weight B, ``simple``
  configuration), GIN index, ranked with ``ts_rank``; which entries match (for counts and
  facets) comes from the narrow ``catalog_searchmatch`` table (migration 0007).

Because both the stored text and the query are folded in Python, "dan so" matches
"Dân số" and "da" matches "Đà" on both engines, with no ``unaccent`` needed. Every query
token is a prefix ("thanh ho" finds "Thanh Hóa"); all tokens must match (AND).

Relevance: bm25 (title ×10) on SQLite, ``ts_rank`` (title A, body B) on PostgreSQL. When a
query matches more than ``selectors.RANK_LIMIT`` visible datasets, ranking every match costs
too much, and the order becomes: title matches first, then the others, each most recently
modified first.

Counts and facets come from per-process bitmaps (:class:`FacetIndex`), kept in step with
the database through :class:`~tinhso.catalog.models.SearchState` (every index write bumps
its generation in the writer's transaction).

Services call :func:`index_dataset` inside their transaction; ``tinhso catalog reindex``
calls :func:`rebuild`. Rows changed with raw SQL are not seen until a reindex.
"""

from __future__ import annotations

import bisect
import re
import secrets
import threading
import time
import unicodedata
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, transaction
from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL

from tinhso.catalog.models import (
    Dataset,
    Group,
    License,
    Organization,
    Resource,
    SearchEntry,
    SearchFacet,
    SearchState,
)
from tinhso.core.text import fold

_TOKEN = re.compile(r"[^\W_]+")
MAX_QUERY_TOKENS = 16
MAX_BODY_CHARS = 20_000
FACET_VALUE_MAX = 200

# Facet name → how a Q over Dataset names it (used to rewrite filters onto the facet table).
FACET_LOOKUPS = {
    "groups__name": "groups",
    "tags__name": "tags",
    "resources__format": "res_format",
}
# Q over Dataset lookups answered straight from SearchEntry columns.
ENTRY_LOOKUPS = {
    "organization__name": "organization_name",
    "organization_id": "organization_id",
    "organization": "organization_id",
    "organization__id": "organization_id",
    "license_id": "license_code",
    "license": "license_code",
    "license__id": "license_code",
    "name": "name",
    "state": "state",
    "private": "private",
    "id": "dataset_id",
    "pk": "dataset_id",
    "metadata_modified": "metadata_modified",
    "metadata_created": "metadata_created",
}
_SIMPLE_SUFFIXES = {"", "exact", "in", "iexact", "gt", "gte", "lt", "lte", "isnull", "startswith"}


def _fold_table() -> dict[int, int | None]:
    """str.translate table: precomposed letters → base letter, combining marks → removed,
    đ/Đ → d. Same result as ``tinhso.core.text.fold`` on letters, much faster on long text."""
    table: dict[int, int | None] = {}
    for cp in range(0xC0, 0x3000):
        ch = chr(cp)
        if unicodedata.combining(ch):
            table[cp] = None
            continue
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        if base != ch and len(base) == 1:
            table[cp] = ord(base)
    for cp in range(0xFE20, 0xFE30):
        table[cp] = None
    table.update({ord("đ"): ord("d"), ord("Đ"): ord("D"), ord("ð"): ord("d"), ord("Ð"): ord("D")})
    return table


_FOLD = _fold_table()


def fold_fast(text: str) -> str:
    return text.translate(_FOLD).casefold()


def tokens(text: str) -> list[str]:
    """Folded word tokens, as both engines index them."""
    return _TOKEN.findall(fold_fast(text))


def folded_text(*parts: str) -> str:
    return " ".join(tokens(" ".join(p for p in parts if p)))


def query_tokens(q: str) -> list[str]:
    return tokens(q)[:MAX_QUERY_TOKENS]


# --- Building rows ----------------------------------------------------------------------------


def _prefetched(qs: QuerySet[Dataset]) -> QuerySet[Dataset]:
    return qs.select_related("organization", "license").prefetch_related(
        "groups",
        "tags",
        "spatial",
        Prefetch("resources", queryset=Resource.objects.only("id", "dataset_id", "name", "format")),
    )


@dataclass
class _Source:
    """What the index needs of one dataset (from model instances or raw rows)."""

    title: str
    notes: str
    name: str
    author: str
    maintainer: str
    organization_name: str
    organization_title: str
    license_id: str
    groups: list[tuple[str, str, str]]  # name, title, title_en
    tags: list[str]
    resources: list[tuple[str, str]]  # name, format
    places: list[str]


def _texts_and_facets(src: _Source) -> tuple[str, str, str, list[tuple[str, str]]]:
    """(text_title, text_body, sort_title, facets) of one dataset."""
    body = folded_text(
        src.notes,
        " ".join(sorted(src.tags)),
        " ".join(f"{title} {title_en}" for _n, title, title_en in sorted(src.groups)),
        src.organization_title,
        " ".join(f"{name} {fmt}" for name, fmt in src.resources),
        " ".join(sorted(src.places)),
        src.name.replace("-", " ").replace("_", " "),
        src.author,
        src.maintainer,
    )[:MAX_BODY_CHARS]
    facets: set[tuple[str, str]] = {("organization", src.organization_name)}
    if src.license_id:
        facets.add(("license_id", src.license_id))
    facets.update(("groups", name) for name, _t, _e in src.groups)
    facets.update(("tags", t[:FACET_VALUE_MAX]) for t in src.tags)
    facets.update(("res_format", fmt[:FACET_VALUE_MAX]) for _n, fmt in src.resources if fmt)
    return folded_text(src.title), body, fold(src.title)[:500], sorted(facets)


def _entry_and_facets(dataset: Dataset) -> tuple[SearchEntry, list[tuple[str, str]]]:
    org = dataset.organization
    src = _Source(
        title=dataset.title,
        notes=dataset.notes,
        name=dataset.name,
        author=dataset.author,
        maintainer=dataset.maintainer,
        organization_name=org.name,
        organization_title=org.title,
        license_id=dataset.license_id or "",
        groups=[(g.name, g.title, g.title_en) for g in dataset.groups.all()],
        tags=[t.name for t in dataset.tags.all()],
        resources=[(r.name, r.format) for r in dataset.resources.all()],
        places=[u.name for u in dataset.spatial.all()],
    )
    text_title, text_body, sort_title, facets = _texts_and_facets(src)
    entry = SearchEntry(
        dataset_id=dataset.pk,
        organization_id=org.pk,
        organization_name=org.name,
        license_code=dataset.license_id or "",
        state=dataset.state,
        private=dataset.private,
        name=dataset.name,
        sort_title=sort_title,
        metadata_created=dataset.metadata_created,
        metadata_modified=dataset.metadata_modified,
        text_title=text_title,
        text_body=text_body,
    )
    return entry, facets


def index_dataset(dataset: Dataset | uuid.UUID | str) -> None:
    """Write the index rows of one dataset (a deleted or missing dataset becomes a tombstone).

    Call inside the writing transaction, after the dataset, its relations and resources
    are saved. Bulk SQL only: no model signals, so nothing is audited for derived rows.
    """
    pk = dataset.pk if isinstance(dataset, Dataset) else dataset
    fresh = _prefetched(Dataset.objects.filter(pk=pk)).first()
    with transaction.atomic():
        if fresh is None or fresh.state == Dataset.State.DELETED:
            unindex_dataset(pk)
            return
        seq = bump_generation()
        entry, facets = _entry_and_facets(fresh)
        entry.seq = seq
        existing = SearchEntry.objects.filter(dataset_id=pk).values_list("pk", flat=True).first()
        if existing is None:
            SearchEntry.objects.bulk_create([entry])
            entry_id = SearchEntry.objects.values_list("pk", flat=True).get(dataset_id=pk)
        else:
            entry_id = existing
            SearchEntry.objects.filter(pk=entry_id).update(
                **{f: getattr(entry, f) for f in _ENTRY_FIELDS}
            )
            _fast_delete(SearchFacet.objects.filter(entry_id=entry_id))
        SearchFacet.objects.bulk_create(
            [SearchFacet(entry_id=entry_id, field=f, value=v) for f, v in facets]
        )


_ENTRY_FIELDS = (
    "organization_id",
    "organization_name",
    "license_code",
    "state",
    "private",
    "name",
    "sort_title",
    "metadata_created",
    "metadata_modified",
    "text_title",
    "text_body",
    "seq",
)


def unindex_dataset(dataset_id: uuid.UUID | str) -> None:
    """Turn the dataset's entry into a tombstone (state deleted, no text, no facets), so
    caches loading "what changed" see the removal."""
    entry_ids = list(SearchEntry.objects.filter(dataset_id=dataset_id).values_list("pk", flat=True))
    if entry_ids:
        seq = bump_generation()
        _fast_delete(SearchFacet.objects.filter(entry_id__in=entry_ids))
        SearchEntry.objects.filter(pk__in=entry_ids).update(
            state=Dataset.State.DELETED, text_title="", text_body="", seq=seq
        )


def bump_generation(*, full: bool = False) -> int:
    """Advance the index generation (inside the caller's transaction) and return it.
    ``full`` clears the token history, so every process reloads its facet bitmaps."""
    SearchState.objects.bulk_create([SearchState(pk=1)], ignore_conflicts=True)
    state = SearchState.objects.select_for_update().get(pk=1)
    token = secrets.token_hex(5)
    recent = [] if full else [t for t in state.recent.split(",") if t]
    recent = [*recent, token][-RECENT_TOKENS:]
    generation = state.generation + 1
    SearchState.objects.filter(pk=1).update(generation=generation, recent=",".join(recent))
    return generation


RECENT_TOKENS = 32


def _fast_delete(qs: QuerySet[Any]) -> None:
    """DELETE in one statement: no per-row signals (the rows are derived, not audited)."""
    sql, params = qs.values("pk").query.sql_with_params()
    table = connection.ops.quote_name(qs.model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id IN ({sql})", params)  # noqa: S608


_SQLITE_TRIGGERS_DROP = [
    "DROP TRIGGER IF EXISTS catalog_searchentry_fts_ai",
    "DROP TRIGGER IF EXISTS catalog_searchentry_fts_ad",
    "DROP TRIGGER IF EXISTS catalog_searchentry_fts_au",
]
_SQLITE_TRIGGERS_CREATE = [
    """CREATE TRIGGER catalog_searchentry_fts_ai AFTER INSERT ON catalog_searchentry BEGIN
        INSERT INTO catalog_search_fts(rowid, text_title, text_body)
        VALUES (new.id, new.text_title, new.text_body); END""",
    """CREATE TRIGGER catalog_searchentry_fts_ad AFTER DELETE ON catalog_searchentry BEGIN
        INSERT INTO catalog_search_fts(catalog_search_fts, rowid, text_title, text_body)
        VALUES ('delete', old.id, old.text_title, old.text_body); END""",
    """CREATE TRIGGER catalog_searchentry_fts_au AFTER UPDATE OF text_title, text_body
        ON catalog_searchentry BEGIN
        INSERT INTO catalog_search_fts(catalog_search_fts, rowid, text_title, text_body)
        VALUES ('delete', old.id, old.text_title, old.text_body);
        INSERT INTO catalog_search_fts(rowid, text_title, text_body)
        VALUES (new.id, new.text_title, new.text_body); END""",
]


@dataclass
class RebuildReport:
    count: int
    seconds: float


_ENTRY_COLUMNS = ("id", "dataset_id", *_ENTRY_FIELDS)


def _raw(cursor: Any, sql: str) -> list[tuple[Any, ...]]:
    cursor.execute(sql)
    return list(cursor.fetchall())


def _grouped(rows: Iterable[tuple[Any, ...]]) -> dict[Any, list[Any]]:
    result: dict[Any, list[Any]] = {}
    for key, *rest in rows:
        result.setdefault(key, []).append(rest[0] if len(rest) == 1 else tuple(rest))
    return result


def rebuild(*, batch_size: int = 5000) -> RebuildReport:
    """Rebuild the whole index from the datasets, in one transaction (readers keep the old
    index until it commits).

    Reads plain rows (no model instances) and writes with ``executemany`` (SQLite, with the
    FTS triggers dropped and the FTS table rebuilt in one pass at the end) or ``COPY``
    (PostgreSQL). Entry ids restart at 1, which keeps the facet bitmaps small.
    """
    started = time.perf_counter()
    count = 0
    sqlite = connection.vendor == "sqlite"
    with transaction.atomic(), connection.cursor() as cursor:
        if sqlite:
            for statement in _SQLITE_TRIGGERS_DROP:
                cursor.execute(statement)
        cursor.execute("DELETE FROM catalog_searchfacet")
        cursor.execute("DELETE FROM catalog_searchentry")
        seq = bump_generation(full=True)
        orgs = {
            pk: (name, title)
            for pk, name, title in _raw(cursor, "SELECT id, name, title FROM catalog_organization")
        }
        groups = {
            pk: (name, title, title_en)
            for pk, name, title, title_en in _raw(
                cursor, "SELECT id, name, title, title_en FROM catalog_group"
            )
        }
        tags = dict(_raw(cursor, "SELECT id, name FROM catalog_tag"))
        places = dict(_raw(cursor, "SELECT id, name FROM core_administrativeunit"))
        dataset_groups = _grouped(
            _raw(cursor, "SELECT dataset_id, group_id FROM catalog_dataset_groups")
        )
        dataset_tags = _grouped(_raw(cursor, "SELECT dataset_id, tag_id FROM catalog_dataset_tags"))
        dataset_places = _grouped(
            _raw(cursor, "SELECT dataset_id, administrativeunit_id FROM catalog_dataset_spatial")
        )
        dataset_resources = _grouped(
            _raw(cursor, "SELECT dataset_id, name, format FROM catalog_resource ORDER BY position")
        )
        datasets = _raw(
            cursor,
            "SELECT id, organization_id, license_id, state, private, name, title, notes, "
            "metadata_created, metadata_modified, author, maintainer FROM catalog_dataset "
            "WHERE state <> 'deleted' ORDER BY metadata_created, id",
        )
        for offset in range(0, len(datasets), batch_size):
            entries: list[tuple[Any, ...]] = []
            facet_rows: list[tuple[Any, ...]] = []
            for (
                pk,
                org_id,
                licence,
                state,
                private,
                name,
                title,
                notes,
                created,
                modified,
                author,
                maintainer,
            ) in datasets[offset : offset + batch_size]:
                org_name, org_title = orgs[org_id]
                src = _Source(
                    title=title,
                    notes=notes,
                    name=name,
                    author=author,
                    maintainer=maintainer,
                    organization_name=org_name,
                    organization_title=org_title,
                    license_id=licence or "",
                    groups=[groups[g] for g in dataset_groups.get(pk, ())],
                    tags=[tags[t] for t in dataset_tags.get(pk, ())],
                    resources=dataset_resources.get(pk, []),
                    places=[places[u] for u in dataset_places.get(pk, ())],
                )
                text_title, text_body, sort_title, facets = _texts_and_facets(src)
                count += 1
                entries.append(
                    (
                        count,
                        pk,
                        org_id,
                        org_name,
                        licence or "",
                        state,
                        private,
                        name,
                        sort_title,
                        created,
                        modified,
                        text_title,
                        text_body,
                        seq,
                    )
                )
                facet_rows.extend((count, f, v) for f, v in facets)
            _write_rows(cursor, "catalog_searchentry", _ENTRY_COLUMNS, entries)
            _write_rows(cursor, "catalog_searchfacet", ("entry_id", "field", "value"), facet_rows)
        del datasets
        if sqlite:
            cursor.execute("INSERT INTO catalog_search_fts(catalog_search_fts) VALUES('rebuild')")
            for statement in _SQLITE_TRIGGERS_CREATE:
                cursor.execute(statement)
        else:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('catalog_searchentry', 'id'), "
                "GREATEST(COALESCE(MAX(id), 0), 1)) FROM catalog_searchentry"
            )
    if sqlite:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO catalog_search_fts(catalog_search_fts) VALUES('optimize')")
            cursor.execute("ANALYZE catalog_searchentry")
            cursor.execute("ANALYZE catalog_searchfacet")
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE catalog_searchentry")
            cursor.execute("ANALYZE catalog_searchfacet")
            cursor.execute("ANALYZE catalog_searchmatch")
    return RebuildReport(count=count, seconds=time.perf_counter() - started)


def _write_rows(
    cursor: Any, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    if not rows:
        return
    names = ", ".join(columns)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(columns))
    cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


# --- Querying ---------------------------------------------------------------------------------


def apply_text_query(
    qs: QuerySet[SearchEntry], words: Sequence[str], *, ranked: bool = True
) -> QuerySet[SearchEntry]:
    """Restrict to entries matching every word as a prefix. With ``ranked``, order by
    :func:`score_order` (PostgreSQL annotates ``score``; SQLite joins the FTS table for its
    ``rank``); without, the match is an IN-subquery so a column sort can walk its index."""
    if connection.vendor == "postgresql":
        query = SearchQuery(" & ".join(f"{w}:*" for w in words), search_type="raw", config="simple")
        qs = qs.filter(document=query)
        if not ranked:
            return qs
        boosted = SearchQuery(_ranking_query(words), search_type="raw", config="simple")
        return qs.annotate(score=SearchRank(F("document"), boosted))
    if ranked:
        return qs.filter(fts__match__fts=_ranking_query(words))
    expression = _engine_query(words)
    return qs.filter(
        pk__in=RawSQL(
            "SELECT rowid FROM catalog_search_fts WHERE catalog_search_fts MATCH %s", [expression]
        )
    )


def score_order() -> list[Any]:
    if connection.vendor == "postgresql":
        return [F("score").desc()]
    return [F("fts__rank").asc()]


def rewrite_dataset_q(node: Q) -> Q:
    """Rewrite a Q over Dataset into an equivalent Q over SearchEntry.

    Facet relations (groups, tags, resource formats) become IN-subqueries on the facet table
    (so OR/NOT keep their meaning and rows never duplicate); plain columns map to entry
    columns; anything else falls back to a subquery on Dataset.
    """
    children: list[Any] = []
    raw_children: list[Any] = list(node.children)
    for child in raw_children:
        if isinstance(child, Q):
            children.append(rewrite_dataset_q(child))
        else:
            lookup, value = child
            children.append(_rewrite_leaf(lookup, value))
    rewritten = Q(*children, _connector=node.connector)
    rewritten.negated = node.negated
    return rewritten


def _split(lookup: str, prefixes: Iterable[str]) -> tuple[str, str] | None:
    for prefix in sorted(prefixes, key=len, reverse=True):
        if lookup == prefix:
            return prefix, ""
        if lookup.startswith(prefix + "__"):
            suffix = lookup[len(prefix) + 2 :]
            if suffix in _SIMPLE_SUFFIXES:
                return prefix, suffix
    return None


def _rewrite_leaf(lookup: str, value: Any) -> Q:
    found = _split(lookup, FACET_LOOKUPS)
    if found:
        prefix, suffix = found
        value_lookup = f"value__{suffix}" if suffix else "value"
        return Q(
            pk__in=SearchFacet.objects.filter(
                **{"field": FACET_LOOKUPS[prefix], value_lookup: value}
            ).values("entry_id")
        )
    found = _split(lookup, ENTRY_LOOKUPS)
    if found:
        prefix, suffix = found
        column = ENTRY_LOOKUPS[prefix]
        if isinstance(value, License | Organization | Dataset):
            value = value.pk
        return Q(**{f"{column}__{suffix}" if suffix else column: value})
    return Q(dataset_id__in=Dataset.objects.filter(**{lookup: value}).values("pk"))


@dataclass
class FacetCount:
    name: str
    display_name: str
    count: int


def _display_names(grouped: dict[str, list[tuple[str, int]]]) -> dict[tuple[str, str], str]:
    names: dict[tuple[str, str], str] = {}
    models: dict[str, Any] = {"organization": Organization, "groups": Group}
    for field, model in models.items():
        wanted = [v for v, _ in grouped.get(field, [])]
        if wanted:
            for name, title in model.objects.filter(name__in=wanted).values_list("name", "title"):
                names[(field, name)] = title
    wanted = [v for v, _ in grouped.get("license_id", [])]
    if wanted:
        for lid, title in License.objects.filter(id__in=wanted).values_list("id", "title"):
            names[("license_id", lid)] = title
    return names


# --- In-memory facet bitmaps ------------------------------------------------------------------
#
# Counting facets with SQL over a large match set (tens of thousands of datasets × several
# facet values each) costs hundreds of milliseconds on either engine. Each process therefore
# keeps, per facet value and per visibility class, a bitmap of entry ids (a Python int; bit
# i = SearchEntry id i). A search turns its match set into a bitmap once and counts every
# facet value with ``(mask & bitmap).bit_count()``. The bitmaps follow the database through
# SearchState: same generation → nothing to do; our token still in ``recent`` → load only
# the entries written since; otherwise → reload everything.


def ids_to_mask(ids: Iterable[int]) -> int:
    ids = list(ids)
    if not ids:
        return 0
    bits = bytearray((max(ids) >> 3) + 1)
    for i in ids:
        bits[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(bits, "little")


INCREMENTAL_LIMIT = 2000
TEXT_CACHE_SIZE = 256


class FacetIndex:
    def __init__(self) -> None:
        self.generation = -1
        self.token = ""
        # field → value → entry ids: a bitmap, or a sorted tuple for rare values (memory).
        self.values: dict[str, dict[str, Posting]] = {}
        self.active = 0
        self.draft = 0
        self.private = 0
        self.by_org: dict[str, int] = {}
        self.text_masks: OrderedDict[tuple[str, ...], int] = OrderedDict()
        self.lock = threading.Lock()

    # -- freshness
    def refresh(self) -> FacetIndex:
        row = SearchState.objects.filter(pk=1).values_list("generation", "recent").first()
        generation, recent = row if row else (0, "")
        tokens = recent.split(",") if recent else []
        token = tokens[-1] if tokens else ""
        if generation == self.generation and token == self.token:
            return self
        with self.lock:
            self.text_masks = OrderedDict()
            if self.token and self.token in tokens and generation > self.generation:
                changed = list(
                    SearchEntry.objects.filter(seq__gt=self.generation).values_list(
                        "pk", "state", "private", "organization_id"
                    )[: INCREMENTAL_LIMIT + 1]
                )
                if len(changed) <= INCREMENTAL_LIMIT:
                    self._apply(changed, incremental=True)
                    self.generation, self.token = generation, token
                    return self
            self._load_all()
            self.generation, self.token = generation, token
        return self

    def _load_all(self) -> None:
        entries = list(SearchEntry.objects.values_list("pk", "state", "private", "organization_id"))
        self._apply(entries, incremental=False)

    def _apply(self, entries: list[tuple[int, str, bool, Any]], *, incremental: bool) -> None:
        """Compute new bitmaps (from the current ones plus ``entries``, or from scratch) and
        swap them in, so concurrent readers never see a half-built dict."""
        if incremental:
            clear = ~ids_to_mask(pk for pk, *_ in entries)
            active, draft, private = self.active & clear, self.draft & clear, self.private & clear
            by_org = {k: v & clear for k, v in self.by_org.items()}
            changed = {pk for pk, *_ in entries}
            values = {
                f: {v: _without(m, clear, changed) for v, m in vals.items()}
                for f, vals in self.values.items()
            }
        else:
            active = draft = private = 0
            by_org, values = {}, {}
        live = [
            (pk, state, p, org) for pk, state, p, org in entries if state != Dataset.State.DELETED
        ]
        active |= ids_to_mask(pk for pk, state, _p, _o in live if state == Dataset.State.ACTIVE)
        draft |= ids_to_mask(pk for pk, state, _p, _o in live if state == Dataset.State.DRAFT)
        private |= ids_to_mask(pk for pk, _s, p, _o in live if p)
        orgs: dict[str, list[int]] = {}
        for pk, _s, _p, org in live:
            orgs.setdefault(str(org), []).append(pk)
        for org, pks in orgs.items():
            by_org[org] = by_org.get(org, 0) | ids_to_mask(pks)
        if live:
            rows = self._facet_rows([pk for pk, *_ in live] if incremental else None)
            for field, value, ids in rows:
                bucket = values.setdefault(field, {})
                bucket[value] = _merge(bucket.get(value), [int(i) for i in ids.split(",")])
        self.values, self.by_org = values, by_org
        self.active, self.draft, self.private = active, draft, private

    @staticmethod
    def _facet_rows(entry_ids: list[int] | None) -> list[tuple[str, str, str]]:
        aggregate = (
            "string_agg(entry_id::text, ',')"
            if connection.vendor == "postgresql"
            else "group_concat(entry_id)"
        )
        where, params = "", []
        if entry_ids is not None:
            where = f"WHERE entry_id IN ({', '.join(['%s'] * len(entry_ids))})"
            params = entry_ids
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT field, value, {aggregate} FROM catalog_searchfacet {where} "  # noqa: S608
                "GROUP BY field, value",
                params,
            )
            return list(cursor.fetchall())

    # -- masks
    def text_mask(self, words: Sequence[str], *, title_only: bool = False) -> int:
        """Entries matching ``words`` (see :func:`text_match_ids`); the last
        ``TEXT_CACHE_SIZE`` answers are kept until the index changes."""
        key = ("title" if title_only else "all", *words)
        with self.lock:
            cached = self.text_masks.get(key)
            if cached is not None:
                self.text_masks.move_to_end(key)
                return cached
        mask = ids_to_mask(text_match_ids(words, title_only=title_only))
        with self.lock:
            self.text_masks[key] = mask
            while len(self.text_masks) > TEXT_CACHE_SIZE:
                self.text_masks.popitem(last=False)
        return mask

    def cached_text_mask(self, words: Sequence[str], *, title_only: bool = False) -> int | None:
        """The cached answer of :meth:`text_mask`, or None (nothing is queried)."""
        with self.lock:
            return self.text_masks.get(("title" if title_only else "all", *words))

    def visible(
        self, *, readable_orgs: list[str] | None, include_private: bool, include_drafts: bool
    ) -> int:
        """Mirror of ``selectors._visibility``; ``readable_orgs`` None means every organization."""
        public = self.active & ~self.private
        if not include_private and not include_drafts:
            return public
        extra = self.active | (self.draft if include_drafts else 0)
        if not include_private:
            extra &= ~self.private
        if readable_orgs is None:
            return public | extra
        orgs = 0
        for org in readable_orgs:
            orgs |= self.by_org.get(org, 0)
        return public | (extra & orgs)

    def value_mask(self, field: str, values: Iterable[str], *, iexact: bool = False) -> int:
        bucket = self.values.get(field, {})
        mask = 0
        if iexact:
            wanted = {str(v).casefold() for v in values}
            for value, m in bucket.items():
                if value.casefold() in wanted:
                    mask |= _as_mask(m)
            return mask
        for value in values:
            mask |= _as_mask(bucket.get(str(value), 0))
        return mask

    def counts(
        self, mask: int, fields: Sequence[str], *, limit: int, mincount: int
    ) -> dict[str, list[FacetCount]]:
        """Facet counts over ``mask``: bitmaps by ``popcount(mask & bitmap)``, rare values by
        looking their ids up in the mask's bytes. Values are visited by decreasing size and
        the walk stops once no remaining value can enter the top ``limit``."""
        raw = mask.to_bytes((mask.bit_length() + 7) // 8 or 1, "little")
        size = len(raw)
        minimum = max(1, mincount)
        grouped: dict[str, list[tuple[str, int]]] = {}
        for field in fields:
            bucket = self.values.get(field, {})
            candidates = sorted(
                ((_size(m), value, m) for value, m in bucket.items()), key=lambda c: (-c[0], c[1])
            )
            found: list[tuple[int, str]] = []  # (-count, value), kept sorted
            for total, value, m in candidates:
                if total < minimum:
                    break
                if limit == 0 or (0 < limit <= len(found) and total < -found[limit - 1][0]):
                    break
                if isinstance(m, int):
                    n = (mask & m).bit_count()
                else:
                    n = sum(1 for i in m if (i >> 3) < size and raw[i >> 3] >> (i & 7) & 1)
                if n >= minimum:
                    bisect.insort(found, (-n, value))
            if limit >= 0:
                found = found[:limit]
            grouped[field] = [(value, -neg) for neg, value in found]
        titles = _display_names(grouped)
        return {
            field: [
                FacetCount(name=v, display_name=titles.get((field, v), v), count=n)
                for v, n in items
            ]
            for field, items in grouped.items()
        }


Posting = int | tuple[int, ...]
SPARSE_MAX = 64  # values held by at most this many entries are kept as id tuples


def _as_mask(posting: Posting) -> int:
    return posting if isinstance(posting, int) else ids_to_mask(posting)


def _size(posting: Posting) -> int:
    return posting.bit_count() if isinstance(posting, int) else len(posting)


def _merge(posting: Posting | None, ids: list[int]) -> Posting:
    if posting is None or posting == 0 or posting == ():
        return tuple(sorted(set(ids))) if len(ids) <= SPARSE_MAX else ids_to_mask(ids)
    if isinstance(posting, tuple) and len(posting) + len(ids) <= SPARSE_MAX:
        return tuple(sorted(set(posting) | set(ids)))
    return _as_mask(posting) | ids_to_mask(ids)


def _without(posting: Posting, clear: int, changed: set[int]) -> Posting:
    if isinstance(posting, int):
        return posting & clear
    return tuple(i for i in posting if i not in changed)


_facet_index = FacetIndex()


def facet_index() -> FacetIndex:
    """This process's facet bitmaps, brought up to date with the database."""
    return _facet_index.refresh()


def clear_text_cache() -> None:
    """Forget this process's cached text matches (benchmarks measure never-seen queries)."""
    with _facet_index.lock:
        _facet_index.text_masks = OrderedDict()


def _engine_query(words: Sequence[str], *, title_only: bool = False) -> str:
    """The full-text query string: every word a prefix, all required; optionally only in
    the title (FTS5 column filter / tsquery weight A)."""
    if connection.vendor == "postgresql":
        weight = "A" if title_only else ""
        return " & ".join(f"{w}:*{weight}" for w in words)
    expression = " ".join(f'"{w}"*' for w in words)
    return f"{{text_title}} : ({expression})" if title_only else expression


def _ranking_query(words: Sequence[str]) -> str:
    """The query used for relevance: the same matches as :func:`_engine_query` (every word
    as a prefix), OR-ed with the words as whole tokens and, for several words, as a phrase.

    Both engines score every matching alternative, so "dan so" puts "Dân số" (exact words,
    adjacent) above "định danh … số" (prefix matches only) and "lua" puts "lúa" above
    "luật". The alternatives are subsets of the prefix match, so the set is unchanged.
    """
    if connection.vendor == "postgresql":
        parts = [" & ".join(f"{w}:*" for w in words), " & ".join(words)]
        if len(words) > 1:
            parts.append(" <-> ".join(words))
        return " | ".join(f"({p})" for p in reversed(parts))
    parts = [" ".join(f'"{w}"*' for w in words), " ".join(f'"{w}"' for w in words)]
    if len(words) > 1:
        parts.append('"' + " ".join(words) + '"')
    return " OR ".join(f"({p})" for p in reversed(parts))


def text_match_ids(words: Sequence[str], *, title_only: bool = False) -> list[int]:
    """Ids of the entries whose text matches every word (as a prefix), deleted ones included.

    PostgreSQL answers from the narrow ``catalog_searchmatch`` table (lexemes only, migration
    0007), whose heap is a third of the entries' for a broad prefix to visit."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            column = "title" if title_only else "body"
            cursor.execute(
                f"SELECT id FROM catalog_searchmatch WHERE {column} "  # noqa: S608
                "@@ to_tsquery('simple', %s)",
                [_engine_query(words)],
            )
        else:
            query = _engine_query(words, title_only=title_only)
            cursor.execute(
                "SELECT rowid FROM catalog_search_fts WHERE catalog_search_fts MATCH %s", [query]
            )
        return [row[0] for row in cursor.fetchall()]


def mask_ids(mask: int) -> list[int]:
    """The entry ids whose bits are set in ``mask``, ascending."""
    raw = mask.to_bytes((mask.bit_length() + 7) // 8 or 1, "little")
    ids: list[int] = []
    for i, byte in enumerate(raw):
        if byte:
            base = i << 3
            ids.extend(base + b for b in range(8) if byte >> b & 1)
    return ids


def recent_page_of_ids(ids: Sequence[int], offset: int, limit: int) -> list[uuid.UUID]:
    """Dataset ids of the entries ``ids``, most recently modified first (then name
    descending), rows ``offset:offset+limit``: one sort of these rows only (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT dataset_id FROM catalog_searchentry WHERE id = ANY(%s) "
            "ORDER BY metadata_modified DESC, name DESC LIMIT %s OFFSET %s",
            [list(ids), limit, offset],
        )
        return [row[0] for row in cursor.fetchall()]


def title_match_exists(words: Sequence[str]) -> bool:
    """Whether any entry (visible or not) has every word, as a prefix, in its title: one
    index probe, much cheaper than filtering the matches by title when none has."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT 1 FROM catalog_searchmatch WHERE title @@ to_tsquery('simple', %s) LIMIT 1",
                [_engine_query(words)],
            )
        else:
            cursor.execute(
                "SELECT 1 FROM catalog_search_fts WHERE catalog_search_fts MATCH %s LIMIT 1",
                [_engine_query(words, title_only=True)],
            )
        return cursor.fetchone() is not None


def title_match_q(words: Sequence[str]) -> Q:
    """Q over SearchEntry: every word (as a prefix) is in the title."""
    query = _engine_query(words, title_only=True)
    if connection.vendor == "postgresql":
        return Q(document=SearchQuery(query, search_type="raw", config="simple"))
    return Q(
        pk__in=RawSQL(
            "SELECT rowid FROM catalog_search_fts WHERE catalog_search_fts MATCH %s", [query]
        )
    )


_MASK_FACETS = {
    "organization__name": "organization",
    "license_id": "license_id",
    "license__id": "license_id",
    "license": "license_id",
    **FACET_LOOKUPS,
}


def q_mask(node: Q, index: FacetIndex, universe: int) -> int:
    """Bitmap of the entries a Q over Dataset selects (within ``universe``). Facet lookups
    (exact/iexact/in) come from the bitmaps; anything else from one SQL query per leaf."""
    masks: list[int] = []
    raw_children: list[Any] = list(node.children)
    for child in raw_children:
        if isinstance(child, Q):
            masks.append(q_mask(child, index, universe))
            continue
        lookup, value = child
        found = _split(lookup, _MASK_FACETS)
        if found and found[1] in {"", "exact", "iexact", "in"}:
            prefix, suffix = found
            values = list(value) if suffix == "in" else [value]
            if isinstance(value, License | Organization):
                values = [value.pk if isinstance(value, License) else value.name]
            masks.append(
                index.value_mask(
                    _MASK_FACETS[prefix], [str(v) for v in values], iexact=suffix == "iexact"
                )
            )
        else:
            ids = SearchEntry.objects.filter(_rewrite_leaf(lookup, value)).values_list(
                "pk", flat=True
            )
            masks.append(ids_to_mask(ids))
    if not masks:
        result = universe
    elif node.connector == Q.OR:
        result = 0
        for m in masks:
            result |= m
    else:
        result = universe
        for m in masks:
            result &= m
    if node.negated:
        result = universe & ~result
    return result & universe
