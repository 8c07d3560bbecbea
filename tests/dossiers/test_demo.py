"""The demo dossiers: every state, ~98% early or on time, statistics agree, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count
from django.utils import timezone

from tinhso.core.models import CalendarOverride, OfficeHours
from tinhso.core.text import fold
from tinhso.core.workcalendar import WorkingCalendar
from tinhso.demo.core_data import build_core
from tinhso.demo.dossiers_data import build_dossiers
from tinhso.demo.identity_data import build_identity
from tinhso.demo.procedures_data import build_procedures
from tinhso.dossiers import deadlines
from tinhso.dossiers.models import Channel, Dossier, DossierEvent, State, Timeliness
from tinhso.dossiers.selectors import statistics_table, totals
from tinhso.dossiers.services import dossier_code_next

pytestmark = pytest.mark.django_db


def test_demo_dossiers_cover_every_state_and_look_like_the_province(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path)
    build_core()
    build_procedures()
    build_identity(count=300)
    first = build_dossiers(count=1500)
    assert first["created"] == 1500
    states = dict(Dossier.objects.values_list("state").annotate(n=Count("id")))
    assert set(states) == set(State.values), states

    today = timezone.localdate()
    t = totals(statistics_table(start=today - dt.timedelta(days=366), end=today))
    assert 97 <= t["on_time_rate"] <= 99.5, t
    assert 60 <= t["online_share"] <= 90
    finished = Dossier.objects.exclude(timeliness="")
    assert t["finished"] == finished.count()
    assert t["late"] == finished.filter(timeliness=Timeliness.LATE).count()

    # Due dates come from the calendar: a received dossier's due date is a working day.
    calendar = WorkingCalendar.load()
    for d in Dossier.objects.exclude(original_due_date=None)[:200]:
        assert calendar.is_working_day(d.original_due_date)

    # Counters continue after the demo's codes: a new dossier never collides.
    sample = Dossier.objects.order_by("-submitted_at").first()
    assert sample is not None
    day = timezone.localtime(sample.submitted_at).date()
    code = dossier_code_next(agency=sample.agency, day=day)
    assert not Dossier.objects.filter(code=code).exists()

    # Officers can search the demo's applicants without diacritics.
    assert not Dossier.objects.filter(applicant_search="").exists()
    named = Dossier.objects.order_by("id").first()
    assert named is not None and named.applicant_search == fold(named.applicant_name)

    second = build_dossiers(count=1500)
    assert second["created"] == 0 and Dossier.objects.count() == 1500


def test_the_demo_citizens_own_dossiers_carry_her_registry_address(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tinhso.identity.models import SyntheticResident

    settings.MEDIA_ROOT = str(tmp_path)
    build_core()
    build_procedures()
    build_identity(count=50)
    build_dossiers(count=20)
    own = Dossier.objects.filter(applicant__username="congdan")
    assert own.count() == 8
    citizen_id = own.first().applicant.citizen_id  # type: ignore[union-attr]
    # The demo registry is the synthetic residents' table: her online, pre-filled
    # dossiers show the address her submission form shows.
    registry = SyntheticResident.objects.get(citizen_id=citizen_id)
    assert set(own.values_list("applicant_address", flat=True)) == {registry.address}


# What the applicant does (at any hour); everything else is an officer's action.
APPLICANT_ACTIONS = {"submit", "supply_additions", "withdraw", "awaiting_payment", "rate"}


def test_officers_act_on_the_province_calendar_in_office_hours_citizens_at_any_hour(  # type: ignore[no-untyped-def]
    settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    build_core()
    build_procedures()
    build_identity(count=100)
    # The province's own office hours and days off, not the defaults.
    hours = OfficeHours.current()
    hours.morning_start, hours.morning_end = dt.time(8, 0), dt.time(11, 45)
    hours.afternoon_start, hours.afternoon_end = dt.time(14, 0), dt.time(17, 30)
    hours.cutoff = dt.time(16, 30)
    hours.save()
    today = timezone.localdate()
    days_off = [
        today - dt.timedelta(days=k)
        for k in range(3, 60)
        if (today - dt.timedelta(days=k)).weekday() < 5
    ][::4]
    CalendarOverride.objects.bulk_create(
        CalendarOverride(date=day, kind=CalendarOverride.Kind.DAY_OFF, reason="Nghỉ bù")
        for day in days_off
    )
    build_dossiers(count=500)
    calendar = WorkingCalendar.load()
    assert not any(calendar.is_working_day(day) for day in days_off)

    def at_work(moment: dt.datetime) -> bool:
        local = timezone.localtime(moment)
        t = local.time()
        return calendar.is_working_day(local.date()) and (
            hours.morning_start <= t <= hours.morning_end
            or hours.afternoon_start <= t <= hours.afternoon_end
        )

    officer_actions = 0
    for e in DossierEvent.objects.select_related("dossier"):
        if e.action in APPLICANT_ACTIONS or (
            e.action == "confirm_payment" and e.dossier.paid_online
        ):
            continue
        officer_actions += 1
        assert at_work(e.at), (e.action, e.dossier.code, timezone.localtime(e.at))
    assert officer_actions > 1000
    for d in Dossier.objects.exclude(received_at=None):
        assert at_work(d.received_at), d.code
    for d in Dossier.objects.exclude(returned_at=None):
        assert at_work(d.returned_at), d.code
    for d in Dossier.objects.filter(paid_online=False).exclude(paid_at=None):
        assert at_work(d.paid_at), d.code  # confirmed at the counter

    # Citizens still submit online in the evening, at night and on days off.
    online = [
        timezone.localtime(at)
        for at in Dossier.objects.filter(channel=Channel.ONLINE).values_list(
            "submitted_at", flat=True
        )
    ]
    assert any(not calendar.is_working_day(at.date()) for at in online)
    assert any(at.hour >= 19 or at.hour < 7 for at in online)
    for at in Dossier.objects.exclude(channel=Channel.ONLINE).values_list(
        "submitted_at", flat=True
    ):
        assert at_work(at)  # at the counter, or registered when the post arrives

    # Deadlines and timeliness are those of the recorded moments.
    received = Dossier.objects.exclude(received_at=None).select_related("procedure")
    for d in received:
        assert d.received_at is not None
        expected = deadlines.due_date_at_receipt(
            calendar, d.received_at, d.procedure.processing_days
        )
        assert d.original_due_date == expected, d.code
        assert d.events.get(action="receive").at == d.received_at
    finished = Dossier.objects.exclude(finished_at=None)
    assert finished.count() > 300
    for d in finished:
        assert d.finished_at is not None
        assert d.timeliness == deadlines.classify(d.finished_at, d.due_date), d.code
        assert d.events.get(action="result_ready").at == d.finished_at

    # A dossier running late gets one apology on its due date, with a later working day.
    apologized = Dossier.objects.exclude(apologized_at=None)
    assert apologized.exists()
    for d in apologized:
        assert d.apologized_at is not None and d.due_date and d.apology_due_date
        assert deadlines.local_date(d.apologized_at) == d.due_date
        assert d.apology_due_date > d.due_date and calendar.is_working_day(d.apology_due_date)
        event = d.events.get(action="apologize")
        assert event.at == d.apologized_at
        assert event.data == {"new_due_date": d.apology_due_date.isoformat()}
        if d.finished_at is not None:
            assert d.timeliness == Timeliness.LATE
            assert deadlines.local_date(d.finished_at) == d.apology_due_date


def test_demo_dossiers_from_an_earlier_builder_are_replaced_once(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tinhso.demo.dossiers_data import DEMO_KEY_PREFIX

    settings.MEDIA_ROOT = str(tmp_path)
    build_core()
    build_procedures()
    build_identity(count=50)
    assert build_dossiers(count=60)["created"] == 60
    assert build_dossiers(count=60)["created"] == 0  # nothing to do
    # An earlier builder received dossiers at night; a dossier submitted since then
    # took the next code of its agency's day.
    receipt = DossierEvent.objects.filter(action="receive").select_related("dossier").first()
    assert receipt is not None
    night = timezone.localtime(receipt.at).replace(hour=2, minute=7)
    DossierEvent.objects.filter(pk=receipt.pk).update(at=night)
    sample = Dossier.objects.order_by("submitted_at").last()
    assert sample is not None
    day = timezone.localtime(sample.submitted_at).date()
    since = Dossier.objects.get(pk=sample.pk)
    since.pk = None
    since.code = dossier_code_next(agency=sample.agency, day=day)
    since.idempotency_key = "submitted-since"
    since.save()

    again = build_dossiers(count=60)
    assert again["created"] == 60
    assert Dossier.objects.filter(idempotency_key__startswith=DEMO_KEY_PREFIX).count() == 60
    assert Dossier.objects.filter(code=since.code).count() == 1  # no collision
    receipts = DossierEvent.objects.filter(action="receive").values_list("at", flat=True)
    assert all(7 <= timezone.localtime(at).hour < 18 for at in receipts)
    assert build_dossiers(count=60)["created"] == 0
