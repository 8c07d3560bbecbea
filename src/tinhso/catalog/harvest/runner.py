"""Running one harvest job: read the remote records, write them through the catalog
services, keep counts and a log on the HarvestJob.

Idempotent: a :class:`~tinhso.catalog.models.HarvestedDataset` links each remote id to its
local dataset, so a re-run updates that dataset and never creates a second one; a record
whose content hash has not changed is skipped. One failing record is logged and counted;
the job goes on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.catalog import services
from tinhso.catalog.harvest.base import Harvester, RecordError, RemoteDataset, unique_name
from tinhso.catalog.harvest.ckan import CkanHarvester
from tinhso.catalog.harvest.dcat import DcatHarvester
from tinhso.catalog.harvest.fetch import Fetcher, FetchError
from tinhso.catalog.models import Dataset, HarvestedDataset, HarvestJob, HarvestSource, Resource
from tinhso.core.services import DomainError

logger = logging.getLogger("tinhso.catalog.harvest")

HARVESTERS: dict[str, type[Harvester]] = {
    HarvestSource.Kind.CKAN: CkanHarvester,
    HarvestSource.Kind.DCAT: DcatHarvester,
}
MAX_LOG_CHARS = 200_000
PROGRESS_EVERY_SECONDS = 2.0

Progress = Callable[[HarvestJob, str], None]


def _error_text(exc: Exception) -> str:
    if isinstance(exc, services.CatalogValidationError):
        return "; ".join(f"{key}: {' '.join(messages)}" for key, messages in exc.errors.items())
    if isinstance(exc, DomainError):
        return exc.message
    return f"{exc.__class__.__name__}: {exc}"


class JobRun:
    def __init__(self, job: HarvestJob, *, progress: Progress | None = None) -> None:
        self.job = job
        self.source = job.source
        self.progress = progress
        self._lines: list[str] = [job.log] if job.log else []
        self._log_chars = len(job.log)
        self._last_flush = 0.0

    # Log and progress ------------------------------------------------------------------
    def log(self, message: str) -> None:
        line = f"[{timezone.localtime():%H:%M:%S}] {message}"
        logger.info("harvest %s: %s", self.source.url, message)
        if self._log_chars < MAX_LOG_CHARS:
            self._lines.append(line)
            self._log_chars += len(line) + 1
            if self._log_chars >= MAX_LOG_CHARS:
                self._lines.append(_("… nhật ký quá dài, các dòng sau bị lược bỏ."))
        if self.progress:
            self.progress(self.job, line)

    def flush(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_flush < PROGRESS_EVERY_SECONDS:
            return
        self._last_flush = now
        self.job.log = "\n".join(self._lines)
        # update() rather than save(): progress is not an audited change of the data.
        HarvestJob.objects.filter(pk=self.job.pk).update(
            total=self.job.total,
            created_count=self.job.created_count,
            updated_count=self.job.updated_count,
            skipped_count=self.job.skipped_count,
            error_count=self.job.error_count,
            log=self.job.log,
        )

    # The job ---------------------------------------------------------------------------
    def run(self) -> HarvestJob:
        job, source = self.job, self.source
        job.status = HarvestJob.Status.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
        self.log(_("Bắt đầu thu thập {kind} từ {url}.").format(kind=source.kind, url=source.url))
        harvester_class = HARVESTERS[source.kind]
        seen: set[str] = set()
        complete = False
        status = HarvestJob.Status.FINISHED
        try:
            with Fetcher(allow_private=source.allow_private_addresses) as fetcher:
                harvester = harvester_class(
                    url=source.url, config=source.config or {}, fetcher=fetcher, log=self.log
                )
                for record in harvester.records():
                    job.total += 1
                    if isinstance(record, RecordError) and record.skip:
                        job.skipped_count += 1
                        self.log(f"{record.remote_id}: {record.message}")
                    elif isinstance(record, RecordError):
                        seen.add(record.remote_id)  # unreadable now: keep what we have
                        job.error_count += 1
                        self.log(f"{record.remote_id}: {record.message}")
                    else:
                        seen.add(record.remote_id)
                        self.import_one(record)
                    self.flush()
                complete = harvester.complete
        except FetchError as exc:
            status = HarvestJob.Status.FAILED
            self.log(_("Dừng: {error}").format(error=exc.message))
        except Exception as exc:
            logger.exception("harvest job %s failed", job.pk)
            status = HarvestJob.Status.FAILED
            self.log(_("Dừng vì lỗi không lường trước: {error}").format(error=_error_text(exc)))
        if complete:
            self.withdraw_vanished(seen)
        job.status = status
        job.finished_at = timezone.now()
        self.log(
            _(
                "Kết thúc: {total} bản ghi, {created} tạo mới, {updated} cập nhật, "
                "{skipped} không đổi, {errors} lỗi."
            ).format(
                total=job.total,
                created=job.created_count,
                updated=job.updated_count,
                skipped=job.skipped_count,
                errors=job.error_count,
            )
        )
        job.log = "\n".join(self._lines)
        job.save()
        source.last_run_at = job.finished_at
        source.save(update_fields=["last_run_at"])
        return job

    def import_one(self, record: RemoteDataset) -> None:
        try:
            outcome = import_record(source=self.source, record=record)
        except Exception as exc:
            if not isinstance(exc, DomainError):
                logger.exception("harvest record %s failed", record.remote_id)
            self.job.error_count += 1
            self.log(f"{record.remote_id}: {_error_text(exc)}")
            return
        if outcome == "created":
            self.job.created_count += 1
            self.log(_("Tạo mới {name}.").format(name=record.fields.get("name")))
        elif outcome == "updated":
            self.job.updated_count += 1
            self.log(_("Cập nhật {name}.").format(name=record.fields.get("name")))
        else:
            self.job.skipped_count += 1

    def withdraw_vanished(self, seen: set[str]) -> None:
        """Datasets no longer at the source are deleted here too (soft delete, restorable)."""
        vanished = (
            HarvestedDataset.objects.filter(source=self.source)
            .exclude(remote_id__in=seen)
            .exclude(dataset__state=Dataset.State.DELETED)
            .select_related("dataset")
        )
        for link in vanished:
            try:
                services.dataset_delete(user=None, dataset=link.dataset, check_permission=False)
                HarvestedDataset.objects.filter(pk=link.pk).update(content_hash="")
                self.log(_("Xoá {name}: không còn ở nguồn.").format(name=link.dataset.name))
            except Exception as exc:
                self.job.error_count += 1
                self.log(f"{link.remote_id}: {_error_text(exc)}")


def import_record(*, source: HarvestSource, record: RemoteDataset) -> str:
    """Create or update the local copy of one remote dataset; "created", "updated" or
    "skipped". All or nothing: on error no part of this record is stored."""
    content_hash = record.content_hash()
    link = (
        HarvestedDataset.objects.select_related("dataset")
        .filter(source=source, remote_id=record.remote_id)
        .first()
    )
    if (
        link is not None
        and link.content_hash == content_hash
        and link.dataset.state != Dataset.State.DELETED
    ):
        return "skipped"
    fields: dict[str, Any] = {k: v for k, v in record.fields.items() if v is not None}
    with transaction.atomic():
        if link is None:
            fields["name"] = unique_name(fields["name"])
            dataset = services.dataset_create(
                user=None, organization=source.organization, check_permission=False, **fields
            )
            link = HarvestedDataset(source=source, remote_id=record.remote_id, dataset=dataset)
            outcome = "created"
        else:
            dataset = link.dataset
            if dataset.state == Dataset.State.DELETED:  # back at the source
                dataset = services.dataset_restore(
                    user=None, dataset=dataset, check_permission=False
                )
            candidate = unique_name(fields["name"], exclude_pk=dataset.pk)
            # Keep the local name unless the remote one is free (renamed at the source).
            fields["name"] = fields["name"] if candidate == fields["name"] else dataset.name
            fields.setdefault("state", Dataset.State.ACTIVE)
            fields.setdefault("private", False)
            dataset = services.dataset_update(
                user=None,
                dataset=dataset,
                check_permission=False,
                organization=source.organization,
                **fields,
            )
            outcome = "updated"
        _sync_resources(dataset, record)
        link.content_hash = content_hash
        link.remote_modified = record.remote_modified
        link.save()
    return outcome


def _sync_resources(dataset: Dataset, record: RemoteDataset) -> None:
    existing: dict[str, Resource] = {}
    for resource in dataset.resources.all():
        remote_id = (resource.extras or {}).get("harvest_remote_id")
        if remote_id:
            existing[str(remote_id)] = resource
    for position, remote in enumerate(record.resources):
        extras = {"harvest_remote_id": remote.remote_id}
        current = existing.pop(remote.remote_id, None)
        if current is None:
            services.resource_create(
                user=None,
                dataset=dataset,
                position=position,
                extras=extras,
                check_permission=False,
                **remote.fields,
            )
        else:
            services.resource_update(
                user=None,
                resource=current,
                position=position,
                extras=extras,
                check_permission=False,
                **remote.fields,
            )
    for leftover in existing.values():
        services.resource_delete(user=None, resource=leftover, check_permission=False)


def harvest_job_run(job: HarvestJob, *, progress: Progress | None = None) -> HarvestJob:
    """Run ``job`` now, in this process."""
    return JobRun(job, progress=progress).run()
