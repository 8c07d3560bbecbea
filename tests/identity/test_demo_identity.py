from __future__ import annotations

import collections
import unicodedata

import pytest

from tests.core.factories import UserFactory
from tinhso.core.models import AdministrativeUnit
from tinhso.demo.identity_data import FIXED, build_identity, generate_residents
from tinhso.identity.citizen_id import check_citizen_id_matches, parse_citizen_id
from tinhso.identity.models import IdentityVerification, SyntheticResident
from tinhso.identity.registry import get_registry

pytestmark = pytest.mark.django_db


def test_residents_have_valid_ids_consistent_with_birth_and_gender(thanh_hoa_units) -> None:  # type: ignore[no-untyped-def]
    residents = generate_residents(count=2000)
    assert len({r.citizen_id for r in residents}) == 2000
    for r in residents:
        info = parse_citizen_id(r.citizen_id)
        check_citizen_id_matches(info, date_of_birth=r.date_of_birth, gender=r.gender)
    births = collections.Counter(r.citizen_id[:3] for r in residents)
    assert births.most_common(1)[0][0] == "038"  # most were born in Thanh Hóa
    assert len(births) > 3  # and some elsewhere


def test_residents_live_in_real_current_communes_of_the_province(thanh_hoa_units) -> None:  # type: ignore[no-untyped-def]
    residents = generate_residents(count=1000)
    communes = {
        u.code: u.name
        for u in AdministrativeUnit.objects.filter(parent__code="38", level="commune")
    }
    for r in residents:
        assert r.province_code == "38"
        assert r.commune_code in communes
        assert r.address.endswith(f"{communes[r.commune_code]}, Tỉnh Thanh Hóa")
    assert len({r.commune_code for r in residents}) > 100


def test_names_are_vietnamese_nfc_with_gendered_middle_names(thanh_hoa_units) -> None:  # type: ignore[no-untyped-def]
    residents = generate_residents(count=1000)
    for r in residents:
        assert unicodedata.normalize("NFC", r.full_name) == r.full_name
        assert len(r.full_name.split()) >= 3
    middles = collections.Counter((r.gender, r.full_name.split()[1]) for r in residents)
    assert middles[("nữ", "Thị")] > 50 and middles[("nam", "Văn")] > 50
    assert middles[("nam", "Thị")] == 0 and middles[("nữ", "Văn")] == 0
    assert any("ư" in r.full_name or "ễ" in r.full_name or "ạ" in r.full_name for r in residents)


def test_generation_is_deterministic(thanh_hoa_units) -> None:  # type: ignore[no-untyped-def]
    a = [(r.citizen_id, r.full_name, r.address) for r in generate_residents(count=300)]
    b = [(r.citizen_id, r.full_name, r.address) for r in generate_residents(count=300)]
    assert a == b


def test_build_identity_is_idempotent_and_links_the_demo_citizen(thanh_hoa_units) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory(username="congdan", full_name="Nguyễn Thị Hoa")
    first = build_identity(count=500)
    second = build_identity(count=500)
    assert first["residents"] == second["residents"] == 500
    assert second["created"] == 0
    user.refresh_from_db()
    person = get_registry("simulator").lookup(user.citizen_id)
    assert person is not None and person.full_name == FIXED[0].full_name
    assert IdentityVerification.objects.filter(user=user).count() == 1
    assert SyntheticResident.objects.count() == 500
