"""CKAN ``package_search`` query language: ``q``, ``fq`` and ``sort``.

CKAN hands ``q`` and ``fq`` to Solr. tinhso has no Solr, so this module parses the subset of
the Lucene syntax that CKAN clients and harvesters send and turns it into

* free text for :func:`tinhso.catalog.selectors.dataset_search` (``q``), and
* a Django ``Q`` over :class:`~tinhso.catalog.models.Dataset` for the fielded terms.

Supported: ``field:value``, ``field:"quoted value"``, ``field:(a OR b)``, ``AND``/``OR``/``NOT``
(also ``&&``, ``||``, ``!``), ``+``/``-`` prefixes, parentheses, ``*:*``, ``field:*``, trailing
``*`` prefix matches and ranges ``[X TO Y]`` / ``{X TO Y}`` on dates and counts (Solr date
math such as ``NOW-1DAY`` included). The default operator is AND, as CKAN sets ``q.op=AND``.

The ``Q`` is meant for ``dataset_search(filters=…)``. Each fielded term becomes its own
leaf. Multi-valued fields are either facet lookups (``groups__name``, ``tags__name``,
``resources__format``), which ``dataset_search`` rewrites leaf by leaf to IN-subqueries on
its facet table, or explicit ``id IN (subquery)`` leaves (spatial coverage, resource
names…), so ``tags:a AND tags:b`` means "has both tags", never "one tag equal to both", and
``NOT`` keeps its meaning.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from tinhso.catalog.models import Dataset, Resource
from tinhso.catalog.selectors import SORTS
from tinhso.catalog.uploads import normalize_format
from tinhso.core.text import fold, nfc

DEFAULT_SORT = "score desc, metadata_modified desc"
MAX_QUERY_LENGTH = 5000
MAX_DEPTH = 20


class SearchQueryError(Exception):
    """A malformed ``q``, ``fq`` or ``sort`` (CKAN answers 400 "Search Query Error")."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- syntax tree -------------------------------------------------------------------------


@dataclass
class Term:
    field: str | None  # None = free text (Solr's default field)
    value: str = ""
    kind: str = "word"  # word | phrase | range | any
    low: str = "*"
    high: str = "*"
    include_low: bool = True
    include_high: bool = True


@dataclass
class BoolNode:
    op: str  # "and" | "or"
    children: list[Node] = field(default_factory=list)


@dataclass
class NotNode:
    child: Node


Node = Term | BoolNode | NotNode


# --- tokenizer ---------------------------------------------------------------------------


@dataclass
class Token:
    kind: str  # WORD PHRASE RANGE FIELD LPAREN RPAREN AND OR NOT PLUS MINUS
    value: str = ""
    low: str = ""
    high: str = ""
    include_low: bool = True
    include_high: bool = True


_SPECIAL_END = set(' \t\r\n()"')
_RANGE_END = re.compile(r"[\]}]")


