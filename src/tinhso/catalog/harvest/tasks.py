"""Background task running a harvest job (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from tinhso.catalog.models import HarvestJob


@task()
def harvest_job_task(job_id: str) -> dict[str, object]:
    """Run the queued harvest job ``job_id``; returns its counts."""
    from tinhso.catalog.harvest.runner import harvest_job_run

    job = HarvestJob.objects.select_related("source__organization").filter(pk=job_id).first()
    if job is None or job.status != HarvestJob.Status.QUEUED:
        return {"skipped": True}
    job = harvest_job_run(job)
    return {
        "status": job.status,
        "total": job.total,
        "created": job.created_count,
        "updated": job.updated_count,
        "skipped": job.skipped_count,
        "errors": job.error_count,
    }
