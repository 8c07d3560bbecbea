"""Demo builder for one-stop dossiers: ~3,000 dossiers over the last 12 months in every state.

History is bulk-inserted (dossiers, events, one shared scanned file per online dossier)
with due dates from the province's working-day calendar; about 98% of the finished
dossiers are early or on time, ~75% are submitted online. Officers act only on the
calendar's working days within its office hours (:class:`OfficeTime`): every receipt,
forward, request for additions, refusal, stop, pause, result, return and payment
taken at the counter; citizens submit online, supply additions and pay online at any
hour, evenings and weekends included. The demo citizen ``congdan``
gets a handful of dossiers of her own (one waiting for additions, one with a result to
rate), and the demo specialist and leader also act for the commune of the demo one-stop
officer, so the whole flow can be tried with the printed accounts.

Deterministic (seeded) and idempotent: a second run finds the demo dossiers and only
re-checks the memberships. Demo dossiers left by an earlier version of this builder, whose
officers received and returned at night (:func:`_history_is_stale`), are replaced once;
codes continue after the province's daily counters, so they never collide with the
dossiers submitted since.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from tinhso.core.audit import audit_suppressed
from tinhso.core.models import Agency, Membership, OfficeHours, Role, User
from tinhso.core.workcalendar import WorkingCalendar
from tinhso.dossiers import deadlines
from tinhso.dossiers.models import (
    Channel,
    DailyCounter,
    Dossier,
    DossierDocument,
    DossierEvent,
    FeeStatus,
    State,
    search_name,
)
from tinhso.dossiers.services import processing_steps
from tinhso.procedures.models import Procedure

SEED = 3838
COUNT = 3000
DEMO_KEY_PREFIX = "demo-"
DEMO_COMMUNE = "14797"  # Phường Hạc Thành: the demo one-stop officer's commune
DEMO_FILE = "dossiers/demo/to-khai-mau.pdf"
APOLOGY_NOTE = "Hồ sơ cần xác minh thêm với cơ quan có liên quan"

_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


class OfficeTime:
    """Moments when officers are at work: the calendar's working days, within the
    morning and afternoon office hours (:class:`~tinhso.core.models.OfficeHours`)."""

    def __init__(self, calendar: WorkingCalendar, hours: OfficeHours) -> None:
        self.calendar = calendar
        self.periods = (
            (hours.morning_start, hours.morning_end),
            (hours.afternoon_start, hours.afternoon_end),
        )
        self._cache: dict[dt.date, list[tuple[dt.datetime, dt.datetime]]] = {}

    def slots(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The office periods of ``day`` (none on a day off)."""
        if day not in self._cache:
            self._cache[day] = (
                [
                    (
                        timezone.make_aware(dt.datetime.combine(day, start)),
                        timezone.make_aware(dt.datetime.combine(day, end)),
                    )
                    for start, end in self.periods
                ]
                if self.calendar.is_working_day(day)
                else []
            )
        return self._cache[day]

    def contains(self, moment: dt.datetime) -> bool:
        return any(a <= moment <= b for a, b in self.slots(deadlines.local_date(moment)))

    def at_or_after(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` if officers are at work then, else the next opening."""
        day = deadlines.local_date(moment)
        for _ in range(400):
            for start, end in self.slots(day):
                if moment <= end:
                    return max(moment, start)
            day += dt.timedelta(days=1)
        raise ValueError("no working day within a year")  # pragma: no cover

    def at_or_before(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` if officers are at work then, else the last closing before it."""
        day = deadlines.local_date(moment)
        for _ in range(400):
            for start, end in reversed(self.slots(day)):
                if moment >= start:
                    return min(moment, end)
            day -= dt.timedelta(days=1)
        raise ValueError("no working day within a year")  # pragma: no cover

    def add(self, moment: dt.datetime, minutes: float) -> dt.datetime:
        """``moment`` (moved to the next opening if need be) plus ``minutes`` of office time."""
        at = self.at_or_after(moment)
        left = dt.timedelta(minutes=minutes)
        day = deadlines.local_date(at)
        for _ in range(400):
            for start, end in self.slots(day):
                if at > end:
                    continue
                at = max(at, start)
                if left <= end - at:
                    return at + left
                left -= end - at
                at = end
            day += dt.timedelta(days=1)
        raise ValueError("no working day within a year")  # pragma: no cover

    def minutes_between(self, a: dt.datetime, b: dt.datetime) -> float:
        """Office minutes in [a, b]."""
        total = dt.timedelta()
        day, last = deadlines.local_date(a), deadlines.local_date(b)
        while day <= last:
            for start, end in self.slots(day):
                lo, hi = max(start, a), min(end, b)
                if hi > lo:
                    total += hi - lo
            day += dt.timedelta(days=1)
        return total.total_seconds() / 60

    def on(self, day: dt.date, minutes: float) -> dt.datetime:
        """``minutes`` of office time after the opening of ``day`` (or of the next working day)."""
        return self.add(timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0))), minutes)


def _citizen_moment(day: dt.date, minutes: int) -> dt.datetime:
    """A moment ``minutes`` after midnight of ``day``: citizens act at any hour."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0))) + dt.timedelta(
        minutes=minutes
    )


