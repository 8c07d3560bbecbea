"""Streaming exports of a filtered view: CSV (UTF-8 with BOM), XLSX (openpyxl write-only)
and JSON. Text that a spreadsheet would run as a formula is neutralised (OWASP)."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Prefix ``'`` to text starting with = + - @ tab or CR, so it is shown, not run."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_stream(
    header: list[str], rows: Iterable[list[Any]], *, batch: int = 500
) -> Iterator[bytes]:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    yield ("\ufeff" + buf.getvalue()).encode("utf-8")
    buf.seek(0)
    buf.truncate()
    for n, row in enumerate(rows, start=1):
        writer.writerow(["" if v is None else neutralise(v) for v in row])
        if n % batch == 0:
            yield buf.getvalue().encode("utf-8")
            buf.seek(0)
            buf.truncate()
    if buf.tell():
        yield buf.getvalue().encode("utf-8")


def json_stream(ids: list[str], rows: Iterable[list[Any]]) -> Iterator[bytes]:
    yield b"["
    first = True
    for row in rows:
        item = json.dumps(dict(zip(ids, row, strict=True)), ensure_ascii=False)
        yield (("\n" if first else ",\n") + item).encode("utf-8")
        first = False
    yield b"\n]\n"


def xlsx_file(header: list[str], rows: Iterable[list[Any]], types: list[str]) -> Any:
    """Write the rows with openpyxl's write-only workbook (rows go to disk as they come)
    and return the open temporary file, positioned at the start."""
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Dữ liệu")
    ws.append([neutralise(h) for h in header])
    for row in rows:
        out = []
        for v, t in zip(row, types, strict=True):
            if v is not None and t == "date":
                v = dt.date.fromisoformat(str(v)[:10])
            elif v is not None and t == "timestamp":
                v = dt.datetime.fromisoformat(str(v))
            out.append(neutralise(v))
        ws.append(out)
    tmp = tempfile.TemporaryFile(prefix="tinhso-xlsx-")  # noqa: SIM115 (closed by FileResponse)
    wb.save(tmp)
    tmp.seek(0)
    return tmp
