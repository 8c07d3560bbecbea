"""The admin keeps agency isolation for staff who are not platform administrators."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from tests.conftest import AgencyTree
from tests.core.factories import officer
from tinhso.core.audit import audit_record
from tinhso.core.models import Agency, Membership, Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune_staff(agency_tree: AgencyTree) -> User:
    """An administrator of commune A made staff with every core permission."""
    user = officer(agency_tree.commune_a, Role.ADMINISTRATOR, username="quantri.xa")
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="core"))
    return user


def staff_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_commune_staff_lists_only_their_agency(
    agency_tree: AgencyTree, commune_staff: User
) -> None:
    html = staff_client(commune_staff).get("/quan-tri/core/agency/").content.decode()
    assert agency_tree.commune_a.code in html
    for other in (agency_tree.commune_b, agency_tree.dept_a, agency_tree.province):
        assert other.code not in html


def test_commune_staff_cannot_open_another_communes_record(
    agency_tree: AgencyTree, commune_staff: User
) -> None:
    client = staff_client(commune_staff)
    own = client.get(f"/quan-tri/core/agency/{agency_tree.commune_a.pk}/change/")
    assert own.status_code == 200
    other = client.get(f"/quan-tri/core/agency/{agency_tree.commune_b.pk}/change/")
    assert other.status_code == 302  # "does not exist" for them
    assert agency_tree.commune_b.name not in client.get(other["Location"]).content.decode()
    member_b = Membership.objects.get(user=agency_tree.officer_b)
    assert client.get(f"/quan-tri/core/membership/{member_b.pk}/change/").status_code == 302
    assert client.get(f"/quan-tri/core/user/{agency_tree.officer_b.pk}/change/").status_code == 302


def test_commune_staff_sees_only_their_members_and_audit_entries(
    agency_tree: AgencyTree, commune_staff: User
) -> None:
    client = staff_client(commune_staff)
    users = client.get("/quan-tri/core/user/").content.decode()
    assert agency_tree.officer_a.username in users
    assert agency_tree.officer_b.username not in users
    audit_record(
        action="test",
        object_type="test.x",
        object_repr="việc của phường B",
        agency_code=agency_tree.commune_b.code,
    )
    audit_record(
        action="test",
        object_type="test.x",
        object_repr="việc của xã A",
        agency_code=agency_tree.commune_a.code,
    )
    entries = client.get("/quan-tri/core/auditentry/").content.decode()
    assert "việc của xã A" in entries
    assert "việc của phường B" not in entries


def test_commune_staff_cannot_grant_a_role_in_another_agency(
    agency_tree: AgencyTree, commune_staff: User
) -> None:
    client = staff_client(commune_staff)
    response = client.post(
        "/quan-tri/core/membership/add/",
        {"user": commune_staff.pk, "agency": agency_tree.province.pk, "role": "administrator"},
    )
    assert response.status_code == 200  # the form comes back with an error
    assert not Membership.objects.filter(user=commune_staff, agency=agency_tree.province).exists()
    response = client.post(
        "/quan-tri/core/membership/add/",
        {"user": agency_tree.citizen.pk, "agency": agency_tree.commune_a.pk, "role": "clerk"},
    )
    assert response.status_code == 302
    assert Membership.objects.filter(
        user=agency_tree.citizen, agency=agency_tree.commune_a
    ).exists()


def test_commune_staff_cannot_detach_their_agency_into_a_root(
    agency_tree: AgencyTree, commune_staff: User
) -> None:
    client = staff_client(commune_staff)
    agency = agency_tree.commune_a
    client.post(
        f"/quan-tri/core/agency/{agency.pk}/change/",
        {
            "code": agency.code,
            "name": agency.name,
            "level": "province",
            "parent": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    agency.refresh_from_db()
    assert agency.parent == agency_tree.province
    assert agency.level == Agency.Level.COMMUNE
    from tinhso.core.selectors import is_platform_admin

    assert not is_platform_admin(commune_staff)


def test_commune_staff_cannot_make_themselves_superuser(commune_staff: User) -> None:
    client = staff_client(commune_staff)
    page = client.get(f"/quan-tri/core/user/{commune_staff.pk}/change/")
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()
    client.post(
        f"/quan-tri/core/user/{commune_staff.pk}/change/",
        {
            "username": commune_staff.username,
            "is_superuser": "on",
            "is_staff": "on",
            "is_active": "on",
            "date_joined_0": "01/01/2027",
            "date_joined_1": "08:00:00",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    commune_staff.refresh_from_db()
    assert not commune_staff.is_superuser


def test_province_administrator_sees_every_agency_in_the_admin(agency_tree: AgencyTree) -> None:
    admin = agency_tree.province_admin
    admin.is_staff = True
    admin.save()
    admin.user_permissions.set(Permission.objects.filter(content_type__app_label="core"))
    html = staff_client(admin).get("/quan-tri/core/agency/").content.decode()
    for agency in agency_tree.agencies:
        assert agency.code in html
