"""Background tasks of the DataStore."""

from __future__ import annotations

from django_tasks import task

from tinhso.catalog.models import Resource


@task()
def load_resource_task(resource_id: str) -> dict[str, object]:
    """Load (or reload) a resource's file into its DataStore table."""
    from tinhso.datastore.services import datastore_load

    resource = Resource.objects.select_related("dataset").filter(pk=resource_id).first()
    if resource is None:
        return {"status": "gone"}
    table = datastore_load(resource=resource)
    return {"status": table.status, "rows": table.row_count, "error": table.error}
