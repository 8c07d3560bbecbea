from __future__ import annotations

import datetime as dt

import pytest

from tinhso.identity.citizen_id import (
    FEMALE,
    MALE,
    check_citizen_id_matches,
    make_citizen_id,
    mask_citizen_id,
    parse_citizen_id,
    validate_citizen_id,
)
from tinhso.identity.registry import InvalidCitizenId


def test_valid_number_decodes_province_century_gender_and_year() -> None:
    info = parse_citizen_id("038190123456")
    assert info.birth_province_code == "038"
    assert info.birth_province_name == "Thanh Hóa"
    assert info.gender == FEMALE
    assert info.birth_year == 1990
    assert info.serial == "123456"


def test_number_born_in_2000s_male() -> None:
    info = parse_citizen_id("001205000001")
    assert (info.gender, info.birth_year, info.birth_province_name) == (MALE, 2005, "Hà Nội")


def test_spaces_dots_and_hyphens_between_groups_are_ignored() -> None:
    assert parse_citizen_id(" 038 1 90 123-456 ").number == "038190123456"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "Chưa nhập"),
        ("03819012345", "đúng 12 chữ số"),
        ("0381901234567", "đúng 12 chữ số"),
        ("03819012345a", "chỉ gồm chữ số"),
        ("०३८१९०१२३४५६", "chỉ gồm chữ số"),  # non-ASCII digits
    ],
)
def test_malformed_numbers_are_refused_with_a_vietnamese_message(value: str, fragment: str) -> None:
    with pytest.raises(InvalidCitizenId) as exc:
        parse_citizen_id(value)
    assert fragment in exc.value.message
    assert exc.value.field == "citizen_id"


@pytest.mark.parametrize("province", ["000", "003", "039", "097", "999"])
def test_unknown_birth_province_code_is_refused(province: str) -> None:
    with pytest.raises(InvalidCitizenId) as exc:
        parse_citizen_id(f"{province}190123456")
    assert province in exc.value.message
    assert "Mã tỉnh" in exc.value.message


def test_century_code_giving_a_future_birth_year_is_refused() -> None:
    with pytest.raises(InvalidCitizenId) as exc:
        parse_citizen_id("038399123456", today=dt.date(2026, 1, 1))  # born 2099
    assert "tương lai" in exc.value.message
    with pytest.raises(InvalidCitizenId):
        parse_citizen_id("038400123456", today=dt.date(2026, 1, 1))  # 22nd century


def test_birth_year_mismatch_is_refused() -> None:
    info = parse_citizen_id("038190123456")
    with pytest.raises(InvalidCitizenId) as exc:
        check_citizen_id_matches(info, date_of_birth=dt.date(1991, 5, 12))
    assert "1990" in exc.value.message and "1991" in exc.value.message


def test_gender_mismatch_is_refused() -> None:
    with pytest.raises(InvalidCitizenId) as exc:
        validate_citizen_id("038190123456", gender=MALE)
    assert "giới tính" in exc.value.message


def test_century_mismatch_is_refused() -> None:
    # Digit 1 = female born 1900s; a woman born in 2090 would have digit 3.
    with pytest.raises(InvalidCitizenId):
        validate_citizen_id("038190123456", date_of_birth=dt.date(2090, 5, 12))


def test_matching_person_passes() -> None:
    number = validate_citizen_id("038190123456", date_of_birth=dt.date(1990, 5, 12), gender=FEMALE)
    assert number == "038190123456"


@pytest.mark.parametrize(
    ("year", "gender", "digit"),
    [(1950, MALE, "0"), (1999, FEMALE, "1"), (2000, MALE, "2"), (2024, FEMALE, "3")],
)
def test_make_citizen_id_uses_the_century_gender_digit(year: int, gender: str, digit: str) -> None:
    number = make_citizen_id(birth_province_code="038", birth_year=year, gender=gender, serial=7)
    assert number[3] == digit
    assert number[4:6] == f"{year % 100:02d}"
    info = parse_citizen_id(number)
    assert (info.birth_year, info.gender) == (year, gender)


def test_mask_keeps_only_the_structure_digits() -> None:
    assert mask_citizen_id("038190123456") == "038190******"
