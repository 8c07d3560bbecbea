"""Column type inference over the whole column, and the converters used while loading.

Inference works on chunks of raw strings: for each column, the still-possible
candidate types are checked with ONE regular-expression match over the chunk's values
joined by newlines (C speed), and a candidate that fails is dropped for good. Types:
``int``, ``numeric``, ``date``, ``timestamp``, ``bool``, ``text`` (CKAN's names).

Statistics tables write "no data" with placeholders (``-``, ``…``, ``N/A``, see
PLACEHOLDERS) and group thousands with spaces (``1 234 567``, also U+00A0 and the thin
spaces U+2009/U+202F). Each candidate other than ``bool`` has a *loose* pattern that also
accepts these; it is tried only on a chunk its strict pattern refuses, so clean columns
cost what they did. A column that needed it is typed ``loose`` (``ColumnType.loose``):
its placeholders load as NULL and its group spaces are dropped. A column whose only
non-empty values are placeholders stays text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

TYPES = ("text", "int", "numeric", "date", "timestamp", "bool")
TYPE_LABELS = {
    "text": "văn bản",
    "int": "số nguyên",
    "numeric": "số thập phân",
    "date": "ngày",
    "timestamp": "ngày giờ",
    "bool": "đúng/sai",
}

_WS = r"[ \t]*"
_D = r"(?:0?[1-9]|[12]\d|3[01])"
_M = r"(?:0?[1-9]|1[0-2])"
_VALUE_PATTERNS = {
    # Leading zeros ("0123", commune codes) keep a column as text.
    "int": r"[+-]?(?:0|[1-9]\d{0,17})",
    # Thousands grouped with "," (1,234,567) — the "dot decimal" convention.
    "int_gc": r"[+-]?(?:0|[1-9]\d{0,17}|[1-9]\d{0,2}(?:,\d{3}){1,5})",
    # Thousands grouped with "." (1.234.567) — the "comma decimal" convention.
    "int_gd": r"[+-]?(?:0|[1-9]\d{0,17}|[1-9]\d{0,2}(?:\.\d{3}){1,5})",
    "num_dot": r"[+-]?(?:(?:0|[1-9]\d*|[1-9]\d{0,2}(?:,\d{3})+)(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d{1,3})?",
    "num_comma": r"[+-]?(?:(?:0|[1-9]\d*|[1-9]\d{0,2}(?:\.\d{3})+)(?:,\d+)?|,\d+)",
    # The same separator twice in a value (written out: a back-reference would tie every
    # line of the chunk to the first line's separator, and fail after an empty first line).
    "date_dmy": rf"{_D}(?:/{_M}/|\.{_M}\.|-{_M}-)\d{{4}}"
    r"(?:[ T](?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,6})?)?)?",
    "date_ymd": r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
    r"(?:[ T](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?)?",
    "date_mdy": rf"{_M}(?:/{_D}/|\.{_D}\.|-{_D}-)\d{{4}}"
    r"(?:[ T](?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?)?",
    "bool": r"(?i:true|false|yes|no|có|không|đúng|sai|t|f|y|n)",
}


# "No data" in statistics tables (the General Statistics Office writes "-" for "nothing
# happened", "…"/"..." for "not collected", "x" for "not published"). A value that is one
# of these (spaces and tabs around it allowed) is NULL in int, numeric, date and
# timestamp columns, never in bool or text ones. pgload.py uses the same list.
PLACEHOLDERS = ("-", "--", "\u2014", "\u2013", "...", "\u2026", "N/A", "n/a", "NA", "x", "X")
# Thousands separators besides "," and ".": space, no-break space, thin spaces.
GROUP_SPACES = " \u00a0\u2009\u202f"
_SP = f"[{GROUP_SPACES}]"
_PLACEHOLDER = "|".join(re.escape(p) for p in sorted(PLACEHOLDERS, key=len, reverse=True))
# The loose patterns: the strict ones plus thousands grouped with spaces (numbers) — the
# placeholders are added to every loose pattern by _list_regex.
_LOOSE_VALUE_PATTERNS = {
    "int": _VALUE_PATTERNS["int"],
    "int_gc": rf"[+-]?(?:0|[1-9]\d{{0,17}}|[1-9]\d{{0,2}}(?:,\d{{3}}){{1,5}}|[1-9]\d{{0,2}}(?:{_SP}\d{{3}}){{1,5}})",
    "int_gd": rf"[+-]?(?:0|[1-9]\d{{0,17}}|[1-9]\d{{0,2}}(?:\.\d{{3}}){{1,5}}|[1-9]\d{{0,2}}(?:{_SP}\d{{3}}){{1,5}})",
    "num_dot": rf"[+-]?(?:(?:0|[1-9]\d*|[1-9]\d{{0,2}}(?:,\d{{3}})+|[1-9]\d{{0,2}}(?:{_SP}\d{{3}})+)"
    r"(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d{1,3})?",
    "num_comma": rf"[+-]?(?:(?:0|[1-9]\d*|[1-9]\d{{0,2}}(?:\.\d{{3}})+|[1-9]\d{{0,2}}(?:{_SP}\d{{3}})+)"
    r"(?:,\d+)?|,\d+)",
    "date_dmy": _VALUE_PATTERNS["date_dmy"],
    "date_ymd": _VALUE_PATTERNS["date_ymd"],
    "date_mdy": _VALUE_PATTERNS["date_mdy"],
}


def _list_regex(value: str) -> re.Pattern[str]:
    item = f"{_WS}(?:{value})?{_WS}"
    return re.compile(f"{item}(?:\\n{item})*")


LIST_REGEXES = {name: _list_regex(p) for name, p in _VALUE_PATTERNS.items()}
LOOSE_REGEXES = {
    name: _list_regex(f"{p}|{_PLACEHOLDER}") for name, p in _LOOSE_VALUE_PATTERNS.items()
}
ALL_CANDIDATES = tuple(_VALUE_PATTERNS)
_TIME_PART = re.compile(r"\d:\d")
# A chunk that could need a loose pattern: a placeholder line, or digits around a space.
_MAYBE_LOOSE = re.compile(rf"(?m)^{_WS}(?:{_PLACEHOLDER}){_WS}$|\d{_SP}\d")
_PLACEHOLDER_LINE = re.compile(rf"(?m)^{_WS}(?:{_PLACEHOLDER}){_WS}$")
# A line that is neither empty (spaces and tabs only) nor a placeholder.
_REAL_VALUE = re.compile(rf"(?m)^(?!{_WS}(?:(?:{_PLACEHOLDER}){_WS})?$)")
PLACEHOLDER_SET = frozenset(PLACEHOLDERS)
NULL_FORMS = PLACEHOLDER_SET | {""}  # stripped values that load as NULL in a loose column

TRUE_VALUES = frozenset({"true", "yes", "có", "đúng", "t", "y"})
FALSE_VALUES = frozenset({"false", "no", "không", "sai", "f", "n"})


@dataclass
class ColumnProfile:
    candidates: set[str] = field(default_factory=lambda: set(ALL_CANDIDATES))
    nulls: int = 0
    values: int = 0
    has_time: bool = False
    # Raw distinct values, until there are more than DISTINCT_CAP (then None).
    distinct: set[str] | None = field(default_factory=set)
    # A value neither empty nor a placeholder was seen.
    has_real: bool = False
    # The surviving candidates needed their loose pattern (placeholders, space groups),
    # and how many placeholders those chunks held (exact while candidates survive).
    loose: bool = False
    placeholders: int = 0

    def observe(self, values: Sequence[str], *, track_distinct: bool = True) -> None:
        n = len(values)
        empties = values.count("")
        self.nulls += empties
        self.values += n - empties
        if self.distinct is not None and track_distinct:
            self.distinct.update(values)
            if len(self.distinct) > DISTINCT_CAP:
                self.distinct = None
        if empties == n or not self.candidates:
            return
        joined = "\n".join(values)
        if joined.count("\n") != n - 1:  # a value spans lines: text
            self.candidates.clear()
            return
        if not self.has_real:
            self.has_real = _REAL_VALUE.search(joined) is not None
            chunk_real: bool | None = self.has_real
        else:
            chunk_real = None
        c = self.candidates
        maybe_loose: bool | None = None  # whether the chunk may need a loose pattern
        used_loose = False

        def fits(name: str) -> bool:
            """The chunk fits candidate ``name``: its strict pattern, else (when the chunk
            holds a placeholder or digits around a space) its loose one."""
            nonlocal maybe_loose, chunk_real, used_loose
            if LIST_REGEXES[name].fullmatch(joined):
                return True
            if name == "bool":
                return False
            if maybe_loose is None:
                maybe_loose = _MAYBE_LOOSE.search(joined) is not None
                if maybe_loose and chunk_real is None:
                    chunk_real = _REAL_VALUE.search(joined) is not None
                if maybe_loose and not chunk_real:
                    raise _OnlyPlaceholders
            if maybe_loose and LOOSE_REGEXES[name].fullmatch(joined):
                used_loose = True
                return True
            return False

        try:
            # The numeric patterns nest (int ⊂ int_gc ⊂ num_dot, int ⊂ int_gd ⊂ num_comma;
            # so do the loose ones), and a chunk with a real value that is numeric cannot
            # be dates or booleans: test the narrowest pattern first and skip what it
            # implies.
            numeric_matched = False
            if "int" in c:
                if fits("int"):
                    numeric_matched = True
                else:
                    c.discard("int")
            if not numeric_matched:
                for narrow, wide in (("int_gc", "num_dot"), ("int_gd", "num_comma")):
                    if narrow in c:
                        if fits(narrow):
                            numeric_matched = True
                            continue
                        c.discard(narrow)
                    if wide in c:
                        if fits(wide):
                            numeric_matched = True
                        else:
                            c.discard(wide)
            if numeric_matched:
                c.difference_update(NON_NUMERIC)
            else:
                for name in NON_NUMERIC & c:
                    if not fits(name):
                        c.discard(name)
        except _OnlyPlaceholders:
            # Nothing but placeholders and empties: no type is ruled out, except bool
            # (a placeholder is not NULL there).
            c.discard("bool")
            used_loose = bool(c)
        if used_loose and c:
            self.loose = True
            self.placeholders += len(_PLACEHOLDER_LINE.findall(joined))
        if not self.has_time and c & DATE_CANDIDATES:
            self.has_time = _TIME_PART.search(joined) is not None


class _OnlyPlaceholders(Exception):
    """The chunk's non-empty values are all placeholders."""


