"""Working-day calendar: national holidays, weekends, province overrides, cut-off hour."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from tinhso.core import workcalendar
from tinhso.core.models import CalendarOverride, OfficeHours
from tinhso.core.services import calendar_override_set
from tinhso.core.workcalendar import WorkingCalendar, add_working_days, working_days_between

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
D = dt.date


@pytest.fixture
def cal() -> WorkingCalendar:
    """The national calendar without province overrides."""
    return WorkingCalendar()


# --- national holidays ---------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        # Tết 2027: Thu 4 Feb – Wed 10 Feb (29 Tết … mùng 5).
        *[D(2027, 2, d) for d in range(4, 11)],
        D(2027, 4, 30),  # Fri: Reunification Day
        D(2027, 5, 1),  # Sat: Labour Day
        D(2027, 5, 3),  # Mon: substitute for Labour Day
        D(2027, 9, 2),  # Thu: National Day
        D(2027, 9, 3),  # Fri: second National Day holiday
        D(2026, 11, 24),  # Tue: Ngày Văn hóa Việt Nam
        D(2027, 11, 24),  # Wed: Ngày Văn hóa Việt Nam
    ],
)
def test_public_holidays_are_not_working_days(cal: WorkingCalendar, day: dt.date) -> None:
    assert not cal.is_working_day(day)
    assert cal.holiday_name(day)


@pytest.mark.parametrize(
    "day",
    [D(2027, 2, 3), D(2027, 2, 11), D(2027, 4, 29), D(2027, 5, 4), D(2027, 9, 1), D(2027, 9, 6)],
)
def test_days_around_holidays_are_working_days(cal: WorkingCalendar, day: dt.date) -> None:
    assert cal.is_working_day(day)
    assert cal.holiday_name(day) is None


def test_holiday_names_are_vietnamese(cal: WorkingCalendar) -> None:
    assert cal.holiday_name(D(2027, 2, 6)) == "Tết Nguyên Đán"
    assert cal.holiday_name(D(2027, 11, 24)) == "Ngày Văn hóa Việt Nam"


def test_add_working_days_skips_tet_2027(cal: WorkingCalendar) -> None:
    # Wed 3 Feb is the last working day before Tết; the next one is Thu 11 Feb.
    assert cal.add_working_days(D(2027, 2, 3), 1) == D(2027, 2, 11)
    # Mon 1 Feb + 5: Tue 2, Wed 3, Thu 11, Fri 12, Mon 15.
    assert cal.add_working_days(D(2027, 2, 1), 5) == D(2027, 2, 15)
    assert cal.working_days_between(D(2027, 2, 3), D(2027, 2, 11)) == 1
    # (1 Feb, 28 Feb]: 2, 3, 11, 12, 15–19, 22–26.
    assert cal.working_days_between(D(2027, 2, 1), D(2027, 2, 28)) == 14


def test_add_working_days_skips_30_4_1_5_and_its_substitute_day(cal: WorkingCalendar) -> None:
    # Thu 29 Apr 2027 → Fri 30 Apr, Sat 1 May, Sun 2, Mon 3 (substitute) are off → Tue 4 May.
    assert cal.add_working_days(D(2027, 4, 29), 1) == D(2027, 5, 4)
    assert cal.working_days_between(D(2027, 4, 29), D(2027, 5, 4)) == 1
    assert cal.working_days_between(D(2027, 4, 26), D(2027, 5, 7)) == 7


def test_add_working_days_skips_national_day_2027(cal: WorkingCalendar) -> None:
    # Wed 1 Sep 2027 → Thu 2 and Fri 3 Sep off, weekend → Mon 6 Sep.
    assert cal.add_working_days(D(2027, 9, 1), 1) == D(2027, 9, 6)
    assert cal.working_days_between(D(2027, 8, 30), D(2027, 9, 10)) == 7


def test_add_working_days_skips_vietnamese_culture_day(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(D(2026, 11, 23), 1) == D(2026, 11, 25)  # Tue 24 Nov 2026 off
    assert cal.add_working_days(D(2027, 11, 23), 1) == D(2027, 11, 25)  # Wed 24 Nov 2027 off
    assert cal.working_days_between(D(2027, 11, 22), D(2027, 11, 26)) == 3


def test_add_working_days_skips_weekends(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(D(2027, 3, 5), 1) == D(2027, 3, 8)  # Fri → Mon
    assert cal.add_working_days(D(2027, 3, 1), 10) == D(2027, 3, 15)
    assert cal.working_days_between(D(2027, 3, 5), D(2027, 3, 7)) == 0  # only a weekend


def test_national_make_up_saturday_is_a_working_day(cal: WorkingCalendar) -> None:
    # Mon 31 Aug 2026 is a day off given in exchange for working Sat 22 Aug 2026.
    assert not cal.is_working_day(D(2026, 8, 31))
    assert cal.is_working_day(D(2026, 8, 22))
    assert cal.add_working_days(D(2026, 8, 21), 1) == D(2026, 8, 22)


def test_start_on_a_non_working_day_counts_from_the_next_working_day(
    cal: WorkingCalendar,
) -> None:
    assert cal.add_working_days(D(2027, 2, 6), 0) == D(2027, 2, 11)  # Sat during Tết
    assert cal.add_working_days(D(2027, 2, 6), 1) == D(2027, 2, 12)


def test_zero_working_days_on_a_working_day_is_the_same_day(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(D(2027, 3, 3), 0) == D(2027, 3, 3)
    assert cal.working_days_between(D(2027, 3, 3), D(2027, 3, 3)) == 0


def test_negative_working_days_are_refused(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError):
        cal.add_working_days(D(2027, 3, 3), -1)


def test_working_days_between_is_negative_when_b_is_before_a(cal: WorkingCalendar) -> None:
    assert cal.working_days_between(D(2027, 2, 11), D(2027, 2, 3)) == -1


def test_working_days_between_inverts_add_working_days(cal: WorkingCalendar) -> None:
    start, end = D(2026, 12, 1), D(2027, 12, 31)
    day = start
    checked = 0
    while day <= end:
        if cal.is_working_day(day):
            for n in (0, 1, 2, 5, 15, 22):
                assert cal.working_days_between(day, cal.add_working_days(day, n)) == n, (day, n)
                checked += 1
        day += dt.timedelta(days=1)
    assert checked > 1000


# --- province overrides and office hours (database) ----------------------------------


@pytest.mark.django_db
def test_province_extra_day_off_is_skipped() -> None:
    assert add_working_days(D(2027, 3, 4), 1) == D(2027, 3, 5)
    calendar_override_set(
        date=D(2027, 3, 5), kind=CalendarOverride.Kind.DAY_OFF, reason="Lễ hội Lam Kinh"
    )
    assert add_working_days(D(2027, 3, 4), 1) == D(2027, 3, 8)
    assert working_days_between(D(2027, 3, 4), D(2027, 3, 8)) == 1


@pytest.mark.django_db
def test_province_make_up_saturday_is_a_working_day() -> None:
    CalendarOverride.objects.create(
        date=D(2027, 3, 13), kind=CalendarOverride.Kind.WORKING_DAY, reason="Làm bù"
    )
    assert workcalendar.is_working_day(D(2027, 3, 13))
    assert add_working_days(D(2027, 3, 12), 1) == D(2027, 3, 13)
    assert working_days_between(D(2027, 3, 12), D(2027, 3, 15)) == 2


@pytest.mark.django_db
def test_province_can_declare_a_public_holiday_a_working_day() -> None:
    CalendarOverride.objects.create(
        date=D(2027, 11, 24), kind=CalendarOverride.Kind.WORKING_DAY, reason="Thử nghiệm"
    )
    assert add_working_days(D(2027, 11, 23), 1) == D(2027, 11, 24)


@pytest.mark.django_db
def test_override_with_unknown_kind_or_no_reason_is_refused() -> None:
    from tinhso.core.services import DomainError

    with pytest.raises(DomainError) as exc:
        calendar_override_set(date=D(2027, 3, 5), kind="holiday", reason="x")
    assert exc.value.field == "kind"
    with pytest.raises(DomainError) as exc:
        calendar_override_set(date=D(2027, 3, 5), kind="day_off", reason="  ")
    assert exc.value.field == "reason"
    assert not CalendarOverride.objects.exists()


@pytest.mark.django_db
def test_receipt_before_cut_off_counts_from_that_day() -> None:
    received = dt.datetime(2027, 3, 3, 15, 59, tzinfo=HCM)  # Wed, default cut-off 16:00
    assert add_working_days(received, 0) == D(2027, 3, 3)
    assert add_working_days(received, 1) == D(2027, 3, 4)


@pytest.mark.django_db
def test_receipt_after_cut_off_counts_from_next_working_day() -> None:
    at_cut_off = dt.datetime(2027, 3, 3, 16, 0, tzinfo=HCM)
    assert add_working_days(at_cut_off, 0) == D(2027, 3, 4)
    assert add_working_days(at_cut_off, 1) == D(2027, 3, 5)
    friday_evening = dt.datetime(2027, 3, 5, 17, 30, tzinfo=HCM)
    assert add_working_days(friday_evening, 1) == D(2027, 3, 9)  # counts from Mon 8


@pytest.mark.django_db
def test_cut_off_is_applied_in_ho_chi_minh_time_for_utc_datetimes() -> None:
    utc = dt.UTC
    # 08:30 UTC = 15:30 in Việt Nam (before cut-off); 09:30 UTC = 16:30 (after).
    assert add_working_days(dt.datetime(2027, 3, 3, 8, 30, tzinfo=utc), 1) == D(2027, 3, 4)
    assert add_working_days(dt.datetime(2027, 3, 3, 9, 30, tzinfo=utc), 1) == D(2027, 3, 5)
    # 20:00 UTC on Tuesday is already 03:00 on Wednesday in Việt Nam.
    assert add_working_days(dt.datetime(2027, 3, 2, 20, 0, tzinfo=utc), 0) == D(2027, 3, 3)


@pytest.mark.django_db
def test_office_hours_cut_off_is_configurable() -> None:
    hours = OfficeHours.current()
    hours.cutoff = dt.time(11, 30)
    hours.save()
    noon = dt.datetime(2027, 3, 3, 12, 0, tzinfo=HCM)
    assert add_working_days(noon, 1) == D(2027, 3, 5)
    morning = dt.datetime(2027, 3, 3, 11, 0, tzinfo=HCM)
    assert add_working_days(morning, 1) == D(2027, 3, 4)


@pytest.mark.django_db
def test_receipt_during_tet_counts_from_first_working_day_after() -> None:
    during_tet = dt.datetime(2027, 2, 8, 9, 0, tzinfo=HCM)
    assert add_working_days(during_tet, 0) == D(2027, 2, 11)
    assert add_working_days(during_tet, 3) == D(2027, 2, 16)


@pytest.mark.django_db
def test_consistency_holds_for_datetimes_before_cut_off() -> None:
    cal = WorkingCalendar.load()
    day = D(2027, 1, 4)
    while day < D(2027, 6, 1):
        if cal.is_working_day(day):
            received = dt.datetime.combine(day, dt.time(9, 0), tzinfo=HCM)
            for n in (0, 1, 7):
                assert cal.working_days_between(received, cal.add_working_days(received, n)) == n
        day += dt.timedelta(days=1)


def test_office_hours_validation_rejects_cut_off_outside_office_hours() -> None:
    from django.core.exceptions import ValidationError

    hours = OfficeHours(cutoff=dt.time(18, 0))
    with pytest.raises(ValidationError):
        hours.clean()
    hours = OfficeHours(morning_start=dt.time(12, 0))
    with pytest.raises(ValidationError):
        hours.clean()
