"""Server-rendered SVG charts for the dossier statistics page.

No JavaScript and no external assets. Each chart is an ``<svg role="img">`` with a
``<title>`` and a ``<desc>`` summarising it; the page shows the same numbers in a table
next to every chart (the text alternative). Colours of adjacent series have white gaps
between them and every series is named in a legend, so colour is never the only cue.
Number formatting and the brand colours come from :mod:`tinhso.assessment.charts`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tinhso.assessment.charts import GRID, MUTED
from tinhso.assessment.charts import _num as number

TEXT = "#1f1f1f"
# Contrast with white ≥ 4.5:1 for each (WCAG 1.4.11 needs 3:1 for graphics).
EARLY = "#1b5e20"
ON_TIME = "#1565c0"
LATE = "#b71c1c"
RECEIVED = "#5f6368"
SETTLED = "#1565c0"


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    colour: str


def _open(width: int, height: int, title: str, desc: str, css: str = "chart") -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'class="{css}" aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f"<desc>{escape(desc)}</desc>"
    ]


def _legend(series: Sequence[Series], x: int, y: int) -> str:
    parts = []
    for s in series:
        parts.append(
            f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{s.colour}"/>'
            f'<text x="{x + 16}" y="{y}" font-size="12" fill="{TEXT}">{escape(s.label)}</text>'
        )
        x += 24 + 7 * len(s.label)
    return "".join(parts)


def _short(label: str, limit: int = 32) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def stacked_bars(
    rows: Sequence[tuple[str, dict[str, int]]],
    series: Sequence[Series],
    *,
    title: str,
    desc: str,
    suffix: Sequence[str] = (),
) -> SafeString:
    """One horizontal bar per row, split into ``series`` (counts), with the total (and an
    optional ``suffix`` per row) written after the bar."""
    if not rows:
        return mark_safe("")
    row_h, label_w, bar_w, top = 24, 240, 360, 28
    width = label_w + bar_w + 150
    height = top + row_h * len(rows) + 8
    most = max((sum(v.get(s.key, 0) for s in series) for _l, v in rows), default=0) or 1
    parts = _open(width, height, title, desc)
    parts.append(_legend(series, label_w, 16))
    for i, (label, values) in enumerate(rows):
        y = top + i * row_h
        x = float(label_w)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12" '
            f'fill="{TEXT}">{escape(_short(label))}</text>'
        )
        total = 0
        for s in series:
            value = int(values.get(s.key, 0))
            total += value
            if value <= 0:
                continue
            w = value / most * bar_w
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" '
                f'fill="{s.colour}" stroke="#ffffff" stroke-width="1">'
                f"<title>{escape(label)} — {escape(s.label)}: {number(value, 0)}</title></rect>"
            )
            x += w
        extra = f" {suffix[i]}" if i < len(suffix) and suffix[i] else ""
        parts.append(
            f'<text x="{x + 4:.1f}" y="{y + 15}" font-size="12" fill="{TEXT}">'
            f"{number(total, 0)}{escape(extra)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label is escaped above


def grouped_columns(
    columns: Sequence[tuple[str, dict[str, int]]],
    series: Sequence[Series],
    *,
    title: str,
    desc: str,
) -> SafeString:
    """Vertical bars side by side for each column (e.g. received and settled per month)."""
    if not columns:
        return mark_safe("")
    left, right, top, bottom = 44, 10, 30, 34
    slot = max(28, min(64, 640 // max(len(columns), 1)))
    width = left + right + slot * len(columns)
    height = 240
    plot_h = height - top - bottom
    most = max((v.get(s.key, 0) for _l, v in columns for s in series), default=0) or 1
    bar = (slot - 8) / max(len(series), 1)
    # Labels need about 6 px per character: thin them out when the columns are narrow.
    widest = max((len(label) for label, _v in columns), default=1) * 6 + 4
    every = max(1, -(-widest // slot))
    parts = _open(max(width, 320), height, title, desc)
    parts.append(_legend(series, left, 16))
    for frac in (0.5, 1.0):
        gy = top + plot_h * (1 - frac)
        parts.append(
            f'<line x1="{left}" y1="{gy:.1f}" x2="{width - right}" y2="{gy:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 4}" y="{gy + 4:.1f}" font-size="10" text-anchor="end" '
            f'fill="{MUTED}">{number(most * frac, 0)}</text>'
        )
    base = top + plot_h
    parts.append(
        f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="{MUTED}"/>'
    )
    for i, (label, values) in enumerate(columns):
        x0 = left + i * slot + 4
        for j, s in enumerate(series):
            value = int(values.get(s.key, 0))
            h = value / most * plot_h
            x = x0 + j * bar
            parts.append(
                f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bar - 1:.1f}" height="{h:.1f}" '
                f'fill="{s.colour}"><title>{escape(label)} — {escape(s.label)}: '
                f"{number(value, 0)}</title></rect>"
            )
        if i % every == 0:
            parts.append(
                f'<text x="{x0 + (slot - 8) / 2:.1f}" y="{base + 14}" font-size="10" '
                f'text-anchor="middle" fill="{TEXT}">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label is escaped above


def percent_bars(
    rows: Sequence[tuple[str, float | None]], *, title: str, desc: str, colour: str = SETTLED
) -> SafeString:
    """One horizontal bar per row on a 0–100 % scale (rows without a value show "—")."""
    if not rows:
        return mark_safe("")
    row_h, label_w, bar_w, top = 22, 240, 360, 8
    width = label_w + bar_w + 70
    height = top + row_h * len(rows) + 6
    parts = _open(width, height, title, desc)
    parts.append(
        f'<line x1="{label_w + bar_w}" y1="{top}" x2="{label_w + bar_w}" '
        f'y2="{height - 4}" stroke="{GRID}"/>'
    )
    for i, (label, pct) in enumerate(rows):
        y = top + i * row_h
        w = max(0.0, min(float(pct or 0), 100.0)) / 100 * bar_w
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end" font-size="12" '
            f'fill="{TEXT}">{escape(_short(label))}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 7}" fill="{colour}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 14}" font-size="12" fill="{TEXT}">'
            f"{number(pct, 1) + ' %' if pct is not None else '—'}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label is escaped above
