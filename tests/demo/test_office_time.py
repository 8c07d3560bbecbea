"""The demo's office time: the working days of the province calendar, within the morning
and afternoon office hours (no DB needed: an explicit calendar and hours)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tinhso.core.models import OfficeHours
from tinhso.core.workcalendar import WorkingCalendar
from tinhso.demo.dossiers_data import OfficeTime

MONDAY_OFF = dt.date(2026, 10, 19)  # a province day off (Mon), after Fri 16 and the weekend


def _at(day: int, hour: int, minute: int = 0, month: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour, minute))


def _office() -> OfficeTime:
    hours = OfficeHours(
        morning_start=dt.time(7, 30),
        morning_end=dt.time(11, 30),
        afternoon_start=dt.time(13, 30),
        afternoon_end=dt.time(17, 0),
    )
    return OfficeTime(WorkingCalendar(days_off=[MONDAY_OFF]), hours)


def test_office_time_skips_the_lunch_break_the_weekend_and_days_off() -> None:
    office = _office()
    assert office.add(_at(14, 11, 0), 45) == _at(14, 13, 45)  # across lunch
    assert office.add(_at(16, 16, 50), 30) == _at(20, 7, 50)  # Fri → Tue (Mon off)
    assert office.add(_at(17, 10, 0), 0) == _at(20, 7, 30)  # Saturday: next opening
    assert office.add(_at(14, 22, 0), 10) == _at(15, 7, 40)  # at night
    assert office.add(_at(23, 16, 58, month=11), 5) == _at(25, 7, 33, month=11)  # holiday 24/11
    assert office.at_or_before(_at(19, 9, 0)) == _at(16, 17, 0)  # day off → Fri closing
    assert office.at_or_before(_at(14, 12, 0)) == _at(14, 11, 30)
    assert office.at_or_before(_at(14, 9, 0)) == _at(14, 9, 0)
    assert office.minutes_between(_at(16, 16, 0), _at(20, 8, 0)) == 90
    assert office.on(dt.date(2026, 10, 17), 60) == _at(20, 8, 30)
    assert office.contains(_at(14, 11, 30)) and not office.contains(_at(14, 12, 0))
    assert not office.contains(_at(19, 9, 0))