def _online_submission(day: dt.date, office: OfficeTime, rng: random.Random) -> dt.datetime:
    """When a citizen submits online around working day ``day``: mostly by day, a good
    share in the evening or at night, and some on the weekend or holiday before."""
    roll = rng.random()
    if roll < 0.14:
        days_off = [
            day - dt.timedelta(days=k)
            for k in (1, 2, 3)
            if not office.calendar.is_working_day(day - dt.timedelta(days=k))
        ]
        if days_off:
            return _citizen_moment(rng.choice(days_off), rng.randint(6 * 60, 23 * 60 + 30))
    if roll < 0.36:
        return _citizen_moment(
            day,
            rng.choice([rng.randint(17 * 60 + 30, 23 * 60 + 50), rng.randint(5 * 60, 7 * 60 + 20)]),
        )
    return _citizen_moment(day, rng.randint(7 * 60, 17 * 60 + 30))


def _grant_demo_roles() -> None:
    commune = Agency.objects.filter(admin_unit__code=DEMO_COMMUNE).first()
    if commune is None:
        return
    for username, role in (("chuyenvien", Role.SPECIALIST), ("lanhdao", Role.LEADER)):
        user = User.objects.filter(username=username).first()
        if user is not None:
            Membership.objects.get_or_create(user=user, agency=commune, role=role)


@transaction.atomic
def build_dossiers(*, count: int = COUNT) -> dict[str, int]:
    with audit_suppressed():
        _grant_demo_roles()
        demo = Dossier.objects.filter(idempotency_key__startswith=DEMO_KEY_PREFIX)
        if demo.exists():
            if not _history_is_stale():
                return {"dossiers": Dossier.objects.count(), "created": 0}
            demo.delete()  # events, documents and forms go with them
        return _build(count)


def _history_is_stale() -> bool:
    """Whether the demo dossiers come from a builder that let officers act at any hour.

    Earlier versions received and returned dossiers at night (about 40% of receipts
    outside 07:00–18:00); no office hours reach 21:00–05:00, so one such officer action
    is enough to tell, whatever the province's hours are now.
    """
    moments = DossierEvent.objects.filter(
        dossier__idempotency_key__startswith=DEMO_KEY_PREFIX,
        action__in=("receive", "return_result"),
    ).values_list("at", flat=True)
    return any(
        not dt.time(5, 0) <= timezone.localtime(at).time() <= dt.time(21, 0)
        for at in moments.iterator()
    )