def _tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    after_field = False
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            after_field = False
            continue
        if ch == "(":
            tokens.append(Token("LPAREN"))
            i += 1
            after_field = False
            continue
        if ch == ")":
            tokens.append(Token("RPAREN"))
            i += 1
            after_field = False
            continue
        if ch == '"':
            j = i + 1
            buf: list[str] = []
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n:
                    j += 1
                buf.append(text[j])
                j += 1
            if j >= n:
                raise SearchQueryError(_("Thiếu dấu ngoặc kép đóng."))
            tokens.append(Token("PHRASE", "".join(buf)))
            i = j + 1
            after_field = False
            continue
        if ch in "[{":
            found = _RANGE_END.search(text, i)
            end = found.start() if found else -1
            if end == -1:
                raise SearchQueryError(
                    _("Khoảng giá trị chưa đóng ngoặc: %(text)s") % {"text": text[i:]}
                )
            inner = text[i + 1 : end].strip()
            parts = re.split(r"\s+TO\s+", inner)
            if len(parts) != 2 or not parts[0] or not parts[1]:
                raise SearchQueryError(
                    _("Khoảng giá trị phải có dạng [X TO Y]: %(text)s")
                    % {"text": text[i : end + 1]}
                )
            tokens.append(
                Token(
                    "RANGE",
                    low=parts[0].strip('"'),
                    high=parts[1].strip('"'),
                    include_low=ch == "[",
                    include_high=text[end] == "]",
                )
            )
            i = end + 1
            after_field = False
            continue
        if ch in "+-!" and not after_field and i + 1 < n and not text[i + 1].isspace():
            tokens.append(Token({"+": "PLUS", "-": "MINUS", "!": "NOT"}[ch]))
            i += 1
            continue
        if text.startswith("&&", i):
            tokens.append(Token("AND"))
            i += 2
            continue
        if text.startswith("||", i):
            tokens.append(Token("OR"))
            i += 2
            continue
        # A word, possibly "field:" (a value after "field:" may itself contain colons).
        j = i
        buf = []
        field_name: str | None = None
        while j < n and text[j] not in _SPECIAL_END:
            c = text[j]
            if c == "\\" and j + 1 < n:
                buf.append(text[j + 1])
                j += 2
                continue
            if c == ":" and not after_field and field_name is None:
                field_name = "".join(buf)
                j += 1
                break
            buf.append(c)
            j += 1
        if field_name is not None:
            if not field_name:
                raise SearchQueryError(_("Thiếu tên trường trước dấu hai chấm."))
            tokens.append(Token("FIELD", field_name))
            after_field = True
            i = j
            continue
        word = "".join(buf)
        i = j
        if not after_field and word in ("AND", "OR", "NOT"):
            tokens.append(Token(word))
        else:
            tokens.append(Token("WORD", word))
        after_field = False
    return tokens


# --- parser ------------------------------------------------------------------------------


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def parse(self) -> Node | None:
        if not self.tokens:
            return None
        node = self.parse_or(None)
        if self.peek() is not None:
            raise SearchQueryError(
                _("Cú pháp truy vấn không hợp lệ gần “%(tok)s”.") % {"tok": self._show(self.peek())}
            )
        return node

    @staticmethod
    def _show(tok: Token | None) -> str:
        if tok is None:
            return ""
        return {"LPAREN": "(", "RPAREN": ")", "PLUS": "+", "MINUS": "-"}.get(
            tok.kind, tok.value or tok.kind
        )

    def parse_or(self, default_field: str | None) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise SearchQueryError(_("Truy vấn lồng nhau quá sâu."))
        children = [self.parse_and(default_field)]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.take()
            children.append(self.parse_and(default_field))
        self.depth -= 1
        return children[0] if len(children) == 1 else BoolNode("or", children)

    def parse_and(self, default_field: str | None) -> Node:
        children = [self.parse_unary(default_field)]
        while (tok := self.peek()) is not None and tok.kind not in ("OR", "RPAREN"):
            if tok.kind == "AND":
                self.take()
            children.append(self.parse_unary(default_field))
        return children[0] if len(children) == 1 else BoolNode("and", children)

    def parse_unary(self, default_field: str | None) -> Node:
        tok = self.peek()
        if tok is None:
            raise SearchQueryError(_("Truy vấn kết thúc đột ngột."))
        if tok.kind in ("NOT", "MINUS"):
            self.take()
            return NotNode(self.parse_unary(default_field))
        if tok.kind == "PLUS":
            self.take()
            return self.parse_unary(default_field)
        return self.parse_primary(default_field)

    def parse_primary(self, default_field: str | None) -> Node:
        tok = self.take() if self.peek() is not None else None
        if tok is None:
            raise SearchQueryError(_("Truy vấn kết thúc đột ngột."))
        if tok.kind == "LPAREN":
            node = self.parse_or(default_field)
            if (close := self.peek()) is None or close.kind != "RPAREN":
                raise SearchQueryError(_("Thiếu dấu ngoặc đóng “)”."))
            self.take()
            return node
        if tok.kind == "FIELD":
            return self.parse_value(tok.value)
        if tok.kind in ("WORD", "PHRASE", "RANGE"):
            return self._term(default_field, tok)
        raise SearchQueryError(
            _("Cú pháp truy vấn không hợp lệ gần “%(tok)s”.") % {"tok": self._show(tok)}
        )

    def parse_value(self, field_name: str) -> Node:
        tok = self.peek()
        if tok is None or tok.kind in ("RPAREN", "AND", "OR", "FIELD"):
            raise SearchQueryError(
                _("Thiếu giá trị cho trường “%(field)s”.") % {"field": field_name}
            )
        if tok.kind == "LPAREN":
            self.take()
            node = self.parse_or(field_name)
            if (close := self.peek()) is None or close.kind != "RPAREN":
                raise SearchQueryError(_("Thiếu dấu ngoặc đóng “)”."))
            self.take()
            return node
        if tok.kind in ("NOT", "MINUS"):
            self.take()
            return NotNode(self.parse_value(field_name))
        if tok.kind == "PLUS":
            self.take()
            return self.parse_value(field_name)
        self.take()
        return self._term(field_name, tok)

    @staticmethod
    def _term(field_name: str | None, tok: Token) -> Term:
        if tok.kind == "RANGE":
            return Term(
                field_name,
                kind="range",
                low=tok.low,
                high=tok.high,
                include_low=tok.include_low,
                include_high=tok.include_high,
            )
        if tok.kind == "PHRASE":
            return Term(field_name, nfc(tok.value), kind="phrase")
        if tok.value == "*":
            return Term(field_name, "*", kind="any")
        return Term(field_name, nfc(tok.value), kind="word")


