"""Harvesting CKAN and DCAT sources from a local HTTP server (no network)."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.catalog.harvest_server import FakeCkan, HarvestServer, run_server
from tests.core.factories import AdministrativeUnitFactory, AgencyFactory
from tinhso.catalog import services
from tinhso.catalog.harvest import ckan as ckan_harvester
from tinhso.catalog.harvest import services as harvest_services
from tinhso.catalog.harvest.runner import harvest_job_run
from tinhso.catalog.harvest.tasks import harvest_job_task
from tinhso.catalog.models import (
    Dataset,
    Group,
    HarvestedDataset,
    HarvestJob,
    HarvestSource,
    Organization,
)

THEME_HEALTH = "http://publications.europa.eu/resource/authority/data-theme/HEAL"


def package(n: int, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": f"00000000-0000-0000-0000-00000000000{n}",
        "name": f"bo-du-lieu-{n}",
        "title": f"Bộ dữ liệu số {n} về y tế",
        "notes": "Mô tả **Markdown**.",
        "state": "active",
        "private": False,
        "license_id": "cc-by",
        "license_title": "Creative Commons Attribution",
        "url": "",
        "version": "1.0",
        "maintainer": "Phòng Dữ liệu",
        "maintainer_email": "dulieu@example.vn",
        "author_email": "không phải thư",
        "metadata_created": "2024-01-02T03:04:05.000000",
        "metadata_modified": "2024-06-07T08:09:10.000000",
        "organization": {"name": "remote-org", "title": "Remote"},
        "groups": [{"name": "health", "title": "Y tế", "display_name": "Y tế"}],
        "tags": [{"name": "y tế"}, {"name": "Y Tế"}, {"name": "bệnh viện"}],
        "extras": [
            {
                "key": "frequency",
                "value": "http://publications.europa.eu/resource/authority/frequency/ANNUAL",
            },
            {"key": "temporal_start", "value": "2020-01-01"},
            {"key": "nguon", "value": "Sở Y tế"},
        ],
        "resources": [
            {
                "id": f"r{n}-1",
                "name": "Bảng CSV",
                "url": f"https://example.vn/files/{n}.csv",
                "format": "CSV",
                "description": "Dữ liệu chính",
            },
            {"id": f"r{n}-2", "name": "Không có địa chỉ", "url": "", "format": "PDF"},
        ],
    }
    data.update(overrides)
    return data


@pytest.fixture
def server() -> Iterator[HarvestServer]:
    yield from run_server()


@pytest.fixture
def fake_ckan(server: HarvestServer, monkeypatch: pytest.MonkeyPatch) -> FakeCkan:
    ckan = FakeCkan(packages=[package(1), package(2), package(3)])
    server.mount_ckan(ckan)
    monkeypatch.setattr(ckan_harvester, "PAGE_ROWS", 2)  # exercise paging
    return ckan


@pytest.fixture
def organization(db: None) -> Organization:
    agency = AgencyFactory(code="000.00.05.H98", name="Sở Thông tin và Truyền thông")
    return Organization.objects.create(agency=agency, name="so-tttt", title=agency.name)


@pytest.fixture
def health_group(db: None) -> Group:
    return Group.objects.create(
        name="y-te", title="Y tế", title_en="Health", theme_uri=THEME_HEALTH
    )


def harvest_ckan(server: HarvestServer, organization: Organization, *args: str) -> HarvestJob:
    call_command(
        "harvest",
        "ckan",
        server.url,
        "--organization",
        organization.name,
        "--allow-private",
        *args,
        verbosity=0,
    )
    return HarvestJob.objects.order_by("-created").first()  # type: ignore[return-value]


def harvested(source_url: str) -> list[Dataset]:
    return list(Dataset.objects.filter(harvest_record__source__url=source_url).order_by("name"))


# --- CKAN ------------------------------------------------------------------------------------


def test_ckan_harvest_creates_datasets_through_services(
    server: HarvestServer, fake_ckan: FakeCkan, organization: Organization, health_group: Group
) -> None:
    job = harvest_ckan(server, organization)
    assert job.status == HarvestJob.Status.FINISHED, job.log
    assert (job.total, job.created_count, job.error_count) == (3, 3, 0)
    datasets = harvested(server.url)
    assert [d.name for d in datasets] == ["bo-du-lieu-1", "bo-du-lieu-2", "bo-du-lieu-3"]
    first = datasets[0]
    assert first.organization == organization
    assert first.title == "Bộ dữ liệu số 1 về y tế"
    assert first.state == Dataset.State.ACTIVE and not first.private
    assert first.license_id == "CC-BY-4.0"
    assert list(first.groups.values_list("name", flat=True)) == ["y-te"]
    assert sorted(first.tags.values_list("name", flat=True)) == ["bệnh viện", "y tế"]
    assert first.frequency == "ANNUAL"
    assert first.temporal_start == dt.date(2020, 1, 1)
    assert first.maintainer_email == "dulieu@example.vn"
    assert first.author_email == ""  # invalid address dropped, not a failure
    assert first.extras["nguon"] == "Sở Y tế"
    assert first.extras["harvest_remote_id"] == package(1)["id"]
    resources = list(first.resources.order_by("position"))
    assert [(r.name, r.url, r.format) for r in resources] == [
        ("Bảng CSV", "https://example.vn/files/1.csv", "CSV")
    ]
    assert "bỏ qua tài nguyên" in job.log
    # Paged with rows/start.
    assert any("start=2" in r for r in server.requests)


def test_reharvest_unchanged_skips_and_never_duplicates(
    server: HarvestServer, fake_ckan: FakeCkan, organization: Organization
) -> None:
    harvest_ckan(server, organization)
    modified = {d.pk: d.metadata_modified for d in harvested(server.url)}
    job = harvest_ckan(server, organization)
    assert (job.created_count, job.updated_count, job.skipped_count) == (0, 0, 3)
    assert Dataset.objects.count() == 3
    assert HarvestedDataset.objects.count() == 3
    assert {d.pk: d.metadata_modified for d in harvested(server.url)} == modified


def test_reharvest_updates_changed_dataset_and_its_resources(
    server: HarvestServer, fake_ckan: FakeCkan, organization: Organization
) -> None:
    harvest_ckan(server, organization)
    before = Dataset.objects.get(name="bo-du-lieu-2")
    kept_resource = before.resources.get()
    changed = copy.deepcopy(fake_ckan.packages[1])
    changed["title"] = "Bộ dữ liệu số 2 (đã sửa)"
    changed["resources"][0]["name"] = "Bảng CSV mới"
    changed["resources"].append(
        {"id": "r2-3", "name": "Bảng XLSX", "url": "https://example.vn/2.xlsx", "format": "XLSX"}
    )
    fake_ckan.packages[1] = changed
    job = harvest_ckan(server, organization)
    assert (job.created_count, job.updated_count, job.skipped_count) == (0, 1, 2), job.log
    after = Dataset.objects.get(pk=before.pk)
    assert after.title == "Bộ dữ liệu số 2 (đã sửa)"
    assert [(r.id == kept_resource.id, r.name) for r in after.resources.order_by("position")] == [
        (True, "Bảng CSV mới"),
        (False, "Bảng XLSX"),
    ]
    assert Dataset.objects.count() == 3


def test_dataset_removed_at_source_is_withdrawn(
    server: HarvestServer, fake_ckan: FakeCkan, organization: Organization
) -> None:
    harvest_ckan(server, organization)
    fake_ckan.packages.pop(0)
    harvest_ckan(server, organization)
    assert Dataset.objects.get(name="bo-du-lieu-1").state == Dataset.State.DELETED
    fake_ckan.packages.insert(0, package(1))
    job = harvest_ckan(server, organization)
    assert job.updated_count == 1
    assert Dataset.objects.get(name="bo-du-lieu-1").state == Dataset.State.ACTIVE


def test_name_clash_with_local_dataset_gets_a_suffix(
    server: HarvestServer, fake_ckan: FakeCkan, organization: Organization
) -> None:
    local = services.dataset_create(
        user=None,
        organization=organization,
        name="bo-du-lieu-1",
        title="Dữ liệu của tỉnh",
        check_permission=False,
    )
    harvest_ckan(server, organization)
    harvest_ckan(server, organization)
    local.refresh_from_db()
    assert local.title == "Dữ liệu của tỉnh"
    record = HarvestedDataset.objects.get(remote_id=package(1)["id"])
    assert record.dataset.name == "bo-du-lieu-1-2"
    assert Dataset.objects.count() == 4


def test_error_in_one_dataset_is_logged_and_does_not_abort_the_job(
    server: HarvestServer,
    fake_ckan: FakeCkan,
    organization: Organization,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_ckan.packages.insert(1, package(4, tags=5))  # unreadable record
    real_resource_create = services.resource_create

    def failing_resource_create(**kwargs: Any) -> Any:
        if kwargs["url"].endswith("/2.csv"):
            raise services.CatalogValidationError({"url": ["Địa chỉ bị từ chối."]})
        return real_resource_create(**kwargs)

    monkeypatch.setattr(services, "resource_create", failing_resource_create)
    job = harvest_ckan(server, organization)
    assert job.status == HarvestJob.Status.FINISHED
    assert (job.total, job.created_count, job.error_count) == (4, 2, 2), job.log
    assert "url: Địa chỉ bị từ chối." in job.log
    assert package(4)["id"] in job.log
    # The failing dataset was rolled back entirely: nothing half-stored.
    assert not Dataset.objects.filter(name="bo-du-lieu-2").exists()
    assert sorted(d.name for d in harvested(server.url)) == ["bo-du-lieu-1", "bo-du-lieu-3"]


def test_private_remote_datasets_are_skipped(
    server: HarvestServer, fake_ckan: FakeCkan, organization: Organization
) -> None:
    fake_ckan.packages[2] = package(3, private=True)
    job = harvest_ckan(server, organization)
    assert (job.created_count, job.skipped_count) == (2, 1)
    assert not Dataset.objects.filter(name="bo-du-lieu-3").exists()


def test_package_list_is_used_when_package_search_is_unavailable(
    server: HarvestServer, fake_ckan: FakeCkan, organization: Organization
) -> None:
    fake_ckan.search_enabled = False
    job = harvest_ckan(server, organization)
    assert job.created_count == 3, job.log
    assert any("package_show" in r for r in server.requests)


def test_local_address_is_refused_without_allow_private(
    server: HarvestServer, fake_ckan: FakeCkan, organization: Organization
) -> None:
    with pytest.raises(CommandError, match="lỗi"):
        call_command(
            "harvest", "ckan", server.url, "--organization", organization.name, verbosity=0
        )
    job = HarvestJob.objects.get()
    assert job.status == HarvestJob.Status.FAILED
    assert "nội bộ" in job.log
    assert server.requests == []
    assert not Dataset.objects.exists()


def test_new_source_needs_an_organization(server: HarvestServer, db: None) -> None:
    with pytest.raises(CommandError, match="tổ chức"):
        call_command("harvest", "ckan", server.url, "--allow-private", verbosity=0)


def test_same_url_reuses_the_source(
    server: HarvestServer, fake_ckan: FakeCkan, organization: Organization
) -> None:
    harvest_ckan(server, organization)
    call_command("harvest", "ckan", server.url, "--allow-private", verbosity=0)
    assert HarvestSource.objects.count() == 1
    assert HarvestJob.objects.count() == 2


def test_a_second_job_is_refused_while_one_is_queued(organization: Organization) -> None:
    source = harvest_services.harvest_source_register(
        url="https://ckan.example.org", kind="ckan", organization=organization
    )
    harvest_services.harvest_job_create(source=source)
    with pytest.raises(harvest_services.HarvestAlreadyRunning):
        harvest_services.harvest_job_create(source=source)


def test_background_harvest_runs_in_the_task(
    server: HarvestServer,
    fake_ckan: FakeCkan,
    organization: Organization,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "harvest",
            "ckan",
            server.url,
            "--organization",
            organization.name,
            "--allow-private",
            "--background",
            verbosity=0,
        )
    job = HarvestJob.objects.get()
    assert job.status == HarvestJob.Status.FINISHED
    assert job.created_count == 3


def test_harvest_task_ignores_a_job_that_is_not_queued(organization: Organization) -> None:
    source = harvest_services.harvest_source_register(
        url="https://ckan.example.org", kind="ckan", organization=organization
    )
    job = HarvestJob.objects.create(source=source, status=HarvestJob.Status.FINISHED)
    assert harvest_job_task.call(str(job.pk)) == {"skipped": True}


def test_run_due_enqueues_only_due_scheduled_sources(
    organization: Organization, django_capture_on_commit_callbacks: Any
) -> None:
    now = timezone.now()

    def source(url: str, frequency: str, last_run: dt.timedelta | None, **kw: Any) -> HarvestSource:
        return HarvestSource.objects.create(
            title=url,
            url=url,
            kind="ckan",
            organization=organization,
            frequency=frequency,
            last_run_at=now - last_run if last_run is not None else None,
            **kw,
        )

    daily_due = source("https://a.example", "daily", dt.timedelta(hours=23, minutes=30))
    never_run = source("https://b.example", "weekly", None)
    source("https://c.example", "weekly", dt.timedelta(days=2))
    source("https://d.example", "manual", dt.timedelta(days=30))
    source("https://e.example", "daily", dt.timedelta(days=3), is_active=False)
    with time_machine.travel(now, tick=False), django_capture_on_commit_callbacks(execute=True):
        call_command("harvest", "run-due", verbosity=0)
    queued = set(HarvestJob.objects.values_list("source_id", flat=True))
    assert queued == {daily_due.pk, never_run.pk}
    # Already queued: a second cron run adds nothing.
    with time_machine.travel(now, tick=False), django_capture_on_commit_callbacks(execute=True):
        call_command("harvest", "run-due", verbosity=0)
    assert HarvestJob.objects.count() == 2


# --- DCAT ------------------------------------------------------------------------------------

DCAT_PAGE_1 = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<{base}/catalog.ttl?page=1> a hydra:PagedCollection ;
    hydra:nextPage "{base}/page2.rdf" .

<https://data.example.eu/dataset/air-quality> a dcat:Dataset ;
    dct:identifier "air-quality" ;
    dct:title "Air quality"@en, "Chất lượng không khí"@vi ;
    dct:description "Đo đạc hằng giờ."@vi ;
    dcat:keyword "không khí"@vi, "môi trường"@vi ;
    dcat:theme <{theme}> ;
    dct:accrualPeriodicity <http://publications.europa.eu/resource/authority/frequency/DAILY> ;
    dct:issued "2023-01-01T00:00:00Z"^^xsd:dateTime ;
    dct:modified "2024-02-01T00:00:00Z"^^xsd:dateTime ;
    dct:temporal [ a dct:PeriodOfTime ; dcat:startDate "2021-01-01"^^xsd:date ;
                   dcat:endDate "2023-12-31"^^xsd:date ] ;
    dcat:contactPoint [ a vcard:Kind ; vcard:fn "Trung tâm Quan trắc" ;
                        vcard:hasEmail <mailto:quantrac@example.vn> ] ;
    dct:spatial [ a dct:Location ; dct:identifier "98" ] ;
    dcat:distribution <https://data.example.eu/dist/aq-csv> .

<https://data.example.eu/dist/aq-csv> a dcat:Distribution ;
    dct:title "Số liệu CSV"@vi ;
    dcat:accessURL <https://data.example.eu/aq> ;
    dcat:downloadURL <https://data.example.eu/aq.csv> ;
    dct:format <http://publications.europa.eu/resource/authority/file-type/CSV> ;
    dct:license <https://creativecommons.org/licenses/by/4.0/> .

<https://data.example.eu/dataset/no-title> a dcat:Dataset ;
    dct:identifier "no-title" .
"""

