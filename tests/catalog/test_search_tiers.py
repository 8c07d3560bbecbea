"""The "title matches first, then the others, most recent first" order of large match sets,
whichever way each tier's page is found (walking the recency index or sorting its ids)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q

from tests.catalog.factories import DatasetFactory
from tinhso.catalog import search, selectors
from tinhso.catalog.selectors import dataset_search

pytestmark = pytest.mark.django_db


def names(result: object) -> list[str]:
    return [d.name for d in result.datasets]  # type: ignore[attr-defined]


@pytest.mark.parametrize("walk_limit", [0, 1_000_000])
def test_tier_pages_are_the_same_by_index_walk_and_by_id_sort(
    monkeypatch: pytest.MonkeyPatch, walk_limit: int
) -> None:
    monkeypatch.setattr(selectors, "RANK_LIMIT", 0)
    monkeypatch.setattr(selectors, "WALK_LIMIT", walk_limit)
    base = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    for i in range(6):
        DatasetFactory(
            name=f"tieu-de-{i}", title=f"Y tế {i}", metadata_modified=base + dt.timedelta(i)
        )
        DatasetFactory(
            name=f"mo-ta-{i}",
            title=f"Khác {i}",
            notes="y tế",
            tags=["le"] if i % 2 else [],
            metadata_modified=base + dt.timedelta(days=i, hours=1),
        )
        DatasetFactory(name=f"khong-{i}", title=f"Giáo dục {i}", metadata_modified=base)
    DatasetFactory(name="rieng", title="Y tế riêng", private=True)
    titles = [f"tieu-de-{i}" for i in reversed(range(6))]
    others = [f"mo-ta-{i}" for i in reversed(range(6))]
    expected = titles + others
    for start, rows in [(0, 3), (4, 4), (6, 2), (10, 5), (12, 3), (0, 20)]:
        search.clear_text_cache()
        found = names(dataset_search(user=None, q="y te", start=start, rows=rows))
        assert found == expected[start : start + rows]
    filtered = names(dataset_search(user=None, q="y te", filters=Q(tags__name="le"), rows=10))
    assert filtered == ["mo-ta-5", "mo-ta-3", "mo-ta-1"]