NON_NUMERIC = frozenset({"date_dmy", "date_ymd", "date_mdy", "bool"})
DATE_CANDIDATES = frozenset({"date_dmy", "date_ymd", "date_mdy"})
DISTINCT_CAP = 10_000


@dataclass
class ColumnType:
    type: str  # one of TYPES
    # How raw strings are written: "", "gc" (1,234.5), "gd" (1.234,5), "dmy", "mdy", "ymd".
    convention: str = ""
    # Placeholders load as NULL, and spaces grouping thousands are dropped (numbers).
    loose: bool = False


def decide(profile: ColumnProfile, *, prefer_comma_decimal: bool) -> ColumnType:
    c = profile.candidates
    if profile.values == 0 or not profile.has_real or not c:
        return ColumnType("text")
    loose = profile.loose
    if "int" in c:
        return ColumnType("int", "", loose)
    dot_ok = bool(c & {"int_gc", "num_dot"})
    comma_ok = bool(c & {"int_gd", "num_comma"})
    if dot_ok and comma_ok:
        dot_ok = not prefer_comma_decimal
    if dot_ok:
        t = "int" if "int_gc" in c else "numeric"
        return ColumnType(t, "gc", loose)
    if comma_ok:
        t = "int" if "int_gd" in c else "numeric"
        return ColumnType(t, "gd", loose)
    kind = "timestamp" if profile.has_time else "date"
    for conv in ("dmy", "ymd", "mdy"):
        if f"date_{conv}" in c:
            return ColumnType(kind, conv, loose)
    if "bool" in c:
        return ColumnType("bool")
    return ColumnType("text")


