"""Reads of the DataStore: datastore_search, datastore_info, column summaries, chart
aggregates and row iteration for exports. Every identifier is checked against the
table's known fields and quoted; every value is a query parameter."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import InvalidOperation
from typing import Any

from django.db import DatabaseError, connection
from django.utils.translation import gettext as _

from tinhso.catalog.models import Resource
from tinhso.core.text import fold
from tinhso.datastore import access, conf
from tinhso.datastore.models import DatastoreTable
from tinhso.datastore.services import (
    DatastoreNotFound,
    DatastorePermissionDenied,
    DatastoreValidationError,
    to_db_checked,
)
from tinhso.datastore.sqlnames import quote_ident, quote_table
from tinhso.datastore.values import to_json

_SORT_PART = re.compile(r'^\s*(?:"((?:[^"]|"")+)"|([^\s,"]+))(?:\s+(asc|desc))?\s*$', re.IGNORECASE)
ID_FIELD = {"id": "_id", "type": "int", "label": "", "indexed": True}
MAX_OFFSET = 10**15
# Longest search term: SQLite refuses LIKE patterns over 50,000 bytes, and no real
# search needs more.
MAX_TERM_CHARS = 1000


class ResourceMissing(DatastoreNotFound):
    """No such resource, or one the user may not read (``subject`` names it for CKAN's
    "Không tìm thấy: …" message)."""

    def __init__(self, resource_id: Any) -> None:
        self.subject = _("tài nguyên “%(id)s”") % {"id": str(resource_id)[:100]}
        super().__init__(_("Không tìm thấy tài nguyên “%(id)s”.") % {"id": str(resource_id)[:100]})


def get_table(resource_id: Any, *, user: Any, require_data: bool = True) -> DatastoreTable:
    """The DataStore table of a resource the user may read, or DatastoreNotFound."""
    try:
        rid = uuid.UUID(str(resource_id))
    except (ValueError, TypeError, AttributeError):
        raise ResourceMissing(resource_id) from None
    table = (
        DatastoreTable.objects.select_related("resource__dataset__organization")
        .filter(resource_id=rid)
        .first()
    )
    if table is None:
        resource = Resource.objects.select_related("dataset").filter(pk=rid).first()
        if resource is None or not access.can_read(user, resource):
            raise ResourceMissing(rid)
        raise DatastoreNotFound(
            _("Tài nguyên “%(id)s” chưa có dữ liệu trong DataStore.") % {"id": rid}
        )
    if not access.can_read(user, table.resource):
        raise ResourceMissing(rid)
    if require_data and not table.table_name:
        raise DatastoreNotFound(_no_data_message(table))
    return table


def _no_data_message(table: DatastoreTable) -> str:
    """Why a resource has no DataStore table yet: still loading, or the load's error."""
    rid = table.resource_id
    if table.status == DatastoreTable.Status.FAILED and table.error:
        return _(
            "Tài nguyên “%(id)s” chưa có dữ liệu trong DataStore: lần nạp gần nhất thất bại: %(error)s"
        ) % {"id": rid, "error": table.error}
    if table.status in (DatastoreTable.Status.QUEUED, DatastoreTable.Status.RUNNING):
        return _("Tài nguyên “%(id)s” đang được nạp vào DataStore, hãy thử lại sau ít phút.") % {
            "id": rid
        }
    return _("Tài nguyên “%(id)s” chưa có dữ liệu trong DataStore.") % {"id": rid}


def all_fields(table: DatastoreTable) -> list[dict[str, Any]]:
    return [ID_FIELD, *table.fields]


def resolve_field(table: DatastoreTable, name: str) -> dict[str, Any] | None:
    """A field by id, or by its original label (header text)."""
    if name == "_id":
        return ID_FIELD
    for f in table.fields:
        if f["id"] == name:
            return f
    for f in table.fields:
        if f.get("label") and f["label"] == name:
            return f
    return None


def _field_or_error(table: DatastoreTable, name: Any, param: str) -> dict[str, Any]:
    f = resolve_field(table, str(name)) if isinstance(name, str) else None
    if f is None:
        raise DatastoreValidationError(
            {param: [_("Cột “%(name)s” không có trong bảng.") % {"name": str(name)[:100]}]}
        )
    return f


