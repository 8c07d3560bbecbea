"""Deadline arithmetic for dossiers, on the province's working-day calendar.

* **Due date** at receipt: ``processing_days`` working days after the day the dossier
  counts as received (a receipt on a non-working day or at/after the cut-off hour
  counts from the next working day) — :meth:`WorkingCalendar.add_working_days`.
* **Pauses** (waiting for additions, for a payment, or a suspension decided by a
  leader): the working days in (paused at, resumed at] are added to the due date.
* **Classification** when the result is ready: before the due date → early, on the
  due date → on time, after → late. An apology's new date does not change it: a
  dossier finished after its due date is late even with an apology.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tinhso.core.workcalendar import WorkingCalendar
from tinhso.dossiers.models import Timeliness

DUE_SOON_WORKING_DAYS = 2


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def due_date_at_receipt(
    calendar: WorkingCalendar, received_at: dt.datetime, processing_days: int
) -> dt.date:
    return calendar.add_working_days(received_at, max(0, int(processing_days)))


def paused_days(calendar: WorkingCalendar, since: dt.datetime, until: dt.datetime) -> int:
    """Working days the clock stood still: those in (since, until], never negative."""
    return max(0, calendar.working_days_between(local_date(since), local_date(until)))


def extend(calendar: WorkingCalendar, due: dt.date, working_days: int) -> dt.date:
    if working_days <= 0:
        return due
    day = due
    for _ in range(working_days):
        day = calendar.next_working_day(day)
    return day


def classify(finished_at: dt.datetime, due: dt.date | None) -> str:
    if due is None:
        return Timeliness.ON_TIME
    done = local_date(finished_at)
    if done < due:
        return Timeliness.EARLY
    if done == due:
        return Timeliness.ON_TIME
    return Timeliness.LATE


def due_soon_limit(calendar: WorkingCalendar, today: dt.date) -> dt.date:
    """Dossiers due on or before this date (and not yet overdue) are 'due soon'."""
    return extend(calendar, calendar.effective_day(today), DUE_SOON_WORKING_DAYS)
