"""Background tasks of the catalog (others add theirs here too)."""

from __future__ import annotations

from django_tasks import task

from tinhso.catalog import search


@task()
def catalog_reindex_task() -> dict[str, object]:
    """Rebuild the whole search index (same as ``tinhso catalog reindex``)."""
    report = search.rebuild()
    return {"count": report.count, "seconds": round(report.seconds, 3)}