def _as_text(col: str) -> str:
    return f"CAST({col} AS TEXT)"


def build_filters(
    table: DatastoreTable, filters: Any, q: Any = None, full_text: Any = None
) -> tuple[str, list[Any]]:
    """WHERE clause (without the keyword) and parameters for CKAN ``filters``, ``q`` and
    ``full_text`` (like a text ``q`` but over every column, numbers and dates included)."""
    clauses: list[str] = []
    params: list[Any] = []
    for value, param in ((filters, "filters"), (q, "q"), (full_text, "full_text")):
        _refuse_nul(value, param)
        if param != "filters":
            _refuse_long_terms(value, param)
    if full_text is not None and full_text != "":
        if not isinstance(full_text, str):
            raise DatastoreValidationError({"full_text": [_("full_text phải là chuỗi.")]})
        if full_text.strip():
            ors = []
            for f in _searchable(table):
                sql, values = _contains(_as_text(quote_ident(f["id"])), full_text.strip())
                ors.append(sql)
                params.extend(values)
            clauses.append("(" + " OR ".join(ors) + ")" if ors else "1=0")
    if filters:
        if not isinstance(filters, dict):
            raise DatastoreValidationError(
                {"filters": [_("filters phải là một đối tượng JSON {cột: giá trị}.")]}
            )
        for name, value in filters.items():
            f = _field_or_error(table, name, "filters")
            col = quote_ident(f["id"])
            values = value if isinstance(value, list) else [value]
            if not values:
                clauses.append("1=0")
                continue
            converted = []
            for v in values:
                if isinstance(v, dict | list):
                    raise DatastoreValidationError(
                        {"filters": [_("Giá trị lọc của “%(c)s” không hợp lệ.") % {"c": name}]}
                    )
                try:
                    converted.append(to_db_checked(v, f["type"]))
                except (ValueError, TypeError, InvalidOperation, ArithmeticError):
                    raise DatastoreValidationError(
                        {
                            "filters": [
                                _("Giá trị “%(v)s” không hợp lệ cho cột “%(c)s” (kiểu %(t)s).")
                                % {"v": str(v)[:80], "c": name, "t": f["type"]}
                            ]
                        }
                    ) from None
            non_null = [v for v in converted if v is not None]
            parts = []
            if non_null:
                parts.append(
                    f"{col} IN ({', '.join(['%s'] * len(non_null))})"
                    if len(non_null) > 1
                    else f"{col} = %s"
                )
                params.extend(non_null)
            if len(non_null) != len(converted):
                parts.append(f"{col} IS NULL")
            clauses.append("(" + " OR ".join(parts) + ")")
    if isinstance(q, dict):
        for name, term in q.items():
            f = _field_or_error(table, name, "q")
            if not isinstance(term, str | int | float):
                raise DatastoreValidationError({"q": [_("Giá trị tìm kiếm không hợp lệ.")]})
            term = str(term).strip()
            if term:
                sql, values = _contains(_as_text(quote_ident(f["id"])), term)
                clauses.append(sql)
                params.extend(values)
    elif q is not None and q != "":
        if not isinstance(q, str):
            raise DatastoreValidationError(
                {"q": [_("q phải là chuỗi hoặc đối tượng {cột: từ khoá}.")]}
            )
        term = q.strip()
        if term:  # like CKAN: a text q searches every field of the row (as full_text does)
            ors = []
            for f in _searchable(table):
                sql, values = _contains(_as_text(quote_ident(f["id"])), term)
                ors.append(sql)
                params.extend(values)
            clauses.append("(" + " OR ".join(ors) + ")" if ors else "1=0")
    return " AND ".join(clauses), params


def _refuse_nul(value: Any, param: str) -> None:
    """A NUL character cannot be stored in text (PostgreSQL refuses it, SQLite cuts the
    pattern there and would match every row): refuse it by name."""
    texts = [value] if isinstance(value, str) else []
    if isinstance(value, dict):
        for k, v in value.items():
            texts.append(str(k))
            texts.extend(str(x) for x in (v if isinstance(v, list) else [v]))
    if any("\x00" in t for t in texts):
        raise DatastoreValidationError(
            {param: [_("%(param)s có ký tự NUL (mã 0), không được phép.") % {"param": param}]}
        )


