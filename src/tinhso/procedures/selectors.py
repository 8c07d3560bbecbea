"""Reads for the procedure catalog: search with facets, detail, counts, versions.

Search works the same on SQLite and PostgreSQL: every procedure has a folded
``search_key`` (lower case, no diacritics, đ→d; name, code and field name, words framed
by spaces), and each word of the query must start a word of it (``contains(" " + word)``),
so "ho tich" finds "Hộ tịch", "khai sinh" finds "Đăng ký khai sinh", "giay phep xay"
finds "giấy phép xây dựng". At the size of a province catalogue (about 2,000
procedures) the scan is a few milliseconds; the filters use indexed columns.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length
from django.utils import timezone

from tinhso.core.models import Agency
from tinhso.core.workcalendar import add_working_days
from tinhso.procedures.diff import Change, agency_names_for, snapshot_diff
from tinhso.procedures.models import Field, Procedure, ProcedureVersion, search_words

MAX_QUERY_WORDS = 12
FACETS = ("field", "agency", "level", "online_level")


@dataclass
class FacetItem:
    value: str
    label: str
    count: int
    active: bool = False


@dataclass
class ProcedureSearchResult:
    count: int
    page: int
    page_size: int
    procedures: list[Procedure]
    facets: dict[str, list[FacetItem]] = field(default_factory=dict)

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.page_size))


def query_words(q: str) -> list[str]:
    return search_words(q or "").split()[:MAX_QUERY_WORDS]


def _agency_filter(agency: Agency) -> Q:
    """Procedures an agency implements: its own, and for a commune every commune-level one."""
    q = Q(pk__in=Procedure.agencies.through.objects.filter(agency=agency).values("procedure_id"))
    if agency.level == Agency.Level.COMMUNE:
        q |= Q(level=Procedure.Level.COMMUNE)
    return q


def _filters(
    *,
    field_code: str | None,
    level: str | None,
    online_level: str | None,
    agency: Agency | None,
    skip: str = "",
) -> Q:
    q = Q()
    if field_code and skip != "field":
        q &= Q(field__code=field_code)
    if level and skip != "level":
        q &= Q(level=level)
    if online_level and skip != "online_level":
        q &= Q(online_level=online_level)
    if agency is not None and skip != "agency":
        q &= _agency_filter(agency)
    return q


def _text_filter(words: list[str]) -> Q:
    q = Q()
    for word in words:
        q &= Q(search_key__contains=f" {word}")
    return q


def procedure_queryset(
    *,
    q: str = "",
    field_code: str | None = None,
    level: str | None = None,
    online_level: str | None = None,
    agency: Agency | None = None,
    include_inactive: bool = False,
) -> QuerySet[Procedure]:
    """Matching procedures, best first: names that start with the query, then names that
    contain it as a phrase, then the rest; shorter (more general) names first."""
    words = query_words(q)
    qs = Procedure.objects.all() if include_inactive else Procedure.objects.filter(is_active=True)
    qs = qs.filter(
        _text_filter(words),
        _filters(field_code=field_code, level=level, online_level=online_level, agency=agency),
    ).select_related("field")
    if words:
        phrase = " ".join(words)
        qs = qs.annotate(
            rank=Case(
                When(search_key__startswith=f" {phrase}", then=Value(0)),
                When(search_key__contains=f" {phrase}", then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            name_length=Length("name"),
        ).order_by("rank", "name_length", "code")
    else:
        qs = qs.order_by("field__name", "name", "code")
    return qs


def procedure_search(
    *,
    q: str = "",
    field_code: str | None = None,
    level: str | None = None,
    online_level: str | None = None,
    agency: Agency | None = None,
    page: int = 1,
    page_size: int = 20,
    with_facets: bool = True,
) -> ProcedureSearchResult:
    """One page of matching procedures, with facet counts.

    Each facet is counted with the other filters applied but not its own, so a chosen
    value can be switched for another without first removing it.
    """
    qs = procedure_queryset(
        q=q, field_code=field_code, level=level, online_level=online_level, agency=agency
    )
    count = qs.count()
    page = max(1, page)
    rows = list(qs.prefetch_related("agencies")[(page - 1) * page_size : page * page_size])
    result = ProcedureSearchResult(count=count, page=page, page_size=page_size, procedures=rows)
    if with_facets:
        result.facets = _facets(
            words=query_words(q),
            field_code=field_code,
            level=level,
            online_level=online_level,
            agency=agency,
        )
    return result


def procedure_near_matches(
    *,
    q: str,
    field_code: str | None = None,
    level: str | None = None,
    online_level: str | None = None,
    agency: Agency | None = None,
    exclude_ids: list[int] | None = None,
    limit: int = 10,
) -> list[Procedure]:
    """Procedures whose text contains a multi-word query less one word, as a phrase.

    People search with the name of the paper they want ("giay khai sinh") while the
    procedure is named after the act ("Đăng ký khai sinh"): when the strict search finds
    little, these are offered apart. The rest must stay a phrase ("khai sinh"), so loose
    hits such as "giấy phép khai thác" for "giay khai" are not offered.
    """
    words = query_words(q)
    if len(words) < 3:  # one word left would match far too much
        return []
    phrase_but_one = Q()
    for i in range(len(words)):
        phrase_but_one |= Q(search_key__contains=" " + " ".join(words[:i] + words[i + 1 :]))
    qs = (
        Procedure.objects.filter(is_active=True)
        .filter(
            phrase_but_one,
            _filters(field_code=field_code, level=level, online_level=online_level, agency=agency),
        )
        .exclude(pk__in=exclude_ids or [])
        .select_related("field")
        .annotate(name_length=Length("name"))
        .order_by("name_length", "code")
    )
    return list(qs.prefetch_related("agencies")[:limit])


def _facets(
    *,
    words: list[str],
    field_code: str | None,
    level: str | None,
    online_level: str | None,
    agency: Agency | None,
) -> dict[str, list[FacetItem]]:
    def base(skip: str) -> QuerySet[Procedure]:
        return Procedure.objects.filter(
            _text_filter(words),
            _filters(
                field_code=field_code,
                level=level,
                online_level=online_level,
                agency=agency,
                skip=skip,
            ),
            is_active=True,
        )

    facets: dict[str, list[FacetItem]] = {}
    rows = (
        base("field")
        .values("field__code", "field__name")
        .annotate(n=Count("id"))
        .order_by("-n", "field__name")
    )
    facets["field"] = [
        FacetItem(r["field__code"], r["field__name"], r["n"], r["field__code"] == field_code)
        for r in rows
    ]
    through = Procedure.agencies.through.objects.filter(
        procedure_id__in=base("agency").values("pk")
    )
    agency_rows = (
        through.values("agency__code", "agency__name")
        .annotate(n=Count("id"))
        .order_by("-n", "agency__name")
    )
    facets["agency"] = [
        FacetItem(
            r["agency__code"],
            r["agency__name"],
            r["n"],
            agency is not None and r["agency__code"] == agency.code,
        )
        for r in agency_rows
    ]
    if agency is not None and not any(f.active for f in facets["agency"]):
        facets["agency"].insert(0, FacetItem(agency.code, agency.name, 0, True))
    for name, choices, current in (
        ("level", Procedure.Level, level),
        ("online_level", Procedure.OnlineLevel, online_level),
    ):
        counts = dict(
            base(name).values(name).annotate(n=Count("id")).order_by().values_list(name, "n")
        )
        facets[name] = [
            FacetItem(value, str(label), counts.get(value, 0), value == current)
            for value, label in choices.choices
            if counts.get(value, 0) or value == current
        ]
    return facets


def procedure_detail(code: str, *, include_inactive: bool = True) -> Procedure | None:
    """One procedure with everything its page and the API show, or None."""
    qs = Procedure.objects.select_related("field").prefetch_related(
        "agencies", "documents", "workflow__agency"
    )
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.filter(code=code).first()


# Every dossier submitted reads its procedure with the documents, agencies and workflow
# (four queries); procedures change rarely, so each process keeps the ones it used for
# PROCEDURE_CACHE_SECONDS. A change made in this process is seen at once (signals in
# apps.py clear the cache); other processes see it after at most that long.
PROCEDURE_CACHE_SECONDS = 10.0
_PROCEDURE_CACHE_MAX = 4000
_procedures_kept: dict[str, tuple[float, Procedure]] = {}


def procedure_for_dossiers(code: str) -> Procedure | None:
    """The procedure ``code`` (active or not) with its documents, agencies and workflow
    steps prefetched, as the dossier services use it; None if there is no such code.

    The object is shared by the requests of this process for a few seconds: treat it as
    read-only."""
    now = time.monotonic()
    kept = _procedures_kept.get(code)
    if kept is not None and kept[0] > now:
        return kept[1]
    procedure = procedure_detail(code)
    if procedure is not None:  # unknown codes are not kept: a new procedure works at once
        if len(_procedures_kept) >= _PROCEDURE_CACHE_MAX:
            _procedures_kept.clear()
        _procedures_kept[code] = (now + PROCEDURE_CACHE_SECONDS, procedure)
    return procedure


def forget_kept_procedures(**_kwargs: object) -> None:
    """Signal receiver: a procedure, its documents, workflow or agencies changed."""
    _procedures_kept.clear()


def procedure_due_example(procedure: Procedure, *, now: dt.datetime | None = None) -> dt.date:
    """The appointment date of a complete dossier received ``now`` (working days, cut-off)."""
    return add_working_days(now or timezone.now(), procedure.processing_days)


def procedure_versions(procedure: Procedure) -> QuerySet[ProcedureVersion]:
    return procedure.versions.select_related("created_by").order_by("-version")


def procedure_version_diff(
    procedure: Procedure, *, old: int, new: int
) -> tuple[ProcedureVersion, ProcedureVersion, list[Change]] | None:
    """The difference between two versions of one procedure, or None if either is missing."""
    versions = {v.version: v for v in procedure.versions.filter(version__in=[old, new])}
    if old not in versions or new not in versions:
        return None
    a, b = versions[old], versions[new]
    names = agency_names_for(a.snapshot, b.snapshot)
    return a, b, snapshot_diff(a.snapshot, b.snapshot, agency_names=names)


def procedure_counts(*, agency: Agency | None = None) -> dict[str, int]:
    """Counts of active procedures (for indicators and statistics), optionally of one agency.

    Keys: ``total``, ``information``, ``partial_online``, ``full_online``, ``online``
    (partial + full), ``integrated_national``.
    """
    qs = Procedure.objects.filter(is_active=True)
    if agency is not None:
        qs = qs.filter(_agency_filter(agency))
    by_level = dict(
        qs.values("online_level")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("online_level", "n")
    )
    partial = by_level.get(Procedure.OnlineLevel.PARTIAL, 0)
    full = by_level.get(Procedure.OnlineLevel.FULL, 0)
    return {
        "total": sum(by_level.values()),
        "information": by_level.get(Procedure.OnlineLevel.INFORMATION, 0),
        "partial_online": partial,
        "full_online": full,
        "online": partial + full,
        "integrated_national": qs.filter(national_portal_integrated=True).count(),
    }


def field_list() -> QuerySet[Field]:
    """Fields with their number of active procedures (for browsing)."""
    return Field.objects.annotate(
        procedure_count=Count("procedures", filter=Q(procedures__is_active=True))
    ).order_by("name")
