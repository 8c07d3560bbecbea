"""Reads for dossiers: access, queues, timelines, public tracking, statistics."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy

from tinhso.core.models import Agency, Role
from tinhso.core.selectors import agencies_for_user, agency_in_scope
from tinhso.core.text import fold
from tinhso.core.workcalendar import WorkingCalendar
from tinhso.dossiers import deadlines
from tinhso.dossiers.models import (
    CLOCK_STOPPED_STATES,
    FINAL_STATES,
    Channel,
    Dossier,
    DossierEvent,
    FeeStatus,
    State,
    Timeliness,
)
from tinhso.dossiers.workflow import ACTIONS, EVENT_PUBLIC_LABELS

QUEUES = ("to_receive", "to_process", "to_approve", "due_soon", "overdue", "all")
ACTIVE_STATES = (State.RECEIVED, State.PROCESSING)
# Received and neither finished nor closed: the clock runs (or is paused).
IN_PROGRESS_STATES = (
    State.RECEIVED,
    State.PROCESSING,
    State.ADDITIONS_REQUESTED,
    State.PAUSED,
)


def _base() -> QuerySet[Dossier]:
    return Dossier.objects.select_related("procedure", "agency", "current_agency")


def dossiers_visible_to(user: Any) -> QuerySet[Dossier]:
    """Dossiers an officer may see (received by, or now at, one of their agencies)."""
    agencies = agencies_for_user(user)
    return _base().filter(Q(agency__in=agencies) | Q(current_agency__in=agencies))


def officer_sees(user: Any, dossier: Dossier) -> bool:
    """Whether ``user`` is an officer who may see ``dossier`` (received by, or now at, one
    of their agencies); answered from the user's remembered scope, without a query."""
    return agency_in_scope(user, dossier.agency) or agency_in_scope(user, dossier.current_agency)


def dossier_get_for_user(*, code: str, user: Any) -> Dossier | None:
    """The dossier if ``user`` is its applicant or an officer who may see it, else None."""
    dossier = _base().filter(code=code).first()
    if dossier is None or not user.is_authenticated:
        return None
    if dossier.applicant_id == user.pk:
        return dossier
    return dossier if officer_sees(user, dossier) else None


def _role_agencies(user: Any, role: str) -> QuerySet[Agency]:
    return agencies_for_user(user, roles=[role])


def dossier_queue(
    *,
    user: Any,
    queue: str,
    q: str = "",
    procedure_code: str = "",
    state: str = "",
    channel: str = "",
    today: dt.date | None = None,
) -> QuerySet[Dossier]:
    """One officer work queue, filtered. Unknown queue names behave like ``all``."""
    today = today or timezone.localdate()
    if queue == "to_receive":
        qs = _base().filter(
            state=State.SUBMITTED, agency__in=_role_agencies(user, Role.ONE_STOP_OFFICER)
        )
    elif queue == "to_process":
        cond = Q()
        for role in (Role.SPECIALIST, Role.CLERK):
            cond |= Q(current_role=role, current_agency__in=_role_agencies(user, role))
        qs = _base().filter(cond, state__in=ACTIVE_STATES)
    elif queue == "to_approve":
        qs = _base().filter(
            state__in=ACTIVE_STATES,
            current_role=Role.LEADER,
            current_agency__in=_role_agencies(user, Role.LEADER),
        )
    elif queue == "to_return":
        qs = _base().filter(
            state=State.RESULT_READY, agency__in=_role_agencies(user, Role.ONE_STOP_OFFICER)
        )
    elif queue == "due_soon":
        limit = deadlines.due_soon_limit(WorkingCalendar.load(), today)
        qs = dossiers_visible_to(user).filter(
            state__in=ACTIVE_STATES, due_date__gte=today, due_date__lte=limit
        )
    elif queue == "overdue":
        qs = dossiers_visible_to(user).filter(state__in=ACTIVE_STATES, due_date__lt=today)
    else:
        qs = dossiers_visible_to(user)
    if q:
        text = q.strip()
        folded = fold(text)
        qs = qs.filter(
            Q(code__icontains=text)
            | Q(applicant_citizen_id=text)
            | Q(procedure__search_key__contains=folded)
            | Q(applicant_search__contains=folded)
        )
    if procedure_code:
        qs = qs.filter(procedure__code=procedure_code)
    if state:
        qs = qs.filter(state=state)
    if channel:
        qs = qs.filter(channel=channel)
    order = ("due_date", "submitted_at") if queue in ("due_soon", "overdue") else ("submitted_at",)
    return qs.order_by(*order, "id")