def _refuse_long_terms(value: Any, param: str) -> None:
    terms = [value] if isinstance(value, str) else []
    if isinstance(value, dict):
        terms = [str(v) for v in value.values()]
    if any(len(t) > MAX_TERM_CHARS for t in terms):
        raise DatastoreValidationError(
            {
                param: [
                    _("Từ khoá tìm kiếm quá dài (tối đa %(max)d ký tự).") % {"max": MAX_TERM_CHARS}
                ]
            }
        )


def _searchable(table: DatastoreTable) -> list[dict[str, Any]]:
    """The fields a text search looks in: all but booleans (which the engines write as
    1/0 or true/false, so a search for "1" would match them on one engine only)."""
    return [f for f in table.fields if f["type"] != "bool"]


# Vietnamese letters with a diacritic (NFC, lower case) and their folded letter.
_VI_MARKED = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
_VI_FOLDED = "".join(fold(ch) for ch in _VI_MARKED)
# ASCII letters that stand for a marked letter once folded: in a LIKE prefilter they
# become "_" (any one character), since NFC Vietnamese letters are one character each.
_FOLDABLE = frozenset("aeiouyd")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(col: str, term: str) -> tuple[str, list[Any]]:
    """SQL (and parameters) for "``col`` contains ``term``", ignoring case and
    Vietnamese diacritics (``ha noi`` finds ``Hà Nội``, ``Đà Nẵng`` finds ``DA NANG``).

    Both engines first keep the values that match the term with every foldable vowel and
    ``d`` as a one-character wildcard (a plain ``LIKE``, in C), then check those:
    PostgreSQL with ``translate(lower(…))``, SQLite with ``tinhso.core.text.fold``."""
    folded = fold(term)
    pattern = "%" + _escape_like(folded) + "%"
    loose = "".join("_" if ch in _FOLDABLE else _escape_like(ch) for ch in folded)
    if connection.vendor == "postgresql":  # the LIKE prefilter spares most translate() calls
        return (
            f"(lower({col}) LIKE %s ESCAPE '\\' "
            f"AND translate(lower({col}), %s, %s) LIKE %s ESCAPE '\\')",
            ["%" + loose + "%", _VI_MARKED, _VI_FOLDED, pattern],
        )
    _ensure_sqlite_fold()
    return (
        f"({col} LIKE %s ESCAPE '\\' AND ds_fold({col}) LIKE %s ESCAPE '\\')",
        ["%" + loose + "%", pattern],
    )


def _ensure_sqlite_fold() -> None:
    """Register ``ds_fold`` on this SQLite connection (cheap; done before each use)."""
    connection.ensure_connection()
    connection.connection.create_function(  # type: ignore[union-attr]
        "ds_fold", 1, _fold_or_none, deterministic=True
    )


def _fold_or_none(value: Any) -> str | None:
    return None if value is None else fold(str(value))


def parse_sort(table: DatastoreTable, sort: Any) -> list[tuple[str, str]]:
    if sort is None or sort == "":
        return []
    parts = sort if isinstance(sort, list) else str(sort).split(",")
    out = []
    for part in parts:
        m = _SORT_PART.match(str(part))
        if not m:
            raise DatastoreValidationError(
                {
                    "sort": [
                        _("Cách sắp xếp “%(s)s” không hợp lệ (dạng: cột asc|desc).")
                        % {"s": str(part)[:100]}
                    ]
                }
            )
        name = (m.group(1) or "").replace('""', '"') or m.group(2)
        f = _field_or_error(table, name, "sort")
        out.append((f["id"], (m.group(3) or "asc").upper()))
    return out


def parse_fields(table: DatastoreTable, fields: Any) -> list[dict[str, Any]]:
    if fields is None or fields == "" or fields == []:
        return all_fields(table)
    names = fields if isinstance(fields, list) else str(fields).split(",")
    out = []
    for name in names:
        f = _field_or_error(table, str(name).strip(), "fields")
        if f not in out:
            out.append(f)
    return out