def _build(count: int) -> dict[str, int]:
    rng = random.Random(SEED)
    calendar = WorkingCalendar.load()
    office = OfficeTime(calendar, OfficeHours.current())
    now = timezone.now()
    today = timezone.localdate()
    procedures = list(
        Procedure.objects.filter(is_active=True)
        .exclude(online_level=Procedure.OnlineLevel.INFORMATION)
        .prefetch_related("agencies")
    )
    if not procedures:
        return {"dossiers": 0, "created": 0}
    communes = list(
        Agency.objects.filter(level=Agency.Level.COMMUNE, is_active=True).select_related(
            "admin_unit"
        )
    )
    demo_commune = next(
        (a for a in communes if a.admin_unit is not None and a.admin_unit.code == DEMO_COMMUNE),
        None,
    )
    busy_communes = rng.sample(communes, min(40, len(communes))) if communes else []
    if demo_commune is not None:
        busy_communes += [demo_commune] * 8
    residents = _residents(rng)
    citizen = User.objects.filter(username="congdan").first()
    # The demo citizen's own dossiers carry what the registry says about her (they were
    # submitted online, pre-filled), not a random resident's address.
    own_resident = _own_resident(citizen)
    officers = {
        u.username: u
        for u in User.objects.filter(
            username__in=["motcua.hacthanh", "chuyenvien", "lanhdao", "motcua.quangphu"]
        )
    }
    if not default_storage.exists(DEMO_FILE):
        default_storage.save(DEMO_FILE, ContentFile(_PDF))

    working_days = [
        today - dt.timedelta(days=i)
        for i in range(0, 366)
        if calendar.is_working_day(today - dt.timedelta(days=i))
    ]
    # Codes continue after the daily counters (dossiers submitted since an earlier build).
    counters: dict[tuple[int, dt.date], int] = defaultdict(int)
    for agency_id, counted_day, last in DailyCounter.objects.values_list(
        "agency_id", "day", "last"
    ):
        counters[(agency_id, counted_day)] = last
    step_cache: dict[tuple[int, int], list[dict[str, Any]]] = {}
    dossiers: list[Dossier] = []
    plans: list[list[tuple[str, str, str, dt.datetime, str]]] = []

    commune_procs = [p for p in procedures if p.level == Procedure.Level.COMMUNE]
    for i in range(count):
        own = citizen is not None and i < 8
        if own and commune_procs:
            procedure = commune_procs[i % len(commune_procs)]
        else:
            procedure = rng.choice(procedures)
        agencies = list(procedure.agencies.all())
        if agencies:
            agency = rng.choice(agencies)
        elif own and demo_commune is not None:
            agency = demo_commune
        elif busy_communes:
            agency = rng.choice(busy_communes)
        else:
            continue
        # Recent days are denser (the platform's use grows); the last 12 days hold the
        # dossiers still in progress.
        if own:
            day = working_days[min(len(working_days) - 1, [1, 2, 3, 6, 12, 20, 40, 70][i])]
        else:
            idx = int(len(working_days) * (rng.random() ** 1.3))
            day = working_days[min(idx, len(working_days) - 1)]
        channel = rng.choices([Channel.ONLINE, Channel.COUNTER, Channel.POST], weights=[76, 21, 3])[
            0
        ]
        if own:
            channel = Channel.ONLINE
        if channel == Channel.ONLINE and not own:
            submitted = _online_submission(day, office, rng)
            if submitted > now:
                submitted = now - dt.timedelta(minutes=rng.randint(5, 120))
        else:
            # At the counter (or registered on arrival by post): during office hours.
            submitted = office.on(day, rng.randint(0, 440))
            if submitted > now:
                submitted = office.at_or_before(now - dt.timedelta(minutes=rng.randint(5, 120)))
        day = deadlines.local_date(submitted)
        resident = rng.choice(residents) if residents else None
        if own and own_resident is not None:
            resident = own_resident
        counters[(agency.pk, day)] += 1
        code = f"{agency.code}-{day:%y%m%d}-{counters[(agency.pk, day)]:04d}"
        has_fee = procedure.fee_amount > 0 and procedure.fee_timing != Procedure.FeeTiming.NONE
        d = Dossier(
            code=code,
            procedure=procedure,
            agency=agency,
            current_agency=agency,
            current_role=Role.ONE_STOP_OFFICER,
            channel=channel,
            state=State.SUBMITTED,
            applicant=citizen if own else None,
            applicant_name=(citizen.full_name if own and citizen else _name(resident, rng)),
            applicant_citizen_id=(citizen.citizen_id or "") if own and citizen else _cid(resident),
            applicant_address=_addr(resident),
            applicant_phone=f"09{rng.randint(10000000, 99999999)}",
            prefilled=channel == Channel.ONLINE,
            submitted_at=submitted,
            idempotency_key=f"{DEMO_KEY_PREFIX}{i}",
            fee_amount=procedure.fee_amount if has_fee else 0,
            fee_status=FeeStatus.UNPAID if has_fee else FeeStatus.NONE,
        )
        key = (procedure.pk, agency.pk)
        if key not in step_cache:
            step_cache[key] = processing_steps(procedure, agency)
        events = _simulate(
            d, step_cache[key], calendar, office, rng, now, own_index=i if own else -1
        )
        dossiers.append(d)
        plans.append(events)

    for d in dossiers:  # bulk_create does not call save(), which sets it
        d.applicant_search = search_name(d.applicant_name)
    Dossier.objects.bulk_create(dossiers, batch_size=500)
    saved = {d.code: d for d in Dossier.objects.filter(code__in=[d.code for d in dossiers])}
    events_rows: list[DossierEvent] = []
    docs: list[DossierDocument] = []
    for d, plan in zip(dossiers, plans, strict=True):
        row = saved[d.code]
        for action, from_state, to_state, at, note in plan:
            actor = _actor(action, officers)
            events_rows.append(
                DossierEvent(
                    dossier=row,
                    action=action,
                    from_state=from_state,
                    to_state=to_state,
                    at=at,
                    actor=actor,
                    actor_name=(actor.full_name if actor else "Hệ thống")
                    if action not in ("submit", "supply_additions")
                    else row.applicant_name,
                    agency=row.agency,
                    note=note,
                    data=(
                        {"new_due_date": row.apology_due_date.isoformat()}
                        if action == "apologize" and row.apology_due_date
                        else {}
                    ),
                )
            )
        if row.channel == Channel.ONLINE:
            docs.append(
                DossierDocument(
                    dossier=row,
                    name="Tờ khai (bản điện tử)",
                    file=DEMO_FILE,
                    filename="to-khai-mau.pdf",
                    mimetype="application/pdf",
                    size=len(_PDF),
                    sha256="0" * 64,
                    uploaded_at=row.submitted_at,
                )
            )
    DossierEvent.objects.bulk_create(events_rows, batch_size=2000)
    DossierDocument.objects.bulk_create(docs, batch_size=2000)
    for (agency_id, day), last in counters.items():
        DailyCounter.objects.update_or_create(agency_id=agency_id, day=day, defaults={"last": last})
    return {"dossiers": Dossier.objects.count(), "created": len(dossiers)}


