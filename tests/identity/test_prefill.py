from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.core.factories import UserFactory
from tests.identity.factories import resident
from tinhso.identity.models import PersonalDataAccess
from tinhso.identity.prefill import READ_ONLY_FIELDS, prefill_for_user
from tinhso.identity.registry import RegistryUnavailable

pytestmark = pytest.mark.django_db


def test_prefill_for_a_linked_citizen_gives_registry_fields_and_contact() -> None:
    r = resident(name="Trịnh Thị Thu", born=dt.date(1995, 7, 1))
    user = UserFactory(username="thu", citizen_id=r.citizen_id, phone="0912345678")
    data = prefill_for_user(user, reference="HS-1")
    assert data["full_name"] == "Trịnh Thị Thu"
    assert data["date_of_birth"] == "1995-07-01"
    assert data["gender"] == "nữ"
    assert data["citizen_id"] == r.citizen_id
    assert data["address"] == r.address
    assert data["commune_code"] == r.commune_code
    assert data["phone"] == "0912345678"
    assert data["email"] == "thu@example.vn"
    assert set(data) >= READ_ONLY_FIELDS
    log = PersonalDataAccess.objects.get()
    assert (log.purpose, log.actor, log.reference) == ("prefill", user, "HS-1")


def test_prefill_is_empty_without_a_linked_number_or_signed_in_user() -> None:
    assert prefill_for_user(UserFactory(username="khongso")) == {}
    assert prefill_for_user(AnonymousUser()) == {}
    assert prefill_for_user(None) == {}
    assert not PersonalDataAccess.objects.exists()


def test_prefill_is_empty_when_the_registry_does_not_know_the_number() -> None:
    user = UserFactory(username="lac", citizen_id="038190999999")
    assert prefill_for_user(user) == {}


def test_prefill_degrades_when_the_registry_is_unreachable(settings) -> None:  # type: ignore[no-untyped-def]
    settings.POPULATION_REGISTRY = "http"
    settings.POPULATION_REGISTRY_URL = ""
    user = UserFactory(username="mat-ket-noi", citizen_id="038190123456")
    assert prefill_for_user(user) == {}
    with pytest.raises(RegistryUnavailable):
        prefill_for_user(user, raise_unavailable=True)
