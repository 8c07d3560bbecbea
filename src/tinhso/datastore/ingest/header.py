"""Header-row detection (title rows skipped, multi-row headers merged) and safe column ids."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from tinhso.core.text import clean_text, slugify_vi
from tinhso.datastore.ingest.errors import LoadError

_NUMBERISH = re.compile(r"[ \t]*[+-]?[\d.,]+%?[ \t]*|[ \t]*\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}.*")
MAX_HEADER_ROWS = 3
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
RESERVED_IDS = frozenset(
    {"_id", "_full_text", "oid", "ctid", "rowid", "xmin", "xmax", "cmin", "cmax", "tableoid"}
)


@dataclass
class HeaderInfo:
    skip_rows: int  # rows before the first data row (title rows + header rows)
    header_rows: list[int]  # indexes of the header rows in the sample
    labels: list[str]
    width: int


def _filled(row: Sequence[str]) -> int:
    return sum(1 for c in row if c.strip())


def _is_text(cell: str) -> bool:
    return bool(cell.strip()) and _NUMBERISH.fullmatch(cell) is None


def detect_header(
    sample: Sequence[Sequence[str]],
    *,
    header_row: int | None = None,
    merged: Sequence[tuple[int, int, int, int]] = (),
) -> HeaderInfo:
    """``sample`` holds the first rows of the table. ``header_row`` (1-based) forces the
    header row; ``merged`` are merged-cell ranges (row0, col0, row1, col1) from Excel."""
    rows = [list(r) for r in sample]
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        return HeaderInfo(0, [], [], 0)
    width = max(len(r) for r in rows)
    # Drop trailing columns that are empty in every sampled row.
    while width > 0 and not any(len(r) >= width and r[width - 1].strip() for r in rows):
        width -= 1
    rows = [(r + [""] * width)[:width] for r in rows]
    if header_row is not None:
        start = max(0, min(header_row - 1, len(rows) - 1))
    else:
        counts = Counter(_filled(r) for r in rows if _filled(r))
        typical = max(counts) if counts else width
        threshold = max(1, min(typical, round(typical * 0.6 + 0.01)))
        start = 0
        for i, r in enumerate(rows):
            filled = _filled(r)
            if filled >= threshold and filled >= min(2, typical):
                start = i
                break
        if not any(_is_text(c) for c in rows[start]):
            # Only numbers or dates where the column names should be: the file has no
            # header row (or an empty one), and taking a data row as names would lose it.
            shown = ", ".join(c.strip() for c in rows[start] if c.strip())
            raise LoadError(
                _(
                    "Không tìm thấy dòng tiêu đề: dòng %(line)d chỉ có số hoặc ngày (%(cells)s), "
                    "không phải tên cột. Hãy thêm dòng tiêu đề (tên các cột) vào đầu bảng, "
                    "hoặc chọn dòng tiêu đề trong tuỳ chọn nạp."
                )
                % {"line": start + 1, "cells": shown[:100]}
            )
    header_rows = [start]
    # Merge following rows that continue the header: text only, and the row above has
    # gaps (merged parent cells) or the cells are Excel-merged vertically.
    merged_rows = {r0 for (r0, _c0, r1, _c1) in merged if r1 > r0}
    i = start + 1
    while i < len(rows) and len(header_rows) < MAX_HEADER_ROWS:
        row = rows[i]
        above = rows[i - 1]
        cells = [c for c in row if c.strip()]
        if not cells or not all(_is_text(c) for c in cells):
            break
        gaps_above = any(not c.strip() for c in above)
        nxt = rows[i + 1] if i + 1 < len(rows) else None
        data_below = nxt is not None and any(
            row[j].strip() and not _is_text(nxt[j]) and nxt[j].strip() for j in range(width)
        )
        if not ((gaps_above or (i - 1) in merged_rows) and (data_below or nxt is None)):
            break
        header_rows.append(i)
        i += 1
    labels = _merge_labels([rows[h] for h in header_rows], merged, header_rows)
    # Width: the header's last label, or wider when most data rows are wider (unlabelled
    # columns); a few longer rows are errors reported by the loader.
    header_width = max((_last_filled(rows[h]) for h in header_rows), default=0)
    data_widths = Counter(_last_filled(r) for r in rows[header_rows[-1] + 1 :] if _filled(r))
    data_width = data_widths.most_common(1)[0][0] if data_widths else 0
    width = max(header_width, data_width)
    return HeaderInfo(
        skip_rows=header_rows[-1] + 1, header_rows=header_rows, labels=labels[:width], width=width
    )


def _last_filled(row: Sequence[str]) -> int:
    for i in range(len(row) - 1, -1, -1):
        if row[i].strip():
            return i + 1
    return 0


def _merge_labels(
    rows: list[list[str]], merged: Sequence[tuple[int, int, int, int]], header_rows: list[int]
) -> list[str]:
    width = len(rows[0]) if rows else 0
    filled = [[clean_text(c) for c in r] for r in rows]
    # Spread merged cells over their range, then forward-fill gaps of upper rows when a
    # lower header row has text there ("Dân số" over "Nam" | "Nữ").
    for r0, c0, r1, c1 in merged:
        for k, h in enumerate(header_rows):
            if r0 <= h <= r1:
                src = filled[header_rows.index(r0)][c0] if r0 in header_rows else filled[k][c0]
                for c in range(c0, min(c1 + 1, width)):
                    if not filled[k][c]:
                        filled[k][c] = src
    for k in range(len(filled) - 1):
        upper, lower = filled[k], filled[k + 1]
        for c in range(1, width):
            if not upper[c] and lower[c] and upper[c - 1] and any(lower[j] for j in range(c)):
                upper[c] = upper[c - 1]
    labels = []
    for c in range(width):
        parts: list[str] = []
        for r in filled:
            if r[c] and (not parts or parts[-1] != r[c]):
                parts.append(r[c])
        labels.append(" - ".join(parts))
    return labels


def column_ids(labels: Sequence[str]) -> tuple[list[str], list[str]]:
    """Safe, unique SQL identifiers for the labels, plus warnings for the load log."""
    ids: list[str] = []
    seen: set[str] = set()
    warnings: list[str] = []
    for i, label in enumerate(labels, start=1):
        base = slugify_vi(label, max_length=50).replace("-", "_")
        if not label.strip():
            warnings.append(_("Cột %(n)d không có tiêu đề: đặt tên “cot_%(n)d”.") % {"n": i})
            base = f"cot_{i}"
        elif not base:
            base = f"cot_{i}"
        if not base[0].isalpha():
            base = f"c_{base}"
        candidate, n = base, 2
        while candidate in seen or candidate in RESERVED_IDS:
            candidate = f"{base}_{n}"
            n += 1
        if candidate != base and label.strip():
            warnings.append(
                _("Tiêu đề trùng “%(label)s”: cột %(n)d đặt tên “%(id)s”.")
                % {"label": label, "n": i, "id": candidate}
            )
        seen.add(candidate)
        ids.append(candidate)
    return ids, warnings