def _residents(rng: random.Random) -> list[Any]:
    from django.apps import apps

    if not apps.is_installed("tinhso.identity"):  # pragma: no cover
        return []
    SyntheticResident: Any = apps.get_model("identity", "SyntheticResident")
    rows = list(
        SyntheticResident.objects.order_by("citizen_id").values(
            "citizen_id", "full_name", "address"
        )[:3000]
    )
    return rows


def _own_resident(citizen: User | None) -> Any:
    from django.apps import apps

    if citizen is None or not citizen.citizen_id or not apps.is_installed("tinhso.identity"):
        return None
    SyntheticResident: Any = apps.get_model("identity", "SyntheticResident")
    return (
        SyntheticResident.objects.filter(citizen_id=citizen.citizen_id)
        .values("citizen_id", "full_name", "address")
        .first()
    )


def _name(resident: Any, rng: random.Random) -> str:
    if resident:
        return str(resident["full_name"])
    return rng.choice(["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"])


def _cid(resident: Any) -> str:
    return str(resident["citizen_id"]) if resident else ""


def _addr(resident: Any) -> str:
    return str(resident["address"])[:500] if resident else ""


def _actor(action: str, officers: dict[str, User]) -> User | None:
    if action in ("receive", "return_result", "request_additions_desk", "refuse"):
        return officers.get("motcua.hacthanh")
    if action in ("forward", "request_additions"):
        return officers.get("chuyenvien")
    if action in ("apologize", "pause", "resume", "stop"):
        return officers.get("lanhdao")
    return None


