"""Conversion of values between the API (JSON) and the database, per CKAN field type."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.db import connection

from tinhso.core.text import nfc
from tinhso.datastore.ingest.infer import _parse_date, parse_bool


def to_db(value: Any, ftype: str) -> Any:
    """Raise ValueError/TypeError/InvalidOperation when ``value`` does not fit ``ftype``."""
    if value is None or value == "":
        return None
    if ftype == "int":
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError(value)
        return int(str(value).strip()) if isinstance(value, str) else int(value)
    if ftype == "numeric":
        if isinstance(value, bool):
            raise ValueError(value)
        number = Decimal(str(value).strip())
        if not number.is_finite():
            raise ValueError(value)
        return float(number) if connection.vendor == "sqlite" else number
    if ftype == "bool":
        b = value if isinstance(value, bool) else parse_bool(str(value))
        return int(b) if connection.vendor == "sqlite" else b
    if ftype in ("date", "timestamp"):
        text = str(value).strip()
        with_time = ftype == "timestamp"
        if "/" in text or (len(text) >= 3 and text[2] in ".-" and text[:2].isdigit()):
            return _parse_date(text, "dmy", with_time)
        if with_time:
            stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            return stamp.replace(tzinfo=None).isoformat(sep=" ")
        return dt.date.fromisoformat(text[:10]).isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return nfc(str(value))


def to_json(value: Any, ftype: str) -> Any:
    """A database value as CKAN returns it in ``records``."""
    if value is None:
        return None
    if ftype == "bool":
        return bool(value)
    if ftype == "numeric":
        if isinstance(value, Decimal):
            return (
                int(value)
                if value == value.to_integral_value() and abs(value) < 2**53
                else float(value)
            )
        if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
            return int(value)
        return value
    if ftype == "timestamp":
        if isinstance(value, dt.datetime):
            return value.isoformat()
        return str(value).replace(" ", "T", 1)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value
