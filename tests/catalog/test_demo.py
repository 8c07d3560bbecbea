"""The catalog demo builder: 195 public datasets in 15 domains, each with a real table."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.db.models import Count, Q

from tinhso.catalog.models import Dataset, Group, Resource
from tinhso.demo.catalog_data import (
    DOMAINS,
    PUBLIC_TARGET,
    build_catalog,
    csv_bytes,
    demo_specs,
    reserved_for_other_publishers,
    specs,
)
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


def test_demo_specs_leave_room_for_the_indicator_datasets_so_the_portal_shows_195() -> None:
    reserved = reserved_for_other_publishers()
    assert reserved == 25  # one open dataset per indicator of the registry
    built = [s for s in demo_specs() if s.state == "active" and not s.private]
    assert len(built) + reserved == PUBLIC_TARGET == 195
    per_domain = {d.name: sum(1 for s in built if s.domain == d.name) for d in DOMAINS}
    assert min(per_domain.values()) >= 10
    # drafts and the private dataset are kept
    assert any(s.state == "draft" for s in demo_specs())
    assert sum(1 for s in demo_specs() if s.private) == 1


def test_demo_builder_with_indicators_shows_195_datasets_in_15_groups_and_is_idempotent(
    thanh_hoa_units: object, media_root: Path
) -> None:
    from tinhso.demo.indicators_data import build_indicators

    build_core()
    first = build_catalog()
    assert first["created"] == len(demo_specs())
    build_indicators()
    public = Dataset.objects.filter(state=Dataset.State.ACTIVE, private=False)
    assert public.count() == 195
    assert Dataset.objects.filter(state=Dataset.State.DRAFT).count() >= 1
    assert Dataset.objects.filter(private=True).count() == 1
    counts = dict(
        Group.objects.annotate(
            n=Count("datasets", filter=Q(datasets__state="active", datasets__private=False))
        ).values_list("name", "n")
    )
    assert len(counts) == 15 and all(n >= 10 for n in counts.values())
    assert sum(counts.values()) == 195
    assert all(
        g.theme_uri.startswith("http://publications.europa.eu/") for g in Group.objects.all()
    )
    # every dataset has at least one real tabular upload (CSV or XLSX) with rows
    tabular = Resource.objects.filter(format__in=["CSV", "XLSX"]).exclude(upload="")
    assert set(tabular.values_list("dataset_id", flat=True)) == set(
        Dataset.objects.values_list("pk", flat=True)
    )
    sample = tabular.filter(format="CSV", dataset__organization__agency__level="department").first()
    assert sample is not None
    with sample.upload.open("rb") as handle:
        lines = handle.read().decode("utf-8-sig").splitlines()
    assert len(lines) >= 6
    assert Resource.objects.filter(format="XLSX").exists()
    # each dataset is published by an agency of the demo province (departments; the
    # indicator datasets by the province People's Committee)
    assert not public.exclude(organization__agency__level__in=["department", "province"]).exists()
    # the Vietnamese search finds them without diacritics
    from tinhso.catalog.selectors import dataset_search

    found = dataset_search(user=None, q="dan so", rows=50)
    assert any(d.title.startswith("Dân số") for d in found.datasets)

    again = build_catalog()
    assert again == {"datasets": len(demo_specs()), "created": 0}
    build_indicators()
    assert Dataset.objects.filter(state=Dataset.State.ACTIVE, private=False).count() == 195
