"""Administrative units from vietnam-provinces, and the core demo builder."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count

from tinhso.core.audit import audit_verify
from tinhso.core.models import AdministrativeUnit, Agency, Membership, Role, User
from tinhso.core.services import admin_units_load

pytestmark = pytest.mark.django_db

Level = AdministrativeUnit.Level


def snapshot() -> list[tuple[str, str, str, str | None, bool]]:
    return list(
        AdministrativeUnit.objects.order_by("code").values_list(
            "code", "name", "level", "parent__code", "is_current"
        )
    )


def test_loading_thanh_hoa_twice_is_idempotent() -> None:
    first = admin_units_load(province_codes=["38"])
    before = snapshot()
    second = admin_units_load(province_codes=["38"])
    assert first == second == {"province": 1, "commune": 166, "district": 26}
    assert snapshot() == before
    duplicates = AdministrativeUnit.objects.values("code").annotate(n=Count("id")).filter(n__gt=1)
    assert not duplicates.exists()


def test_thanh_hoa_has_all_its_current_communes_and_wards(
    thanh_hoa_units: AdministrativeUnit,
) -> None:
    province = thanh_hoa_units
    assert province.name == "Thanh Hóa"
    assert province.level == Level.PROVINCE and province.is_current
    communes = province.children.filter(level=Level.COMMUNE)
    assert communes.count() == 166
    assert all(c.is_current and c.valid_until is None for c in communes)
    assert set(communes.values_list("division_type", flat=True)) <= {"xã", "phường", "đặc khu"}
    assert communes.filter(name="Phường Hạc Thành").exists()


def test_thanh_hoa_former_districts_are_kept_for_history(
    thanh_hoa_units: AdministrativeUnit,
) -> None:
    districts = thanh_hoa_units.children.filter(level=Level.DISTRICT)
    assert districts.count() == 26
    assert set(districts.values_list("is_current", flat=True)) == {False}
    assert set(districts.values_list("valid_until", flat=True)) == {dt.date(2025, 7, 1)}
    by_name = dict(districts.values_list("name", "division_type"))
    assert by_name["Thành phố Sầm Sơn"] == "thành phố"
    assert by_name["Thị xã Nghi Sơn"] == "thị xã"
    assert by_name["Huyện Thọ Xuân"] == "huyện"


def test_unit_names_are_nfc_with_folded_search_keys(thanh_hoa_units: AdministrativeUnit) -> None:
    for unit in AdministrativeUnit.objects.all():
        assert unicodedata.is_normalized("NFC", unit.name), unit.code
        assert unit.search_key.isascii(), unit.code
    assert thanh_hoa_units.search_key == "thanh hoa"


def test_loading_all_provinces_gives_the_34_current_provinces() -> None:
    counts = admin_units_load()
    assert counts["province"] == 34
    assert AdministrativeUnit.objects.filter(level=Level.PROVINCE).count() == 34
    assert counts["commune"] > 3000
    assert admin_units_load() == counts


def test_every_former_district_is_kept_even_in_merged_provinces() -> None:
    former = json.loads(
        (
            Path(__file__).resolve().parents[2] / "src/tinhso/core/data/former-districts.json"
        ).read_text(encoding="utf-8")
    )["districts"]
    counts = admin_units_load()
    assert counts["district"] == len(former) == 696
    districts = AdministrativeUnit.objects.filter(level=Level.DISTRICT)
    assert districts.count() == 696
    assert not districts.filter(is_current=True).exists()
    # Bắc Kạn (06) was merged into Thái Nguyên: its former city is still known.
    assert districts.filter(code="058", name__iexact="Thành phố Bắc Kạn").exists()
    # Roots stay the 34 current provinces unless former units are asked for.
    assert admin_unit_roots() == 34


def admin_unit_roots() -> int:
    from tinhso.core.selectors import admin_unit_list

    return admin_unit_list().count()


def test_loading_is_recorded_once_in_the_audit_log() -> None:
    from tinhso.core.models import AuditEntry

    admin_units_load(province_codes=["38"])
    assert AuditEntry.objects.filter(object_type="core.administrativeunit").count() == 1
    assert audit_verify().ok


def test_load_admin_units_command_loads_one_province() -> None:
    out = StringIO()
    call_command("load_admin_units", "--province", "38", stdout=out)
    assert "1 tỉnh, 166 xã/phường, 26 huyện cũ" in out.getvalue()


# --- demo builder ---------------------------------------------------------------------


@pytest.fixture
def demo_var(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_build_core_creates_thanh_hoa_agencies_and_one_user_per_role(demo_var: Path) -> None:
    from tinhso.demo.core_data import ACCOUNTS, PROVINCE_AGENCY_CODE, build_core

    result = build_core()
    province = Agency.objects.get(code=PROVINCE_AGENCY_CODE)
    assert province.name == "Ủy ban nhân dân tỉnh Thanh Hóa"
    assert province.parent is None
    communes = Agency.objects.filter(level=Agency.Level.COMMUNE, parent=province)
    assert communes.count() == 166
    assert Agency.objects.filter(level=Agency.Level.DEPARTMENT, parent=province).count() >= 10
    for agency in Agency.objects.all():
        agency.full_clean()  # codes in the national form, a valid tree
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert result["users"] == len(ACCOUNTS) == User.objects.count()


def test_build_core_is_idempotent(demo_var: Path) -> None:
    from tinhso.demo.core_data import build_core, demo_passwords

    build_core()
    counts = (Agency.objects.count(), User.objects.count(), Membership.objects.count())
    passwords = demo_passwords()
    build_core()
    assert (Agency.objects.count(), User.objects.count(), Membership.objects.count()) == counts
    assert demo_passwords() == passwords
    assert audit_verify().ok


def test_demo_passwords_work_and_are_kept_private(demo_var: Path) -> None:
    from tinhso.demo.core_data import ACCOUNTS, build_core, demo_passwords

    build_core()
    passwords = demo_passwords()
    path = demo_var / "demo-accounts.json"
    assert json.loads(path.read_text()) == passwords
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    for account in ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert user.check_password(passwords[account.username]), account.username
        assert user.full_name == account.full_name


def test_demo_commune_officers_are_isolated_from_each_other(demo_var: Path) -> None:
    from tinhso.core.selectors import agencies_for_user
    from tinhso.demo.core_data import build_core

    build_core()
    a = User.objects.get(username="motcua.hacthanh")
    b = User.objects.get(username="motcua.quangphu")
    seen_a = set(agencies_for_user(a))
    seen_b = set(agencies_for_user(b))
    assert len(seen_a) == len(seen_b) == 1
    assert seen_a != seen_b
    assert next(iter(seen_a)).admin_unit.name == "Phường Hạc Thành"
