from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.core.factories import UserFactory
from tests.identity.factories import resident
from tinhso.identity.models import PersonalDataAccess

pytestmark = pytest.mark.django_db


def test_my_prefill_returns_the_callers_registry_data(client: Client) -> None:
    r = resident(name="Đỗ Thị Lan", born=dt.date(1970, 1, 2))
    client.force_login(UserFactory(username="lan", citizen_id=r.citizen_id))
    body = client.get("/api/v1/identity/me/prefill").json()
    assert body["linked"] is True
    assert body["citizen_id_masked"] == r.citizen_id[:6] + "******"
    assert body["data"]["full_name"] == "Đỗ Thị Lan"
    assert "full_name" in body["read_only_fields"]


def test_my_prefill_needs_auth(client: Client) -> None:
    assert client.get("/api/v1/identity/me/prefill").status_code == 401


def test_officer_lookup_is_logged_with_purpose_and_reference(client: Client, agency_tree) -> None:  # type: ignore[no-untyped-def]
    r = resident(name="Đỗ Thị Lan", born=dt.date(1970, 1, 2))
    client.force_login(agency_tree.officer_a)
    response = client.get(
        f"/api/v1/identity/citizens/{r.citizen_id}?purpose=counter_intake&reference=HS-9"
    )
    assert response.status_code == 200
    assert response.json()["full_name"] == "Đỗ Thị Lan"
    log = PersonalDataAccess.objects.get()
    assert (log.actor, log.purpose, log.reference) == (
        agency_tree.officer_a,
        "counter_intake",
        "HS-9",
    )


def test_citizen_cannot_look_other_people_up(client: Client, agency_tree) -> None:  # type: ignore[no-untyped-def]
    r = resident(name="Đỗ Thị Lan", born=dt.date(1970, 1, 2))
    client.force_login(agency_tree.citizen)
    assert client.get(f"/api/v1/identity/citizens/{r.citizen_id}").status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_officer_lookup_of_invalid_and_unknown_numbers(client: Client, agency_tree) -> None:  # type: ignore[no-untyped-def]
    client.force_login(agency_tree.officer_a)
    bad = client.get("/api/v1/identity/citizens/003190000000")
    assert bad.status_code == 400 and "Mã tỉnh" in bad.json()["detail"]
    assert client.get("/api/v1/identity/citizens/038190999999").status_code == 404
