"""Demo builder for one-stop dossiers: ~3,000 dossiers over the last 12 months in every state.

History is bulk-inserted (dossiers, events, one shared scanned file per online dossier)
with due dates from the province's working-day calendar; about 98% of the finished
dossiers are early or on time, ~75% are submitted online. The demo citizen ``congdan``
gets a handful of dossiers of her own (one waiting for additions, one with a result to
rate), and the demo specialist and leader also act for the commune of the demo one-stop
officer, so the whole flow can be tried with the printed accounts.

Deterministic (seeded) and idempotent: a second run finds the demo dossiers and only
re-checks the memberships.
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
from tinhso.core.models import Agency, Membership, Role, User
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
)
from tinhso.dossiers.services import processing_steps
from tinhso.procedures.models import Procedure

SEED = 3838
COUNT = 3000
DEMO_KEY_PREFIX = "demo-"
DEMO_COMMUNE = "14797"  # Phường Hạc Thành: the demo one-stop officer's commune
DEMO_FILE = "dossiers/demo/to-khai-mau.pdf"

_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _tz_dt(day: dt.date, minutes: int) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time(7, 30)) + dt.timedelta(minutes=minutes)
    )


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
        if Dossier.objects.filter(idempotency_key__startswith=DEMO_KEY_PREFIX).exists():
            return {"dossiers": Dossier.objects.count(), "created": 0}
        return _build(count)


def _build(count: int) -> dict[str, int]:
    rng = random.Random(SEED)
    calendar = WorkingCalendar.load()
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
    counters: dict[tuple[int, dt.date], int] = defaultdict(int)
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
        submitted = _tz_dt(day, rng.randint(0, 540))
        if submitted > now:
            submitted = now - dt.timedelta(minutes=rng.randint(5, 120))
            day = deadlines.local_date(submitted)
        channel = rng.choices([Channel.ONLINE, Channel.COUNTER, Channel.POST], weights=[76, 21, 3])[
            0
        ]
        if own:
            channel = Channel.ONLINE
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
        events = _simulate(d, step_cache[key], calendar, rng, now, own_index=i if own else -1)
        dossiers.append(d)
        plans.append(events)

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
    rng: random.Random,
    now: dt.datetime,
    own_index: int,
) -> list[tuple[str, str, str, dt.datetime, str]]:
    """Walk one dossier through its life up to now; return its events."""
    ev: list[tuple[str, str, str, dt.datetime, str]] = [
        ("submit", "", State.SUBMITTED, d.submitted_at, "")
    ]
    procedure = d.procedure
    fate = rng.random()
    if own_index >= 0:
        fate = [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5][own_index]
    # Not yet received: recent submissions.
    received = d.submitted_at + dt.timedelta(minutes=rng.randint(10, 600))
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
        d.paid_at = d.submitted_at + dt.timedelta(minutes=5)
        d.paid_online = d.channel == Channel.ONLINE and rng.random() < 0.8
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
        stopped = _tz_dt(calendar.add_working_days(effective, 1), 90)
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
        asked = _tz_dt(calendar.add_working_days(effective, min(1, total)), 120)
        if asked > now or own_index == 2:
            asked = min(asked, now - dt.timedelta(hours=1))
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
        supplied = _tz_dt(back_day, 60)
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
    finished = _tz_dt(finish_day, rng.randint(30, 480))
    finished = max(finished, moment + dt.timedelta(minutes=30))
    # Steps spread between receipt and finish.
    n = len(steps)
    span = (finished - moment) / max(1, n)
    for k in range(n):
        at = moment + span * (k + 1)
        if at > now:
            d.state = State.PROCESSING if k > 0 else State.RECEIVED
            d.step_index = k
            d.current_agency_id = steps[k]["agency_id"]
            d.current_role = steps[k]["role"]
            if own_index < 0 and rng.random() < 0.04:
                paused_at = max(at - span, now - dt.timedelta(hours=20))
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
        d.paid_at = finished + dt.timedelta(hours=1)
        d.paid_online = d.channel == Channel.ONLINE and rng.random() < 0.75
        ev.append(("confirm_payment", State.RESULT_READY, State.RESULT_READY, d.paid_at, ""))
    returned = finished + dt.timedelta(hours=rng.randint(2, 48))
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
