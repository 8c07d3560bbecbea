"""Shared fixtures: a small agency tree with one user per kind of officer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import translation

from tests.core.factories import (
    PASSWORD,
    AdministrativeUnitFactory,
    AgencyFactory,
    officer,
)
from tinhso.core.models import AdministrativeUnit, Agency, Role, User


@dataclass
class AgencyTree:
    """Province People's Committee → 2 departments + 2 communes, and their people."""

    province: Agency
    dept_a: Agency
    dept_b: Agency
    commune_a: Agency
    commune_b: Agency
    officer_a: User  # one-stop officer of commune A
    officer_b: User  # one-stop officer of commune B
    dept_officer: User  # specialist of department A
    province_admin: User  # administrator of the province People's Committee
    citizen: User  # a citizen, member of nothing that grants sight

    @property
    def agencies(self) -> list[Agency]:
        return [self.province, self.dept_a, self.dept_b, self.commune_a, self.commune_b]


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def agency_tree(db: None) -> AgencyTree:
    province_unit = AdministrativeUnitFactory(
        code="98", name="Tỉnh Thử Nghiệm", division_type="Tỉnh", level="province"
    )
    unit_a = AdministrativeUnitFactory(code="98001", name="Xã Hoà An", parent=province_unit)
    unit_b = AdministrativeUnitFactory(code="98002", name="Phường Đông Sơn", parent=province_unit)
    province = AgencyFactory(
        code="000.00.00.H98",
        name="Ủy ban nhân dân tỉnh Thử Nghiệm",
        level=Agency.Level.PROVINCE,
        admin_unit=province_unit,
    )
    dept_a = AgencyFactory(code="000.00.01.H98", name="Sở Tư pháp", parent=province)
    dept_b = AgencyFactory(code="000.00.02.H98", name="Sở Y tế", parent=province)
    commune_a = AgencyFactory(
        code="001.00.99.H98",
        name="Ủy ban nhân dân xã Hoà An",
        level=Agency.Level.COMMUNE,
        parent=province,
        admin_unit=unit_a,
    )
    commune_b = AgencyFactory(
        code="002.00.99.H98",
        name="Ủy ban nhân dân phường Đông Sơn",
        level=Agency.Level.COMMUNE,
        parent=province,
        admin_unit=unit_b,
    )
    # A citizen membership must never grant sight of the agency's records.
    citizen = officer(province, Role.CITIZEN, username="congdan")
    return AgencyTree(
        province=province,
        dept_a=dept_a,
        dept_b=dept_b,
        commune_a=commune_a,
        commune_b=commune_b,
        officer_a=officer(commune_a, Role.ONE_STOP_OFFICER, username="motcua.a"),
        officer_b=officer(commune_b, Role.ONE_STOP_OFFICER, username="motcua.b"),
        dept_officer=officer(dept_a, Role.SPECIALIST, username="chuyenvien.a"),
        province_admin=officer(province, Role.ADMINISTRATOR, username="quantri"),
        citizen=citizen,
    )


@pytest.fixture
def login(client: Client):
    """Log ``user`` into the test client and return the client."""

    def do_login(user: User) -> Client:
        client.force_login(user)
        return client

    return do_login


@pytest.fixture
def thanh_hoa_units(db: None) -> AdministrativeUnit:
    """Thanh Hóa's administrative units (province 38 only: fast)."""
    from tinhso.core.services import admin_units_load

    admin_units_load(province_codes=["38"])
    return AdministrativeUnit.objects.get(code="38")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:  # type: ignore[no-untyped-def]
    """PBKDF2 at full strength makes every user fixture slow; tests need no strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def vietnamese_by_default() -> Iterator[None]:
    """Each test starts in Vietnamese: a request to /en/ must not leak English into the next test."""
    translation.activate("vi")
    yield
    translation.activate("vi")


@pytest.fixture(autouse=True)
def fresh_process_caches() -> Iterator[None]:
    """Each test rolls its database back: caches a process keeps must not outlive it."""
    from django.core.cache import cache

    from tinhso.core import audit
    from tinhso.core.services import forget_kept_tokens
    from tinhso.core.workcalendar import forget_loaded_calendar
    from tinhso.procedures.selectors import forget_kept_procedures

    forget_loaded_calendar()
    forget_kept_procedures()
    forget_kept_tokens()
    # Failure counters of the login/API-key limits: one test's bad passwords must not
    # lock the next test out (every test client comes from 127.0.0.1).
    cache.clear()
    # Seal audit entries in the committing thread (tests read the chain right after).
    audit.SEAL_IN_BACKGROUND = False
    yield
    forget_loaded_calendar()
    forget_kept_procedures()
    forget_kept_tokens()


def pytest_configure(config: pytest.Config) -> None:
    # WhiteNoise warns when STATIC_ROOT has not been collected yet; tests use finders.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")
