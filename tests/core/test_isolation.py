"""Agency isolation: an officer of one commune cannot read another commune's records."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import AgencyTree
from tests.core.factories import AgencyFactory, UserFactory, officer
from tinhso.core.audit import audit_record
from tinhso.core.models import Agency, Membership, Role
from tinhso.core.selectors import (
    agencies_for_user,
    audit_entries_for_user,
    is_platform_admin,
    user_can_see_agency,
    visible_to,
)

pytestmark = pytest.mark.django_db


def page(code: str) -> str:
    return f"/co-quan/{code}/"


def members_api(code: str) -> str:
    return f"/api/v1/agencies/{code}/members"


def as_user(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


# --- selectors ------------------------------------------------------------------------


def codes(qs: object) -> set[str]:
    return {a.code for a in qs}  # type: ignore[attr-defined]


def test_commune_officer_sees_only_their_commune(agency_tree: AgencyTree) -> None:
    t = agency_tree
    assert codes(agencies_for_user(t.officer_a)) == {t.commune_a.code}
    assert codes(agencies_for_user(t.officer_b)) == {t.commune_b.code}
    assert user_can_see_agency(t.officer_a, t.commune_a)
    assert not user_can_see_agency(t.officer_a, t.commune_b)
    assert not user_can_see_agency(t.officer_a, t.province)


def test_department_officer_sees_their_department_and_its_units(agency_tree: AgencyTree) -> None:
    t = agency_tree
    unit = AgencyFactory(
        level=Agency.Level.UNIT, parent=t.dept_a, name="Trung tâm trợ giúp pháp lý"
    )
    assert codes(agencies_for_user(t.dept_officer)) == {t.dept_a.code, unit.code}
    assert not user_can_see_agency(t.dept_officer, t.commune_a)
    assert not user_can_see_agency(t.dept_officer, t.dept_b)


def test_province_administrator_sees_every_agency(agency_tree: AgencyTree) -> None:
    t = agency_tree
    assert is_platform_admin(t.province_admin)
    assert codes(agencies_for_user(t.province_admin)) == {a.code for a in t.agencies}


def test_superuser_sees_every_agency(agency_tree: AgencyTree) -> None:
    root = UserFactory(is_superuser=True, is_staff=True)
    assert codes(agencies_for_user(root)) == {a.code for a in agency_tree.agencies}


def test_administrator_of_a_commune_is_not_a_platform_administrator(
    agency_tree: AgencyTree,
) -> None:
    t = agency_tree
    local_admin = officer(t.commune_a, Role.ADMINISTRATOR)
    assert not is_platform_admin(local_admin)
    assert codes(agencies_for_user(local_admin)) == {t.commune_a.code}


def test_citizens_and_anonymous_see_no_agency(agency_tree: AgencyTree) -> None:
    t = agency_tree
    assert Membership.objects.filter(user=t.citizen, agency=t.province).exists()
    assert not agencies_for_user(t.citizen).exists()
    assert not agencies_for_user(AnonymousUser()).exists()
    assert not user_can_see_agency(AnonymousUser(), t.commune_a)


def test_officer_with_two_agencies_sees_both(agency_tree: AgencyTree) -> None:
    t = agency_tree
    Membership.objects.create(user=t.officer_a, agency=t.dept_b, role=Role.SPECIALIST)
    assert codes(agencies_for_user(t.officer_a)) == {t.commune_a.code, t.dept_b.code}


def test_roles_narrow_the_visible_agencies(agency_tree: AgencyTree) -> None:
    t = agency_tree
    Membership.objects.create(user=t.officer_a, agency=t.dept_b, role=Role.DATA_PUBLISHER)
    assert codes(agencies_for_user(t.officer_a, roles=[Role.DATA_PUBLISHER])) == {t.dept_b.code}
    assert codes(agencies_for_user(t.province_admin, roles=[Role.DATA_PUBLISHER])) == set()


def test_visible_to_filters_agency_owned_records(agency_tree: AgencyTree) -> None:
    t = agency_tree
    visible = visible_to(Membership.objects.all(), t.officer_a)
    assert {m.agency_id for m in visible} == {t.commune_a.pk}
    assert (
        visible_to(Membership.objects.all(), t.province_admin).count() == Membership.objects.count()
    )
    assert not visible_to(Membership.objects.all(), AnonymousUser()).exists()


def test_visible_to_follows_a_custom_agency_field(agency_tree: AgencyTree) -> None:
    t = agency_tree
    qs = visible_to(Agency.objects.all(), t.officer_b, agency_field="pk")
    assert codes(qs) == {t.commune_b.code}


def test_moving_an_agency_moves_its_visibility(agency_tree: AgencyTree) -> None:
    t = agency_tree
    unit = AgencyFactory(level=Agency.Level.UNIT, parent=t.dept_a)
    assert user_can_see_agency(t.dept_officer, unit)
    unit.parent = t.dept_b
    unit.save()
    assert not user_can_see_agency(t.dept_officer, unit)


def test_audit_entries_are_isolated_by_agency(agency_tree: AgencyTree) -> None:
    t = agency_tree
    audit_record(action="test", object_type="test.thing", agency_code=t.commune_b.code)
    mine = audit_record(action="test", object_type="test.thing", agency_code=t.commune_a.code)
    seen = set(audit_entries_for_user(t.officer_a).values_list("agency_code", flat=True))
    assert seen == {t.commune_a.code}
    assert mine in audit_entries_for_user(t.officer_a)


# --- pages and API --------------------------------------------------------------------


def test_officer_reads_their_own_commune_page_and_members(agency_tree: AgencyTree) -> None:
    t = agency_tree
    client = as_user(t.officer_a)
    response = client.get(page(t.commune_a.code))
    assert response.status_code == 200
    assert t.officer_a.username in response.content.decode()
    api = client.get(members_api(t.commune_a.code))
    assert api.status_code == 200
    assert [m["username"] for m in api.json()] == [t.officer_a.username]


def test_officer_gets_404_for_another_communes_page_and_api(agency_tree: AgencyTree) -> None:
    t = agency_tree
    client = as_user(t.officer_a)
    response = client.get(page(t.commune_b.code))
    assert response.status_code == 404
    assert t.officer_b.username not in response.content.decode()
    api = client.get(members_api(t.commune_b.code))
    assert api.status_code == 404
    assert t.officer_b.username not in api.content.decode()


def test_forbidden_and_missing_agencies_look_the_same(agency_tree: AgencyTree) -> None:
    t = agency_tree
    client = as_user(t.officer_a)
    forbidden = client.get(members_api(t.commune_b.code))
    missing = client.get(members_api("999.99.99.H99"))
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json()


def test_officer_token_cannot_read_another_commune(agency_tree: AgencyTree) -> None:
    from tinhso.core.services import token_create

    t = agency_tree
    _token, key = token_create(user=t.officer_a, name="x")
    client = Client()
    assert client.get(members_api(t.commune_a.code), HTTP_AUTHORIZATION=key).status_code == 200
    assert client.get(members_api(t.commune_b.code), HTTP_AUTHORIZATION=key).status_code == 404


def test_department_officer_cannot_see_a_commune(agency_tree: AgencyTree) -> None:
    t = agency_tree
    client = as_user(t.dept_officer)
    assert client.get(page(t.dept_a.code)).status_code == 200
    for agency in (t.commune_a, t.commune_b, t.dept_b, t.province):
        assert client.get(page(agency.code)).status_code == 404, agency.code
        assert client.get(members_api(agency.code)).status_code == 404, agency.code


def test_province_administrator_sees_all_pages(agency_tree: AgencyTree) -> None:
    t = agency_tree
    client = as_user(t.province_admin)
    for agency in t.agencies:
        assert client.get(page(agency.code)).status_code == 200, agency.code
        assert client.get(members_api(agency.code)).status_code == 200, agency.code


def test_citizen_sees_no_agency_page(agency_tree: AgencyTree) -> None:
    t = agency_tree
    client = as_user(t.citizen)
    for agency in t.agencies:
        assert client.get(page(agency.code)).status_code == 404, agency.code
        assert client.get(members_api(agency.code)).status_code == 404, agency.code


def test_anonymous_is_sent_to_login_or_gets_401(agency_tree: AgencyTree) -> None:
    client = Client()
    response = client.get(page(agency_tree.commune_a.code))
    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/?next=")
    api = client.get(members_api(agency_tree.commune_a.code))
    assert api.status_code == 401
    assert api.json()["detail"]


def test_english_agency_page_is_isolated_too(agency_tree: AgencyTree) -> None:
    t = agency_tree
    client = as_user(t.officer_a)
    assert client.get("/en" + page(t.commune_a.code)).status_code == 200
    assert client.get("/en" + page(t.commune_b.code)).status_code == 404


def test_agency_page_does_not_show_another_communes_audit_entries(
    agency_tree: AgencyTree,
) -> None:
    t = agency_tree
    audit_record(
        action="test",
        object_type="test.secret",
        object_repr="Hồ sơ bí mật của phường",
        agency_code=t.commune_b.code,
    )
    html = as_user(t.officer_a).get(page(t.commune_a.code)).content.decode()
    assert "Hồ sơ bí mật của phường" not in html


# --- every URL with an agency parameter -----------------------------------------------

AGENCY_PARAMS = {"code", "agency", "agency_code"}


def _walk(patterns: list[object], prefix: str = "") -> Iterator[tuple[str, set[str]]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            converters = getattr(p.pattern, "converters", {})
            params = set(converters) or set(getattr(p.pattern.regex, "groupindex", {}))
            yield route, params


def agency_scoped_routes() -> list[str]:
    routes = []
    for route, params in _walk(get_resolver().url_patterns):
        if params and params <= AGENCY_PARAMS | {"format"} and params & AGENCY_PARAMS:
            routes.append(route)
    return sorted(set(routes))


def _fill(route: str, code: str) -> str:
    import re

    url = re.sub(r"<(?:\w+:)?(code|agency|agency_code)>", code, route)
    url = re.sub(r"<(?:\w+:)?format>", "json", url)
    url = url.lstrip("^").rstrip("$")
    return "/" + url.replace("\\", "")


def test_url_walk_finds_the_agency_scoped_routes() -> None:
    routes = agency_scoped_routes()
    assert "co-quan/<str:code>/" in routes
    assert any(r.endswith("agencies/<code>/members") for r in routes), routes


def test_no_agency_scoped_url_reveals_another_commune(agency_tree: AgencyTree) -> None:
    t = agency_tree
    officer_a = as_user(t.officer_a)
    anonymous = Client()
    checked = []
    for route in agency_scoped_routes():
        own = _fill(route, t.commune_a.code)
        other = _fill(route, t.commune_b.code)
        assert officer_a.get(own).status_code < 500, own
        response = officer_a.get(other)
        if response.status_code == 200:
            # Only public pages may answer 200, and then the same to anyone.
            assert anonymous.get(other).status_code == 200, other
        else:
            assert response.status_code in {302, 401, 403, 404}, (other, response.status_code)
            body = response.content.decode(errors="replace")
            assert t.officer_b.username not in body, other
        checked.append(route)
    assert checked
