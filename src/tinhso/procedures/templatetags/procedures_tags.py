"""Template helpers for procedure pages."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def dong(value: Decimal | int | None) -> str:
    """An amount in đồng with Vietnamese digit grouping: 200000 → "200.000"."""
    if value is None or value == "":
        return ""
    return f"{int(value):,}".replace(",", ".")
