"""The load pipeline: read → detect header → infer types → write a fresh typed table →
build indexes. The caller swaps the table in.

PostgreSQL reads the file once (``pgload``: COPY into a staging table, types inferred and
converted in SQL); SQLite reads it twice here (whole-column inference in Python, then
conversion and batched inserts)."""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from tinhso.datastore import conf
from tinhso.datastore.ingest.backends import Writer, writer_for
from tinhso.datastore.ingest.errors import LoadError
from tinhso.datastore.ingest.header import column_ids, detect_header
from tinhso.datastore.ingest.infer import (
    PLACEHOLDER_SET,
    TYPE_LABELS,
    TYPES,
    ColumnProfile,
    ColumnType,
    ConversionFailed,
    decide,
    make_converter,
)
from tinhso.datastore.ingest.readers import Chunk, Reader, open_reader, sniff_format
from tinhso.datastore.sqlnames import quote_ident, quote_table

Progress = Callable[[str, int, int], None]  # (phase, rows_read, rows_loaded)
Log = Callable[[str, str], None]  # (level, message)
MAX_INDEXES = 16
# Rows parsed per step: small enough to stay in CPU caches (much faster than 50,000).
READ_ROWS = 2000


@dataclass
class LoadResult:
    fields: list[dict[str, Any]]
    rows: int
    detected: dict[str, Any] = field(default_factory=dict)


def _fit(chunk: Chunk, width: int, first_line: int) -> Chunk:
    """Pad short rows, drop blank rows, refuse rows with extra non-empty cells."""
    if len(set(map(len, chunk))) == 1 and len(chunk[0]) == width:
        return chunk
    out: Chunk = []
    for i, row in enumerate(chunk):
        n = len(row)
        if n == width:
            out.append(row)
        elif n < width:
            if n == 0 or not any(c.strip() for c in row):
                continue
            out.append(row + [""] * (width - n))
        else:
            if any(c.strip() for c in row[width:]):
                line = first_line + i
                raise LoadError(
                    _(
                        "Dòng %(line)d có %(n)d ô, nhiều hơn %(w)d cột của dòng tiêu đề. "
                        "Hãy kiểm tra dấu phân cách hoặc dấu ngoặc kép ở dòng này."
                    )
                    % {"line": line, "n": n, "w": width},
                    line=line,
                )
            out.append(row[:width])
    return out


def _prepare(
    path: Path, declared_format: str, options: dict[str, Any]
) -> tuple[Reader, Any, list[str], list[str]]:
    fmt = sniff_format(path, declared_format)
    reader = open_reader(path, fmt, options)
    sample = reader.sample(60)
    header = detect_header(sample, header_row=options.get("header_row"), merged=reader.merged)
    if header.width == 0 or not any(header.labels):
        raise LoadError(_("Không tìm thấy dòng tiêu đề: tệp không có dữ liệu dạng bảng."))
    max_cols = conf.get("MAX_COLUMNS")
    if header.width > max_cols:
        raise LoadError(
            _("Bảng có %(n)d cột, vượt giới hạn %(max)d cột. Hãy tách bảng thành nhiều tệp.")
            % {"n": header.width, "max": max_cols}
        )
    ids, warnings = column_ids(header.labels)
    return reader, header, ids, warnings


