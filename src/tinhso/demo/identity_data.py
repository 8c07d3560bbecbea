"""Demo builder for the simulated population registry: ~10,000 synthetic residents.

Deterministic (seeded): the same database of administrative units always gives the
same people, so IDs printed in the docs stay valid. Names follow Vietnamese usage
(họ, tên đệm, tên, gender-appropriate, fewer "Văn"/"Thị" among the young), IDs
follow the real structure (birth-province code, century/gender digit, birth year),
addresses are a village or street in a real current commune/ward of the province.
Synthetic people only; any likeness to a real person is chance.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction

from tinhso.core.audit import audit_suppressed
from tinhso.core.models import AdministrativeUnit, User
from tinhso.identity.citizen_id import BIRTH_PROVINCE_CODES, FEMALE, MALE, make_citizen_id
from tinhso.identity.models import IdentityVerification, SyntheticResident

DEFAULT_COUNT = 10_000
SEED = 38
PROVINCE_CODE = "38"
# The province's own 3-digit birth-registration code, for people born where they live.
HOME_BIRTH_CODE = "038"
# Births are spread over 90 years before this fixed date (not "today": determinism).
REFERENCE_DATE = dt.date(2025, 1, 1)

SURNAMES: tuple[tuple[str, int], ...] = (
    ("Nguyễn", 300),
    ("Lê", 150),
    ("Trần", 90),
    ("Phạm", 70),
    ("Hoàng", 40),
    ("Trịnh", 35),
    ("Đỗ", 25),
    ("Vũ", 25),
    ("Mai", 25),
    ("Bùi", 25),
    ("Hà", 20),
    ("Đinh", 20),
    ("Ngô", 18),
    ("Đặng", 15),
    ("Phan", 15),
    ("Lương", 12),
    ("Cao", 12),
    ("Dương", 10),
    ("Hồ", 10),
    ("Quách", 8),
    ("Tống", 6),
    ("Lò", 6),
    ("Vi", 4),
    ("Lữ", 3),
    ("Cầm", 3),
    ("Võ", 5),
    ("Huỳnh", 3),
)
MALE_MIDDLE_OLD = ("Văn", "Văn", "Văn", "Văn", "Đức", "Hữu", "Xuân", "Công", "Đình", "Ngọc", "Bá")
MALE_MIDDLE_YOUNG = ("Văn", "Minh", "Đức", "Quang", "Anh", "Gia", "Duy", "Hoàng", "Tuấn", "Thành")
FEMALE_MIDDLE_OLD = ("Thị", "Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Hồng")
FEMALE_MIDDLE_YOUNG = ("Thị", "Ngọc", "Phương", "Thu", "Minh", "Bảo", "Khánh", "Thảo", "Mai", "Hà")
MALE_GIVEN = (
    "Anh", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Hải", "Hiếu", "Hoàng", "Hùng",
    "Huy", "Hưng", "Khang", "Khánh", "Kiên", "Lâm", "Long", "Lộc", "Mạnh", "Minh",
    "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tài", "Tâm", "Thắng",
    "Thành", "Thịnh", "Tiến", "Toàn", "Trung", "Trường", "Tuấn", "Tùng", "Việt", "Vinh",
)  # fmt: skip
FEMALE_GIVEN = (
    "An", "Anh", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền",
    "Hoa", "Hồng", "Huệ", "Hương", "Huyền", "Lan", "Linh", "Loan", "Mai", "My",
    "Nga", "Ngân", "Ngọc", "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo", "Thu", "Thủy",
    "Trang", "Trinh", "Uyên", "Vân", "Yến", "Nhi", "Vy", "Hân", "Diệp", "Tuyết",
)  # fmt: skip
VILLAGE_NAMES = (
    "Đông", "Tây", "Nam", "Bắc", "Trung", "Thượng", "Hạ", "Yên Lập", "Đồng Tâm",
    "Tân Phong", "Xuân Lai", "Bình Minh", "Hòa Bình", "Quyết Thắng", "Liên Sơn",
    "Thành Công", "Đoài", "Phú Thọ", "Cẩm Hoàng", "Thọ Phú", "Nghĩa Trang", "Kim Sơn",
)  # fmt: skip
STREETS = (
    "Lê Lợi", "Trần Phú", "Quang Trung", "Bà Triệu", "Lê Hoàn", "Hàm Nghi",
    "Nguyễn Trãi", "Phan Chu Trinh", "Trần Hưng Đạo", "Lạc Long Quân", "Tống Duy Tân",
    "Đội Cung", "Dương Đình Nghệ", "Nguyễn Chí Thanh", "Lê Lai", "Triệu Quốc Đạt",
    "Tô Vĩnh Diện", "Nguyễn Văn Cừ", "Lê Thánh Tông", "Hải Thượng Lãn Ông",
)  # fmt: skip
# Birth provinces of people living here who were born elsewhere (neighbours first).
OTHER_BIRTH_CODES = ("037", "040", "001", "036", "035", "017", "014", "079", "042")


@dataclass(frozen=True)
class FixedResident:
    """A resident with a known name, so the docs can tell demo users whom to try."""

    full_name: str
    gender: str
    date_of_birth: dt.date
    serial: int
    commune_code: str
    link_username: str = ""


FIXED: tuple[FixedResident, ...] = (
    # The demo citizen account "congdan" is this person.
    FixedResident("Nguyễn Thị Hoa", FEMALE, dt.date(1990, 5, 12), 123456, "14797", "congdan"),
    FixedResident("Lê Văn Nam", MALE, dt.date(1985, 9, 2), 654321, "14758"),
    FixedResident("Trịnh Ngọc Anh", FEMALE, dt.date(2001, 3, 8), 246810, "16522"),
)


def _weighted(rng: random.Random, items: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([i for i, _w in items], weights=[w for _i, w in items])[0]


def _birth_date(rng: random.Random) -> dt.date:
    # Fewer people at older ages: a rough population pyramid over 0–89 years.
    age = min(89, int(rng.triangular(0, 95, 25)))
    day = rng.randrange(365)
    return REFERENCE_DATE - dt.timedelta(days=age * 365 + day + 1)


def _name(rng: random.Random, gender: str, born: dt.date) -> str:
    young = born.year >= 1995
    if gender == MALE:
        middle = rng.choice(MALE_MIDDLE_YOUNG if young else MALE_MIDDLE_OLD)
        given = rng.choice(MALE_GIVEN)
    else:
        middle = rng.choice(FEMALE_MIDDLE_YOUNG if young else FEMALE_MIDDLE_OLD)
        given = rng.choice(FEMALE_GIVEN)
    return f"{_weighted(rng, SURNAMES)} {middle} {given}"


def _address(rng: random.Random, unit: AdministrativeUnit, province: AdministrativeUnit) -> str:
    province_name = f"{province.division_type.capitalize()} {province.name}"
    if unit.division_type.lower() == "phường":
        if rng.random() < 0.7:
            place = f"Số {rng.randint(1, 320)} {rng.choice(('đường', 'phố'))} {rng.choice(STREETS)}"
        else:
            place = f"Khu phố {rng.randint(1, 15)}"
    else:
        roll = rng.random()
        if roll < 0.4:
            place = f"Thôn {rng.randint(1, 14)}"
        elif roll < 0.85:
            place = f"Thôn {rng.choice(VILLAGE_NAMES)}"
        else:
            place = f"Xóm {rng.choice(VILLAGE_NAMES)}"
    return f"{place}, {unit.name}, {province_name}"


def generate_residents(
    *, count: int = DEFAULT_COUNT, seed: int = SEED, province_code: str = PROVINCE_CODE
) -> list[SyntheticResident]:
    """``count`` residents of the province's current communes (not saved)."""
    province = AdministrativeUnit.objects.get(code=province_code)
    units = list(
        AdministrativeUnit.objects.filter(
            parent=province, level=AdministrativeUnit.Level.COMMUNE, is_current=True
        ).order_by("code")
    )
    if not units:
        raise ValueError(f"province {province_code} has no communes loaded")
    by_code = {u.code: u for u in units}
    # Wards are denser than rural communes.
    weights = [3 if u.division_type.lower() == "phường" else 1 for u in units]
    home_code = f"0{province_code}" if f"0{province_code}" in BIRTH_PROVINCE_CODES else "038"
    rng = random.Random(seed)
    residents: list[SyntheticResident] = []
    used: set[str] = set()

    def add(
        name: str,
        gender: str,
        born: dt.date,
        unit: AdministrativeUnit,
        birth_code: str,
        serial: int,
    ) -> None:
        number = make_citizen_id(
            birth_province_code=birth_code, birth_year=born.year, gender=gender, serial=serial
        )
        if number in used:
            return
        used.add(number)
        residents.append(
            SyntheticResident(
                citizen_id=number,
                full_name=name,
                date_of_birth=born,
                gender=gender,
                address=_address(rng, unit, province),
                commune_code=unit.code,
                province_code=province.code,
            )
        )

    for fixed in FIXED:
        unit = by_code.get(fixed.commune_code, units[0])
        add(fixed.full_name, fixed.gender, fixed.date_of_birth, unit, home_code, fixed.serial)
    while len(residents) < count:
        gender = MALE if rng.random() < 0.495 else FEMALE
        born = _birth_date(rng)
        unit = rng.choices(units, weights=weights)[0]
        birth_code = home_code if rng.random() < 0.88 else rng.choice(OTHER_BIRTH_CODES)
        add(_name(rng, gender, born), gender, born, unit, birth_code, rng.randrange(1_000_000))
    return residents[:count]


