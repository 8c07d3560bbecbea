"""The demo dossiers: every state, ~98% early or on time, statistics agree, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count
from django.utils import timezone

from tinhso.core.workcalendar import WorkingCalendar
from tinhso.demo.core_data import build_core
from tinhso.demo.dossiers_data import build_dossiers
from tinhso.demo.identity_data import build_identity
from tinhso.demo.procedures_data import build_procedures
from tinhso.dossiers.models import Dossier, State, Timeliness
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