def load_file(**kwargs: Any) -> LoadResult:
    """Run the load with the cyclic garbage collector paused: the rows are short-lived
    lists freed by reference counting, and collecting while millions of them are alive
    costs more than parsing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_file(**kwargs)
    finally:
        if enabled:
            gc.enable()


def _load_file(
    *,
    path: Path,
    declared_format: str,
    options: dict[str, Any],
    table: str,
    progress: Progress,
    log: Log,
) -> LoadResult:
    reader, header, ids, warnings = _prepare(path, declared_format, options)
    for w in warnings:
        log("warning", w)
    width = header.width
    batch = conf.get("LOAD_BATCH_ROWS")
    if header.skip_rows > 1 or len(header.header_rows) > 1:
        log(
            "info",
            _("Bỏ qua %(n)d dòng đầu (tiêu đề bảng); dòng tiêu đề cột: %(rows)s.")
            % {
                "n": header.skip_rows - len(header.header_rows),
                "rows": ", ".join(str(r + 1) for r in header.header_rows),
            },
        )

    overrides: dict[str, str] = {
        k: v for k, v in (options.get("types") or {}).items() if v in TYPES
    }
    if connection.vendor == "postgresql":
        from tinhso.datastore.ingest.pgload import load_postgres

        progress("loading", 0, 0)
        pg_columns, rows = load_postgres(
            reader=reader,
            header=header,
            ids=ids,
            overrides=overrides,
            table=table,
            progress=progress,
            log=log,
            fit=_fit,
        )
        fields = [
            {
                "id": c.id,
                "type": c.ctype.type,
                "label": c.label,
                "convention": c.ctype.convention,
                "indexed": c.indexed,
                "nulls": c.nulls,
                "distinct": c.distinct,
            }
            for c in pg_columns
        ]
        return LoadResult(fields=fields, rows=rows, detected=_detected(reader, header))

    # One pass when the first rows tell the types right (the usual case): the types are
    # guessed from the first READ_ROWS rows, and every chunk is both inferred over (the
    # whole-column inference) and converted and written with the guessed types. If the
    # inference over every value ends on the guessed types, the table is what a second
    # pass would write; otherwise (a later value changes a type, or does not convert) the
    # table is written again from the file with the final types.
    progress("analysing", 0, 0)
    profiles = [ColumnProfile() for _ in range(width)]
    rows_read = 0
    loaded = 0
    guessed: list[ColumnType] | None = None
    guessed_strict: list[bool] = []
    writer: Writer | None = None
    converters: list[Any] = []
    pending: list[Any] = []
    try:
        for n, (chunk, line) in enumerate(reader.chunks(skip=header.skip_rows, size=READ_ROWS)):
            chunk = _fit(chunk, width, line)
            if not chunk:
                continue
            columns = list(zip(*chunk, strict=True))
            if guessed is None:
                sample = [ColumnProfile() for _ in range(width)]
                for profile, column in zip(sample, columns, strict=True):
                    profile.observe(column, track_distinct=False)
                guessed, guessed_strict = _types(ids, sample, overrides, reader)
                writer = writer_for(table, [(c, t.type) for c, t in zip(ids, guessed, strict=True)])
                writer.create()
                converters = [
                    make_converter(ct, target=connection.vendor, strict=st)
                    for ct, st in zip(guessed, guessed_strict, strict=True)
                ]
            # Distinct counts (an index hint) are sampled after the first chunks.
            track = n < 20 or n % 5 == 0
            for profile, column in zip(profiles, columns, strict=True):
                profile.observe(column, track_distinct=track)
            rows_read += len(chunk)
            if writer is not None:
                try:
                    out: list[Any] = [range(loaded + 1, loaded + 1 + len(chunk))]
                    out.extend(
                        convert(column) for convert, column in zip(converters, columns, strict=True)
                    )
                except ConversionFailed:
                    writer.drop()  # the second pass reports or demotes it
                    writer, pending = None, []
                else:
                    pending.extend(zip(*out, strict=True))
                    loaded += len(chunk)
                    if len(pending) >= batch:
                        writer.write(pending)
                        pending = []
            progress("analysing" if writer is None else "loading", rows_read, loaded)
        ctypes, strict = _types(ids, profiles, overrides, reader)
        if writer is not None and ctypes == guessed and strict == guessed_strict:
            if pending:
                writer.write(pending)
            pending = []
        else:
            if writer is not None:
                writer.drop()
            writer = None
    except BaseException:
        if writer is not None:
            writer.drop()
        raise

    # Second pass, when needed: convert and write with the types inferred over every
    # value; a value that defeats an inferred type (e.g. 31/02/2024) demotes that column
    # to text and the pass restarts.
    target = connection.vendor
    for _attempt in range(width + 1):
        if writer is not None:
            break
        columns_types = [(cid, ct.type) for cid, ct in zip(ids, ctypes, strict=True)]
        new_writer = writer_for(table, columns_types)
        new_writer.create()
        converters = [
            make_converter(ct, target=target, strict=s)
            for ct, s in zip(ctypes, strict, strict=True)
        ]
        loaded = 0
        pending = []
        try:
            for chunk, line in reader.chunks(skip=header.skip_rows, size=READ_ROWS):
                chunk = _fit(chunk, width, line)
                if not chunk:
                    continue
                out = [range(loaded + 1, loaded + 1 + len(chunk))]
                for j, (convert, column) in enumerate(
                    zip(converters, zip(*chunk, strict=True), strict=True)
                ):
                    try:
                        out.append(convert(column))
                    except ConversionFailed as exc:
                        if strict[j]:
                            raise LoadError(
                                _(
                                    "Cột “%(col)s”: giá trị “%(value)s” ở dòng %(line)d không chuyển được sang kiểu %(type)s."
                                )
                                % {
                                    "col": header.labels[j] or ids[j],
                                    "value": exc.value[:80],
                                    "line": line + exc.index,
                                    "type": TYPE_LABELS[ctypes[j].type],
                                },
                                line=line + exc.index,
                            ) from None
                        log(
                            "warning",
                            _(
                                "Cột “%(col)s”: giá trị “%(value)s” (dòng %(line)d) không phải %(type)s; giữ cột ở dạng văn bản."
                            )
                            % {
                                "col": header.labels[j] or ids[j],
                                "value": exc.value[:80],
                                "line": line + exc.index,
                                "type": TYPE_LABELS[ctypes[j].type],
                            },
                        )
                        ctypes[j] = ColumnType("text")
                        raise _Restart from None
                pending.extend(zip(*out, strict=True))
                loaded += len(chunk)
                if len(pending) >= batch:
                    new_writer.write(pending)
                    pending = []
                    progress("loading", rows_read, loaded)
            if pending:
                new_writer.write(pending)
        except _Restart:
            new_writer.drop()
            continue
        except BaseException:
            new_writer.drop()
            raise
        writer = new_writer
    if (
        writer is None
    ):  # pragma: no cover - every column demoted: cannot happen more than width times
        raise LoadError(_("Không nạp được bảng."))

    progress("indexing", rows_read, loaded)
    index_positions = _choose_indexes(
        ctypes, profiles, lambda j: _balanced_two_values(table, ids[j])
    )
    try:
        writer.index(index_positions)
    except BaseException:
        writer.drop()
        raise
    fields = []
    for j, (cid, ct) in enumerate(zip(ids, ctypes, strict=True)):
        prof = profiles[j]
        nulls, distinct = prof.nulls, prof.distinct
        if ct.loose or (strict[j] and ct.type not in ("text", "bool")):
            # The placeholders were loaded as NULL (counted by inference while the
            # column could be typed; under an override, counted in the table).
            nulls = prof.nulls + prof.placeholders if ct.loose else _nulls(table, cid)
            distinct = distinct - PLACEHOLDER_SET if distinct is not None else None
        fields.append(
            {
                "id": cid,
                "type": ct.type,
                "label": header.labels[j],
                "convention": ct.convention,
                "indexed": j in index_positions,
                "nulls": nulls,
                "distinct": len(distinct) if distinct is not None else None,
            }
        )
    return LoadResult(fields=fields, rows=loaded, detected=_detected(reader, header))


def _types(
    ids: list[str], profiles: list[ColumnProfile], overrides: dict[str, str], reader: Reader
) -> tuple[list[ColumnType], list[bool]]:
    """Each column's type (the publisher's override, else the inferred one) and whether
    its values must be validated one by one (overrides)."""
    ctypes: list[ColumnType] = []
    strict: list[bool] = []
    for cid, profile in zip(ids, profiles, strict=True):
        inferred = decide(profile, prefer_comma_decimal=reader.prefer_comma_decimal)
        wanted = overrides.get(cid)
        if wanted and wanted != inferred.type:
            same_family = {wanted, inferred.type} <= {"int", "numeric"} or {
                wanted,
                inferred.type,
            } <= {"date", "timestamp"}
            conv = inferred.convention if same_family else ""
            ctypes.append(ColumnType(wanted, conv, inferred.loose and same_family))
            strict.append(wanted != "text")
        else:
            ctypes.append(inferred)
            strict.append(False)
    return ctypes, strict


def _detected(reader: Reader, header: Any) -> dict[str, Any]:
    detected = dict(reader.detected)
    detected.update(
        {
            "header_rows": [r + 1 for r in header.header_rows],
            "skip_rows": header.skip_rows,
            "comma_decimal": reader.prefer_comma_decimal,
        }
    )
    return detected


class _Restart(Exception):
    pass


INDEX_MAX_DISTINCT = 1000


def _choose_indexes(
    ctypes: list[ColumnType],
    profiles: list[ColumnProfile],
    balanced: Callable[[int], bool] = lambda _j: False,
) -> list[int]:
    """Index the columns people filter on: dates, and categorical columns (at most
    INDEX_MAX_DISTINCT distinct short values: province, commune, year, status…), except
    those with two values of which neither is rare (``balanced``: yes/no, male/female),
    which an index would not serve. ``_id`` is always the primary key; the rest is read
    by scanning."""
    chosen = []
    for j, (ct, prof) in enumerate(zip(ctypes, profiles, strict=True)):
        if prof.values == 0:
            continue
        categorical = (
            prof.distinct is not None
            and len(prof.distinct) <= INDEX_MAX_DISTINCT
            and max(map(len, prof.distinct), default=0) <= 200
        )
        if ct.type in ("date", "timestamp"):
            chosen.append(j)
        elif categorical:
            assert prof.distinct is not None
            if len(prof.distinct - {""}) <= 2 and balanced(j):
                continue
            chosen.append(j)
    return chosen[:MAX_INDEXES]


BALANCE_SAMPLE = 10_000


def _nulls(table: str, column: str) -> int:
    col = quote_ident(column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) - COUNT({col}) FROM {quote_table(table)}")  # noqa: S608
        return int(cursor.fetchone()[0])


def _balanced_two_values(table: str, column: str) -> bool:
    """Whether the first BALANCE_SAMPLE rows hold two values, neither under 10 %."""
    col = quote_ident(column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT {col} AS v FROM {quote_table(table)} "  # noqa: S608
            'WHERE "_id" <= %s) AS s WHERE v IS NOT NULL GROUP BY v',
            [BALANCE_SAMPLE],
        )
        counts = [int(r[0]) for r in cursor.fetchall()]
    return len(counts) == 2 and min(counts) >= 0.1 * sum(counts)