def deadline_status(
    dossiers: Iterable[Dossier], *, today: dt.date | None = None
) -> dict[int, dict[str, Any]]:
    """For each open dossier (received or processing, with a due date): working days left
    until its due date (0 on the day) or, when past it, working days overdue; dossiers
    whose clock is paused are marked as such. Keyed by dossier id."""
    today = today or timezone.localdate()
    calendar = WorkingCalendar.load()
    out: dict[int, dict[str, Any]] = {}
    for d in dossiers:
        status: dict[str, Any] = {"left": None, "late": None, "paused": False}
        if d.state in CLOCK_STOPPED_STATES and d.received_at is not None:
            status["paused"] = True
        elif d.state in ACTIVE_STATES and d.due_date is not None:
            if d.due_date >= today:
                status["left"] = calendar.working_days_between(today, d.due_date)
            else:
                status["late"] = calendar.working_days_between(d.due_date, today)
        out[d.pk] = status
    return out


def queue_counts(*, user: Any) -> dict[str, int]:
    return {
        name: dossier_queue(user=user, queue=name).count()
        for name in ("to_receive", "to_process", "to_approve", "to_return", "due_soon", "overdue")
    }


def _intake_procedure_ids(agency: Agency) -> QuerySet[Any]:
    from tinhso.procedures.models import Procedure

    implemented = Q(agencies=agency)
    if agency.level == Agency.Level.COMMUNE:
        implemented |= Q(agencies__isnull=True, level=Procedure.Level.COMMUNE)
    return Procedure.objects.filter(implemented, is_active=True).values("pk")


def intake_procedures(*, agency: Agency, q: str = "", limit: int = 20) -> list[Any]:
    """Procedures ``agency`` receives at its counter, matching ``q`` (code or name, without
    diacritics): those it is listed for, and for a commune the commune-level procedures
    not tied to particular agencies."""
    from tinhso.procedures.selectors import procedure_queryset

    return list(procedure_queryset(q=q).filter(pk__in=_intake_procedure_ids(agency))[:limit])


def intake_procedure(*, agency: Agency, code: str) -> Any:
    """The active procedure ``code`` if ``agency`` receives it at its counter, else None."""
    from tinhso.procedures.models import Procedure

    return (
        Procedure.objects.filter(code=code.strip(), pk__in=_intake_procedure_ids(agency))
        .select_related("field")
        .first()
    )


def citizen_dossiers(*, user: Any) -> QuerySet[Dossier]:
    return _base().filter(applicant=user).order_by("-submitted_at", "-id")


def reusable_documents(*, user: Any) -> list[Any]:
    """The citizen's earlier files, newest version of each (name, hash) once."""
    from tinhso.dossiers.models import DossierDocument

    seen: set[tuple[str, str]] = set()
    out = []
    for doc in (
        DossierDocument.objects.filter(dossier__applicant=user)
        .exclude(kind=DossierDocument.Kind.RESULT)
        .select_related("dossier")
        .order_by("-uploaded_at", "-id")[:200]
    ):
        key = (doc.name, doc.sha256)
        if key not in seen:
            seen.add(key)
            out.append(doc)
    return out


def _events(dossier: Dossier) -> list[DossierEvent]:
    """Every event of ``dossier`` in order; from the events the write that created the
    dossier just stored (``remember_created``), else one query."""
    known = getattr(dossier, "_prefetched_objects_cache", {}).get("events")
    if known is not None:
        return sorted(known, key=lambda e: (e.at, e.pk))
    return list(dossier.events.select_related("agency").order_by("at", "id"))


