"""Search: diacritics, prefixes, boosting, facets, visibility, sort and paging on both engines."""

from __future__ import annotations

import pytest

from tests.catalog.factories import (
    DatasetFactory,
    GroupFactory,
    OrganizationFactory,
    ResourceFactory,
)
from tinhso.catalog.selectors import dataset_search

pytestmark = pytest.mark.django_db


def test_search_without_diacritics_finds_vietnamese_title() -> None:
    DatasetFactory(title="Dân số tỉnh Thanh Hóa năm 2024", name="dan-so")
    DatasetFactory(title="Giáo dục phổ thông", name="giao-duc")
    result = dataset_search(user=None, q="dan so")
    assert [d.name for d in result.datasets] == ["dan-so"]
    assert dataset_search(user=None, q="thanh hoa").count == 1
    assert dataset_search(user=None, q="THANH HÓA").count == 1