def parse(text: str) -> Node | None:
    """Parse a Lucene-style query; ``None`` for an empty one. Raises :class:`SearchQueryError`."""
    text = (text or "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise SearchQueryError(
            _("Truy vấn quá dài (tối đa %(n)d ký tự).") % {"n": MAX_QUERY_LENGTH}
        )
    if text in ("", '""', "''"):
        return None
    return _Parser(_tokenize(text)).parse()


# --- dates (Solr date syntax and date math) ----------------------------------------------

_DATE_RE = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?)"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?(?P<math>(?:[+-]\d+[A-Z]+|/[A-Z]+)*)$"
)
_MATH_RE = re.compile(r"([+-]\d+|/)([A-Z]+)")
_UNITS = {
    "YEAR": "years",
    "YEARS": "years",
    "MONTH": "months",
    "MONTHS": "months",
    "DAY": "days",
    "DAYS": "days",
    "DATE": "days",
    "HOUR": "hours",
    "HOURS": "hours",
    "MINUTE": "minutes",
    "MINUTES": "minutes",
    "SECOND": "seconds",
    "SECONDS": "seconds",
}


def _add_months(value: dt.datetime, months: int) -> dt.datetime:
    month0 = value.month - 1 + months
    year = value.year + month0 // 12
    month = month0 % 12 + 1
    day = min(value.day, calendar.monthrange(year, month)[1])
    return value.replace(year=year, month=month, day=day)


def _apply_math(value: dt.datetime, math: str) -> dt.datetime:
    for op, unit_name in _MATH_RE.findall(math):
        unit = _UNITS.get(unit_name)
        if unit is None:
            raise SearchQueryError(_("Đơn vị thời gian không hợp lệ: %(u)s") % {"u": unit_name})
        if op == "/":
            if unit == "years":
                value = value.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
            elif unit == "months":
                value = value.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
            elif unit == "days":
                value = value.replace(hour=0, minute=0, second=0, microsecond=0)
            elif unit == "hours":
                value = value.replace(minute=0, second=0, microsecond=0)
            elif unit == "minutes":
                value = value.replace(second=0, microsecond=0)
            else:
                value = value.replace(microsecond=0)
            continue
        amount = int(op)
        if unit == "years":
            value = _add_months(value, 12 * amount)
        elif unit == "months":
            value = _add_months(value, amount)
        else:
            value = value + dt.timedelta(**{unit: amount})
    return value


