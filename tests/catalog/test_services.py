"""Catalog writes: validation, revisions, soft delete, resources, licences, bootstrap helpers."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.catalog.factories import (
    GroupFactory,
    OrganizationFactory,
    ResourceFactory,
)
from tests.core.factories import AdministrativeUnitFactory, AgencyFactory
from tinhso.catalog import services
from tinhso.catalog.models import (
    Activity,
    Dataset,
    License,
    Organization,
    Resource,
    SearchEntry,
    SearchFacet,
    Tag,
)
from tinhso.catalog.selectors import dataset_search
from tinhso.catalog.services import CatalogValidationError
from tinhso.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _create(**kwargs: object) -> Dataset:
    values: dict[str, object] = {
        "user": None,
        "check_permission": False,
        "name": "dan-so-2024",
        "title": "Dân số tỉnh Thanh Hóa 2024",
    }
    values.update(kwargs)
    if "organization" not in values:
        values["organization"] = OrganizationFactory()
    return services.dataset_create(**values)  # type: ignore[arg-type]


def _snapshot_counts() -> tuple[int, ...]:
    return (
        Dataset.objects.count(),
        Activity.objects.count(),
        Tag.objects.count(),
        Resource.objects.count(),
        SearchEntry.objects.count(),
        SearchFacet.objects.count(),
    )


def test_licences_are_seeded_with_ckan_titles_and_open_flags() -> None:
    licences = {lic.id: lic for lic in License.objects.all()}
    assert {"CC-BY-4.0", "CC0-1.0", "ODC-BY-1.0", "ODbL-1.0", "other-open", "notspecified"} <= set(
        licences
    )
    assert licences["CC-BY-4.0"].title == "Creative Commons Attribution"
    assert licences["CC-BY-4.0"].url == "https://creativecommons.org/licenses/by/4.0/"
    assert licences["notspecified"].is_open is False
    assert licences["other-open"].is_open is True


def test_dataset_create_stores_fields_relations_revision_and_index() -> None:
    group = GroupFactory(name="dan-so", title="Dân số")
    unit = AdministrativeUnitFactory(code="97001", name="Xã Thử")
    dataset = _create(
        notes="Số liệu **dân số**.",
        license_id="CC-BY-4.0",
        tags=["Dân số", "dân số", "  Thống   kê "],
        groups=["dan-so"],
        spatial=["97001"],
        temporal_start=dt.date(2020, 1, 1),
        temporal_end=dt.date(2024, 12, 31),
        extras={"nguon": "Cục Thống kê", "nam": 2024},
        author_email="tk@thanhhoa.gov.vn",
        frequency="annual",
    )
    dataset.refresh_from_db()
    assert sorted(t.name for t in dataset.tags.all()) == ["Dân số", "Thống kê"]
    assert list(dataset.groups.all()) == [group]
    assert list(dataset.spatial.all()) == [unit]
    assert dataset.extras == {"nguon": "Cục Thống kê", "nam": "2024"}
    assert dataset.frequency == "ANNUAL"
    activity = Activity.objects.get(dataset=dataset)
    assert (activity.revision, activity.kind) == (1, Activity.Kind.NEW)
    assert activity.data["title"] == "Dân số tỉnh Thanh Hóa 2024"
    assert activity.data["groups"][0]["name"] == "dan-so"
    assert SearchEntry.objects.filter(dataset=dataset).exists()
    assert AuditEntry.objects.filter(
        action="catalog.dataset_create", object_id=str(dataset.pk)
    ).exists()


def test_dataset_create_accepts_ckan_legacy_licence_ids() -> None:
    dataset = _create(license_id="cc-by")
    assert dataset.license_id == "CC-BY-4.0"


def test_invalid_input_reports_every_field_in_vietnamese_and_stores_nothing() -> None:
    OrganizationFactory(name="so-a")
    _create(name="da-co")
    before = _snapshot_counts()
    with pytest.raises(CatalogValidationError) as excinfo:
        _create(
            name="da-co",
            title="  ",
            license_id="khong-co",
            groups=["khong-ton-tai"],
            spatial=["00000"],
            tags=["x" * 101],
            author_email="khong-phai-thu",
            url="ftp://example.vn/a",
            temporal_start=dt.date(2025, 1, 1),
            temporal_end=dt.date(2024, 1, 1),
            extras={"title": "trùng", "x": {"lồng": 1}},
        )
    errors = excinfo.value.errors
    assert set(errors) >= {
        "name",
        "title",
        "license_id",
        "groups",
        "spatial",
        "tags",
        "author_email",
        "url",
        "temporal_end",
        "extras",
    }
    assert "đã được dùng" in errors["name"][0]
    assert "http" in errors["url"][0]
    assert _snapshot_counts() == before


def test_name_must_be_lowercase_slug() -> None:
    for bad in ["Dan-So", "dân-số", "a", "có dấu cách", "x" * 101]:
        with pytest.raises(CatalogValidationError) as excinfo:
            _create(name=bad)
        assert "name" in excinfo.value.errors


def test_tags_are_nfc_normalised_and_deduplicated_case_insensitively() -> None:
    decomposed = "Tha\u0300nh phô\u0301"  # NFD input
    dataset = _create(tags=[decomposed, "THÀNH PHỐ", "thành phố"])
    assert [t.name for t in dataset.tags.all()] == ["Thành phố"]


def test_update_replaces_and_patch_keeps_other_fields() -> None:
    dataset = _create(notes="Mô tả", tags=["a1"], version="1.0")
    services.dataset_patch(user=None, dataset=dataset, check_permission=False, version="2.0")
    dataset.refresh_from_db()
    assert (dataset.notes, dataset.version, [t.name for t in dataset.tags.all()]) == (
        "Mô tả",
        "2.0",
        ["a1"],
    )
    services.dataset_update(user=None, dataset=dataset, check_permission=False, title="Tiêu đề mới")
    dataset.refresh_from_db()
    assert (dataset.title, dataset.notes, dataset.version) == ("Tiêu đề mới", "", "")
    assert dataset.tags.count() == 0
    assert dataset.name == "dan-so-2024"


def test_every_write_adds_a_revision_with_a_full_snapshot() -> None:
    dataset = _create()
    services.dataset_patch(user=None, dataset=dataset, check_permission=False, notes="v2")
    resource = services.resource_create(
        user=None, dataset=dataset, url="https://example.vn/a.csv", check_permission=False
    )
    services.resource_delete(user=None, resource=resource, check_permission=False)
    services.dataset_delete(user=None, dataset=dataset, check_permission=False)
    services.dataset_restore(user=None, dataset=dataset, check_permission=False)
    revisions = list(
        Activity.objects.filter(dataset=dataset)
        .order_by("revision")
        .values_list("revision", "kind")
    )
    assert [r for r, _ in revisions] == [1, 2, 3, 4, 5, 6]
    assert revisions[4][1] == Activity.Kind.DELETED
    snapshots = [a.data for a in Activity.objects.filter(dataset=dataset).order_by("revision")]
    assert snapshots[1]["notes"] == "v2"
    assert [r["url"] for r in snapshots[2]["resources"]] == ["https://example.vn/a.csv"]
    assert snapshots[3]["resources"] == []
    assert snapshots[4]["state"] == "deleted"
    assert snapshots[5]["state"] == "active"


def test_write_updates_metadata_modified() -> None:
    with time_machine.travel(dt.datetime(2025, 1, 1, 8, tzinfo=dt.UTC), tick=False):
        dataset = _create()
    with time_machine.travel(dt.datetime(2025, 3, 1, 8, tzinfo=dt.UTC), tick=False):
        services.dataset_patch(user=None, dataset=dataset, check_permission=False, notes="x")
    dataset.refresh_from_db()
    assert dataset.metadata_created.date() == dt.date(2025, 1, 1)
    assert dataset.metadata_modified.date() == dt.date(2025, 3, 1)


def test_soft_delete_hides_from_search_and_restore_returns_previous_state() -> None:
    draft = _create(name="ban-nhap", state=Dataset.State.DRAFT)
    services.dataset_delete(user=None, dataset=draft, check_permission=False)
    draft.refresh_from_db()
    assert draft.state == Dataset.State.DELETED
    assert dataset_search(user=None, q="dan so", include_drafts=True).count == 0
    assert SearchEntry.objects.get(dataset=draft).state == Dataset.State.DELETED  # tombstone
    services.dataset_restore(user=None, dataset=draft, check_permission=False)
    draft.refresh_from_db()
    assert draft.state == Dataset.State.DRAFT


def test_deleted_dataset_cannot_be_edited_until_restored() -> None:
    dataset = _create()
    services.dataset_delete(user=None, dataset=dataset, check_permission=False)
    with pytest.raises(CatalogValidationError):
        services.dataset_patch(user=None, dataset=dataset, check_permission=False, notes="x")


def test_publish_turns_a_draft_into_a_searchable_dataset() -> None:
    dataset = _create(state=Dataset.State.DRAFT)
    assert dataset_search(user=None, q="dan so").count == 0
    services.dataset_publish(user=None, dataset=dataset, check_permission=False)
    dataset.refresh_from_db()
    assert dataset.state == Dataset.State.ACTIVE
    assert dataset_search(user=None, q="dan so").count == 1


def test_update_with_resources_replaces_the_resource_list() -> None:
    dataset = _create(
        resources=[
            {"url": "https://example.vn/a.csv", "name": "A"},
            {"url": "https://example.vn/b.xlsx"},
        ]
    )
    first, second = list(dataset.resources.order_by("position"))
    assert (second.format, second.name) == ("XLSX", "b.xlsx")
    services.dataset_update(
        user=None,
        dataset=dataset,
        check_permission=False,
        resources=[{"id": str(second.pk), "url": "https://example.vn/b2.xlsx"}],
    )
    assert list(dataset.resources.values_list("pk", "url", "position")) == [
        (second.pk, "https://example.vn/b2.xlsx", 0)
    ]
    assert not Resource.objects.filter(pk=first.pk).exists()


def test_url_resource_needs_exactly_one_of_url_and_upload() -> None:
    dataset = _create()
    with pytest.raises(CatalogValidationError) as excinfo:
        services.resource_create(user=None, dataset=dataset, check_permission=False)
    assert "url" in excinfo.value.errors


def test_resource_url_must_be_http() -> None:
    dataset = _create()
    with pytest.raises(CatalogValidationError) as excinfo:
        services.resource_create(
            user=None, dataset=dataset, url="javascript:alert(1)", check_permission=False
        )
    assert "url" in excinfo.value.errors


def test_resource_format_is_normalised_upper_case() -> None:
    dataset = _create()
    a = services.resource_create(
        user=None, dataset=dataset, url="https://x.vn/a", format=".csv", check_permission=False
    )
    b = services.resource_create(
        user=None, dataset=dataset, url="https://x.vn/b.geojson", check_permission=False
    )
    c = services.resource_create(
        user=None, dataset=dataset, url="https://x.vn/c", format="text/csv", check_permission=False
    )
    assert (a.format, b.format, c.format) == ("CSV", "GEOJSON", "CSV")


def test_resource_positions_stay_contiguous_on_insert_delete_and_reorder() -> None:
    dataset = _create()
    a, b, c = (ResourceFactory(dataset=dataset) for _ in range(3))
    d = services.resource_create(
        user=None, dataset=dataset, url="https://x.vn/d.csv", position=1, check_permission=False
    )

    def order() -> list[object]:
        return list(dataset.resources.order_by("position").values_list("pk", flat=True))

    assert order() == [a.pk, d.pk, b.pk, c.pk]
    assert list(dataset.resources.order_by("position").values_list("position", flat=True)) == [
        0,
        1,
        2,
        3,
    ]
    services.resource_delete(user=None, resource=d, check_permission=False)
    assert list(dataset.resources.values_list("position", flat=True)) == [0, 1, 2]
    services.resource_reorder(user=None, dataset=dataset, order=[c.pk], check_permission=False)
    assert order() == [c.pk, a.pk, b.pk]
    services.resource_update(user=None, resource=c, check_permission=False, position=2)
    assert order() == [a.pk, b.pk, c.pk]


def test_reorder_refuses_resources_of_another_dataset() -> None:
    dataset = _create()
    ResourceFactory(dataset=dataset)
    other = ResourceFactory()
    with pytest.raises(CatalogValidationError) as excinfo:
        services.resource_reorder(
            user=None, dataset=dataset, order=[other.pk], check_permission=False
        )
    assert "order" in excinfo.value.errors


def test_organization_for_agency_is_idempotent_and_slugged() -> None:
    agency = AgencyFactory(code="000.00.31.H98", name="Sở Nông nghiệp và Môi trường")
    org = services.organization_for_agency(agency=agency)
    assert org.name == "so-nong-nghiep-va-moi-truong"
    assert org.title == "Sở Nông nghiệp và Môi trường"
    assert services.organization_for_agency(agency=agency) == org
    assert Organization.objects.filter(agency=agency).count() == 1


def test_organization_for_agency_makes_the_name_unique() -> None:
    a = AgencyFactory(code="000.00.32.H98", name="Sở Y tế")
    b = AgencyFactory(code="000.00.33.H97", name="Sở Y tế")
    assert services.organization_for_agency(agency=a).name == "so-y-te"
    assert services.organization_for_agency(agency=b).name == "so-y-te-2"


def test_group_ensure_creates_then_updates() -> None:
    group = services.group_ensure(name="y-te", title="Y tế", title_en="Health", position=2)
    again = services.group_ensure(
        name="y-te",
        title="Y tế và sức khoẻ",
        title_en="Health",
        theme_uri="http://publications.europa.eu/resource/authority/data-theme/HEAL",
        position=3,
    )
    assert again.pk == group.pk
    assert (again.title, again.position) == ("Y tế và sức khoẻ", 3)


def test_group_ensure_rejects_bad_name() -> None:
    with pytest.raises(CatalogValidationError):
        services.group_ensure(name="Y Tế", title="Y tế")


@pytest.mark.parametrize("name", ["feed", "tao-moi"])
def test_dataset_names_reserved_for_portal_pages_are_refused(name: str) -> None:
    org = OrganizationFactory()
    with pytest.raises(services.CatalogValidationError) as exc:
        services.dataset_create(
            user=None, check_permission=False, organization=org, name=name, title="Tên trùng"
        )
    assert "name" in exc.value.errors
    assert not Dataset.objects.filter(name=name).exists()
