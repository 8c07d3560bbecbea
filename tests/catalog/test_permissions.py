"""Who may edit and read catalog data: organization capacities, agency roles, visibility."""

from __future__ import annotations

import pytest

from tests.catalog.factories import DatasetFactory, OrganizationMemberFactory
from tests.core.factories import UserFactory, officer
from tinhso.catalog import services
from tinhso.catalog.models import Activity, Dataset, OrganizationMember
from tinhso.catalog.selectors import (
    can_edit_organization,
    can_read_dataset,
    dataset_visible_qs,
    organizations_editable_by,
)
from tinhso.catalog.services import CatalogPermissionDenied
from tinhso.core.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(agency_tree: object):  # type: ignore[no-untyped-def]
    return services.organization_for_agency(agency=agency_tree.dept_a)  # type: ignore[attr-defined]


def test_organization_editors_and_admins_may_edit_members_may_not(org: object) -> None:
    capacities = OrganizationMember.Capacity
    editor = OrganizationMemberFactory(organization=org, capacity=capacities.EDITOR).user
    admin = OrganizationMemberFactory(organization=org, capacity=capacities.ADMIN).user
    member = OrganizationMemberFactory(organization=org, capacity=capacities.MEMBER).user
    assert can_edit_organization(editor, org)  # type: ignore[arg-type]
    assert can_edit_organization(admin, org)  # type: ignore[arg-type]
    assert not can_edit_organization(member, org)  # type: ignore[arg-type]
    assert not can_edit_organization(None, org)  # type: ignore[arg-type]


def test_data_publisher_of_the_agency_or_above_may_edit(agency_tree: object, org: object) -> None:
    tree = agency_tree
    publisher = officer(tree.dept_a, Role.DATA_PUBLISHER)  # type: ignore[attr-defined]
    province_publisher = officer(tree.province, Role.DATA_PUBLISHER)  # type: ignore[attr-defined]
    other_publisher = officer(tree.dept_b, Role.DATA_PUBLISHER)  # type: ignore[attr-defined]
    assert can_edit_organization(publisher, org)  # type: ignore[arg-type]
    assert can_edit_organization(province_publisher, org)  # type: ignore[arg-type]
    assert can_edit_organization(tree.province_admin, org)  # type: ignore[attr-defined,arg-type]
    assert not can_edit_organization(other_publisher, org)  # type: ignore[arg-type]
    # A specialist of the agency reads private data but does not publish.
    assert not can_edit_organization(tree.dept_officer, org)  # type: ignore[attr-defined,arg-type]
    assert not can_edit_organization(tree.citizen, org)  # type: ignore[attr-defined,arg-type]


def test_superuser_may_edit_everything(org: object) -> None:
    assert can_edit_organization(UserFactory(is_superuser=True), org)  # type: ignore[arg-type]


def test_inactive_user_may_not_edit(org: object) -> None:
    user = OrganizationMemberFactory(organization=org, capacity="admin").user
    user.is_active = False
    user.save()
    assert not can_edit_organization(user, org)  # type: ignore[arg-type]


def test_denied_write_raises_and_stores_nothing(agency_tree: object, org: object) -> None:
    outsider = officer(agency_tree.dept_b, Role.DATA_PUBLISHER)  # type: ignore[attr-defined]
    with pytest.raises(CatalogPermissionDenied):
        services.dataset_create(user=outsider, organization=org, name="khong-duoc", title="X")  # type: ignore[arg-type]
    assert not Dataset.objects.filter(name="khong-duoc").exists()
    dataset = DatasetFactory(organization=org)
    for call in (
        lambda: services.dataset_patch(user=outsider, dataset=dataset, notes="x"),
        lambda: services.dataset_delete(user=outsider, dataset=dataset),
        lambda: services.dataset_publish(user=outsider, dataset=dataset),
        lambda: services.resource_create(user=outsider, dataset=dataset, url="https://x.vn/a"),
        lambda: services.resource_reorder(user=outsider, dataset=dataset, order=[]),
    ):
        with pytest.raises(CatalogPermissionDenied):
            call()
    dataset.refresh_from_db()
    assert dataset.notes == "Mô tả bộ dữ liệu."
    assert Activity.objects.filter(dataset=dataset).count() == 1


