"""``{{ value|num:2 }}``: grouped thousands and fixed decimals in the page's language
(Vietnamese 85.000 and 99,51; English 85,000 and 99.51). Django's Vietnamese locale does
not group thousands, which makes large figures hard to read."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def num(value: Any, decimals: Any = 0) -> str:
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
        places = int(decimals)
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    text = f"{number:,.{places}f}"
    if (get_language() or "vi").startswith("en"):
        return text
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
