from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def vnd(value: Decimal | int | None) -> str:
    """150000 → "150.000" (Vietnamese grouping, whole đồng)."""
    if value is None:
        return ""
    return f"{int(value):,}".replace(",", ".")
