"""Working-day calendar: Vietnamese public holidays plus province overrides.

Public holidays (lunar Tết, Hùng Kings, 30/4–1/5, 2/9, 24/11 and the substitute
days) come from the ``holidays`` package. The province's own decisions — extra days
off and make-up working Saturdays — are :class:`~tinhso.core.models.CalendarOverride`
rows, and office hours with the afternoon cut-off are :class:`OfficeHours`.

Conventions (as in the one-stop regulations): a dossier received on a non-working day,
or on a working day at or after the cut-off hour, counts as received on the next working
day; a time limit of *n* working days ends on the *n*-th working day after that day.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from functools import lru_cache

import holidays
from django.utils import timezone

from tinhso.core.models import CalendarOverride, OfficeHours

MAX_SPAN_DAYS = 366 * 20

# How long a process reuses the loaded calendar (other processes see a change after this).
CACHE_SECONDS = 30.0
_LOADED: dict[str, tuple[float, WorkingCalendar]] = {}


def forget_loaded_calendar(**_kwargs: object) -> None:
    """Signal receiver: an override or the office hours changed."""
    _LOADED.clear()


def _connect() -> None:
    from tinhso.core.forget import forget_on_change

    forget_on_change(forget_loaded_calendar, CalendarOverride, OfficeHours, name="workcalendar")


_connect()


@lru_cache(maxsize=64)
def _national_calendar(year: int) -> tuple[dict[dt.date, str], frozenset[dt.date]]:
    calendar = holidays.country_holidays("VN", years=year, language="vi")
    # Days off moved by a Government decision (e.g. Mon 31/8/2026) are worked on a
    # Saturday instead (Sat 22/8/2026): the package lists those as weekend workdays.
    make_up = frozenset(d for d in calendar.weekend_workdays if d.year == year)
    return dict(calendar), make_up


def public_holidays(year: int) -> dict[dt.date, str]:
    """Vietnamese public holidays of ``year`` (names in Vietnamese)."""
    return _national_calendar(year)[0]


def national_make_up_days(year: int) -> frozenset[dt.date]:
    """Weekend days of ``year`` that public offices work nationally, in exchange for a day off."""
    return _national_calendar(year)[1]


class WorkingCalendar:
    """Answers working-day questions for one set of overrides and office hours."""

    def __init__(
        self,
        *,
        days_off: Iterable[dt.date] = (),
        working_days: Iterable[dt.date] = (),
        cutoff: dt.time = dt.time(16, 0),
    ) -> None:
        self.days_off = frozenset(days_off)
        self.working_days = frozenset(working_days)
        self.cutoff = cutoff

    @classmethod
    def load(cls) -> WorkingCalendar:
        """The province calendar as configured by its administrators.

        Remembered by the process for :data:`CACHE_SECONDS` (every officer action needs
        it; the province decides its days off weeks ahead), and forgotten at once when
        this process writes an override or the office hours.
        """
        now = time.monotonic()
        cached = _LOADED.get("calendar")
        if cached is not None and now - cached[0] < CACHE_SECONDS:
            return cached[1]
        off: list[dt.date] = []
        on: list[dt.date] = []
        for date, kind in CalendarOverride.objects.values_list("date", "kind"):
            (off if kind == CalendarOverride.Kind.DAY_OFF else on).append(date)
        calendar = cls(days_off=off, working_days=on, cutoff=OfficeHours.current().cutoff)
        _LOADED["calendar"] = (now, calendar)
        return calendar

    def holiday_name(self, day: dt.date) -> str | None:
        return public_holidays(day.year).get(day)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.working_days:
            return True
        if day in self.days_off:
            return False
        if day in national_make_up_days(day.year):
            return True
        if day.weekday() >= 5:
            return False
        return day not in public_holidays(day.year)

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        for offset in range(1, MAX_SPAN_DAYS):
            candidate = day + dt.timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError("no working day within twenty years")  # pragma: no cover

    def effective_day(self, start: dt.date | dt.datetime) -> dt.date:
        """The working day a receipt at ``start`` counts from (cut-off applied to datetimes)."""
        if isinstance(start, dt.datetime):
            local = timezone.localtime(start) if timezone.is_aware(start) else start
            day = local.date()
            if self.is_working_day(day) and local.time() < self.cutoff:
                return day
            return self.next_working_day(day)
        return start if self.is_working_day(start) else self.next_working_day(start)

    def add_working_days(self, start: dt.date | dt.datetime, n: int) -> dt.date:
        """The *n*-th working day after the effective receipt day of ``start``."""
        if n < 0:
            raise ValueError("n must be zero or positive")
        day = self.effective_day(start)
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, a: dt.date | dt.datetime, b: dt.date | dt.datetime) -> int:
        """Working days in (a, b]; negative when ``b`` is before ``a``."""
        da = a.date() if isinstance(a, dt.datetime) else a
        db = b.date() if isinstance(b, dt.datetime) else b
        if db < da:
            return -self.working_days_between(db, da)
        if (db - da).days > MAX_SPAN_DAYS:
            raise ValueError("span longer than twenty years")
        return sum(
            1
            for i in range(1, (db - da).days + 1)
            if self.is_working_day(da + dt.timedelta(days=i))
        )


def add_working_days(start: dt.date | dt.datetime, n: int) -> dt.date:
    """Module-level shortcut using the province calendar."""
    return WorkingCalendar.load().add_working_days(start, n)


def working_days_between(a: dt.date | dt.datetime, b: dt.date | dt.datetime) -> int:
    return WorkingCalendar.load().working_days_between(a, b)


def is_working_day(day: dt.date) -> bool:
    return WorkingCalendar.load().is_working_day(day)