def remember_created(dossier: Dossier, *, events: list[DossierEvent], documents: list[Any]) -> None:
    """Attach the rows a submission has just created to ``dossier`` as if prefetched, so
    that answering with the new dossier reads neither back from the database (they are
    all its events and documents: it did not exist before)."""
    cache: dict[str, QuerySet[Any]] = {}
    for name, rows in (("events", events), ("documents", documents)):
        queryset = getattr(dossier, name).get_queryset()  # as Django's prefetch does
        queryset._result_cache = list(rows)
        queryset._prefetch_done = True
        cache[name] = queryset
    dossier._prefetched_objects_cache = cache  # type: ignore[attr-defined]


def history(dossier: Dossier) -> list[DossierEvent]:
    """The officers' view: every event."""
    return _events(dossier)


def timeline(dossier: Dossier) -> list[dict[str, Any]]:
    """The applicant's simplified view: public events only, no officer names."""
    out = []
    for event in _events(dossier):
        spec = ACTIONS.get(event.action)
        label = spec.public_label if spec is not None else EVENT_PUBLIC_LABELS.get(event.action)
        if label is None:
            continue
        note = event.note if event.action in ("request_additions", "refuse", "stop") else ""
        out.append({"at": event.at, "label": str(label), "state": event.to_state, "note": note})
    return out


def tracking_info(*, code: str) -> dict[str, Any] | None:
    """Public tracking: status and dates only, never personal data."""
    d = (
        Dossier.objects.select_related("procedure", "agency")
        .filter(code=code.strip().upper())
        .first()
    )
    if d is None:
        return None
    return {
        "code": d.code,
        "procedure": d.procedure.name,
        "procedure_code": d.procedure.code,
        "agency": d.agency.name,
        "state": d.state,
        "state_label": str(State(d.state).label),
        "submitted_at": d.submitted_at,
        "received_at": d.received_at,
        "due_date": d.appointment_date,
        "finished_at": d.finished_at,
        "returned_at": d.returned_at,
        "timeline": [
            {"at": t["at"], "label": t["label"], "state": t["state"]} for t in timeline(d)
        ],
    }


# ---------------------------------------------------------------- statistics


def _as_range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return lo, hi


def _scope(qs: QuerySet[Dossier], agency: Agency | None) -> QuerySet[Dossier]:
    if agency is None:
        return qs
    return qs.filter(agency__path__startswith=agency.path)


def dossier_statistics(*, agency: Agency | None, start: dt.date, end: dt.date) -> dict[str, int]:
    """The contract the indicators app expects (see ``tinhso.indicators.providers``).

    ``received``: dossiers received in [start, end]; ``received_online`` of which online;
    ``finished``: results ready in the period; ``finished_on_time``: of which early or on
    time; ``paid``: dossiers with a fee paid in the period; ``paid_online`` of which online.
    """
    lo, hi = _as_range(start, end)
    base = _scope(Dossier.objects.all(), agency)
    received = base.filter(received_at__gte=lo, received_at__lt=hi).aggregate(
        n=Count("id"), online=Count("id", filter=Q(channel=Channel.ONLINE))
    )
    finished = base.filter(finished_at__gte=lo, finished_at__lt=hi).aggregate(
        n=Count("id"),
        ok=Count("id", filter=Q(timeliness__in=[Timeliness.EARLY, Timeliness.ON_TIME])),
    )
    paid = base.filter(fee_status=FeeStatus.PAID, paid_at__gte=lo, paid_at__lt=hi).aggregate(
        n=Count("id"), online=Count("id", filter=Q(paid_online=True))
    )
    return {
        "received": received["n"],
        "received_online": received["online"],
        "finished": finished["n"],
        "finished_on_time": finished["ok"],
        "paid": paid["n"],
        "paid_online": paid["online"],
    }