def _simulate(
    d: Dossier,
    steps: list[dict[str, Any]],
    calendar: WorkingCalendar,
    office: OfficeTime,
    rng: random.Random,
    now: dt.datetime,
    own_index: int,
) -> list[tuple[str, str, str, dt.datetime, str]]:
    """Walk one dossier through its life up to now; return its events.

    Officers' actions fall within ``office`` time; the applicant's at any hour. A dossier
    running late gets an apology with a new date on its due date."""
    ev: list[tuple[str, str, str, dt.datetime, str]] = [
        ("submit", "", State.SUBMITTED, d.submitted_at, "")
    ]
    procedure = d.procedure
    fate = rng.random()
    if own_index >= 0:
        fate = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5][own_index]
    # Not yet received: recent submissions.
    if d.channel == Channel.COUNTER:  # received at the desk while the applicant waits
        received = office.add(d.submitted_at, rng.randint(5, 20))
    else:
        received = office.add(d.submitted_at, rng.randint(10, 480))
    fresh = now - d.submitted_at < dt.timedelta(days=2)
    unpaid_first = (
        d.fee_status == FeeStatus.UNPAID
        and procedure.fee_timing == Procedure.FeeTiming.BEFORE_RECEIPT
        and d.channel == Channel.ONLINE
    )
    if fresh and unpaid_first and own_index < 0 and rng.random() < 0.5:
        d.state = State.AWAITING_PAYMENT
        d.resume_state = State.SUBMITTED
        ev.append(
            ("awaiting_payment", State.AWAITING_PAYMENT, State.AWAITING_PAYMENT, d.submitted_at, "")
        )
        return ev
    if own_index == 0 or received > now or (fresh and own_index < 0 and rng.random() < 0.6):
        return ev
    if fate < 0.012:
        d.state = State.REFUSED
        d.closed_at = received
        d.current_role = ""
        ev.append(
            ("refuse", State.SUBMITTED, State.REFUSED, received, "Hồ sơ không thuộc thẩm quyền")
        )
        return ev
    if fate < 0.02 or (own_index < 0 and fate > 0.995):
        d.state = State.WITHDRAWN
        d.closed_at = received
        d.current_role = ""
        ev.append(("withdraw", State.SUBMITTED, State.WITHDRAWN, received, ""))
        return ev
    if (
        d.fee_status == FeeStatus.UNPAID
        and procedure.fee_timing == Procedure.FeeTiming.BEFORE_RECEIPT
    ):
        d.fee_status = FeeStatus.PAID
        d.paid_online = d.channel == Channel.ONLINE and rng.random() < 0.8
        # Paid online at any hour; otherwise confirmed by the officer before receipt.
        d.paid_at = (
            d.submitted_at + dt.timedelta(minutes=5)
            if d.paid_online
            else office.add(d.submitted_at, 3)
        )
        ev.append(("confirm_payment", State.AWAITING_PAYMENT, State.SUBMITTED, d.paid_at, ""))
    d.state = State.RECEIVED
    d.received_at = received
    d.steps = steps
    d.step_index = 0
    d.current_agency_id = steps[0]["agency_id"]
    d.current_role = steps[0]["role"]
    d.due_date = deadlines.due_date_at_receipt(calendar, received, procedure.processing_days)
    d.original_due_date = d.due_date
    ev.append(("receive", State.SUBMITTED, State.RECEIVED, received, ""))
    if own_index == 1:
        return ev
    effective = calendar.effective_day(received)
    total = max(0, procedure.processing_days)
    # How long it takes: most finish before the due date, ~2% after it.
    roll = rng.random()
    recent = now - received < dt.timedelta(days=21)
    if own_index < 0 and 0.02 <= fate < 0.024 and not recent:
        stopped = office.on(calendar.add_working_days(effective, 1), 90)
        d.state = State.STOPPED
        d.closed_at = stopped
        d.current_role = ""
        ev.append(
            ("stop", State.RECEIVED, State.STOPPED, stopped, "Người nộp đề nghị dừng giải quyết")
        )
        return ev
    if recent and own_index < 0 and roll < 0.08:
        used = total + 6  # still in progress past its due date: the overdue queue
    elif roll < 0.018:
        used = total + rng.randint(1, 3)
    elif roll < 0.30:
        used = total
    else:
        used = rng.randint(0, max(0, total - 1)) if total > 0 else 0
    if own_index >= 2:
        used = max(0, total - 1)
    additions = rng.random() < 0.05 or own_index == 2
    moment = received
    if additions:
        asked = office.on(calendar.add_working_days(effective, min(1, total)), 120)
        asked = max(asked, office.add(received, 30))
        if asked > now or own_index == 2:
            asked = max(received, min(asked, office.at_or_before(now - dt.timedelta(hours=1))))
            d.state = State.ADDITIONS_REQUESTED
            d.resume_state = State.RECEIVED
            d.paused_since = asked
            ev.append(
                (
                    "request_additions",
                    State.RECEIVED,
                    State.ADDITIONS_REQUESTED,
                    asked,
                    "Bổ sung bản sao giấy khai sinh",
                )
            )
            return ev
        back_day = calendar.add_working_days(asked, rng.randint(1, 4))
        supplied = _citizen_moment(back_day, 8 * 60 + 30)
        ev.append(
            (
                "request_additions",
                State.RECEIVED,
                State.ADDITIONS_REQUESTED,
                asked,
                "Bổ sung bản sao giấy khai sinh",
            )
        )
        if supplied > now:
            d.state = State.ADDITIONS_REQUESTED
            d.resume_state = State.RECEIVED
            d.paused_since = asked
            return ev
        paused = deadlines.paused_days(calendar, asked, supplied)
        d.paused_working_days = paused
        d.due_date = deadlines.extend(calendar, d.due_date, paused)
        used += paused
        ev.append(("supply_additions", State.ADDITIONS_REQUESTED, State.RECEIVED, supplied, ""))
        moment = supplied
    finish_day = calendar.add_working_days(effective, used)
    finished = office.on(finish_day, rng.randint(30, 420))
    finished = max(finished, office.add(moment, 30))
    # Running late: on its due date the leader sends the apology with a new date (the day
    # it will be finished, a working day), as the one-stop regulations require.
    apology: list[tuple[dt.datetime, dt.date]] = []
    if d.due_date is not None and deadlines.local_date(finished) > d.due_date:
        apology_at = office.on(d.due_date, 390)
        if moment < apology_at <= now:
            apology.append((apology_at, deadlines.local_date(finished)))
    # Steps spread over the office time between receipt (or additions) and finish.
    n = len(steps)
    span = office.minutes_between(moment, finished) / max(1, n)
    for k in range(n):
        at = office.add(moment, span * (k + 1))
        if apology and apology[0][0] <= min(at, now):
            apology_at, new_due = apology.pop()
            d.apologized_at = apology_at
            d.apology_due_date = new_due
            state = State.RECEIVED if k == 0 else State.PROCESSING
            ev.append(("apologize", state, state, apology_at, APOLOGY_NOTE))
        if at > now:
            d.state = State.PROCESSING if k > 0 else State.RECEIVED
            d.step_index = k
            d.current_agency_id = steps[k]["agency_id"]
            d.current_role = steps[k]["role"]
            if own_index < 0 and rng.random() < 0.04:
                paused_at = max(office.at_or_before(now - dt.timedelta(minutes=30)), ev[-1][3])
                d.resume_state = d.state
                d.state = State.PAUSED
                d.paused_since = paused_at
                ev.append(
                    (
                        "pause",
                        d.resume_state,
                        State.PAUSED,
                        paused_at,
                        "Chờ ý kiến cơ quan liên quan",
                    )
                )
            return ev
        nxt = State.PROCESSING if k + 1 < n else State.RESULT_READY
        ev.append(("forward", State.RECEIVED if k == 0 else State.PROCESSING, nxt, at, ""))
    d.finished_at = finished
    d.timeliness = deadlines.classify(finished, d.due_date)
    d.current_agency_id = d.agency_id
    d.current_role = Role.ONE_STOP_OFFICER
    d.state = State.RESULT_READY
    ev.append(("result_ready", State.RESULT_READY, State.RESULT_READY, finished, ""))
    if d.fee_status == FeeStatus.UNPAID:
        d.fee_status = FeeStatus.PAID
        d.paid_online = d.channel == Channel.ONLINE and rng.random() < 0.75
        # Paid online at any hour; otherwise at the counter when the result is collected.
        d.paid_at = finished + dt.timedelta(hours=1) if d.paid_online else office.add(finished, 60)
        ev.append(("confirm_payment", State.RESULT_READY, State.RESULT_READY, d.paid_at, ""))
    returned = office.add(finished, rng.randint(90, 900))
    if d.paid_at is not None and d.paid_at > finished:
        returned = max(returned, office.add(d.paid_at, 5))
    if own_index in (3, 4) or returned > now:
        return ev
    d.state = State.RETURNED
    d.returned_at = returned
    d.closed_at = returned
    d.current_role = ""
    ev.append(("return_result", State.RESULT_READY, State.RETURNED, returned, ""))
    if d.channel == Channel.ONLINE and rng.random() < 0.45 and own_index < 0:
        d.rating = rng.choices([5, 4, 3, 2, 1], weights=[70, 22, 5, 2, 1])[0]
        d.rated_at = returned + dt.timedelta(hours=3)
    return ev