@dataclass
class SearchResult:
    fields: list[dict[str, Any]]
    records: list[list[Any]]  # values converted for JSON, in ``fields`` order
    total: int | None
    limit: int
    offset: int
    sort: list[tuple[str, str]] = field(default_factory=list)


def _limits(limit: Any, offset: Any) -> tuple[int, int]:
    try:
        lim = conf.get("SEARCH_ROWS_DEFAULT") if limit in (None, "") else int(limit)
    except (TypeError, ValueError):
        raise DatastoreValidationError({"limit": [_("limit phải là số nguyên.")]}) from None
    try:
        off = 0 if offset in (None, "") else int(offset)
    except (TypeError, ValueError):
        raise DatastoreValidationError({"offset": [_("offset phải là số nguyên.")]}) from None
    max_rows = conf.get("SEARCH_ROWS_MAX")
    if lim < 0 or lim > max_rows:
        raise DatastoreValidationError(
            {"limit": [_("limit phải từ 0 đến %(max)d.") % {"max": max_rows}]}
        )
    if off < 0:
        raise DatastoreValidationError({"offset": [_("offset không được âm.")]})
    if off > MAX_OFFSET:  # beyond a 64-bit integer the engines fail instead of answering
        raise DatastoreValidationError(
            {
                "offset": [
                    _("offset quá lớn (tối đa %(max)s).")
                    % {"max": f"{MAX_OFFSET:,}".replace(",", ".")}
                ]
            }
        )
    return lim, off


def _select_parts(
    table: DatastoreTable,
    *,
    filters: Any,
    q: Any,
    fields: Any,
    sort: Any,
    distinct: bool,
    full_text: Any = None,
) -> tuple[list[dict[str, Any]], str, list[Any], list[tuple[str, str]]]:
    chosen = parse_fields(table, fields)
    where, params = build_filters(table, filters, q, full_text)
    order = parse_sort(table, sort)
    if distinct:
        shown = {f["id"] for f in chosen}
        outside = [c for c, _d in order if c not in shown]
        if outside:  # PostgreSQL refuses it; refused on both engines alike
            raise DatastoreValidationError(
                {
                    "sort": [
                        _(
                            "Với distinct, chỉ sắp xếp được theo các cột có trong fields "
                            "(không có: %(cols)s)."
                        )
                        % {"cols": ", ".join(outside)}
                    ]
                }
            )
    return chosen, where, params, order


def datastore_search(
    *,
    table: DatastoreTable,
    filters: Any = None,
    q: Any = None,
    distinct: bool = False,
    fields: Any = None,
    sort: Any = None,
    limit: Any = None,
    offset: Any = None,
    include_total: bool = True,
    full_text: Any = None,
) -> SearchResult:
    lim, off = _limits(limit, offset)
    chosen, where, params, order = _select_parts(
        table,
        filters=filters,
        q=q,
        fields=fields,
        sort=sort,
        distinct=distinct,
        full_text=full_text,
    )
    qt = quote_table(table.table_name)
    cols = ", ".join(quote_ident(f["id"]) for f in chosen)
    sql = f"SELECT {'DISTINCT ' if distinct else ''}{cols} FROM {qt}"  # noqa: S608
    if where:
        sql += f" WHERE {where}"
    order_sql = [f"{quote_ident(c)} {d}" for c, d in order]
    if not distinct and not any(c == "_id" for c, _d in order):
        order_sql.append('"_id" ASC')
    if order_sql:
        sql += " ORDER BY " + ", ".join(order_sql)
    sql += " LIMIT %s OFFSET %s"
    types = [f["type"] for f in chosen]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, lim, off])
        records = [
            [to_json(v, t) for v, t in zip(row, types, strict=True)] for row in cursor.fetchall()
        ]
        total: int | None = None
        if include_total:
            if not where and not distinct:
                total = table.row_count
            else:
                inner = f"SELECT {'DISTINCT ' + cols if distinct else '1'} FROM {qt}" + (  # noqa: S608
                    f" WHERE {where}" if where else ""
                )
                cursor.execute(f"SELECT COUNT(*) FROM ({inner}) AS s", params)  # noqa: S608
                total = int(cursor.fetchone()[0])
    return SearchResult(
        fields=chosen, records=records, total=total, limit=lim, offset=off, sort=order
    )