GROUPINGS = {"agency": "agency", "field": "procedure__field", "level": "procedure__level"}


def _pct(part: int, whole: int) -> float | None:
    if not whole:
        return None
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def statistics_table(
    *,
    start: dt.date,
    end: dt.date,
    group_by: str = "agency",
    agencies: Iterable[Agency] | QuerySet[Agency] | None = None,
    today: dt.date | None = None,
    agency: Agency | None = None,
    field_code: str = "",
) -> list[dict[str, Any]]:
    """Rows per agency, field or level for the period [start, end].

    * received — received in the period; online share is over those;
    * early / on_time / late — results ready in the period, by classification;
    * in_progress — received on or before ``end``, not finished nor closed by then
      (as of now for the current period); overdue — of those, past their due date;
    * paid / paid_online — fees paid in the period; satisfaction — mean rating (1–5) of
      dossiers finished in the period.

    ``agency`` narrows to dossiers received by that agency or its subtree, ``field_code``
    to procedures of that field.
    """
    today = today or timezone.localdate()
    key = GROUPINGS.get(group_by, "agency")
    lo, hi = _as_range(start, end)
    qs = _filtered(agencies=agencies, agency=agency, field_code=field_code)
    rows: dict[Any, dict[str, Any]] = defaultdict(
        lambda: {
            "received": 0,
            "received_online": 0,
            "early": 0,
            "on_time": 0,
            "late": 0,
            "in_progress": 0,
            "overdue": 0,
            "paid": 0,
            "paid_online": 0,
            "rating_sum": 0.0,
            "rated": 0,
        }
    )
    for r in (
        qs.filter(received_at__gte=lo, received_at__lt=hi)
        .values(key)
        .annotate(n=Count("id"), online=Count("id", filter=Q(channel=Channel.ONLINE)))
    ):
        rows[r[key]]["received"] += r["n"]
        rows[r[key]]["received_online"] += r["online"]
    for r in (
        qs.filter(finished_at__gte=lo, finished_at__lt=hi)
        .values(key, "timeliness")
        .annotate(n=Count("id"), avg=Avg("rating"), rated=Count("rating"))
    ):
        row = rows[r[key]]
        if r["timeliness"] in (Timeliness.EARLY, Timeliness.ON_TIME, Timeliness.LATE):
            row[r["timeliness"]] += r["n"]
        if r["rated"]:
            row["rating_sum"] += float(r["avg"]) * r["rated"]
            row["rated"] += r["rated"]
    as_of = min(end, today)
    _lo_ignored, as_of_hi = _as_range(as_of, as_of)
    open_qs = qs.filter(received_at__lt=as_of_hi).filter(
        Q(finished_at__isnull=True) | Q(finished_at__gte=as_of_hi)
    )
    open_qs = open_qs.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=as_of_hi))
    for r in open_qs.values(key).annotate(
        n=Count("id"),
        late=Count(
            "id",
            filter=Q(due_date__lt=as_of) & ~Q(state__in=list(CLOCK_STOPPED_STATES)),
        ),
    ):
        rows[r[key]]["in_progress"] += r["n"]
        rows[r[key]]["overdue"] += r["late"]
    for r in (
        qs.filter(fee_status=FeeStatus.PAID, paid_at__gte=lo, paid_at__lt=hi)
        .values(key)
        .annotate(n=Count("id"), online=Count("id", filter=Q(paid_online=True)))
    ):
        rows[r[key]]["paid"] += r["n"]
        rows[r[key]]["paid_online"] += r["online"]
    labels = _labels(group_by, [k for k in rows if k is not None])
    out = []
    for k, row in rows.items():
        finished = row["early"] + row["on_time"] + row["late"]
        out.append(
            {
                "key": labels.get(k, ("", str(k)))[0],
                "name": labels.get(k, ("", str(k)))[1],
                **{n: v for n, v in row.items() if n not in ("rating_sum",)},
                "finished": finished,
                "on_time_rate": _pct(row["early"] + row["on_time"], finished),
                "online_share": _pct(row["received_online"], row["received"]),
                "paid_online_share": _pct(row["paid_online"], row["paid"]),
                "satisfaction": round(row["rating_sum"] / row["rated"], 2)
                if row["rated"]
                else None,
            }
        )
    out.sort(key=lambda r: (-r["received"], r["name"]))
    return out


