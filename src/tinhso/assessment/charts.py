"""Server-side SVG charts: no JavaScript, no external assets, readable by screen readers
(each chart has a title and pages show the same numbers in a table)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BRAND = "#a5161d"
MUTED = "#5f6368"
GRID = "#d0d4d9"
SOFT = "#e8a0a4"


def _num(value: Decimal | float, decimals: int = 2) -> str:
    text = f"{float(value):,.{decimals}f}"
    # Vietnamese: "." for thousands, "," for decimals.
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def bar_chart(
    items: Sequence[tuple[str, Decimal]],
    *,
    title: str,
    max_value: Decimal | None = None,
    highlight: str | None = None,
    decimals: int = 2,
) -> SafeString:
    """Horizontal bars, one per item, labelled with their value."""
    row = 22
    label_w = 230
    bar_w = 380
    width = label_w + bar_w + 80
    height = row * len(items) + 10
    top = max_value if max_value else max((v for _l, v in items), default=Decimal(1)) or Decimal(1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'class="chart" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(items):
        y = 5 + i * row
        w = max(0.0, float(value) / float(top) * bar_w)
        colour = BRAND if label == highlight or highlight is None else SOFT
        short = label if len(label) <= 34 else label[:33] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12" '
            f'fill="#1f1f1f">{escape(short)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 7}" fill="{colour}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" font-size="12" fill="#1f1f1f">'
            f"{_num(value, decimals)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label is escaped above


def radar_chart(
    axes: Sequence[tuple[str, Decimal]],
    *,
    title: str,
    compare: Sequence[Decimal] | None = None,
) -> SafeString:
    """Percent of the maximum per axis (0–100), optionally against a comparison polygon."""
    size = 360
    cx = cy = size / 2
    radius = 120
    n = max(len(axes), 3)

    def point(i: int, pct: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        r = radius * max(0.0, min(pct, 100.0)) / 100
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" role="img" '
        f'class="chart chart-radar" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for level in (25, 50, 75, 100):
        ring = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, level) for i in range(n)))
        parts.append(f'<polygon points="{ring}" fill="none" stroke="{GRID}"/>')
    for i, (label, _pct) in enumerate(axes):
        x, y = point(i, 100)
        lx, ly = point(i, 122)
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        parts.append(
            f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="11" text-anchor="{anchor}" '
            f'fill="#1f1f1f">{escape(label[:28])}</text>'
        )
    if compare:
        poly = " ".join(
            f"{x:.1f},{y:.1f}" for x, y in (point(i, float(v)) for i, v in enumerate(compare))
        )
        parts.append(
            f'<polygon points="{poly}" fill="none" stroke="{MUTED}" stroke-dasharray="4 3"/>'
        )
    poly = " ".join(
        f"{x:.1f},{y:.1f}" for x, y in (point(i, float(v)) for i, (_l, v) in enumerate(axes))
    )
    parts.append(
        f'<polygon points="{poly}" fill="{BRAND}" fill-opacity="0.25" stroke="{BRAND}" stroke-width="2"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - labels escaped


def line_chart(
    points: Sequence[tuple[str, Decimal]],
    *,
    title: str,
    decimals: int = 2,
    width: int = 520,
    height: int = 200,
) -> SafeString:
    """A line over labelled points (years, dates), with the value at each point."""
    if not points:
        return mark_safe("")
    left, right, top, bottom = 50, 20, 20, 30
    values = [float(v) for _l, v in points]
    lo = min(0.0, min(values))
    hi = max(values) or 1.0
    span = (hi - lo) or 1.0
    step = (width - left - right) / max(len(points) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        x = left + (i * step if len(points) > 1 else (width - left - right) / 2)
        y = top + (height - top - bottom) * (1 - (v - lo) / span)
        return x, y

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'class="chart" aria-label="{escape(title)}"><title>{escape(title)}</title>',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="{GRID}"/>',
    ]
    coords = [xy(i, v) for i, v in enumerate(values)]
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{BRAND}" stroke-width="2"/>')
    for (label, value), (x, y) in zip(points, coords, strict=True):
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{BRAND}"/>'
            f'<text x="{x:.1f}" y="{y - 8:.1f}" font-size="11" text-anchor="middle" fill="#1f1f1f">'
            f"{_num(value, decimals)}</text>"
            f'<text x="{x:.1f}" y="{height - 10}" font-size="11" text-anchor="middle" fill="{MUTED}">'
            f"{escape(label)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - labels escaped
