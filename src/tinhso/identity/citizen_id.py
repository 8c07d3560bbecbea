"""The 12-digit personal identification number (số định danh cá nhân).

Structure (Decree 137/2015/NĐ-CP, Circular 07/2016/TT-BCA, kept by Circular
59/2021/TT-BCA)::

    038  1  90  012345
    │    │  │   └── 6 random digits
    │    │  └── last two digits of the year of birth
    │    └── century + gender: 0/1 born 1900–1999 male/female,
    │                          2/3 born 2000–2099 male/female
    │                          (4/5, 6/7, 8/9 are reserved for the 22nd–24th centuries)
    └── code of the province where the birth was registered (the 63 provinces'
        codes before the 2025 merger; numbers already issued never change)

The number has no check digit, so validation checks the structure and, when the
person's date of birth and gender are known, that the number agrees with them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from tinhso.core.services import DomainError

MALE = "nam"
FEMALE = "nữ"

# Province codes of birth registration (3 digits), with the province's name at the
# time the code was assigned.
BIRTH_PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Thành phố Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

# Century + gender digit → (first year of the century, gender).
CENTURY_GENDER: dict[int, tuple[int, str]] = {
    0: (1900, MALE),
    1: (1900, FEMALE),
    2: (2000, MALE),
    3: (2000, FEMALE),
    4: (2100, MALE),
    5: (2100, FEMALE),
    6: (2200, MALE),
    7: (2200, FEMALE),
    8: (2300, MALE),
    9: (2300, FEMALE),
}

_SEPARATORS = re.compile(r"[\s.\-]")


class InvalidCitizenId(DomainError):
    """A number that cannot be a personal identification number (or not this person's)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="citizen_id")


@dataclass(frozen=True)
class CitizenIdInfo:
    """What a valid number says about its holder."""

    number: str
    birth_province_code: str
    birth_province_name: str
    gender: str
    birth_year: int
    serial: str


def normalize_citizen_id(value: str) -> str:
    """Digits only: spaces, dots and hyphens people type between groups are dropped."""
    return _SEPARATORS.sub("", value or "")


def parse_citizen_id(value: str, *, today: dt.date | None = None) -> CitizenIdInfo:
    """Validate the structure of ``value`` and return what it encodes.

    Raises :class:`InvalidCitizenId` with a Vietnamese message naming what is wrong.
    """
    number = normalize_citizen_id(value)
    if not number:
        raise InvalidCitizenId(_("Chưa nhập số định danh cá nhân."))
    if not number.isascii() or not number.isdigit():
        raise InvalidCitizenId(_("Số định danh cá nhân chỉ gồm chữ số."))
    if len(number) != 12:
        raise InvalidCitizenId(
            _("Số định danh cá nhân phải có đúng 12 chữ số (đã nhập %(n)s).") % {"n": len(number)}
        )
    province = number[:3]
    if province not in BIRTH_PROVINCE_CODES:
        raise InvalidCitizenId(
            _("Mã tỉnh nơi đăng ký khai sinh %(code)s (3 chữ số đầu) không tồn tại.")
            % {"code": province}
        )
    century_start, gender = CENTURY_GENDER[int(number[3])]
    birth_year = century_start + int(number[4:6])
    this_year = (today or dt.date.today()).year
    if birth_year > this_year:
        raise InvalidCitizenId(
            _(
                "Chữ số thứ 4 (mã thế kỷ và giới tính) và năm sinh %(year)s không hợp lệ: "
                "năm sinh ở tương lai."
            )
            % {"year": birth_year}
        )
    return CitizenIdInfo(
        number=number,
        birth_province_code=province,
        birth_province_name=BIRTH_PROVINCE_CODES[province],
        gender=gender,
        birth_year=birth_year,
        serial=number[6:],
    )


def check_citizen_id_matches(
    info: CitizenIdInfo, *, date_of_birth: dt.date | None = None, gender: str | None = None
) -> None:
    """Refuse a number whose encoded year of birth or gender disagrees with the person's."""
    if date_of_birth is not None and date_of_birth.year != info.birth_year:
        raise InvalidCitizenId(
            _(
                "Số định danh cá nhân cho năm sinh %(id_year)s nhưng ngày sinh là năm "
                "%(year)s: kiểm tra lại số hoặc ngày sinh."
            )
            % {"id_year": info.birth_year, "year": date_of_birth.year}
        )
    if gender is not None and gender != info.gender:
        raise InvalidCitizenId(
            _(
                "Chữ số thứ 4 của số định danh cá nhân ứng với giới tính %(id_gender)s "
                "nhưng giới tính khai là %(gender)s."
            )
            % {"id_gender": info.gender, "gender": gender}
        )


def validate_citizen_id(
    value: str, *, date_of_birth: dt.date | None = None, gender: str | None = None
) -> str:
    """The normalised number, after checking its structure and agreement with the person."""
    info = parse_citizen_id(value)
    check_citizen_id_matches(info, date_of_birth=date_of_birth, gender=gender)
    return info.number


def century_gender_digit(*, birth_year: int, gender: str) -> int:
    """The 4th digit for a person born in ``birth_year`` of ``gender``."""
    for digit, (start, g) in CENTURY_GENDER.items():
        if start <= birth_year < start + 100 and g == gender:
            return digit
    raise ValueError(f"no century code for {birth_year} {gender}")


def make_citizen_id(*, birth_province_code: str, birth_year: int, gender: str, serial: int) -> str:
    """Compose a number (used by the simulator and tests, never to invent real people)."""
    digit = century_gender_digit(birth_year=birth_year, gender=gender)
    return f"{birth_province_code}{digit}{birth_year % 100:02d}{serial:06d}"


def mask_citizen_id(number: str) -> str:
    """``038190******`` style: enough to recognise, not enough to reuse."""
    return number[:6] + "*" * max(0, len(number) - 6)
