"""Reads for harvesting."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from tinhso.catalog.models import HarvestJob, HarvestSource

INTERVALS = {
    HarvestSource.Frequency.DAILY: dt.timedelta(days=1),
    HarvestSource.Frequency.WEEKLY: dt.timedelta(days=7),
}
# A cron run a little earlier than the day before still counts as due.
SLACK = dt.timedelta(hours=1)


def harvest_sources_due(*, now: dt.datetime | None = None) -> list[HarvestSource]:
    """Active daily/weekly sources whose last run is older than their interval (or never ran)
    and that have no queued or running job."""
    now = now or timezone.now()
    due: list[HarvestSource] = []
    busy = HarvestJob.objects.filter(
        status__in=[HarvestJob.Status.QUEUED, HarvestJob.Status.RUNNING]
    )
    for frequency, interval in INTERVALS.items():
        sources: QuerySet[HarvestSource] = (
            HarvestSource.objects.filter(is_active=True, frequency=frequency)
            .filter(Q(last_run_at__isnull=True) | Q(last_run_at__lte=now - interval + SLACK))
            .exclude(pk__in=busy.values("source_id"))
            .select_related("organization")
            .order_by("created")
        )
        due.extend(sources)
    return due