def test_permitted_write_is_attributed_to_the_user(agency_tree: object, org: object) -> None:
    publisher = officer(agency_tree.dept_a, Role.DATA_PUBLISHER)  # type: ignore[attr-defined]
    dataset = services.dataset_create(
        user=publisher, organization=org, name="cua-toi", title="Của tôi"
    )  # type: ignore[arg-type]
    assert dataset.creator_user == publisher
    assert Activity.objects.get(dataset=dataset).user == publisher


def test_moving_a_dataset_needs_rights_on_both_organizations(
    agency_tree: object, org: object
) -> None:
    other = services.organization_for_agency(agency=agency_tree.dept_b)  # type: ignore[attr-defined]
    publisher = officer(agency_tree.dept_a, Role.DATA_PUBLISHER)  # type: ignore[attr-defined]
    dataset = DatasetFactory(organization=org)
    with pytest.raises(CatalogPermissionDenied):
        services.dataset_patch(user=publisher, dataset=dataset, organization=other)
    dataset.refresh_from_db()
    assert dataset.organization == org


def test_can_read_dataset_rules(agency_tree: object, org: object) -> None:
    tree = agency_tree
    public = DatasetFactory(organization=org)
    private = DatasetFactory(organization=org, private=True)
    draft = DatasetFactory(organization=org, state=Dataset.State.DRAFT)
    deleted = DatasetFactory(organization=org)
    services.dataset_delete(user=None, dataset=deleted, check_permission=False)
    deleted.refresh_from_db()
    publisher = officer(tree.dept_a, Role.DATA_PUBLISHER)  # type: ignore[attr-defined]
    assert can_read_dataset(None, public)
    assert not can_read_dataset(None, private)
    assert not can_read_dataset(tree.officer_b, private)  # type: ignore[attr-defined]
    assert can_read_dataset(tree.dept_officer, private)  # type: ignore[attr-defined]
    assert can_read_dataset(tree.dept_officer, draft)  # type: ignore[attr-defined]
    assert not can_read_dataset(tree.dept_officer, deleted)  # type: ignore[attr-defined]
    assert can_read_dataset(publisher, deleted)


def test_dataset_visible_qs(agency_tree: object, org: object) -> None:
    tree = agency_tree
    DatasetFactory(organization=org, name="cong-khai")
    DatasetFactory(organization=org, name="rieng", private=True)
    DatasetFactory(organization=org, name="nhap", state=Dataset.State.DRAFT)
    anonymous = set(dataset_visible_qs(None, include_private=True).values_list("name", flat=True))
    assert anonymous == {"cong-khai"}
    reader = tree.dept_officer  # type: ignore[attr-defined]
    assert set(dataset_visible_qs(reader).values_list("name", flat=True)) == {"cong-khai"}
    assert set(
        dataset_visible_qs(reader, include_private=True, include_drafts=True).values_list(
            "name", flat=True
        )
    ) == {"cong-khai", "rieng", "nhap"}


def test_organizations_editable_by(agency_tree: object, org: object) -> None:
    publisher = officer(agency_tree.dept_a, Role.DATA_PUBLISHER)  # type: ignore[attr-defined]
    services.organization_for_agency(agency=agency_tree.dept_b)  # type: ignore[attr-defined]
    assert list(organizations_editable_by(publisher)) == [org]
    assert organizations_editable_by(None).count() == 0


def test_member_management_needs_organization_admin(agency_tree: object, org: object) -> None:
    admin = OrganizationMemberFactory(organization=org, capacity="admin").user
    editor = OrganizationMemberFactory(organization=org, capacity="editor").user
    newcomer = UserFactory()
    with pytest.raises(CatalogPermissionDenied):
        services.organization_member_set(
            user=editor, organization=org, member=newcomer, capacity="editor"
        )  # type: ignore[arg-type]
    services.organization_member_set(
        user=admin, organization=org, member=newcomer, capacity="editor"
    )  # type: ignore[arg-type]
    assert can_edit_organization(newcomer, org)  # type: ignore[arg-type]
    services.organization_member_remove(user=admin, organization=org, member=newcomer)  # type: ignore[arg-type]
    assert not can_edit_organization(newcomer, org)  # type: ignore[arg-type]