DCAT_PAGE_2 = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/">
  <dcat:Dataset rdf:about="https://data.example.eu/dataset/water">
    <dct:title xml:lang="vi">Chất lượng nước</dct:title>
    <dct:description xml:lang="vi">Nước mặt.</dct:description>
    <dcat:distribution>
      <dcat:Distribution>
        <dcat:accessURL rdf:resource="https://data.example.eu/water.json"/>
        <dct:format>JSON</dct:format>
      </dcat:Distribution>
    </dcat:distribution>
  </dcat:Dataset>
</rdf:RDF>
"""


@pytest.fixture
def dcat_source(server: HarvestServer) -> str:
    server.serve(
        "/catalog.ttl",
        DCAT_PAGE_1.replace("{base}", server.url).replace("{theme}", THEME_HEALTH),
        "text/turtle",
    )
    server.serve("/page2.rdf", DCAT_PAGE_2, "application/rdf+xml")
    return server.url + "/catalog.ttl"


def harvest_dcat(url: str, organization: Organization) -> HarvestJob:
    call_command(
        "harvest",
        "dcat",
        url,
        "--organization",
        organization.name,
        "--allow-private",
        verbosity=0,
    )
    return HarvestJob.objects.order_by("-created").first()  # type: ignore[return-value]


def test_dcat_harvest_follows_hydra_paging_and_maps_properties(
    dcat_source: str, organization: Organization, health_group: Group
) -> None:
    AdministrativeUnitFactory(code="98", name="Tỉnh Thử Nghiệm", level="province")
    job = harvest_dcat(dcat_source, organization)
    assert job.status == HarvestJob.Status.FINISHED, job.log
    assert (job.total, job.created_count, job.error_count) == (3, 2, 1), job.log
    assert "no-title" in job.log
    air = Dataset.objects.get(harvest_record__remote_id="air-quality")
    assert air.title == "Chất lượng không khí"
    assert air.name == "air-quality"
    assert air.organization == organization
    assert air.license_id == "CC-BY-4.0"
    assert air.frequency == "DAILY"
    assert (air.temporal_start, air.temporal_end) == (dt.date(2021, 1, 1), dt.date(2023, 12, 31))
    assert air.maintainer_email == "quantrac@example.vn"
    assert list(air.groups.values_list("name", flat=True)) == ["y-te"]
    assert list(air.spatial.values_list("code", flat=True)) == ["98"]
    assert sorted(air.tags.values_list("name", flat=True)) == ["không khí", "môi trường"]
    resource = air.resources.get()
    assert (resource.url, resource.format, resource.name) == (
        "https://data.example.eu/aq.csv",
        "CSV",
        "Số liệu CSV",
    )
    water = Dataset.objects.get(harvest_record__remote_id="https://data.example.eu/dataset/water")
    assert water.resources.get().format == "JSON"


def test_dcat_reharvest_is_idempotent(dcat_source: str, organization: Organization) -> None:
    harvest_dcat(dcat_source, organization)
    job = harvest_dcat(dcat_source, organization)
    assert (job.created_count, job.updated_count, job.skipped_count) == (0, 0, 2), job.log
    assert Dataset.objects.count() == 2


def test_unparseable_dcat_document_fails_the_job(
    server: HarvestServer, organization: Organization
) -> None:
    server.serve("/broken.ttl", "this is { not rdf", "text/turtle")
    with pytest.raises(CommandError):
        harvest_dcat(server.url + "/broken.ttl", organization)
    job = HarvestJob.objects.get()
    assert job.status == HarvestJob.Status.FAILED
    assert "RDF" in job.log


def test_dcat_round_trip_of_this_portal(
    live_server: Any, organization: Organization, health_group: Group
) -> None:
    """This portal's own /catalog.ttl harvested back: same titles, resources and licence."""
    other_agency = AgencyFactory(code="000.00.06.H98", name="Sở Y tế")
    publisher = Organization.objects.create(agency=other_agency, name="so-y-te", title="Sở Y tế")
    original = services.dataset_create(
        user=None,
        organization=publisher,
        name="benh-vien",
        title="Danh sách bệnh viện",
        notes="Các bệnh viện công lập.",
        license_id="CC-BY-4.0",
        groups=["y-te"],
        tags=["bệnh viện"],
        check_permission=False,
    )
    services.resource_create(
        user=None,
        dataset=original,
        name="CSV",
        url="https://example.vn/bv.csv",
        format="CSV",
        check_permission=False,
    )
    source = harvest_services.harvest_source_register(
        url=live_server.url + "/catalog.ttl",
        kind="dcat",
        organization=organization,
        allow_private_addresses=True,
    )
    job = harvest_job_run(harvest_services.harvest_job_create(source=source))
    assert job.created_count == 1, job.log
    copy_ = HarvestedDataset.objects.get(source=source).dataset
    assert copy_.pk != original.pk
    assert copy_.name == "benh-vien-2"
    assert (copy_.title, copy_.notes, copy_.license_id) == (
        "Danh sách bệnh viện",
        "Các bệnh viện công lập.",
        "CC-BY-4.0",
    )
    assert list(copy_.groups.values_list("name", flat=True)) == ["y-te"]
    assert copy_.resources.get().url == "https://example.vn/bv.csv"