def parse_datetime(text: str, *, now: dt.datetime | None = None) -> dt.datetime:
    """A Solr date (``2024-05-01T10:00:00.123Z``, ``2024-05-01``, ``NOW-1DAY``…) as aware UTC.

    Times without a zone are UTC, as CKAN stores and returns them.
    """
    original = text.strip()
    text = original.upper()
    if text.startswith("NOW"):
        base = now or dt.datetime.now(dt.UTC)
        math = text[3:]
        if math and not re.fullmatch(r"(?:[+-]\d+[A-Z]+|/[A-Z]+)+", math):
            raise SearchQueryError(_("Ngày giờ không hợp lệ: %(v)s") % {"v": original})
        return _apply_math(base, math)
    m = _DATE_RE.match(text)
    if not m:
        raise SearchQueryError(_("Ngày giờ không hợp lệ: %(v)s") % {"v": original})
    raw = m.group("date").replace(" ", "T")
    if "." in raw:  # Python accepts at most 6 fractional digits
        head, frac = raw.split(".", 1)
        raw = f"{head}.{frac[:6].ljust(6, '0')}"
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError as exc:
        raise SearchQueryError(_("Ngày giờ không hợp lệ: %(v)s") % {"v": original}) from exc
    tz = m.group("tz")
    if tz and tz != "Z":
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        value = value.replace(tzinfo=dt.timezone(sign * offset)).astimezone(dt.UTC)
    else:
        value = value.replace(tzinfo=dt.UTC)
    return _apply_math(value, m.group("math") or "")


# --- compiling fielded terms to Q --------------------------------------------------------

_NONE = Q(pk__in=[])
_EXTRA_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")
TEXT_FIELDS = {"text", "q", "_text_"}


def _ids(qs: Any) -> Q:
    return Q(id__in=qs)


def _bool(term: Term) -> bool:
    value = term.value.lower()
    if value in ("true", "1", "t", "yes"):
        return True
    if value in ("false", "0", "f", "no"):
        return False
    raise SearchQueryError(
        _("Trường “%(field)s” nhận true hoặc false, không nhận “%(value)s”.")
        % {"field": term.field, "value": term.value}
    )


def _string(lookup: str, *, ci: bool = False) -> Callable[[Term], Q]:
    """Exact string field; ``*`` = not empty; ``abc*`` = prefix."""

    def build(term: Term) -> Q:
        if term.kind == "any":
            return Q(**{f"{lookup}__gt": ""})
        if term.kind == "range":
            return _string_range(lookup, term)
        if term.kind == "word" and term.value.endswith("*") and "*" not in term.value[:-1]:
            return Q(**{f"{lookup}__{'istartswith' if ci else 'startswith'}": term.value[:-1]})
        return Q(**{f"{lookup}__iexact" if ci else lookup: term.value})

    return build


def _string_range(lookup: str, term: Term) -> Q:
    q = Q()
    if term.low != "*":
        q &= Q(**{f"{lookup}__{'gte' if term.include_low else 'gt'}": term.low})
    if term.high != "*":
        q &= Q(**{f"{lookup}__{'lte' if term.include_high else 'lt'}": term.high})
    return q


def _contains(lookup: str) -> Callable[[Term], Q]:
    def build(term: Term) -> Q:
        if term.kind == "any":
            return Q(**{f"{lookup}__gt": ""})
        if term.kind == "range":
            raise _no_range(term)
        return Q(**{f"{lookup}__icontains": term.value.rstrip("*")})

    return build


def _title(term: Term) -> Q:
    if term.kind == "any":
        return Q(title__gt="")
    if term.kind == "range":
        return _string_range(
            "search_title",
            Term(
                "title",
                low=fold(term.low),
                high=fold(term.high),
                include_low=term.include_low,
                include_high=term.include_high,
            ),
        )
    return Q(search_title__contains=fold(term.value.rstrip("*")))


def _no_range(term: Term) -> SearchQueryError:
    return SearchQueryError(
        _("Trường “%(field)s” không hỗ trợ khoảng giá trị.") % {"field": term.field}
    )


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _id(term: Term) -> Q:
    if term.kind == "any":
        return Q()
    if term.kind == "range":
        return (
            _string_range("id", term)
            if all(v == "*" or _uuid_or_none(v) for v in (term.low, term.high))
            else _NONE
        )
    value = _uuid_or_none(term.value)
    return Q(id=value) if value else _NONE


def _owner_org(term: Term) -> Q:
    if term.kind == "any":
        return Q()
    if term.kind == "range":
        raise _no_range(term)
    value = _uuid_or_none(term.value)
    return Q(organization_id=value) if value else Q(organization__name=term.value)


