"""PostgreSQL load: the file is read ONCE by Python and streamed with ``COPY`` into an
UNLOGGED all-text staging table; the column types are then inferred IN SQL over every
value, and one ``CREATE TABLE … AS SELECT`` of SQL casts writes the typed table, which is
vacuumed, analysed and indexed before the caller swaps it in.

* Delimited text files are streamed as text (decoded and NFC-normalised in Python, a
  few MB at a time), so the server's C parser splits the fields. A file COPY cannot take
  as it is (ragged rows, blank lines) is streamed again as parsed rows (``write_row``)
  with the same padding/refusal rules as the SQLite path; spreadsheets and JSON always
  go that way.
* Inference: the first rows (a sample) rule out most candidate types cheaply in Python;
  for each column the highest-ranked candidate that survives is then checked over the
  whole column by one aggregate query of regular expressions (a parallel scan); a column
  that fails gets all its other candidates checked in a second query.
* Conversion: a value that matches the pattern but does not convert (31/02/2024, an
  integer beyond bigint) makes the CREATE TABLE fail; the column and the first row at
  fault are then found (one probe per column, then a bisection on ``_id``), an inferred
  column is demoted (int → numeric → text) and logged, and a column whose type the
  publisher forced fails the load naming the column, value and line.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import time
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.db import DataError, connection, connections, transaction
from django.utils.translation import gettext as _

from tinhso.datastore.ingest.errors import LoadError
from tinhso.datastore.ingest.header import HeaderInfo
from tinhso.datastore.ingest.infer import (
    GROUP_SPACES,
    PLACEHOLDERS,
    TYPE_LABELS,
    TYPES,
    ColumnProfile,
    ColumnType,
)
from tinhso.datastore.ingest.readers import CsvReader, Reader
from tinhso.datastore.ingest.textfile import Utf8Guard
from tinhso.datastore.sqlnames import index_name, quote_ident, quote_table, staging_name

Progress = Callable[[str, int, int], None]
Log = Callable[[str, str], None]
Fit = Callable[[list[list[str]], int, int], list[list[str]]]

SAMPLE_ROWS = 2000
READ_BYTES = 1 << 20
PIECE_CHARS = 2 << 20  # characters prepared at a time
STATEMENT_CHARS = 48 << 20  # characters per COPY statement (progress between them)
ROW_BATCH = 50_000
INDEX_MAX_DISTINCT = 1000
MAX_INDEXES = 16
INDEX_MEMORY = "128MB"
# Relative CPU cost of an index build by column type, measured on 1 M rows: text sorts
# through the collation (1.0-1.3 CPU-s), numeric 0.8, integers and dates 0.5-0.7; "_id"
# (0) arrives sorted.
BUILD_COST = {"text": 3, "numeric": 2}

# Regular expressions of the candidate types, in PostgreSQL's syntax, applied to the
# value trimmed of spaces and tabs. They accept what infer.py's patterns accept.
_TIME = "([ T]([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]{1,6})?)?)?"
_DM = "(0?[1-9]|[12][0-9]|3[01])"
_MM = "(0?[1-9]|1[0-2])"
PATTERNS = {
    "int": "^[+-]?(0|[1-9][0-9]*)$",
    "int_gc": "^[+-]?(0|[1-9][0-9]*|[1-9][0-9]{0,2}(,[0-9]{3})+)$",
    "int_gd": "^[+-]?(0|[1-9][0-9]*|[1-9][0-9]{0,2}([.][0-9]{3})+)$",
    "num_dot": "^[+-]?((0|[1-9][0-9]*|[1-9][0-9]{0,2}(,[0-9]{3})+)([.][0-9]+)?|[.][0-9]+)"
    "([eE][+-]?[0-9]{1,3})?$",
    "num_comma": "^[+-]?((0|[1-9][0-9]*|[1-9][0-9]{0,2}([.][0-9]{3})+)(,[0-9]+)?|,[0-9]+)$",
    "date_dmy": f"^{_DM}(/{_MM}/|[.]{_MM}[.]|-{_MM}-)[0-9]{{4}}{_TIME}$",
    "date_mdy": f"^{_MM}(/{_DM}/|[.]{_DM}[.]|-{_DM}-)[0-9]{{4}}"
    "([ T]([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?)?$",
    "date_ymd": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    "([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]{1,6})?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?$",
}
_SP = f"[{GROUP_SPACES}]"
# The loose patterns of infer.py (thousands grouped with spaces; the placeholders are
# tested apart, with ``IN``).
LOOSE_PATTERNS = {
    **PATTERNS,
    "int_gc": f"^[+-]?(0|[1-9][0-9]*|[1-9][0-9]{{0,2}}(,[0-9]{{3}})+|[1-9][0-9]{{0,2}}({_SP}[0-9]{{3}})+)$",
    "int_gd": f"^[+-]?(0|[1-9][0-9]*|[1-9][0-9]{{0,2}}([.][0-9]{{3}})+|[1-9][0-9]{{0,2}}({_SP}[0-9]{{3}})+)$",
    "num_dot": "^[+-]?((0|[1-9][0-9]*|[1-9][0-9]{0,2}(,[0-9]{3})+"
    f"|[1-9][0-9]{{0,2}}({_SP}[0-9]{{3}})+)([.][0-9]+)?|[.][0-9]+)([eE][+-]?[0-9]{{1,3}})?$",
    "num_comma": "^[+-]?((0|[1-9][0-9]*|[1-9][0-9]{0,2}([.][0-9]{3})+"
    f"|[1-9][0-9]{{0,2}}({_SP}[0-9]{{3}})+)(,[0-9]+)?|,[0-9]+)$",
}
TRUE_WORDS = ("true", "yes", "có", "đúng", "t", "y")
FALSE_WORDS = ("false", "no", "không", "sai", "f", "n")
_INT_CANDIDATES = ("int", "int_gc", "int_gd")
SQL_TYPE = {
    "int": "bigint",
    "numeric": "numeric",
    "date": "date",
    "timestamp": "timestamp",
    "bool": "boolean",
    "text": "text",
}
# Candidate → (type, convention); the order is the precedence of decide() in infer.py.
CANDIDATE_TYPES = {
    "int": ("int", ""),
    "int_gc": ("int", "gc"),
    "num_dot": ("numeric", "gc"),
    "int_gd": ("int", "gd"),
    "num_comma": ("numeric", "gd"),
    "date_dmy": ("date", "dmy"),
    "date_ymd": ("date", "ymd"),
    "date_mdy": ("date", "mdy"),
    "bool": ("bool", ""),
}


def _lit(text: str) -> str:
    """A constant of this module as an SQL string literal (never user data)."""
    return "'" + text.replace("'", "''") + "'"


def _value(col: str) -> str:
    return f"nullif(btrim({col}, E' \\t'), '')"


def _placeholders() -> str:
    """The placeholders of infer.py as an SQL list, for ``IN (…)``."""
    return ", ".join(_lit(p) for p in PLACEHOLDERS)


def _test(candidate: str, col: str) -> str:
    """SQL boolean: the trimmed value (NULL when empty) fits ``candidate``'s loose pattern
    (infer.py's: a placeholder, or a value of the strict pattern or with thousands
    grouped by spaces)."""
    v = _value(col)
    if candidate == "bool":
        words = ", ".join(_lit(w) for w in TRUE_WORDS + FALSE_WORDS)
        return f"lower({v}) IN ({words})"
    test = f"{v} ~ {_lit(LOOSE_PATTERNS[candidate])}"
    if candidate in _INT_CANDIDATES:  # at most 18 digits, as in infer.py
        test += f" AND length(translate({v}, {_lit('+-,.' + GROUP_SPACES)}, '')) <= 18"
    return f"({v} IN ({_placeholders()}) OR ({test}))"


@dataclass
class Column:
    position: int
    id: str
    label: str
    ctype: ColumnType = field(default_factory=lambda: ColumnType("text"))
    strict: bool = False
    inferred: ColumnType = field(default_factory=lambda: ColumnType("text"))
    ranked: list[str] = field(default_factory=list)  # candidates left by the sample
    verified: bool = False  # inferred over the whole column (else guessed from the sample)
    nulls: int = 0
    distinct: int | None = None
    indexed: bool = False

    @property
    def staged(self) -> str:
        return f'"c{self.position}"'


def _cast(col: Column) -> str:
    """The SQL expression converting the staged text of ``col`` to its type; a value that
    does not convert raises. Values are trimmed first, except in columns whose guessed
    type passed ``_suspicious`` (no value there has spaces or tabs at its ends). In a
    loose column (and under a publisher's override) placeholders are NULL; in a loose
    number column the spaces grouping thousands are dropped."""
    raw = col.staged
    t, conv = col.ctype.type, col.ctype.convention
    if t == "text":
        return f"nullif({raw}, '')"
    v = _value(raw) if col.verified or col.strict else f"nullif({raw}, '')"
    if t != "bool" and (col.ctype.loose or col.strict):
        v = f"(CASE WHEN {v} IN ({_placeholders()}) THEN NULL ELSE {v} END)"
    if t in ("int", "numeric"):
        if col.ctype.loose:
            v = f"translate({v}, {_lit(GROUP_SPACES)}, '')"
        if conv == "gc":
            x = f"replace({v}, ',', '')"
        elif conv == "gd":
            x = (
                f"replace({v}, '.', '')"
                if t == "int"
                else f"replace(replace({v}, '.', ''), ',', '.')"
            )
        else:
            x = v
        if t == "numeric" and col.strict:  # Python's Decimal refuses NaN/Infinity: so do we
            return (
                f"CASE WHEN {x} ~* '^[+-]?(nan|inf|infinity)$' THEN ('!' || {v})::numeric "
                f"ELSE {x}::numeric END"
            )
        return f"{x}::{SQL_TYPE[t]}"
    if t == "bool":
        true = ", ".join(_lit(w) for w in TRUE_WORDS)
        false = ", ".join(_lit(w) for w in FALSE_WORDS)
        # Values already in lower case (most) are matched before lower() is called:
        # 0.03 instead of 0.26 CPU-seconds per million values.
        return (
            f"CASE WHEN {v} IS NULL THEN NULL WHEN {v} IN ({true}) THEN true "
            f"WHEN {v} IN ({false}) THEN false WHEN lower({v}) IN ({true}) THEN true "
            f"WHEN lower({v}) IN ({false}) THEN false ELSE ('!' || {v})::boolean END"
        )
    conv = conv or "dmy"
    if t == "date":
        fmt = {"dmy": "DD/MM/YYYY", "mdy": "MM/DD/YYYY", "ymd": "YYYY-MM-DD"}[conv]
        expr = f"to_date({v}, '{fmt}')"
        if col.strict:  # to_date alone tolerates trailing text
            shape = "^[0-9]{1,4}[/.-][0-9]{1,2}[/.-][0-9]{1,4}$"
            return f"CASE WHEN {v} ~ '{shape}' THEN {expr} ELSE ('!' || {v})::date END"
        return expr
    # timestamp: reorder day/month/year to ISO, then PostgreSQL's own parser.
    if conv == "ymd":
        return f"{v}::timestamp"
    order = "\\3-\\2-\\1 " if conv == "dmy" else "\\3-\\1-\\2 "
    iso = f"regexp_replace({v}, '^([0-9]{{1,2}})[/.-]([0-9]{{1,2}})[/.-]([0-9]{{4}})T?', '{order}')"
    if col.strict:
        shape = "^[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{4}([ T][0-9:.]+)?$"
        return f"CASE WHEN {v} ~ '{shape}' THEN ({iso})::timestamp ELSE ('!' || {v})::timestamp END"
    return f"({iso})::timestamp"


# ------------------------------------------------------------------ staging


@dataclass
class Staged:
    rows: int
    first_line: int  # file line of the first data row
    # (first _id, file line) of each block written as parsed rows; empty for raw streaming
    line_marks: list[tuple[int, int]] = field(default_factory=list)
    raw: bool = True

    def line_of(self, row_id: int) -> int:
        if not self.line_marks:
            return self.first_line + row_id - 1
        i = bisect_right(self.line_marks, (row_id, 1 << 62)) - 1
        start, line = self.line_marks[max(i, 0)]
        return line + row_id - start


def _create_staging(stage: str, width: int) -> None:
    cols = ", ".join(f'"c{j}" text' for j in range(width))
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE IF EXISTS "{stage}"')
        cursor.execute(
            f'CREATE UNLOGGED TABLE "{stage}" ('
            '"_id" bigint GENERATED BY DEFAULT AS IDENTITY (CACHE 10000), '
            f"{cols})"
        )


def _copy_sql(stage: str, width: int, *, delimiter: str | None) -> str:
    cols = ", ".join(f'"c{j}"' for j in range(width))
    if delimiter is None:
        return f'COPY "{stage}" ({cols}) FROM STDIN'
    return (
        f'COPY "{stage}" ({cols}) FROM STDIN (FORMAT csv, DELIMITER {_lit(delimiter)}, QUOTE \'"\')'
    )


def _cut(text: str) -> int:
    """Index just after the last newline of ``text`` that is not inside a quoted field
    (quotes are doubled inside quoted fields, so an even count means outside); 0 if none."""
    end = len(text)
    while True:
        nl = text.rfind("\n", 0, end)
        if nl < 0:
            return 0
        if text.count('"', 0, nl) % 2 == 0:
            return nl + 1
        end = nl


def _skip_records(text: str, n: int, delimiter: str) -> tuple[int, int] | None:
    """(offset in ``text`` after ``n`` CSV records, physical lines they span), or None
    when ``text`` does not hold them all yet."""
    if n == 0:
        return 0, 0
    stream = io.StringIO(text, newline="")
    reader = csv.reader(stream, delimiter=delimiter, quotechar='"')
    try:
        for _i in range(n):
            next(reader)
    except (StopIteration, csv.Error):
        return None
    lines = reader.line_num
    offset = -1
    for _i in range(lines):
        offset = text.find("\n", offset + 1)
        if offset < 0:
            return None
    return offset + 1, lines


class _NotCopyable(Exception):
    """The raw text does not fit COPY (ragged rows, blank lines…): stream parsed rows."""


class _Lines(list[str]):
    """A csv.writer target collecting one string per written row."""

    def write(self, text: str) -> None:
        self.append(text)


_QUOTED_SPAN = re.compile(r'"(?:[^"]|"")*"')


def _well_quoted(piece: str, delimiter: str) -> bool:
    """True when every quote of ``piece`` belongs to a quoted field that starts right
    after a delimiter or line break and ends right before one (RFC 4180): Python's csv
    reader and COPY then split the records the same way."""
    before = (delimiter, "\n")
    after = (delimiter, "\n", "\r")
    size = len(piece)
    count = piece.count
    quotes = 0
    for m in _QUOTED_SPAN.finditer(piece):
        a, b = m.span()
        if (a and piece[a - 1] not in before) or (b < size and piece[b] not in after):
            return False
        quotes += count('"', a, b)
    return quotes == count('"')


def _canonical(piece: str, delimiter: str, eol: str) -> str:
    """Rewrite the records that hold a quote as Python's csv module reads them, so that
    COPY splits every record as the SQLite path does: Python opens a quoted field only at
    the start of a field (``Công ty "Hoàng Long"`` is plain text), COPY at any quote.
    Records without quotes are passed through untouched, and so is a piece whose quotes
    all delimit whole fields (``_well_quoted``), where both readers agree."""
    if '"' not in piece or _well_quoted(piece, delimiter):
        return piece
    find, rfind, count = piece.find, piece.rfind, piece.count
    regions: list[tuple[int, int]] = []
    pos = 0
    while (q := find('"', pos)) >= 0:
        start = rfind("\n", 0, q) + 1
        end = find("\n", q)
        while end >= 0 and count('"', start, end) % 2:
            end = find("\n", end + 1)
        end = len(piece) if end < 0 else end + 1
        regions.append((start, end))
        pos = end
    records = [piece[a:b] for a, b in regions]
    try:
        rows = list(csv.reader(records, delimiter=delimiter, quotechar='"'))
    except csv.Error as exc:
        raise _NotCopyable from exc
    if len(rows) != len(records):
        raise _NotCopyable
    sink = _Lines()
    csv.writer(sink, delimiter=delimiter, quotechar='"', lineterminator=eol).writerows(rows)
    out: list[str] = []
    pos = 0
    for (a, b), text in zip(regions, sink, strict=True):
        out.append(piece[pos:a])
        out.append(text if piece[b - 1 : b] == "\n" else text[: -len(eol)])
        pos = b
    out.append(piece[pos:])
    return "".join(out)


def _pieces(reader: CsvReader, header: HeaderInfo, info: dict[str, int]) -> Iterator[str]:
    """The data records of the file as text ready for COPY, a few MB at a time: decoded,
    NFC, cut at record ends, quotes made unambiguous; ``info['first_line']`` is set to
    the line of the first data record."""
    decoder = codecs.getincrementaldecoder(reader.encoding)(errors="strict")
    guard = Utf8Guard(reader.path, reader.encoding) if reader.guard else None
    pending = ""
    skipped = False
    eol = "\n"
    with reader.path.open("rb") as fh:
        while True:
            chunk = fh.read(READ_BYTES)
            if guard is not None:  # UTF-8 lines in a legacy file: refused (LoadError)
                guard.feed(chunk)
            try:
                pending += decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:  # the row path reports the line
                raise _NotCopyable from exc
            if not skipped:
                if "\n" not in pending and "\r" in pending:
                    raise _NotCopyable  # old Mac line ends
                found = _skip_records(pending, header.skip_rows, reader.delimiter)
                if found is None:
                    if chunk:
                        continue
                    raise _NotCopyable
                offset, lines = found
                pending = pending[offset:]
                info["first_line"] = lines + 1
                skipped = True
                nl = pending.find("\n")
                eol = "\r\n" if nl > 0 and pending[nl - 1] == "\r" else "\n"
            if chunk and len(pending) < PIECE_CHARS:
                continue
            cut = _cut(pending) if chunk else len(pending)
            if not cut and len(pending) > 16 * PIECE_CHARS:
                raise _NotCopyable  # unbalanced quotes: let Python's csv reader decide
            if cut:
                piece, pending = pending[:cut], pending[cut:]
                if not piece.isascii():
                    if "\ufeff" in piece:  # a byte order mark inside the file (files joined)
                        piece = piece.replace("\ufeff", "")
                    if not unicodedata.is_normalized("NFC", piece):
                        piece = unicodedata.normalize("NFC", piece)
                yield _canonical(piece, reader.delimiter, eol)
            if not chunk:
                return


def _stream_raw(reader: CsvReader, header: HeaderInfo, stage: str, progress: Progress) -> Staged:
    """COPY the prepared text into the staging table. Python prepares the next piece
    while a writer thread sends the previous one; each COPY statement carries about
    STATEMENT_CHARS characters, and progress is written between statements."""
    from psycopg.copy import QueuedLibpqWriter

    info = {"first_line": 1}
    pieces = _pieces(reader, header, info)
    sql = _copy_sql(stage, header.width, delimiter=reader.delimiter)
    rows = 0
    done = False
    while not done:
        sent = 0
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                raw = cursor.cursor
                with raw.copy(sql, writer=QueuedLibpqWriter(raw)) as copy:
                    for piece in pieces:
                        copy.write(piece)
                        rows += piece.count("\n")
                        sent += len(piece)
                        if sent >= STATEMENT_CHARS:
                            break
                    else:
                        done = True
        except _copy_errors() as exc:
            raise _NotCopyable from exc
        progress("loading", rows, 0)
    return Staged(rows=rows, first_line=info["first_line"])


def _stream_rows(
    reader: Reader, header: HeaderInfo, stage: str, progress: Progress, fit: Fit
) -> Staged:
    width = header.width
    sql = _copy_sql(stage, width, delimiter=None)
    marks: list[tuple[int, int]] = []
    rows = 0
    first_line = 0
    batch: list[list[str | None]] = []
    batch_first_id = 1

    def flush() -> None:
        nonlocal batch, batch_first_id
        if not batch:
            return
        try:
            with (
                transaction.atomic(),
                connection.cursor() as cursor,
                cursor.cursor.copy(sql) as copy,
            ):
                for row in batch:
                    copy.write_row(row)
        except _copy_errors() as exc:
            line_no = _copy_error_line(exc)
            line = (
                Staged(0, first_line, marks).line_of(batch_first_id + line_no - 1)
                if line_no
                else None
            )
            raise LoadError(
                _("Không nạp được dòng %(line)s: %(err)s")
                % {"line": line or "?", "err": str(exc.__cause__ or exc).splitlines()[0][:200]},
                line=line,
            ) from exc
        batch_first_id = rows + 1
        batch = []
        progress("loading", rows, 0)

    for chunk, line in reader.chunks(skip=header.skip_rows, size=2000):
        fitted = fit(chunk, width, line)
        if not fitted:
            continue
        first_line = first_line or line
        marks.append((rows + 1, line))
        batch.extend([[c if c != "" else None for c in r] for r in fitted])
        rows += len(fitted)
        if len(batch) >= ROW_BATCH:
            flush()
    flush()
    return Staged(rows=rows, first_line=first_line or 1, line_marks=marks, raw=False)


def _copy_errors() -> tuple[type[Exception], ...]:
    """Bad data met by COPY: raised by psycopg itself (the copy object is psycopg's), or
    wrapped by Django."""
    import psycopg

    return (DataError, psycopg.DataError)


def _copy_error_line(exc: Exception) -> int | None:
    cause = exc.__cause__ or exc
    context = getattr(getattr(cause, "diag", None), "context", None) or ""
    m = re.search(r"line (\d+)", context)
    return int(m.group(1)) if m else None


# ------------------------------------------------------------------ inference


def _sample_profiles(stage: str, width: int) -> list[ColumnProfile]:
    cols = ", ".join(f'"c{j}"' for j in range(width))
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT {cols} FROM "{stage}" LIMIT {SAMPLE_ROWS}')  # noqa: S608
        rows = cursor.fetchall()
    profiles = [ColumnProfile() for _ in range(width)]
    if rows:
        for profile, column in zip(profiles, zip(*rows, strict=True), strict=True):
            profile.observe([v or "" for v in column], track_distinct=False)
    return profiles


def _ranked(candidates: set[str], prefer_comma: bool) -> list[str]:
    order = list(CANDIDATE_TYPES)
    if prefer_comma:
        order = ["int", "int_gd", "num_comma", "int_gc", "num_dot", *order[5:]]
    return [c for c in order if c in candidates]


def _candidate_type(candidate: str, has_time: bool, loose: bool = False) -> ColumnType:
    t, conv = CANDIDATE_TYPES[candidate]
    return ColumnType("timestamp" if t == "date" and has_time else t, conv, loose)


def _guess(columns: list[Column], profiles: list[ColumnProfile], prefer_comma: bool) -> None:
    """Types from the first rows: the highest-ranked candidate the sample leaves. The
    guess is checked over the whole column by the conversion itself (see ``_guard``)."""
    for c in columns:
        profile = profiles[c.position]
        ranked = _ranked(profile.candidates, prefer_comma)
        c.ranked = ranked
        c.inferred = (
            _candidate_type(ranked[0], profile.has_time, profile.loose)
            if ranked
            else ColumnType("text")
        )
        c.verified = not ranked


def _infer_precise(stage: str, columns: list[Column]) -> None:
    """Every candidate of ``columns`` checked over the whole column with the patterns of
    infer.py (one aggregate query); sets ``inferred``."""
    exprs: list[str] = []
    keys: list[tuple[str, int, str]] = []
    for c in columns:
        v = _value(c.staged)
        exprs.append(f"count({v})")
        keys.append(("values", c.position, ""))
        if c.ranked:
            exprs.append(f"count({v}) FILTER (WHERE {v} IN ({_placeholders()}))")
            keys.append(("placeholders", c.position, ""))
            exprs.append(f"coalesce(bool_or({v} ~ {_lit(_SP)}), false)")
            keys.append(("spaces", c.position, ""))
        for cand in c.ranked:
            exprs.append(f"bool_and({_test(cand, c.staged)})")
            keys.append(("test", c.position, cand))
        if any(r.startswith("date") for r in c.ranked):
            exprs.append(f"bool_or(strpos({c.staged}, ':') > 0)")
            keys.append(("time", c.position, ""))
    results = _aggregate(stage, exprs, keys) if exprs else {}
    for c in columns:
        c.inferred = ColumnType("text")
        c.verified = True
        placeholders = results.get(("placeholders", c.position, "")) or 0
        if (results.get(("values", c.position, "")) or 0) <= placeholders:
            continue  # empty, or nothing but placeholders: text
        for cand in c.ranked:
            if results.get(("test", c.position, cand)):
                number = cand.startswith(("int", "num"))
                loose = placeholders > 0 or (
                    number and bool(results.get(("spaces", c.position, "")))
                )
                has_time = bool(results.get(("time", c.position, "")))
                c.inferred = _candidate_type(cand, has_time, loose)
                break


def _aggregate(
    stage: str, exprs: list[str], keys: list[tuple[str, int, str]], *, workers: bool = True
) -> dict[tuple[str, int, str], Any]:
    out: dict[tuple[str, int, str], Any] = {}
    step = 400  # PostgreSQL allows 1,664 target entries
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        if not workers:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        for start in range(0, len(exprs), step):
            part = exprs[start : start + step]
            cursor.execute(f'SELECT {", ".join(part)} FROM "{stage}"')  # noqa: S608
            out.update(zip(keys[start : start + step], cursor.fetchone(), strict=True))
    return out


# ------------------------------------------------------------------ conversion


def _suspicious(col: Column) -> str:
    """SQL boolean over a raw staged value of a column whose type is only guessed from the
    first rows: true when the cast alone could accept a value that infer.py's pattern
    refuses (spaces at the ends, leading zeros, thousands separators, NaN, loose date
    shapes). A column with such a value is checked with the full patterns instead."""
    test = _suspicious_value(col)
    if not col.ctype.loose or test == "false":
        return test
    # Placeholders load as NULL. In numbers, a space anywhere sends the column to the
    # full patterns (the cast drops the spaces, so it would take "1 2" for 12).
    test = f"({col.staged} NOT IN ({_placeholders()}) AND ({test}))"
    if col.ctype.type in ("int", "numeric"):
        test += f" OR {col.staged} ~ {_lit(_SP)}"
    return test


def _suspicious_value(col: Column) -> str:
    c = col.staged
    t, conv = col.ctype.type, col.ctype.convention
    edges = f"{c} LIKE ' %' OR {c} LIKE '% ' OR {c} LIKE E'\\t%' OR {c} LIKE E'%\\t'"
    zero = f"(({c} LIKE '0_%' OR {c} LIKE '-0_%' OR {c} LIKE '+0_%') AND {c} ~ '^[+-]?0[0-9]')"
    if t == "int":
        group = {"gc": ",", "gd": "."}.get(conv)
        extra = f" OR strpos({c}, '{group}') > 0" if group else ""
        return f"{edges} OR {zero} OR length({c}) > 18{extra}"
    if t == "numeric":
        letters = f"{c} LIKE '%n%' OR {c} LIKE '%N%'"
        if conv == "gd":
            return (
                f"{edges} OR {zero} OR {letters} OR {c} LIKE '%e%' OR {c} LIKE '%E%' "
                f"OR strpos({c}, '.') > 0 OR {c} LIKE '%,'"
            )
        return f"{edges} OR {zero} OR {letters} OR strpos({c}, ',') > 0 OR {c} LIKE '%.'"
    if t in ("date", "timestamp"):
        if conv == "ymd":
            shape = f"{c} LIKE '____-__-__'" if t == "date" else f"{c} LIKE '____-__-__%'"
            return f"{edges} OR NOT ({shape})"
        year = "____" if t == "date" else "____%"
        shapes = " OR ".join(f"{c} LIKE '%{s}%{s}{year}'" for s in "/.-")
        size = f"length({c}) BETWEEN 8 AND 10" if t == "date" else f"length({c}) <= 30"
        return f"{edges} OR NOT ({size} AND ({shapes}))"
    return "false"


def _guessed(columns: list[Column]) -> list[Column]:
    return [
        c
        for c in columns
        if not c.verified and not c.strict and c.ctype.type not in ("text", "bool")
    ]


def _doubtful(stage: str, guessed: list[Column], *, workers: bool = True) -> list[Column]:
    """One scan of cheap tests over the guessed columns: those with a suspicious value."""
    if not guessed:
        return []
    keys = [("suspicious", c.position, "") for c in guessed]
    exprs = [f"bool_or({_suspicious(c)})" for c in guessed]
    results = _aggregate(stage, exprs, keys, workers=workers)
    return [c for c in guessed if results.get(("suspicious", c.position, ""))]


def _doubtful_elsewhere(stage: str, guessed: list[Column]) -> list[Column]:
    """``_doubtful`` on a connection of this (worker) thread, closed afterwards; the
    check uses one process, so that it and the typed write share the two CPUs."""
    alias = connection.alias
    try:
        return _doubtful(stage, guessed, workers=False)
    finally:
        connections[alias].close()


def _convert(col: Column) -> str:
    return _cast(col)


class _ConversionFailed(Exception):
    def __init__(self, column: Column, row_id: int, value: str, overflow: bool) -> None:
        super().__init__(value)
        self.column = column
        self.row_id = row_id
        self.value = value
        self.overflow = overflow


def _create_typed(table: str, stage: str, columns: list[Column]) -> int:
    select = ", ".join(['"_id"'] + [f"{_convert(c)} AS {quote_ident(c.id)}" for c in columns])
    with transaction.atomic(), connection.cursor() as cursor:
        # One process reads the staging table in order, so rows keep the file's order.
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(f"DROP TABLE IF EXISTS {quote_table(table)}")
        cursor.execute(
            f'CREATE TABLE {quote_table(table)} AS SELECT {select} FROM "{stage}"'  # noqa: S608
        )
        return int(cursor.rowcount)


def _fails(stage: str, expr: str, where: str = "") -> str | None:
    """The SQLSTATE of the error ``expr`` raises over the staged rows, or None."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f'SELECT count({expr}) FROM "{stage}" {where}')  # noqa: S608
    except DataError as exc:
        return getattr(exc.__cause__, "sqlstate", None) or "22000"
    return None


def _find_failure(
    stage: str, columns: list[Column], rows: int, error: DataError
) -> _ConversionFailed:
    """The first column (by position) and first row whose conversion raises."""
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE INDEX IF NOT EXISTS "{stage}_id" ON "{stage}" ("_id")')
        cursor.execute(f'SELECT max("_id") FROM "{stage}"')  # noqa: S608
        rows = int(cursor.fetchone()[0] or 1)
    for col in columns:
        if col.ctype.type == "text":
            continue
        expr = _convert(col)
        state = _fails(stage, expr)
        if state is None:
            continue
        lo, hi = 1, max(rows, 1)
        while lo < hi:
            mid = (lo + hi) // 2
            if _fails(stage, expr, f'WHERE "_id" BETWEEN {lo} AND {mid}'):
                hi = mid
            else:
                lo = mid + 1
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT {col.staged} FROM "{stage}" WHERE "_id" = {lo}')  # noqa: S608
            found = cursor.fetchone()
        return _ConversionFailed(col, lo, (found[0] if found else "") or "", state == "22003")
    raise error  # pragma: no cover - the failing statement failed for another reason


def _apply_types(
    columns: list[Column], overrides: dict[str, str], profiles: list[ColumnProfile]
) -> None:
    """``ctype`` of each column: the publisher's override, else the inferred type."""
    for c in columns:
        inferred = c.inferred
        wanted = overrides.get(c.id)
        if wanted in TYPES and wanted != inferred.type:
            families = ({"int", "numeric"}, {"date", "timestamp"})
            same = any({wanted, inferred.type} <= f for f in families)
            conv = inferred.convention if same else ""
            if not conv and wanted in ("date", "timestamp"):
                cands = profiles[c.position].candidates
                conv = next((k for k in ("dmy", "ymd", "mdy") if f"date_{k}" in cands), "dmy")
            c.ctype = ColumnType(wanted, conv, inferred.loose and same)
            c.strict = wanted != "text"
        else:
            c.ctype = inferred
            c.strict = False


def _convert_all(
    *,
    table: str,
    stage: str,
    columns: list[Column],
    staged: Staged,
    overrides: dict[str, str],
    profiles: list[ColumnProfile],
    log: Log,
) -> int:
    """Write the typed table; returns its row count. See the module docstring.

    The guesses from the sample are checked over the whole column (``_doubtful``) while
    the typed table is being written: on another connection when the staging table is
    committed (a load outside a transaction), else before. A column with a suspicious
    value is then inferred with the full patterns and the table written again."""
    _apply_types(columns, overrides, profiles)
    guessed = _guessed(columns)
    error: DataError | None = None
    rows: int | None = None
    if guessed and not connection.in_atomic_block:
        with ThreadPoolExecutor(max_workers=1) as pool:
            check = pool.submit(_doubtful_elsewhere, stage, guessed)
            try:
                rows = _create_typed(table, stage, columns)
            except DataError as exc:
                error = exc
            doubtful = check.result()
    else:
        doubtful = _doubtful(stage, guessed)
    if doubtful:
        _infer_precise(stage, doubtful)
        _apply_types(columns, overrides, profiles)
        rows, error = None, None
    elif rows is not None:
        return rows
    for _attempt in range(2 * len(columns) + 2):
        if error is None:
            try:
                return _create_typed(table, stage, columns)
            except DataError as exc:
                error = exc
        failed, error = error, None
        unverified = [c for c in columns if not c.verified and not c.strict]
        if unverified:  # a guess was wrong: check every candidate over the whole columns
            _infer_precise(stage, unverified)
            _apply_types(columns, overrides, profiles)
            continue
        failure = _find_failure(stage, columns, staged.rows, failed)
        col = failure.column
        line = staged.line_of(failure.row_id)
        type_label = TYPE_LABELS[col.ctype.type]
        if col.strict:
            raise LoadError(
                _(
                    "Cột “%(col)s”: giá trị “%(value)s” ở dòng %(line)d không chuyển được sang kiểu %(type)s."
                )
                % {
                    "col": col.label or col.id,
                    "value": failure.value[:80],
                    "line": line,
                    "type": type_label,
                },
                line=line,
            )
        if col.ctype.type == "int" and failure.overflow:
            col.ctype = ColumnType("numeric", col.ctype.convention)
            continue
        log(
            "warning",
            _(
                "Cột “%(col)s”: giá trị “%(value)s” (dòng %(line)d) không phải %(type)s; giữ cột ở dạng văn bản."
            )
            % {
                "col": col.label or col.id,
                "value": failure.value[:80],
                "line": line,
                "type": type_label,
            },
        )
        col.ctype = ColumnType("text")
    raise LoadError(_("Không nạp được bảng."))  # pragma: no cover


# ------------------------------------------------------------------ indexes


@dataclass
class _Stats:
    distinct: float = 0.0  # pg_stats.n_distinct (negative: a fraction of the rows)
    width: int = 0
    least_common: float = 0.0  # frequency of the rarest value when all are listed


def _statistics(table: str, columns: list[Column], rows: int) -> dict[str, _Stats]:
    """Distinct values, width, null and value frequencies per column from pg_stats."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, n_distinct, avg_width, null_frac, most_common_freqs FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = %s",
            [table],
        )
        stats: dict[str, _Stats] = {}
        nulls: dict[str, float] = {}
        for name, nd, width, null_frac, freqs in cursor.fetchall():
            stats[name] = _Stats(float(nd), int(width), float(min(freqs)) if freqs else 0.0)
            nulls[name] = float(null_frac)
    for c in columns:
        c.nulls = round(nulls.get(c.id, 0.0) * rows)
        nd = stats.get(c.id, _Stats()).distinct
        distinct = round(-nd * rows) if nd < 0 else int(nd)
        c.distinct = distinct if distinct <= 10_000 else None
    return stats


def _choose_indexes(columns: list[Column], stats: dict[str, _Stats], rows: int) -> list[Column]:
    """Index the columns people filter and sort on: every non-text column (numbers,
    dates) and categorical text (at most INDEX_MAX_DISTINCT short values: province,
    commune, status…). Free text is read by scanning, and so are columns with two
    values of which neither is rare (yes/no, male/female): an index would not be used
    to filter them."""
    chosen = []
    for c in columns:
        if c.nulls >= rows:
            continue
        st = stats.get(c.id, _Stats())
        if 0 < st.distinct <= 2 and st.least_common >= 0.1:
            continue
        categorical = 0 < st.distinct <= INDEX_MAX_DISTINCT and st.width <= 200
        if c.ctype.type != "text" or categorical:
            chosen.append(c)
    return chosen[:MAX_INDEXES]


def _run_parallel(statements: list[str]) -> None:
    """Run independent index builds, on one extra connection per CPU when outside a
    transaction (each build then uses one process); inside one (tests) they run in order
    on this connection."""
    workers = max(1, min(len(statements), os.cpu_count() or 1, 4))
    if connection.in_atomic_block or workers == 1:
        with connection.cursor() as cursor:
            cursor.execute(f"SET maintenance_work_mem = '{INDEX_MEMORY}'")
            for s in statements:
                cursor.execute(s)
        return
    alias = connection.alias
    queue = list(reversed(statements))

    def run() -> None:
        conn = connections[alias]
        try:
            with conn.cursor() as cursor:
                cursor.execute(f"SET maintenance_work_mem = '{INDEX_MEMORY}'")
                cursor.execute("SET max_parallel_maintenance_workers = 0")
                while queue:
                    try:
                        statement = queue.pop()
                    except IndexError:
                        return
                    cursor.execute(statement)
        finally:
            conn.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(run) for _ in range(workers)]:
            future.result()


def _finish(
    table: str, columns: list[Column], rows: int, progress: Progress
) -> tuple[float, float]:
    """VACUUM ANALYZE, then the indexes; returns the seconds each took."""
    qt = quote_table(table)
    progress("indexing", rows, rows)
    started = time.monotonic()
    with connection.cursor() as cursor:
        # VACUUM sets the visibility map, so counts can use index-only scans.
        if connection.in_atomic_block:
            cursor.execute(f"ANALYZE {qt}")
        else:
            cursor.execute(f"VACUUM (ANALYZE) {qt}")
    vacuumed = time.monotonic()
    stats = _statistics(table, columns, rows)
    chosen = _choose_indexes(columns, stats, rows)
    # "_id" is unique (a unique index, built alongside the others, not a constraint that
    # would lock the table while it is built).
    builds = [(0, f'CREATE UNIQUE INDEX "{table}_pkey" ON {qt} ("_id")')]
    for c in chosen:
        c.indexed = True
        builds.append(
            (
                BUILD_COST.get(c.ctype.type, 1),
                f'CREATE INDEX "{index_name(table, c.position)}" ON {qt} ({quote_ident(c.id)})',
            )
        )
    # Longest builds first, so that the connections finish close together.
    builds.sort(key=lambda b: -b[0])
    _run_parallel([statement for _cost, statement in builds])
    return vacuumed - started, time.monotonic() - vacuumed


# ------------------------------------------------------------------ entry point


def drop_stale_staging(table: str) -> None:
    """Staging tables left by an interrupted load of the same resource."""
    prefix = table.rsplit("_", 1)[0]
    generation = int(table.rsplit("_", 1)[1])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename LIKE %s",
            [prefix + r"\_%\_s"],
        )
        for (name,) in cursor.fetchall():
            m = re.fullmatch(r"ds_[0-9a-f]{32}_([0-9]{1,9})_s", name)
            if m and int(m.group(1)) < generation:  # a newer load may be running
                cursor.execute(f'DROP TABLE IF EXISTS "{name}"')


def load_postgres(
    *,
    reader: Reader,
    header: HeaderInfo,
    ids: list[str],
    overrides: dict[str, str],
    table: str,
    progress: Progress,
    log: Log,
    fit: Fit,
) -> tuple[list[Column], int]:
    stage = staging_name(table)
    width = header.width
    drop_stale_staging(table)
    started = time.monotonic()
    try:
        _create_staging(stage, width)
        staged: Staged | None = None
        if isinstance(reader, CsvReader):
            try:
                staged = _stream_raw(reader, header, stage, progress)
            except _NotCopyable:
                log(
                    "info",
                    _(
                        "Tệp không đọc thẳng được bằng COPY (dòng lệch cột hoặc dòng trống); đọc lại từng dòng."
                    ),
                )
                _create_staging(stage, width)
        if staged is None:
            staged = _stream_rows(reader, header, stage, progress, fit)

        staged_at = time.monotonic()
        progress("analysing", staged.rows, 0)
        columns = [Column(position=j, id=cid, label=header.labels[j]) for j, cid in enumerate(ids)]
        profiles = _sample_profiles(stage, width)
        _guess(columns, profiles, reader.prefer_comma_decimal)
        # Nothing to guess from (empty, or only placeholders): check these columns now.
        empty_sample = [c for c in columns if c.ranked and not profiles[c.position].has_real]
        if empty_sample:
            _infer_precise(stage, empty_sample)
        rows = _convert_all(
            table=table,
            stage=stage,
            columns=columns,
            staged=staged,
            overrides=overrides,
            profiles=profiles,
            log=log,
        )
        _drop(stage)
        converted_at = time.monotonic()
        vacuum, indexes = _finish(table, columns, rows, progress)
        log(
            "info",
            _(
                "PostgreSQL: chép vào bảng tạm %(copy).1f giây, xác định và chuyển kiểu "
                "%(convert).1f giây, VACUUM ANALYZE %(vacuum).1f giây, %(n)d chỉ mục "
                "%(index).1f giây."
            )
            % {
                "copy": staged_at - started,
                "convert": converted_at - staged_at,
                "vacuum": vacuum,
                "n": 1 + sum(c.indexed for c in columns),
                "index": indexes,
            },
        )
        return columns, rows
    except BaseException:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {quote_table(table)}")
        raise
    finally:
        _drop(stage)


def _drop(stage: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE IF EXISTS "{stage}"')
