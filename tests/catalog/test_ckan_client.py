"""Real CKAN clients against a live server: the ckanapi library, and the requests that
ckanext-harvest's CKAN harvester makes (package_search paged by ``start``/``rows``, sorted by
``id asc``, filtered with ``fq=metadata_modified:[<since>Z TO *]``)."""

from __future__ import annotations

import datetime as dt
import importlib
import io
from collections.abc import Iterator
from typing import Any

import ckanapi
import pytest
import requests
from django.apps import apps as django_apps

from tests.catalog.ckan_helpers import Portal, build_portal
from tests.catalog.factories import DatasetFactory

pytestmark = pytest.mark.django_db(transaction=True)


def seed_licences() -> None:
    """The licences as the data migration seeds them."""
    importlib.import_module("tinhso.catalog.migrations.0004_licences").seed(django_apps, None)


@pytest.fixture(scope="module", autouse=True)
def licences_survive_the_flush(django_db_blocker: Any) -> Iterator[None]:
    """Transactional tests flush the database after each test, seeded rows included; put
    the licences back once this module is done so later tests find them as migrated.
    (serialized_rollback would collide with other transactional tests' content types.)"""
    yield
    with django_db_blocker.unblock():
        seed_licences()


@pytest.fixture
def portal(agency_tree) -> Portal:  # type: ignore[no-untyped-def]
    seed_licences()  # an earlier transactional test may have flushed them
    return build_portal(agency_tree)


@pytest.fixture
def remote(live_server: Any, portal: Portal) -> Iterator[ckanapi.RemoteCKAN]:
    with ckanapi.RemoteCKAN(live_server.url) as client:
        yield client


@pytest.fixture
def publisher(live_server: Any, portal: Portal) -> Iterator[ckanapi.RemoteCKAN]:
    with ckanapi.RemoteCKAN(live_server.url, apikey=portal.publisher_token) as client:
        yield client


def test_ckanapi_reads_status_list_and_show(remote: ckanapi.RemoteCKAN) -> None:
    assert remote.action.status_show()["ckan_version"].startswith("2.10")
    assert remote.action.package_list() == ["benh-vien", "dan-so-thanh-hoa"]
    pkg = remote.action.package_show(id="dan-so-thanh-hoa")
    assert pkg["title"] == "Dân số Thanh Hóa năm 2024"
    assert pkg["organization"]["title"] == "Sở Tư pháp"


def test_ckanapi_searches_with_filters_and_facets(remote: ckanapi.RemoteCKAN) -> None:
    found = remote.action.package_search(
        q="thanh hoa", fq="res_format:CSV", **{"facet.field": ["organization", "tags"]}
    )
    assert found["count"] == 1
    assert found["results"][0]["name"] == "dan-so-thanh-hoa"
    assert found["facets"]["organization"] == {"so-tu-phap": 1}


def test_ckanapi_with_get_only_uses_query_parameters(live_server: Any, portal: Portal) -> None:
    with ckanapi.RemoteCKAN(live_server.url, get_only=True) as remote:
        assert remote.action.package_search(fq="organization:so-y-te")["count"] == 1


def test_ckanapi_lists_organizations_groups_tags_licences(remote: ckanapi.RemoteCKAN) -> None:
    assert remote.action.organization_list() == ["so-tu-phap", "so-y-te"]
    assert remote.action.group_list(all_fields=True)[0]["name"] == "dan-cu"
    assert "dân số" in remote.action.tag_list()
    assert "CC-BY-4.0" in {lic["id"] for lic in remote.action.license_list()}


def test_ckanapi_raises_its_exceptions_for_ckan_errors(remote: ckanapi.RemoteCKAN) -> None:
    with pytest.raises(ckanapi.NotFound):
        remote.action.package_show(id="khong-co")
    with pytest.raises(ckanapi.NotAuthorized):
        remote.action.package_show(id="ngan-sach-noi-bo")
    with pytest.raises(ckanapi.SearchQueryError):
        remote.action.package_search(sort="popularity desc")
    with pytest.raises(ckanapi.SearchQueryError):
        remote.action.package_search(fq="tags:(a")
    with pytest.raises(ckanapi.NotAuthorized):
        remote.action.package_create(name="khong-khoa", owner_org="so-tu-phap")
    with pytest.raises(ckanapi.CKANAPIError):
        remote.action.package_explode()


