"""Writes for harvesting: register a source, create and enqueue jobs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.catalog.models import HarvestJob, HarvestSource, Organization
from tinhso.core.services import DomainError

# A queued or running job older than this is considered dead (its worker was killed).
STALE_JOB_AFTER = dt.timedelta(hours=6)


class HarvestAlreadyRunning(DomainError):
    """The source already has a queued or running job."""


class HarvestSourceInvalid(DomainError):
    """The source cannot be registered as given."""


@transaction.atomic
def harvest_source_register(
    *,
    url: str,
    kind: str,
    organization: Organization | None = None,
    title: str = "",
    allow_private_addresses: bool | None = None,
    frequency: str | None = None,
    config: dict[str, Any] | None = None,
) -> HarvestSource:
    """Register a source, or return the existing one for (url, kind) with the given options
    changed. The URL must be http(s); the address check itself runs when fetching."""
    url = url.strip()
    if kind not in HarvestSource.Kind.values:
        raise HarvestSourceInvalid(
            _("Loại nguồn không hợp lệ: {kind}.").format(kind=kind), field="kind"
        )
    if not url.startswith(("http://", "https://")):
        raise HarvestSourceInvalid(
            _("Địa chỉ nguồn phải bắt đầu bằng http:// hoặc https://."), field="url"
        )
    if frequency is not None and frequency not in HarvestSource.Frequency.values:
        raise HarvestSourceInvalid(
            _("Tần suất không hợp lệ: {value}.").format(value=frequency), field="frequency"
        )
    source = HarvestSource.objects.select_for_update().filter(url=url, kind=kind).first()
    if source is None:
        if organization is None:
            raise HarvestSourceInvalid(
                _("Nguồn mới cần một tổ chức nhận dữ liệu (--organization)."), field="organization"
            )
        source = HarvestSource(url=url, kind=kind, organization=organization)
        source.title = title or url
    elif organization is not None:
        source.organization = organization
    if title:
        source.title = title
    if allow_private_addresses is not None:
        source.allow_private_addresses = allow_private_addresses
    if frequency is not None:
        source.frequency = frequency
    if config is not None:
        source.config = config
    source.full_clean()
    source.save()
    return source


@transaction.atomic
def harvest_job_create(*, source: HarvestSource) -> HarvestJob:
    """A new queued job for ``source``; refused while another one is queued or running."""
    HarvestSource.objects.select_for_update().filter(pk=source.pk).first()
    busy = HarvestJob.objects.filter(
        source=source,
        status__in=[HarvestJob.Status.QUEUED, HarvestJob.Status.RUNNING],
        created__gte=timezone.now() - STALE_JOB_AFTER,
    ).exists()
    if busy:
        raise HarvestAlreadyRunning(
            _("Nguồn {title} đang có một lượt thu thập chờ hoặc đang chạy.").format(
                title=source.title
            )
        )
    HarvestJob.objects.filter(
        source=source, status__in=[HarvestJob.Status.QUEUED, HarvestJob.Status.RUNNING]
    ).update(status=HarvestJob.Status.FAILED, finished_at=timezone.now())
    return HarvestJob.objects.create(source=source)


def harvest_job_enqueue(*, source: HarvestSource) -> HarvestJob:
    """Create a job and hand it to the background workers (after the transaction commits)."""
    from tinhso.catalog.harvest.tasks import harvest_job_task

    with transaction.atomic():
        job = harvest_job_create(source=source)
        transaction.on_commit(lambda: harvest_job_task.enqueue(str(job.pk)))
    return job


def harvest_enqueue_due(*, now: dt.datetime | None = None) -> list[HarvestJob]:
    """Enqueue a job for every active scheduled source that is due (meant for cron)."""
    from tinhso.catalog.harvest.selectors import harvest_sources_due

    jobs = []
    for source in harvest_sources_due(now=now):
        try:
            jobs.append(harvest_job_enqueue(source=source))
        except HarvestAlreadyRunning:
            continue
    return jobs