def _filtered(
    *,
    agencies: Iterable[Agency] | QuerySet[Agency] | None = None,
    agency: Agency | None = None,
    field_code: str = "",
) -> QuerySet[Dossier]:
    qs = Dossier.objects.all()
    if agencies is not None:
        qs = qs.filter(agency__in=agencies)
    qs = _scope(qs, agency)
    if field_code:
        qs = qs.filter(procedure__field__code=field_code)
    return qs


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    months = []
    day = start.replace(day=1)
    while day <= end:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def monthly_statistics(
    *,
    start: dt.date,
    end: dt.date,
    agency: Agency | None = None,
    field_code: str = "",
    agencies: Iterable[Agency] | QuerySet[Agency] | None = None,
) -> list[dict[str, Any]]:
    """Per calendar month of [start, end] (local time): ``received`` (of which
    ``received_online``) and ``finished`` (results ready; of which ``early``, ``on_time``,
    ``late``), with the same rules as :func:`statistics_table`, so the months add up to
    its totals."""
    lo, hi = _as_range(start, end)
    qs = _filtered(agencies=agencies, agency=agency, field_code=field_code)
    rows: dict[dt.date, dict[str, Any]] = {
        m: {
            "month": m,
            "received": 0,
            "received_online": 0,
            "finished": 0,
            "early": 0,
            "on_time": 0,
            "late": 0,
        }
        for m in _months(start, end)
    }
    tz = timezone.get_current_timezone()
    for r in (
        qs.filter(received_at__gte=lo, received_at__lt=hi)
        .annotate(m=TruncMonth("received_at", tzinfo=tz))
        .values("m")
        .annotate(n=Count("id"), online=Count("id", filter=Q(channel=Channel.ONLINE)))
    ):
        row = rows[_month_key(r["m"])]
        row["received"] += r["n"]
        row["received_online"] += r["online"]
    for r in (
        qs.filter(finished_at__gte=lo, finished_at__lt=hi)
        .annotate(m=TruncMonth("finished_at", tzinfo=tz))
        .values("m", "timeliness")
        .annotate(n=Count("id"))
    ):
        row = rows[_month_key(r["m"])]
        if r["timeliness"] in (Timeliness.EARLY, Timeliness.ON_TIME, Timeliness.LATE):
            row[r["timeliness"]] += r["n"]
            row["finished"] += r["n"]
    out = list(rows.values())
    for row in out:
        row["online_share"] = _pct(row["received_online"], row["received"])
        row["on_time_rate"] = _pct(row["early"] + row["on_time"], row["finished"])
    return out