# ---------------------------------------------------------------- converters
# Each converter takes a column (list of raw strings) and returns the values to store
# (None for empty). The target is "sqlite" or "postgresql"; both get ISO date strings.

_DATE_PARTS = re.compile(
    r"\s*(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?\s*"
)


def _parse_date(value: str, convention: str, with_time: bool) -> str:
    m = _DATE_PARTS.fullmatch(value)
    if m is None:
        raise ValueError(value)
    a, b, c, hh, mi, ss, frac, _tz = m.groups()
    if convention == "dmy":
        y, mo, d = int(c), int(b), int(a)
    elif convention == "mdy":
        y, mo, d = int(c), int(a), int(b)
    else:
        y, mo, d = int(a), int(b), int(c)
    day = dt.date(y, mo, d)  # raises ValueError on 31/02
    if not with_time:
        return day.isoformat()
    h, m_, s = int(hh or 0), int(mi or 0), int(ss or 0)
    stamp = dt.datetime(y, mo, d, h, m_, s)
    text = stamp.isoformat(sep=" ")
    if frac:
        text += frac
    return text


def parse_bool(value: str) -> bool:
    v = value.strip().lower()
    if v in TRUE_VALUES:
        return True
    if v in FALSE_VALUES:
        return False
    raise ValueError(value)


class ConversionFailed(Exception):
    def __init__(self, index: int, value: str) -> None:
        super().__init__(value)
        self.index = index
        self.value = value


def _apply(
    fn: Callable[[str], Any], column: Sequence[str], nulls: frozenset[str] = frozenset()
) -> list[Any]:
    out: list[Any] = []
    append = out.append
    for i, v in enumerate(column):
        if not v or v.isspace() or (nulls and v.strip(" \t") in nulls):
            append(None)
            continue
        try:
            append(fn(v))
        except (ValueError, ArithmeticError, InvalidOperation):
            raise ConversionFailed(i, v) from None
    return out