@transaction.atomic
def build_identity(*, count: int = DEFAULT_COUNT) -> dict[str, int]:
    """Insert the residents not yet present (idempotent) and link the demo citizen."""
    residents = generate_residents(count=count)
    existing = set(SyntheticResident.objects.values_list("citizen_id", flat=True))
    missing = [r for r in residents if r.citizen_id not in existing]
    SyntheticResident.objects.bulk_create(missing, batch_size=2000)
    linked = 0
    with audit_suppressed():
        for fixed, resident in zip(FIXED, residents, strict=False):
            if not fixed.link_username:
                continue
            user = User.objects.filter(username=fixed.link_username).first()
            if user is None or user.citizen_id == resident.citizen_id:
                continue
            User.objects.filter(citizen_id=resident.citizen_id).exclude(pk=user.pk).update(
                citizen_id=None
            )
            user.citizen_id = resident.citizen_id
            user.full_name = resident.full_name
            user.save(update_fields=["citizen_id", "full_name"])
            IdentityVerification.objects.create(
                user=user,
                citizen_id=resident.citizen_id,
                method=IdentityVerification.Method.ADMIN,
                adapter="simulator",
            )
            linked += 1
    return {
        "residents": SyntheticResident.objects.count(),
        "created": len(missing),
        "linked": linked,
    }