def iter_rows(
    table: DatastoreTable,
    *,
    filters: Any = None,
    q: Any = None,
    fields: Any = None,
    sort: Any = None,
    batch: int = 2000,
) -> tuple[list[dict[str, Any]], Iterator[list[Any]]]:
    """Fields and a generator of every matching row (JSON-ready values), fetched in batches
    by keyset on ``_id`` when unsorted, so memory stays flat for exports."""
    chosen, where, params, order = _select_parts(
        table, filters=filters, q=q, fields=fields, sort=sort, distinct=False
    )
    qt = quote_table(table.table_name)
    types = [f["type"] for f in chosen]
    cols = ", ".join(['"_id"'] + [quote_ident(f["id"]) for f in chosen])

    def rows() -> Iterator[list[Any]]:
        if not order:
            last = 0
            while True:
                cond = f"({where}) AND " if where else ""
                sql = f'SELECT {cols} FROM {qt} WHERE {cond}"_id" > %s ORDER BY "_id" LIMIT %s'  # noqa: S608
                with connection.cursor() as cursor:
                    cursor.execute(sql, [*params, last, batch])
                    page = cursor.fetchall()
                if not page:
                    return
                for row in page:
                    yield [to_json(v, t) for v, t in zip(row[1:], types, strict=True)]
                last = page[-1][0]
        else:
            order_sql = ", ".join([f"{quote_ident(c)} {d}" for c, d in order] + ['"_id" ASC'])
            offset = 0
            while True:
                sql = (
                    f"SELECT {cols} FROM {qt}"  # noqa: S608 (identifiers validated and quoted)
                    + (f" WHERE {where}" if where else "")
                    + f" ORDER BY {order_sql} LIMIT %s OFFSET %s"
                )
                with connection.cursor() as cursor:
                    cursor.execute(sql, [*params, batch, offset])
                    page = cursor.fetchall()
                if not page:
                    return
                for row in page:
                    yield [to_json(v, t) for v, t in zip(row[1:], types, strict=True)]
                offset += len(page)

    return chosen, rows()


def column_summary(table: DatastoreTable) -> list[dict[str, Any]]:
    """Per column: type, nulls, distinct values (capped), min and max. Cached per table
    generation in ``detected['summary']``."""
    cache = table.detected.get("summary") if isinstance(table.detected, dict) else None
    key = f"{table.table_name}:{table.row_count}"
    if cache and cache.get("key") == key:
        return cache["columns"]
    qt = quote_table(table.table_name)
    cap = 1000
    columns = []
    with connection.cursor() as cursor:
        for f in table.fields:
            col = quote_ident(f["id"])
            lo_sql, hi_sql = f"MIN({col})", f"MAX({col})"
            if f["type"] == "bool" and connection.vendor == "postgresql":
                # PostgreSQL has no MIN/MAX of boolean: false < true, so AND / OR
                lo_sql, hi_sql = f"BOOL_AND({col})", f"BOOL_OR({col})"
            cursor.execute(f"SELECT COUNT(*) - COUNT({col}), {lo_sql}, {hi_sql} FROM {qt}")  # noqa: S608
            nulls, lo, hi = cursor.fetchone()
            cursor.execute(
                f"SELECT COUNT(*) FROM (SELECT DISTINCT {col} FROM {qt} WHERE {col} IS NOT NULL LIMIT {cap + 1}) AS d"  # noqa: S608
            )
            distinct = int(cursor.fetchone()[0])
            columns.append(
                {
                    "id": f["id"],
                    "label": f.get("label") or f["id"],
                    "type": f["type"],
                    "nulls": int(nulls),
                    "distinct": distinct,
                    "distinct_capped": distinct > cap,
                    "min": to_json(lo, f["type"]),
                    "max": to_json(hi, f["type"]),
                }
            )
    detected = dict(table.detected or {})
    detected["summary"] = {"key": key, "columns": columns}
    DatastoreTable.objects.filter(pk=table.pk).update(detected=detected)
    table.detected = detected
    return columns