def _datetime_field(lookup: str, *, as_date: bool = False) -> Callable[[Term], Q]:
    """A Solr datetime term (value, ``[low TO high]`` range, ``*``) on ``lookup``; with
    ``as_date`` the field is a date and only the day of each bound counts."""

    def parse(text: str) -> Any:
        moment = parse_datetime(text)
        return moment.date() if as_date else moment

    def build(term: Term) -> Q:
        if term.kind == "any":
            return Q(**{f"{lookup}__isnull": False})
        if term.kind == "range":
            q = Q()
            if term.low != "*":
                op = "gte" if term.include_low else "gt"
                q &= Q(**{f"{lookup}__{op}": parse(term.low)})
            if term.high != "*":
                op = "lte" if term.include_high else "lt"
                q &= Q(**{f"{lookup}__{op}": parse(term.high)})
            return q
        return Q(**{lookup: parse(term.value)})

    return build


def _count_field(relation: str) -> Callable[[Term], Q]:
    def number(text: str) -> int:
        try:
            return int(text)
        except ValueError as exc:
            raise SearchQueryError(_("Cần một số nguyên: %(v)s") % {"v": text}) from exc

    def build(term: Term) -> Q:
        if term.kind == "any":
            return Q()
        counted = Dataset.objects.annotate(n=Count(relation, distinct=True))
        if term.kind == "range":
            if term.low != "*":
                counted = counted.filter(
                    **{"n__gte" if term.include_low else "n__gt": number(term.low)}
                )
            if term.high != "*":
                counted = counted.filter(
                    **{"n__lte" if term.include_high else "n__lt": number(term.high)}
                )
        else:
            counted = counted.filter(n=number(term.value))
        return _ids(counted.values("id"))

    return build


def _facet(lookup: str, *, normalize: Callable[[str], str] | None = None) -> Callable[[Term], Q]:
    """A multi-valued facet field (``groups__name``, ``tags__name``, ``resources__format``).

    Each term is its own ``Q`` leaf; ``dataset_search`` rewrites every such leaf to an
    IN-subquery on its facet table, so ``tags:a AND tags:b`` means "has both tags" and
    ``NOT`` keeps its meaning. (Applied directly with ``Dataset.objects.filter`` two leaves
    on the same relation would have to match one row: always go through the selector.)
    """

    def build(term: Term) -> Q:
        if term.kind == "range":
            raise _no_range(term)
        if term.kind == "any":
            return Q(**{f"{lookup}__isnull": False})
        if term.kind == "word" and term.value.endswith("*") and "*" not in term.value[:-1]:
            prefix = term.value[:-1]
            return Q(**{f"{lookup}__startswith": prefix.upper() if normalize else prefix})
        value = (normalize(term.value) or term.value) if normalize else term.value
        return Q(**{lookup: value})

    return build


def _related(through: Any, lookup: str, *, ci: bool = False) -> Callable[[Term], Q]:
    def build(term: Term) -> Q:
        if term.kind == "range":
            raise _no_range(term)
        rows = through.objects.all()
        if term.kind == "any":
            return _ids(rows.values("dataset_id"))
        if term.kind == "word" and term.value.endswith("*") and "*" not in term.value[:-1]:
            rows = rows.filter(
                **{f"{lookup}__{'istartswith' if ci else 'startswith'}": term.value[:-1]}
            )
        else:
            rows = rows.filter(**{f"{lookup}__iexact" if ci else lookup: term.value})
        return _ids(rows.values("dataset_id"))

    return build


def _private(term: Term) -> Q:
    if term.kind != "word":
        return Q() if term.kind == "any" else _NONE
    return Q(private=_bool(term))


def _capacity(term: Term) -> Q:
    if term.kind == "any":
        return Q()
    if term.value == "public":
        return Q(private=False)
    if term.value == "private":
        return Q(private=True)
    return _NONE


def _type(term: Term) -> Q:
    return Q() if term.kind == "any" or term.value == "dataset" else _NONE


def _frequency(term: Term) -> Q:
    if term.kind == "any":
        return Q(frequency__gt="")
    value = term.value.rstrip("/").rsplit("/", 1)[-1].upper()  # EU vocabulary URI or code
    return Q(frequency=value)


