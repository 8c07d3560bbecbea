"""The page dictization (``ckan_dict.dataset_dicts_by_id``, plain rows) returns exactly the
dicts of the model-instance path (``ckan_dict.dataset_dicts``) that ``package_show`` uses."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.catalog.factories import DatasetFactory, GroupFactory, OrganizationFactory
from tests.core.factories import AdministrativeUnitFactory
from tinhso.catalog import ckan_dict, services
from tinhso.catalog.models import Dataset, Resource

pytestmark = pytest.mark.django_db

BASE_URL = "https://dulieu.example.vn"


@pytest.fixture(autouse=True)
def media(settings: object, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    return tmp_path


def _varied_datasets() -> list[Dataset]:
    """Datasets covering every branch of the dicts: uploads and URLs, resource extras,
    groups, tags, places, coverage extras, no licence, private, draft, inactive organization."""
    GroupFactory(name="dan-so", title="Dân số")
    GroupFactory(name="y-te", title="Y tế", image_url="/static/y-te.svg")
    AdministrativeUnitFactory(code="98002", name="Phường Đông Sơn")
    AdministrativeUnitFactory(code="98001", name="Xã Hoà An")
    inactive = OrganizationFactory(is_active=False, image_url="https://x.vn/logo.png")
    full = DatasetFactory(
        name="dan-so-day-du",
        title="Dân số đầy đủ",
        tags=["thống kê", "dân số", "a"],
        groups=["y-te", "dan-so"],
        spatial=["98002", "98001"],
        frequency="ANNUAL",
        temporal_start=dt.date(2020, 1, 1),
        temporal_end=dt.date(2024, 12, 31),
        extras={"nguon": "Cục Thống kê", "ghi-chu": "có"},
        version="1.2",
        url="https://nguon.vn",
        author="Cục Thống kê",
        maintainer_email="lienhe@example.vn",
    )
    services.resource_create(
        user=None,
        dataset=full,
        upload=SimpleUploadedFile("dan-so.csv", b"a,b\n1,2\n"),
        check_permission=False,
    )
    json_resource = services.resource_create(
        user=None,
        dataset=full,
        url="https://example.vn/b.json",
        name="Tệp JSON",
        format="JSON",
        mimetype="application/json",
        size=1234,
        hash="abc",
        extras={"created": "ignored", "ghi-chu": "x"},
        check_permission=False,
    )
    # Values stored by older code or harvests need not be strings.
    Dataset.objects.filter(pk=full.pk).update(extras={"so": 3, "ds": [1, "hai"], "nguon": "x"})
    Resource.objects.filter(pk=json_resource.pk).update(
        extras={"datastore_active": True, "nested": {"k": "v"}, "created": "ignored", "n": 1.5}
    )
    bare = DatasetFactory(name="khong-giay-phep", license_id=None, private=True)
    draft = DatasetFactory(name="ban-nhap", state=Dataset.State.DRAFT, organization=inactive)
    return [full, bare, draft]


def test_page_dicts_equal_the_package_show_dicts() -> None:
    datasets = _varied_datasets()
    ids = [d.pk for d in reversed(datasets)]
    expected = ckan_dict.dataset_dicts(
        list(Dataset.objects.filter(pk__in=ids).order_by("-name")), base_url=BASE_URL
    )
    expected_by_id = {d["id"]: d for d in expected}
    found = ckan_dict.dataset_dicts_by_id(ids, base_url=BASE_URL)
    assert found == [expected_by_id[str(i)] for i in ids]
    assert found[-1]["resources"][0]["url_type"] == "upload"  # the branches were exercised
    assert found[-1]["extras"] and found[-1]["groups"] and found[-1]["tags"]


def test_page_dicts_keep_the_order_given_and_skip_missing_ids() -> None:
    first, second = DatasetFactory(), DatasetFactory()
    found = ckan_dict.dataset_dicts_by_id([second.pk, uuid.uuid4(), first.pk], base_url=BASE_URL)
    assert [d["name"] for d in found] == [second.name, first.name]
    assert ckan_dict.dataset_dicts_by_id([], base_url=BASE_URL) == []