def test_ckanapi_creates_updates_and_deletes_with_a_token(publisher: ckanapi.RemoteCKAN) -> None:
    created = publisher.action.package_create(
        name="chat-luong-khong-khi",
        title="Chất lượng không khí",
        owner_org="so-tu-phap",
        license_id="CC-BY-4.0",
        tags=[{"name": "môi trường"}],
        resources=[{"url": "https://example.vn/aqi.csv", "name": "AQI"}],
    )
    assert created["num_resources"] == 1
    patched = publisher.action.package_patch(id=created["id"], notes="Cập nhật")
    assert patched["notes"] == "Cập nhật" and patched["title"] == "Chất lượng không khí"
    publisher.action.package_delete(id=created["id"])
    with ckanapi.RemoteCKAN(publisher.address) as anonymous, pytest.raises(ckanapi.NotFound):
        anonymous.action.package_show(id=created["id"])


def test_ckanapi_validation_error_carries_field_errors(publisher: ckanapi.RemoteCKAN) -> None:
    with pytest.raises(ckanapi.ValidationError) as caught:
        publisher.action.package_create(name="x-y", owner_org="so-tu-phap", license_id="khong-co")
    assert "license_id" in caught.value.error_dict


def test_ckanapi_uploads_a_resource_file(publisher: ckanapi.RemoteCKAN) -> None:
    content = "xã,dân số\nHạc Thành,12000\n".encode()
    resource = publisher.action.resource_create(
        package_id="dan-so-thanh-hoa",
        name="Tệp tải lên",
        upload=("dan-so.csv", io.BytesIO(content)),
    )
    assert resource["url_type"] == "upload" and resource["size"] == len(content)
    downloaded = requests.get(resource["url"], timeout=10)
    assert downloaded.status_code == 200 and downloaded.content == content


def harvest(base_url: str, *, since: dt.datetime | None, rows: int) -> list[dict[str, Any]]:
    """What ckanext-harvest's CKANHarvester._search_for_datasets does."""
    params: dict[str, Any] = {"rows": rows, "start": 0, "sort": "id asc"}
    if since is not None:
        naive_utc = since.astimezone(dt.UTC).replace(tzinfo=None)
        params["fq"] = f"metadata_modified:[{naive_utc.isoformat()}Z TO *]"
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    while True:
        response = requests.get(
            f"{base_url}/api/3/action/package_search", params=params, timeout=10
        )
        assert response.status_code == 200, response.text
        page = response.json()["result"]["results"]
        if not page:
            return found
        for pkg in page:
            if pkg["id"] not in seen:
                seen.add(pkg["id"])
                found.append(pkg)
        params["start"] += rows


def test_harvester_gathers_every_dataset_page_by_page(live_server: Any, portal: Portal) -> None:
    for n in range(5):
        DatasetFactory(organization=portal.org_b, name=f"them-{n}", title=f"Thêm {n}")
    gathered = harvest(live_server.url, since=None, rows=2)
    assert len(gathered) == 7
    assert all(pkg["resources"] is not None and pkg["organization"] for pkg in gathered)


def test_harvester_gathers_only_datasets_changed_since_last_run(
    live_server: Any, portal: Portal
) -> None:
    DatasetFactory(
        organization=portal.org_b,
        name="cu",
        title="Dữ liệu cũ",
        metadata_created=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        metadata_modified=dt.datetime(2020, 1, 2, tzinfo=dt.UTC),
    )
    last_run = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    names = {pkg["name"] for pkg in harvest(live_server.url, since=last_run, rows=100)}
    assert names == {"dan-so-thanh-hoa", "benh-vien"}
    names = {pkg["name"] for pkg in harvest(live_server.url, since=None, rows=100)}
    assert "cu" in names