def _month_key(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def _labels(group_by: str, keys: list[Any]) -> dict[Any, tuple[str, str]]:
    if group_by == "field":
        from tinhso.procedures.models import Field

        return {f.pk: (f.code, f.name) for f in Field.objects.filter(pk__in=keys)}
    if group_by == "level":
        from tinhso.procedures.models import Procedure

        return {k: (k, str(Procedure.Level(k).label)) for k in keys}
    return {a.pk: (a.code, a.name) for a in Agency.objects.filter(pk__in=keys)}


def totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    keys = (
        "received",
        "received_online",
        "early",
        "on_time",
        "late",
        "finished",
        "in_progress",
        "overdue",
        "paid",
        "paid_online",
        "rated",
    )
    t: dict[str, Any] = {k: sum(r[k] for r in rows) for k in keys}
    rating_sum = sum((r["satisfaction"] or 0) * r["rated"] for r in rows)
    t["on_time_rate"] = _pct(t["early"] + t["on_time"], t["finished"])
    t["online_share"] = _pct(t["received_online"], t["received"])
    t["paid_online_share"] = _pct(t["paid_online"], t["paid"])
    t["satisfaction"] = round(rating_sum / t["rated"], 2) if t["rated"] else None
    return t


def final_states() -> frozenset[str]:
    return FINAL_STATES


# ---------------------------------------------------------------- service-quality index

# Groups and maximum points of the national index of service to citizens and businesses
# (Bộ chỉ số phục vụ người dân, doanh nghiệp — Decision 766/QĐ-TTg of 23 June 2022).
INDEX_GROUPS: tuple[tuple[str, Any, int], ...] = (
    ("publicity", gettext_lazy("Công khai, minh bạch"), 18),
    ("progress", gettext_lazy("Tiến độ giải quyết"), 20),
    ("online_service", gettext_lazy("Dịch vụ công trực tuyến"), 12),
    ("online_payment", gettext_lazy("Thanh toán trực tuyến"), 10),
    ("satisfaction", gettext_lazy("Mức độ hài lòng"), 18),
    ("digitisation", gettext_lazy("Số hóa hồ sơ"), 22),
)


def service_quality_index(
    *, start: dt.date, end: dt.date, agency: Agency | None = None
) -> dict[str, Any]:
    """The six index groups computed from the platform's own data (formulas in docs/dossiers.md).

    Each group's score is ``max points × ratio``; a group without data has ``score``
    None and is left out of ``total`` (``total_max`` says over how many points).
    """
    from tinhso.dossiers.models import DossierDocument
    from tinhso.procedures.models import Procedure

    lo, hi = _as_range(start, end)
    base = _scope(Dossier.objects.all(), agency)
    received = base.filter(received_at__gte=lo, received_at__lt=hi)
    stats = dossier_statistics(agency=agency, start=start, end=end)

    procedures = Procedure.objects.filter(is_active=True)
    if agency is not None:
        procedures = procedures.filter(agencies__path__startswith=agency.path).distinct()
    n_procedures = procedures.count()
    published = procedures.filter(processing_days__gt=0, documents__isnull=False).distinct().count()
    online_procedures = received.exclude(procedure__online_level=Procedure.OnlineLevel.INFORMATION)
    n_online_capable = online_procedures.count()
    n_online = online_procedures.filter(channel=Channel.ONLINE).count()
    rated = base.filter(finished_at__gte=lo, finished_at__lt=hi, rating__isnull=False).aggregate(
        n=Count("id"), avg=Avg("rating")
    )
    n_received = received.count()
    digitised = (
        DossierDocument.objects.filter(dossier__in=received).values("dossier").distinct().count()
    )
    ratios: dict[str, tuple[int, int] | None] = {
        "publicity": (published, n_procedures) if n_procedures else None,
        "progress": (stats["finished_on_time"], stats["finished"]) if stats["finished"] else None,
        "online_service": (n_online, n_online_capable) if n_online_capable else None,
        "online_payment": (stats["paid_online"], stats["paid"]) if stats["paid"] else None,
        "digitisation": (digitised, n_received) if n_received else None,
    }
    groups = []
    total = 0.0
    total_max = 0
    for key, label, points in INDEX_GROUPS:
        ratio: float | None
        detail = ""
        if key == "satisfaction":
            ratio = None
            if rated["n"]:
                ratio = (float(rated["avg"]) - 1) / 4
                # "4,67/5" in Vietnamese: the decimal separator of the active language,
                # rounded first (number_format cuts 4.6667 to "4,66").
                mean = round(float(rated["avg"]), 2)
                detail = f"{number_format(mean, 2)}/5 ({rated['n']})"
        else:
            pair = ratios[key]
            ratio = pair[0] / pair[1] if pair else None
            detail = f"{pair[0]}/{pair[1]}" if pair else ""
        score = round(points * ratio, 2) if ratio is not None else None
        if score is not None:
            total += score
            total_max += points
        groups.append(
            {"key": key, "label": str(label), "max": points, "score": score, "detail": detail}
        )
    return {"groups": groups, "total": round(total, 2), "total_max": total_max}