def test_admin_lists_sources_and_harvest_now_action_enqueues_a_job(
    client: Any, organization: Organization, django_capture_on_commit_callbacks: Any
) -> None:
    from tests.core.factories import UserFactory

    admin_user = UserFactory(username="quantri.harvest", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    source = harvest_services.harvest_source_register(
        url="https://ckan.example.org", kind="ckan", organization=organization, title="Cổng A"
    )
    response = client.get("/quan-tri/catalog/harvestsource/")
    assert response.status_code == 200
    assert "Cổng A" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            "/quan-tri/catalog/harvestsource/",
            {"action": "harvest_now", "_selected_action": [str(source.pk)]},
        )
    assert response.status_code == 302
    job = HarvestJob.objects.get(source=source)
    assert job.status == HarvestJob.Status.QUEUED
    assert client.get(f"/quan-tri/catalog/harvestjob/{job.pk}/change/").status_code == 200


def test_ckan_round_trip_of_this_portal(
    live_server: Any, organization: Organization, health_group: Group
) -> None:
    """This portal's own CKAN API harvested back: the harvester speaks what the API serves."""
    other_agency = AgencyFactory(code="000.00.07.H98", name="Sở Giáo dục")
    publisher = Organization.objects.create(agency=other_agency, name="so-gd", title="Sở Giáo dục")
    original = services.dataset_create(
        user=None,
        organization=publisher,
        name="truong-hoc",
        title="Danh sách trường học",
        notes="Trường học các cấp.",
        license_id="CC0-1.0",
        groups=["y-te"],
        tags=["trường học"],
        frequency="ANNUAL",
        temporal_start=dt.date(2022, 1, 1),
        check_permission=False,
    )
    services.resource_create(
        user=None,
        dataset=original,
        name="XLSX",
        url="https://example.vn/th.xlsx",
        format="XLSX",
        check_permission=False,
    )
    source = harvest_services.harvest_source_register(
        url=live_server.url, kind="ckan", organization=organization, allow_private_addresses=True
    )
    job = harvest_job_run(harvest_services.harvest_job_create(source=source))
    assert (job.status, job.created_count, job.error_count) == ("finished", 1, 0), job.log
    copy_ = HarvestedDataset.objects.get(source=source).dataset
    assert copy_.name == "truong-hoc-2"
    assert copy_.organization == organization
    assert (copy_.title, copy_.license_id, copy_.frequency) == (
        "Danh sách trường học",
        "CC0-1.0",
        "ANNUAL",
    )
    assert copy_.temporal_start == dt.date(2022, 1, 1)
    assert list(copy_.tags.values_list("name", flat=True)) == ["trường học"]
    assert copy_.resources.get().url == "https://example.vn/th.xlsx"