CHART_AGGREGATES = ("sum", "avg", "count", "min", "max")


def chart_data(
    table: DatastoreTable,
    *,
    category: str,
    value: str | None,
    aggregate: str = "sum",
    filters: Any = None,
    q: Any = None,
    limit: int = 50,
) -> dict[str, Any]:
    """Values of ``aggregate(value)`` grouped by ``category`` (top ``limit`` categories)."""
    cat = _field_or_error(table, category, "category")
    if aggregate not in CHART_AGGREGATES:
        raise DatastoreValidationError({"aggregate": [_("Phép tính không hợp lệ.")]})
    if aggregate == "count" or not value:
        agg_sql, aggregate = "COUNT(*)", "count"
        val = None
    else:
        val = _field_or_error(table, value, "value")
        if val["type"] not in ("int", "numeric"):
            raise DatastoreValidationError({"value": [_("Cột giá trị phải là cột số.")]})
        agg_sql = f"{aggregate.upper()}({quote_ident(val['id'])})"
    where, params = build_filters(table, filters, q)
    ccol = quote_ident(cat["id"])
    ordered = cat["type"] in ("date", "timestamp", "int", "numeric")
    sql = (
        f"SELECT {ccol}, {agg_sql} FROM {quote_table(table.table_name)}"  # noqa: S608
        + (f" WHERE {where}" if where else "")
        + f" GROUP BY {ccol} ORDER BY {ccol if ordered else '2 DESC'} LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, max(1, min(limit, 500))])
        rows = cursor.fetchall()
    return {
        "category": cat["id"],
        "value": val["id"] if val else None,
        "aggregate": aggregate,
        "labels": [str(to_json(r[0], cat["type"])) if r[0] is not None else "—" for r in rows],
        "values": [to_json(r[1], "numeric") for r in rows],
    }


def _pg_column_schema(table_name: str) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    qt = quote_table(table_name)
    columns: dict[str, dict[str, Any]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull "
            "FROM pg_attribute a WHERE a.attrelid = %s::regclass AND a.attnum > 0 "
            "AND NOT a.attisdropped ORDER BY a.attnum",
            [qt],
        )
        for name, native, notnull in cursor.fetchall():
            columns[name] = _schema_entry(native, bool(notnull))
        cursor.execute(
            "SELECT a.attname, i.relname, ix.indisunique OR ix.indisprimary "
            "FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid "
            "JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = ANY(ix.indkey) "
            "WHERE ix.indrelid = %s::regclass ORDER BY i.relname",
            [qt],
        )
        for name, index, unique in cursor.fetchall():
            _add_index(columns.get(name), index, bool(unique))
        cursor.execute(
            "SELECT pg_relation_size(%s::regclass), pg_indexes_size(%s::regclass), "
            "pg_database_size(current_database())",
            [qt, qt],
        )
        size, idx_size, db_size = cursor.fetchone()
    return columns, {"size": int(size), "idx_size": int(idx_size), "db_size": int(db_size)}


def _sqlite_column_schema(table_name: str) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    qt = quote_table(table_name)
    columns: dict[str, dict[str, Any]] = {}
    sizes: dict[str, Any] = {"size": None, "idx_size": None, "db_size": None}
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA table_info({qt})")
        for _cid, name, native, notnull, _default, pk in cursor.fetchall():
            columns[name] = _schema_entry(native, bool(notnull) or bool(pk))
            if pk:  # the INTEGER PRIMARY KEY "_id" is the table's rowid, not an index
                columns[name]["uniquekey"] = True
        cursor.execute(f"PRAGMA index_list({qt})")
        indexes = sorted((row[1], bool(row[2])) for row in cursor.fetchall())
        for index, unique in indexes:
            quoted = '"' + index.replace('"', '""') + '"'
            cursor.execute(f"PRAGMA index_info({quoted})")
            for _seq, _cid, name in cursor.fetchall():
                _add_index(columns.get(name), index, unique)
        cursor.execute("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size")
        sizes["db_size"] = int(cursor.fetchone()[0])
        try:  # dbstat is compiled into most SQLite builds, not all
            cursor.execute(
                "SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name = %s", [table_name]
            )
            sizes["size"] = int(cursor.fetchone()[0])
            if indexes:
                marks = ", ".join(["%s"] * len(indexes))
                cursor.execute(
                    f"SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name IN ({marks})",  # noqa: S608
                    [i for i, _u in indexes],
                )
                sizes["idx_size"] = int(cursor.fetchone()[0])
            else:
                sizes["idx_size"] = 0
        except DatabaseError:
            pass
    return columns, sizes


def _schema_entry(native: str, notnull: bool) -> dict[str, Any]:
    return {
        "native_type": native,
        "notnull": notnull,
        "index_name": None,
        "is_index": False,
        "uniquekey": False,
    }


def _add_index(entry: dict[str, Any] | None, index: str, unique: bool) -> None:
    if entry is None:
        return
    if entry["index_name"] is None:
        entry["index_name"] = index
    entry["is_index"] = True
    entry["uniquekey"] = entry["uniquekey"] or unique


def datastore_info(
    table: DatastoreTable, *, include_meta: bool = True, include_fields_schema: bool = True
) -> dict[str, Any]:
    """CKAN's ``datastore_info``: ``meta`` (``id``, ``count``, ``table_type``, ``aliases``,
    ``size``, ``idx_size``, ``db_size`` in bytes) and ``fields`` (without ``_id``) as
    ``datastore_search`` lists them, each with ``schema``: the database's own column type
    (``native_type``), ``notnull``, ``index_name``, ``is_index`` and ``uniquekey``, read
    from the database catalogue as CKAN does (PRAGMAs on SQLite). Without
    ``include_meta`` there is no ``meta``, without ``include_fields_schema`` no
    ``schema`` (CKAN 2.11's flags; neither is then read from the catalogue)."""
    columns: dict[str, dict[str, Any]] = {}
    sizes: dict[str, Any] = {}
    if include_meta or include_fields_schema:
        if connection.vendor == "postgresql":
            columns, sizes = _pg_column_schema(table.table_name)
        else:
            columns, sizes = _sqlite_column_schema(table.table_name)
    fields = []
    for f in ckan_fields(table.fields):
        if include_fields_schema:
            f["schema"] = columns.get(f["id"]) or _schema_entry("", False)
        fields.append(f)
    info: dict[str, Any] = {}
    if include_meta:
        info["meta"] = {
            "id": str(table.resource_id),
            "count": table.row_count,
            "table_type": "BASE TABLE",
            "aliases": [],
            **sizes,
            "origin": table.origin,
            "loaded_at": table.loaded_at.isoformat() if table.loaded_at else None,
            "detected": {k: v for k, v in (table.detected or {}).items() if k != "summary"},
        }
    info["fields"] = fields
    info["primary_key"] = table.primary_key
    return info


#: The type names CKAN's DataStore reports, PostgreSQL's ``pg_type.typname`` of the column
#: (tinhso's integer columns are ``bigint``: ``int8``); the other types keep their name.
CKAN_TYPE_NAMES = {"int": "int8"}


def ckan_type(ftype: str) -> str:
    return CKAN_TYPE_NAMES.get(ftype, ftype)


def ckan_fields(fields: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fields as CKAN lists them: ``_id`` is ``int`` (CKAN's own name for it), the others
    carry PostgreSQL's type name, and ``info`` only when there is a label."""
    out = []
    for f in fields:
        ftype = f["type"] if f["id"] == "_id" else ckan_type(f["type"])
        item: dict[str, Any] = {"id": f["id"], "type": ftype}
        if f.get("label"):
            item["info"] = {"label": f["label"]}
        out.append(item)
    return out


def readable_tables(user: Any) -> dict[str, DatastoreTable]:
    """Tables by resource id (and physical name) that ``user`` may query; used by SQL checks."""
    result: dict[str, DatastoreTable] = {}
    for t in DatastoreTable.objects.exclude(table_name="").select_related(
        "resource__dataset__organization"
    ):
        if access.can_read(user, t.resource):
            result[str(t.resource_id)] = t
    return result


__all__ = ["DatastorePermissionDenied"]
