"""Input checks shared by the forms and the API."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated

from django.utils.translation import gettext as _
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from tinhso.core.text import code_is_plausible as code_is_plausible

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


# Control characters other than tab and line breaks (PostgreSQL cannot store NUL at all).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean_text(value: str) -> str:
    """Text as stored: composed Unicode (NFC), without control characters (the API's
    validation handler words the error ``text_control_character``)."""
    if CONTROL_CHARACTERS.search(value):
        raise PydanticCustomError("text_control_character", "control character in text")
    return unicodedata.normalize("NFC", value)


# A str field of an API schema: NFC, no control characters.
Text = Annotated[str, AfterValidator(_clean_text)]


def text_error(value: str, *, label: str) -> str | None:
    """Why ``value`` cannot be stored as text, or None."""
    if CONTROL_CHARACTERS.search(value or ""):
        return _("%(label)s chứa ký tự điều khiển (ví dụ ký tự NUL); hãy nhập lại.") % {
            "label": label
        }
    try:
        (value or "").encode("utf-8")
    except UnicodeEncodeError:
        return _("%(label)s chứa ký tự không hợp lệ; hãy nhập lại.") % {"label": label}
    return None


def nfc(value: str) -> str:
    """Vietnamese text in composed form (NFC), as it is stored and searched."""
    return unicodedata.normalize("NFC", value or "")


# An apology's new appointment further away than this is a typing mistake (9999-12-31).
NEW_DUE_DATE_MAX_DAYS = 366


def new_due_date_error(value: dt.date, *, today: dt.date) -> str | None:
    """Why ``value`` cannot be an apology's new appointment date, or None (the service
    checks it against the dossier's current due date and the working-day calendar)."""
    if (value - today).days > NEW_DUE_DATE_MAX_DAYS:
        return _("Ngày hẹn mới %(date)s quá xa: chỉ hẹn lại trong vòng %(n)s ngày tới.") % {
            "date": f"{value:%d/%m/%Y}",
            "n": NEW_DUE_DATE_MAX_DAYS,
        }
    return None
