"""Input checks shared by the forms and the API."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

# Province codes at the head of a 12-digit personal identification number (the 63
# provinces' codes as used on citizen ID cards: 001 Hà Nội … 038 Thanh Hóa … 096 Cà Mau).
PROVINCE_PREFIXES = frozenset(
    [
        "001",
        "002",
        "004",
        "006",
        "008",
        "010",
        "011",
        "012",
        "014",
        "015",
        "017",
        "019",
        "020",
        "022",
        "024",
        "025",
        "026",
        "027",
        "030",
        "031",
        "033",
        "034",
        "035",
        "036",
        "037",
        "038",
        "040",
        "042",
        "044",
        "045",
        "046",
        "048",
        "049",
        "051",
        "052",
        "054",
        "056",
        "058",
        "060",
        "062",
        "064",
        "066",
        "067",
        "068",
        "070",
        "072",
        "074",
        "075",
        "077",
        "079",
        "080",
        "082",
        "083",
        "084",
        "086",
        "087",
        "089",
        "091",
        "092",
        "093",
        "094",
        "095",
        "096",
    ]
)
_CITIZEN_ID = re.compile(r"^[0-9]{12}$")


def citizen_id_error(value: str, *, today: dt.date | None = None) -> str | None:
    """Why ``value`` is not a valid personal identification number, or None.

    Structure: 3 digits of the province of birth registration, 1 digit for gender and
    century (0/1: 20th century male/female, 2/3: 21st, 4/5: 22nd …), 2 digits of the
    year of birth, 6 random digits.
    """
    text = (value or "").strip()
    if not _CITIZEN_ID.match(text):
        return _("Số định danh cá nhân phải gồm đúng 12 chữ số.")
    if text[:3] not in PROVINCE_PREFIXES:
        return _("Ba chữ số đầu (%(code)s) không phải mã tỉnh nơi đăng ký khai sinh.") % {
            "code": text[:3]
        }
    century = 1900 + 100 * (int(text[3]) // 2)
    year = century + int(text[4:6])
    current = (today or dt.date.today()).year
    if year > current or year < current - 130:
        return _("Năm sinh mã hoá trong số định danh (%(year)s) không hợp lệ.") % {"year": year}
    return None