def _field_builders() -> dict[str, Callable[[Term], Q]]:
    spatial_through = Dataset.spatial.through
    return {
        "id": _id,
        "name": _string("name"),
        "title": _title,
        "title_string": _title,
        "notes": _contains("notes"),
        "url": _string("url"),
        "version": _string("version"),
        "author": _contains("author"),
        "author_email": _string("author_email", ci=True),
        "maintainer": _contains("maintainer"),
        "maintainer_email": _string("maintainer_email", ci=True),
        "state": _string("state"),
        "private": _private,
        "capacity": _capacity,
        "type": _type,
        "dataset_type": _type,
        "entity_type": lambda term: Q() if term.value in ("package", "*") else _NONE,
        "license_id": _string("license_id"),
        "license": _string("license_id"),
        "organization": _string("organization__name"),
        "owner_org": _owner_org,
        "creator_user_id": lambda term: (
            Q()
            if term.kind == "any"
            else Q(creator_user_id=term.value)
            if term.value.isdigit()
            else _NONE
        ),
        "groups": _facet("groups__name"),
        "tags": _facet("tags__name"),
        "res_format": _facet("resources__format", normalize=normalize_format),
        "res_name": lambda term: _related_resource(term, "name", contains=True),
        "res_description": lambda term: _related_resource(term, "description", contains=True),
        "res_url": lambda term: _related_resource(term, "url"),
        "res_type": lambda term: Q(),
        "spatial_code": _related(spatial_through, "administrativeunit__code"),
        "frequency": _frequency,
        "metadata_modified": _datetime_field("metadata_modified"),
        "metadata_created": _datetime_field("metadata_created"),
        "temporal_start": _datetime_field("temporal_start", as_date=True),
        "temporal_end": _datetime_field("temporal_end", as_date=True),
        "num_resources": _count_field("resources"),
        "num_tags": _count_field("tags"),
    }


def _related_resource(term: Term, attribute: str, *, ci: bool = False, contains: bool = False) -> Q:
    if term.kind == "range":
        raise _no_range(term)
    rows = Resource.objects.all()
    if term.kind == "any":
        rows = rows.filter(**{f"{attribute}__gt": ""})
    elif contains:
        rows = rows.filter(**{f"{attribute}__icontains": term.value.rstrip("*")})
    elif term.kind == "word" and term.value.endswith("*") and "*" not in term.value[:-1]:
        rows = rows.filter(**{f"{attribute}__istartswith": term.value[:-1]})
    else:
        rows = rows.filter(**{f"{attribute}__iexact" if ci else attribute: term.value})
    return _ids(rows.values("dataset_id"))


_EXTRA_FIELD_ALIASES = {
    "extras_frequency": "frequency",
    "extras_temporal_start": "temporal_start",
    "extras_temporal_end": "temporal_end",
    "extras_spatial_code": "spatial_code",
}


def _term_to_q(term: Term, builders: dict[str, Callable[[Term], Q]]) -> Q:
    name = term.field or ""
    if name == "*" and term.kind == "any":
        return Q()
    name = _EXTRA_FIELD_ALIASES.get(name, name)
    if name in builders:
        return builders[name](term)
    if name.startswith("extras_"):
        key = name[len("extras_") :]
        if not _EXTRA_KEY_RE.match(key) or "__" in key:
            raise SearchQueryError(_("Tên trường không hợp lệ: %(f)s") % {"f": name})
        if term.kind == "any":
            return Q(extras__has_key=key)
        if term.kind == "range":
            raise _no_range(term)
        return Q(**{f"extras__{key}": term.value})
    raise SearchQueryError(_("Trường không được hỗ trợ trong truy vấn: %(f)s") % {"f": term.field})


def _to_q(node: Node, builders: dict[str, Callable[[Term], Q]]) -> Q:
    if isinstance(node, Term):
        return _term_to_q(node, builders)
    if isinstance(node, NotNode):
        return ~_to_q(node.child, builders)
    parts = [_to_q(child, builders) for child in node.children]
    result = parts[0]
    for part in parts[1:]:
        result = (result & part) if node.op == "and" else (result | part)
    return result


def _is_text(term: Term) -> bool:
    return term.field is None or term.field in TEXT_FIELDS


def _terms(node: Node) -> Iterator[Term]:
    if isinstance(node, Term):
        yield node
    elif isinstance(node, NotNode):
        yield from _terms(node.child)
    else:
        for child in node.children:
            yield from _terms(child)


def _positive_words(node: Node) -> list[str]:
    if isinstance(node, Term):
        if node.kind in ("word", "phrase"):
            return [node.value.rstrip("*")] if node.value.rstrip("*") else []
        return []
    if isinstance(node, NotNode):
        return []  # excluded words cannot be expressed to the full-text selector
    words: list[str] = []
    for child in node.children:
        words.extend(_positive_words(child))
    return words


