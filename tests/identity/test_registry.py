from __future__ import annotations

import datetime as dt

import pytest

from tests.core.factories import UserFactory
from tests.identity.factories import resident
from tinhso.core.audit import audit_context
from tinhso.core.models import AuditEntry
from tinhso.core.services import DomainError
from tinhso.identity.adapters.http import HttpPopulationRegistry
from tinhso.identity.adapters.simulator import SimulatedPopulationRegistry
from tinhso.identity.models import PersonalDataAccess
from tinhso.identity.registry import InvalidCitizenId, Person, get_registry

pytestmark = pytest.mark.django_db


def test_get_registry_returns_the_configured_adapter(settings) -> None:  # type: ignore[no-untyped-def]
    settings.POPULATION_REGISTRY = "simulator"
    assert isinstance(get_registry(), SimulatedPopulationRegistry)
    settings.POPULATION_REGISTRY = "http"
    settings.POPULATION_REGISTRY_URL = "http://127.0.0.1:9"
    assert isinstance(get_registry(), HttpPopulationRegistry)


def test_unknown_adapter_is_a_domain_error() -> None:
    with pytest.raises(DomainError):
        get_registry("khong-co")


def test_simulator_finds_a_resident() -> None:
    r = resident(name="Lê Thị Mai", born=dt.date(1979, 2, 3))
    person = get_registry("simulator").lookup(r.citizen_id)
    assert person == Person(
        citizen_id=r.citizen_id,
        full_name="Lê Thị Mai",
        date_of_birth=dt.date(1979, 2, 3),
        gender="nữ",
        address=r.address,
        commune_code=r.commune_code,
        province_code=r.province_code,
    )


def test_simulator_returns_none_for_an_unknown_valid_number() -> None:
    assert get_registry("simulator").lookup("038190999999") is None


def test_invalid_number_raises_invalid_citizen_id_and_logs_nothing() -> None:
    with pytest.raises(InvalidCitizenId):
        get_registry("simulator").lookup("12345")
    assert not PersonalDataAccess.objects.exists()


def test_every_lookup_is_logged_with_purpose_actor_and_outcome() -> None:
    officer = UserFactory(username="canbo")
    r = resident(name="Lê Thị Mai", born=dt.date(1979, 2, 3))
    registry = get_registry("simulator")
    registry.lookup(
        r.citizen_id,
        purpose=PersonalDataAccess.Purpose.COUNTER_INTAKE,
        actor=officer,
        reference="000.00.01.H56-250101-0001",
    )
    registry.lookup(
        "038190999999", purpose=PersonalDataAccess.Purpose.OFFICER_LOOKUP, actor=officer
    )
    found, missing = PersonalDataAccess.objects.order_by("id")
    assert (found.actor, found.actor_repr, found.citizen_id) == (officer, "canbo", r.citizen_id)
    assert found.purpose == "counter_intake"
    assert found.reference == "000.00.01.H56-250101-0001"
    assert found.adapter == "simulator"
    assert found.found is True
    assert missing.found is False and missing.purpose == "officer_lookup"


def test_lookup_takes_the_actor_and_ip_from_the_request_context() -> None:
    user = UserFactory(username="congdan.x")
    r = resident(name="Lê Thị Mai", born=dt.date(1979, 2, 3))
    with audit_context(actor=user, ip="10.0.0.7"):
        get_registry("simulator").lookup(r.citizen_id)
    entry = PersonalDataAccess.objects.get()
    assert (entry.actor, entry.ip) == (user, "10.0.0.7")


def test_access_log_does_not_copy_the_number_into_the_general_audit_log() -> None:
    r = resident(name="Lê Thị Mai", born=dt.date(1979, 2, 3))
    before = AuditEntry.objects.count()
    get_registry("simulator").lookup(r.citizen_id)
    assert AuditEntry.objects.count() == before


def test_access_log_is_append_only() -> None:
    get_registry("simulator").lookup("038190999999")
    entry = PersonalDataAccess.objects.get()
    with pytest.raises(PermissionError):
        PersonalDataAccess.objects.all().update(purpose="other")
    with pytest.raises(PermissionError):
        PersonalDataAccess.objects.all().delete()
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert PersonalDataAccess.objects.count() == 1


def test_administrators_see_the_access_log_in_the_admin(client, agency_tree) -> None:  # type: ignore[no-untyped-def]
    get_registry("simulator").lookup("038190999999", actor=agency_tree.officer_a)
    admin = agency_tree.province_admin
    admin.is_staff = True
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    response = client.get("/quan-tri/identity/personaldataaccess/")
    assert response.status_code == 200
    assert "038190999999" in response.content.decode()
    # Read-only: no add, no delete.
    assert client.get("/quan-tri/identity/personaldataaccess/add/").status_code == 403
