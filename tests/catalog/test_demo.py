"""The catalog demo builder: 195 public datasets in 15 domains, each with a real table."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.db.models import Count, Q

from tinhso.catalog.models import Dataset, Group, Resource
from tinhso.demo.catalog_data import DOMAINS, build_catalog, csv_bytes, specs
from tinhso.demo.core_data import build_core

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_root(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_demo_specs_are_195_public_in_15_domains_with_unique_names() -> None:
    all_specs = specs()
    public = [s for s in all_specs if s.state == "active" and not s.private]
    assert len(public) == 195
    assert len({s.domain for s in public}) == 15 == len(DOMAINS)
    assert len({s.name for s in all_specs}) == len(all_specs)
    assert any(s.state == "draft" for s in all_specs)
    assert sum(1 for s in all_specs if s.private) == 1


def test_demo_csv_is_utf8_with_header_and_vietnamese_text() -> None:
    data = csv_bytes(["Xã, phường", "Dân số"], [["Phường Hạc Thành", 1200]])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["Xã, phường", "Dân số"], ["Phường Hạc Thành", "1200"]]


def test_demo_builder_creates_195_datasets_in_15_groups_and_is_idempotent(
    thanh_hoa_units: object, media_root: Path
) -> None:
    build_core()
    first = build_catalog()
    assert first["created"] == len(specs())
    public = Dataset.objects.filter(state=Dataset.State.ACTIVE, private=False)
    assert public.count() == 195
    assert Dataset.objects.filter(state=Dataset.State.DRAFT).count() >= 1
    assert Dataset.objects.filter(private=True).count() == 1
    counts = dict(
        Group.objects.annotate(
            n=Count("datasets", filter=Q(datasets__state="active", datasets__private=False))
        ).values_list("name", "n")
    )
    assert len(counts) == 15 and all(n == 13 for n in counts.values())
    assert all(
        g.theme_uri.startswith("http://publications.europa.eu/") for g in Group.objects.all()
    )
    # every dataset has at least one real tabular upload (CSV or XLSX) with rows
    tabular = Resource.objects.filter(format__in=["CSV", "XLSX"]).exclude(upload="")
    assert set(tabular.values_list("dataset_id", flat=True)) == set(
        Dataset.objects.values_list("pk", flat=True)
    )
    sample = tabular.filter(format="CSV").first()
    assert sample is not None
    with sample.upload.open("rb") as handle:
        lines = handle.read().decode("utf-8-sig").splitlines()
    assert len(lines) >= 6
    assert Resource.objects.filter(format="XLSX").exists()
    # each dataset is published by a department of the demo province
    assert not public.exclude(organization__agency__level="department").exists()
    # the Vietnamese search finds them without diacritics
    from tinhso.catalog.selectors import dataset_search

    found = dataset_search(user=None, q="dan so", rows=50)
    assert any(d.title.startswith("Dân số") for d in found.datasets)

    again = build_catalog()
    assert again == {"datasets": len(specs()), "created": 0}
    assert Dataset.objects.count() == len(specs())