MEMO_CAP = 65536


class _Memo(dict[str, Any]):
    """Converted values by raw string, filled on first sight (dates and booleans repeat a
    lot: a few thousand distinct dates in a million rows). Looking a column up through
    ``map(memo.__getitem__, column)`` runs in C; ``fn`` only sees new values."""

    def __init__(self, fn: Callable[[str], Any], nulls: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.fn = fn
        self.nulls = nulls

    def __missing__(self, value: str) -> Any:
        empty = not value or value.isspace() or value.strip(" \t") in self.nulls
        result = None if empty else self.fn(value)
        if len(self) < MEMO_CAP:
            self[value] = result
        return result


def _apply_memo(memo: _Memo, column: Sequence[str]) -> list[Any]:
    try:
        return list(map(memo.__getitem__, column))
    except (ValueError, ArithmeticError, InvalidOperation):
        for i, v in enumerate(column):  # the first value at fault, for the message
            try:
                memo[v]
            except (ValueError, ArithmeticError, InvalidOperation):
                raise ConversionFailed(i, v) from None
        raise


def make_converter(
    ctype: ColumnType, *, target: str, strict: bool = False
) -> Callable[[Sequence[str]], list[Any]]:
    """A function converting one column chunk. ``strict`` validates every value (used for
    publisher type overrides, where inference did not vouch for the values)."""
    t, conv = ctype.type, ctype.convention

    if t == "text":
        return lambda col: [v or None for v in col]
    if t in ("int", "numeric"):
        if ctype.loose:
            return _loose_number_converter(t, conv, strict=strict)
        if conv == "gc":
            clean: Callable[[str], str] = lambda v: v.strip().replace(",", "")  # noqa: E731
        elif conv == "gd":
            clean = lambda v: v.strip().replace(".", "").replace(",", ".")  # noqa: E731
        else:
            clean = str.strip
        if strict:
            # A publisher's override: placeholders are NULL here too.
            if t == "int":
                return lambda col: _apply(lambda v: int(clean(v)), col, PLACEHOLDER_SET)

            def numeric(v: str) -> str:
                number = Decimal(clean(v))
                if not number.is_finite():
                    raise ValueError(v)
                return str(number)

            return lambda col: _apply(numeric, col, PLACEHOLDER_SET)
        # Inference vouched for every value: only strip and drop the group separators
        # (written out, not through ``clean``: one call less per value).
        if conv == "gc":
            return lambda col: [v.strip().replace(",", "") or None for v in col]
        if conv == "gd":
            return lambda col: [v.strip().replace(".", "").replace(",", ".") or None for v in col]
        return lambda col: [v.strip() or None for v in col]
    if t in ("date", "timestamp"):
        with_time = t == "timestamp"
        convention = conv or "ymd"

        # Placeholders are NULL (only a loose or overridden column can hold them).
        dates = _Memo(lambda v: _parse_date(v, convention, with_time), PLACEHOLDER_SET)
        return lambda col: _apply_memo(dates, col)
    if t == "bool":
        if target == "sqlite":
            flags = _Memo(lambda v: 1 if parse_bool(v) else 0)
        else:
            flags = _Memo(lambda v: "t" if parse_bool(v) else "f")
        return lambda col: _apply_memo(flags, col)
    raise ValueError(t)


def _loose_number_converter(
    t: str, conv: str, *, strict: bool
) -> Callable[[Sequence[str]], list[Any]]:
    """A loose int/numeric column: placeholders → NULL; spaces (group separators, and the
    spaces and tabs around the value) and the convention's group mark are dropped in one
    ``str.translate``, which also turns a decimal comma into a point."""
    table: dict[int, int | None] = dict.fromkeys(map(ord, GROUP_SPACES + "\t"))
    if conv == "gc":
        table[ord(",")] = None
    elif conv == "gd":
        table[ord(".")] = None
        table[ord(",")] = ord(".")
    nulls = NULL_FORMS
    if not strict:  # inference vouched for every value
        return lambda col: [
            None if (s := v.strip(" \t")) in nulls else s.translate(table) for v in col
        ]
    if t == "int":
        return lambda col: _apply(lambda v: int(v.translate(table)), col, PLACEHOLDER_SET)

    def numeric(v: str) -> str:
        number = Decimal(v.translate(table))
        if not number.is_finite():
            raise ValueError(v)
        return str(number)

    return lambda col: _apply(numeric, col, PLACEHOLDER_SET)
