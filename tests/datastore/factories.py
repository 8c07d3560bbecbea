"""Helpers to build DataStore test data: resources with a file, loaded tables."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.base import ContentFile

from tests.catalog.factories import DatasetFactory
from tinhso.catalog.models import Dataset, Resource
from tinhso.datastore.models import DatastoreTable
from tinhso.datastore.services import datastore_load


def resource_with_file(
    content: bytes,
    filename: str = "du-lieu.csv",
    *,
    fmt: str = "",
    dataset: Dataset | None = None,
    **dataset_kwargs: Any,
) -> Resource:
    """A resource whose upload holds ``content`` exactly (bypassing the catalog's upload
    checks, so that the DataStore's own defences are what is tested)."""
    dataset = dataset or DatasetFactory(**dataset_kwargs)
    resource = Resource(
        dataset=dataset, name=filename, format=fmt or filename.rsplit(".", 1)[-1].upper()
    )
    resource.upload.save(filename, ContentFile(content), save=False)
    resource.save()
    return resource


def loaded(content: bytes, filename: str = "du-lieu.csv", **kwargs: Any) -> DatastoreTable:
    resource = resource_with_file(content, filename, **kwargs)
    return datastore_load(resource=resource)


def reload(resource: Resource) -> DatastoreTable:
    return datastore_load(resource=resource)


def replace_file(resource: Resource, content: bytes, filename: str = "moi.csv") -> Resource:
    resource.upload.save(filename, ContentFile(content), save=False)
    resource.save()
    return resource


def xlsx_bytes(
    rows: list[list[Any]],
    *,
    merges: list[str] = (),
    sheet: str = "Sheet1",  # type: ignore[assignment]
    extra_sheets: dict[str, list[list[Any]]] | None = None,
) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    for name, data in (extra_sheets or {}).items():
        other = wb.create_sheet(name)
        for r in data:
            other.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