@dataclass
class CompiledQuery:
    text: str  # free text for dataset_search(q=…)
    filters: Q | None  # fielded terms


def _split(
    node: Node, builders: dict[str, Callable[[Term], Q]], text: list[str], filters: list[Q]
) -> None:
    terms = list(_terms(node))
    if all(_is_text(t) for t in terms):
        text.extend(_positive_words(node))
        return
    if not any(_is_text(t) for t in terms):
        filters.append(_to_q(node, builders))
        return
    if isinstance(node, BoolNode) and node.op == "and":
        for child in node.children:
            _split(child, builders, text, filters)
        return
    raise SearchQueryError(
        _(
            "Không thể kết hợp từ khoá tự do với điều kiện theo trường bằng OR/NOT; "
            "hãy đặt điều kiện theo trường vào fq."
        )
    )


def compile_query(q: str = "", fq: str | list[str] = "") -> CompiledQuery:
    """Compile CKAN's ``q`` and ``fq`` (a string or, like ``fq_list``, a list of strings).

    ``fq`` must be well-formed. A ``q`` without any ``field:`` that does not parse (what a
    person types in a search box: ``dân số (2024``) is taken as plain words instead.
    """
    builders = _field_builders()
    text: list[str] = []
    filters: list[Q] = []
    try:
        node = parse(q)
    except SearchQueryError:
        if ":" in (q or ""):
            raise
        text.append(q)
        node = None
    if node is not None:
        _split(node, builders, text, filters)
    for source in [fq] if isinstance(fq, str) else list(fq):
        node = parse(source)
        if node is not None:
            _split(node, builders, text, filters)
    combined: Q | None = None
    for part in filters:
        combined = part if combined is None else combined & part
    return CompiledQuery(text=" ".join(w for w in text if w), filters=combined)


# --- sort --------------------------------------------------------------------------------

_SORT_ALIASES = {
    "title": "title_string",
    "relevance": "score",
    "rank": "score",
    "modified": "metadata_modified",
    "created": "metadata_created",
}
SORT_FIELDS = ("score", "title_string", "name", "metadata_modified", "metadata_created", "id")


def parse_sort(sort: str | None) -> str:
    """Validate a CKAN/Solr sort (``"field dir[, field dir]"``) and return the selector's sort.

    Only the first clause decides the order; the selector breaks ties itself. ``id`` sorts
    (what ckanext-harvest's CKAN harvester asks for) fall back to ``name`` (also unique) if
    the selector has no id order. Raises :class:`SearchQueryError` on anything else.
    """
    if sort is None or sort.strip() in ("", "rank"):
        sort = DEFAULT_SORT
    clauses = [c.strip() for c in sort.split(",")]
    selected: str | None = None
    for clause in clauses:
        parts = clause.split()
        if len(parts) != 2 or parts[1].lower() not in ("asc", "desc"):
            raise SearchQueryError(_("Tham số “sort” không hợp lệ: %(s)s") % {"s": sort})
        field_name = _SORT_ALIASES.get(parts[0], parts[0])
        if field_name not in SORT_FIELDS:
            raise SearchQueryError(
                _("Không thể sắp xếp theo trường “%(f)s”. Các trường được hỗ trợ: %(allowed)s")
                % {"f": parts[0], "allowed": ", ".join(SORT_FIELDS)}
            )
        if selected is None:
            selected = _selector_sort(field_name, parts[1].lower())
    assert selected is not None
    return selected


def _selector_sort(field_name: str, direction: str) -> str:
    candidates = [f"{field_name} {direction}"]
    if field_name == "id":
        candidates.append(f"name {direction}")
    if field_name == "score":
        candidates.append("score desc")
    if field_name == "title_string":
        candidates.append(f"title {direction}")
    for candidate in candidates:
        if candidate in SORTS:
            return candidate
    raise SearchQueryError(
        _("Chưa hỗ trợ sắp xếp “%(s)s”. Các cách sắp xếp được hỗ trợ: %(allowed)s")
        % {"s": f"{field_name} {direction}", "allowed": ", ".join(SORTS)}
    )
