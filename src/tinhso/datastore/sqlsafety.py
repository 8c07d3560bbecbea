"""datastore_search_sql: read-only SQL over DataStore tables, in three layers.

1. Parse with sqlglot (PostgreSQL dialect, as CKAN users write it): exactly one SELECT
   (UNION/INTERSECT/EXCEPT and WITH allowed), no writes, no SELECT INTO, no locking
   clause, no table functions, only allow-listed functions, and every table is a
   DataStore resource (by resource id) the user may read. Tables are rewritten to their
   physical names, and the query is generated for the running database.
2. PostgreSQL: run in a read-only transaction with ``statement_timeout``, always rolled
   back. SQLite: an authorizer callback allows only SELECT, reads of the referenced
   DataStore tables and allow-listed functions; a progress handler enforces the timeout.
3. At most SEARCH_ROWS_MAX rows are returned (``records_truncated``).
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import time
import uuid
from decimal import Decimal
from typing import Any

import sqlglot
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from tinhso.datastore import access, conf
from tinhso.datastore.models import DatastoreTable
from tinhso.datastore.services import DatastoreValidationError
from tinhso.datastore.sqlnames import TABLE_NAME

# sqlglot's names for functions (upper case), plus plain names sqlglot does not model.
ALLOWED_FUNCTIONS = frozenset(
    {
        # aggregates and windows
        "COUNT",
        "SUM",
        "AVG",
        "MIN",
        "MAX",
        "STDDEV",
        "STDDEV_POP",
        "STDDEV_SAMP",
        "VARIANCE",
        "VARIANCE_POP",
        "GROUP_CONCAT",
        "STRING_AGG",
        "ARRAY_AGG",
        "COUNT_IF",
        "BOOL_AND",
        "BOOL_OR",
        "PERCENTILE_CONT",
        "PERCENTILE_DISC",
        "MEDIAN",
        "MODE",
        "ROW_NUMBER",
        "RANK",
        "DENSE_RANK",
        "NTILE",
        "LAG",
        "LEAD",
        "FIRST_VALUE",
        "LAST_VALUE",
        "NTH_VALUE",
        "CUME_DIST",
        "PERCENT_RANK",
        # text
        "UPPER",
        "LOWER",
        "INITCAP",
        "LENGTH",
        "CHAR_LENGTH",
        "SUBSTRING",
        "SUBSTR",
        "TRIM",
        "LTRIM",
        "RTRIM",
        "REPLACE",
        "CONCAT",
        "CONCAT_WS",
        "LEFT",
        "RIGHT",
        "LPAD",
        "RPAD",
        "STRPOS",
        "POSITION",
        "SPLIT_PART",
        "REVERSE",
        "REPEAT",
        "STR_POSITION",
        "INSTR",
        "UNACCENT",
        # numbers
        "ABS",
        "ROUND",
        "CEIL",
        "CEILING",
        "FLOOR",
        "TRUNC",
        "SQRT",
        "POWER",
        "POW",
        "EXP",
        "LN",
        "LOG",
        "LOG10",
        "MOD",
        "SIGN",
        "GREATEST",
        "LEAST",
        "DIV",
        "SAFE_DIVIDE",
        # conditionals and types
        "COALESCE",
        "NULLIF",
        "IFNULL",
        "NVL",
        "IF",
        "IIF",
        "CASE",
        "CAST",
        "TRY_CAST",
        "TYPEOF",
        # dates
        "EXTRACT",
        "DATE_PART",
        "DATE_TRUNC",
        "TIMESTAMP_TRUNC",
        "DATETRUNC",
        "TO_CHAR",
        "TO_DATE",
        "TIME_TO_STR",
        "STR_TO_DATE",
        "STR_TO_TIME",
        "DATE",
        "DATETIME",
        "STRFTIME",
        "JULIANDAY",
        "CURRENT_DATE",
        "CURRENT_TIMESTAMP",
        "NOW",
        "DATE_ADD",
        "DATE_SUB",
        "DATE_DIFF",
        "DATEDIFF",
        "AGE",
        "MAKE_DATE",
        "TS_OR_DS_TO_DATE",
        "YEAR",
        "MONTH",
        "DAY",
        "QUARTER",
        "WEEK",
        "DAY_OF_WEEK",
        "DAYOFWEEK",
        "DAY_OF_YEAR",
    }
)
# Functions SQLite's authorizer may see once the query is generated for SQLite.
SQLITE_FUNCTIONS = frozenset(
    {
        "count",
        "sum",
        "total",
        "avg",
        "min",
        "max",
        "group_concat",
        "string_agg",
        "upper",
        "lower",
        "length",
        "substr",
        "substring",
        "trim",
        "ltrim",
        "rtrim",
        "replace",
        "instr",
        "abs",
        "round",
        "ceil",
        "ceiling",
        "floor",
        "trunc",
        "sqrt",
        "power",
        "pow",
        "exp",
        "ln",
        "log",
        "log10",
        "mod",
        "sign",
        "coalesce",
        "nullif",
        "ifnull",
        "iif",
        "typeof",
        "date",
        "datetime",
        "time",
        "strftime",
        "julianday",
        "unixepoch",
        "row_number",
        "rank",
        "dense_rank",
        "ntile",
        "lag",
        "lead",
        "first_value",
        "last_value",
        "nth_value",
        "cume_dist",
        "percent_rank",
        "like",
        "glob",
        "printf",
        "format",
        "concat",
        "concat_ws",
        "char",
        "unicode",
        "hex",
        "quote",
        "likely",
        "unlikely",
        "current_date",
        "current_timestamp",
        "reverse",
    }
)
_FORBIDDEN_NODES: tuple[type[exp.Expression], ...] = (
    exp.Insert,
    exp.Update,
    exp.Delete,
    exp.Create,
    exp.Drop,
    exp.Alter,
    exp.Merge,
    exp.Command,
    exp.Copy,
    exp.Set,
    exp.Pragma,
    exp.Use,
    exp.Transaction,
    exp.Commit,
    exp.Rollback,
    exp.Into,
    exp.Lock,
    exp.LoadData,
    exp.TruncateTable,
)
_ROOTS = (exp.Select, exp.Union, exp.Intersect, exp.Except)
PG_TYPES = {
    16: "bool",
    20: "int",
    21: "int",
    23: "int",
    700: "numeric",
    701: "numeric",
    1700: "numeric",
    25: "text",
    1042: "text",
    1043: "text",
    1082: "date",
    1114: "timestamp",
    1184: "timestamp",
}


MAX_REPEAT = 1000
# The first keyword of a statement, after comments and opening parentheses.
_FIRST_WORD = re.compile(r"(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/|\()*([A-Za-z_]+)", re.S)


class SqlRefused(DatastoreValidationError):
    def __init__(self, message: str) -> None:
        super().__init__({"query": [message]})


def _function_name(node: exp.Func) -> str:
    if isinstance(node, exp.Anonymous):
        return str(node.name).upper()
    return node.sql_name().upper()


def _written_name(node: exp.Func) -> str:
    """The function's name as a user writes it (``version``, not sqlglot's
    ``current_version``), for messages and PostgreSQL-style column names."""
    if isinstance(node, exp.Anonymous):
        return str(node.name).lower()
    text = node.sql(dialect="postgres")
    name = text.split("(", 1)[0].strip().lower()
    return name if name.replace("_", "").isalnum() else node.sql_name().lower()


# Statements sqlglot recognises as such; anything else at the top is not SQL we can run.
_STATEMENT_KEYS = frozenset(
    (
        *("insert", "update", "delete", "merge", "create", "drop", "alter", "command"),
        *("copy", "set", "pragma", "transaction", "commit", "rollback", "truncatetable"),
        *("grant", "revoke", "use", "describe", "show", "analyze", "kill"),
    )
)


# First words of statements other than queries (those sqlglot cannot even parse included),
# so that a refusal names the statement instead of reporting a syntax error.
_OTHER_STATEMENTS = _STATEMENT_KEYS | frozenset(
    (
        *("attach", "detach", "vacuum", "reindex", "cluster", "call", "do", "prepare"),
        *("execute", "deallocate", "listen", "notify", "unlisten", "load", "discard", "reset"),
        *("lock", "import", "refresh", "checkpoint", "declare", "fetch", "move", "close"),
        *("savepoint", "release", "begin", "start", "end", "abort", "comment", "replace"),
        *("upsert", "truncate", "security", "reassign", "cancel"),
    )
)


def _name_like_postgres(tree: exp.Expression) -> None:
    """Give the unnamed output columns of ``tree`` the names PostgreSQL (and so CKAN)
    gives them — ``sum``, ``count``, ``?column?`` — instead of SQLite's expression text."""
    node = tree
    while isinstance(node, exp.Union | exp.Intersect | exp.Except):
        node = node.this
    if not isinstance(node, exp.Select):
        return
    named: list[exp.Expression] = []
    for expr in node.expressions:
        if isinstance(expr, exp.Alias | exp.Column | exp.Star):
            named.append(expr)
            continue
        inner = expr.this if isinstance(expr, exp.Cast) else expr
        if isinstance(inner, exp.Column):
            name = inner.name
        elif isinstance(inner, exp.Func):
            name = _written_name(inner)
        elif isinstance(inner, exp.Case):
            name = "case"
        else:
            name = "?column?"
        named.append(exp.Alias(this=expr, alias=exp.to_identifier(name, quoted=True)))
    node.set("expressions", named)


_CAST_TYPES = frozenset(
    getattr(exp.DataType.Type, name)
    for name in (
        *("INT", "BIGINT", "SMALLINT", "TINYINT", "DECIMAL", "DOUBLE", "FLOAT", "MONEY"),
        *("TEXT", "VARCHAR", "CHAR", "NCHAR", "NVARCHAR", "BPCHAR", "NAME"),
        *("DATE", "DATETIME", "TIMESTAMP", "TIMESTAMPTZ", "TIMESTAMPLTZ", "TIME", "TIMETZ"),
        *("INTERVAL", "BOOLEAN", "JSON", "JSONB", "UUID"),
    )
    if hasattr(exp.DataType.Type, name)
)


def _refuse_odd_cast(node: exp.Expression) -> None:
    """Casts only to plain value types: ``'core_user'::regclass`` would tell whether a
    table exists, ``::oid`` and other system types read the catalogue."""
    to = node.args.get("to")
    if isinstance(to, exp.DataType) and to.this not in _CAST_TYPES:
        raise SqlRefused(
            _("Không được chuyển sang kiểu %(type)s trong datastore_search_sql.")
            % {"type": to.sql(dialect="postgres")[:60]}
        )


def check_and_rewrite(sql: str, *, user: Any) -> tuple[str, list[DatastoreTable]]:
    """Validate ``sql`` and return it rewritten for the running database, with the tables used."""
    physical, tables, _computed = _check(sql, user=user)
    return physical, tables


def _computed_names(tree: exp.Expression) -> dict[str, str | None]:
    """Output column names of ``tree`` that are not plain columns of a table: a renamed
    column (``col AS other``) maps to the column's name, an expression to None."""
    node = tree
    while isinstance(node, exp.Union | exp.Intersect | exp.Except):
        node = node.this
    if not isinstance(node, exp.Select):
        return {}
    out: dict[str, str | None] = {}
    for e in node.expressions:
        if isinstance(e, exp.Column | exp.Star):
            continue
        if isinstance(e, exp.Alias) and isinstance(e.this, exp.Column):
            if e.alias != e.this.name:
                out[e.alias] = e.this.name
            continue
        out[e.alias_or_name] = None
    return out


def _check(sql: str, *, user: Any) -> tuple[str, list[DatastoreTable], dict[str, str | None]]:
    try:
        return _check_tree(sql, user=user)
    except RecursionError:  # "((((…" thousands deep: the parser's stack, not a query
        raise SqlRefused(_("Câu SQL lồng nhau quá sâu.")) from None


def _check_tree(sql: str, *, user: Any) -> tuple[str, list[DatastoreTable], dict[str, str | None]]:
    if not isinstance(sql, str) or not sql.strip():
        raise SqlRefused(_("Thiếu câu truy vấn SQL (tham số sql)."))
    if len(sql) > 20_000:
        raise SqlRefused(_("Câu truy vấn quá dài (tối đa 20.000 ký tự)."))
    if "\x00" in sql:
        raise SqlRefused(_("Câu SQL có ký tự NUL (mã 0), không được phép."))
    try:
        statements = [s for s in sqlglot.parse(sql, read="postgres") if s is not None]
    except (ParseError, TokenError) as exc:
        first = _FIRST_WORD.match(sql)
        if first and first.group(1).lower() in _OTHER_STATEMENTS:
            raise SqlRefused(
                _("Chỉ cho phép câu lệnh SELECT (chỉ đọc), không được “%(kind)s”.")
                % {"kind": first.group(1).upper()[:30]}
            ) from None
        raise SqlRefused(
            _("Câu SQL không hợp lệ: %(err)s") % {"err": str(exc).splitlines()[0][:200]}
        ) from None
    if len(statements) != 1:
        raise SqlRefused(
            _("Chỉ được gửi đúng một câu lệnh SELECT (nhận %(n)d câu lệnh).")
            % {"n": len(statements)}
        )
    tree = statements[0]
    if not isinstance(tree, _ROOTS):
        if tree.key not in _STATEMENT_KEYS:
            raise SqlRefused(
                _("Câu SQL không hợp lệ: câu truy vấn phải bắt đầu bằng SELECT hoặc WITH.")
            )
        raise SqlRefused(
            _("Chỉ cho phép câu lệnh SELECT (chỉ đọc), không được “%(kind)s”.")
            % {"kind": tree.key.upper()}
        )
    for node in tree.walk():
        if isinstance(node, _FORBIDDEN_NODES):
            raise SqlRefused(
                _("Câu SQL có thao tác không được phép (%(kind)s): chỉ cho phép đọc.")
                % {"kind": node.key.upper()}
            )
        if isinstance(node, exp.Cast):
            _refuse_odd_cast(node)
        if isinstance(node, exp.Select) and (node.args.get("into") or node.args.get("locks")):
            raise SqlRefused(_("SELECT … INTO và FOR UPDATE/SHARE không được phép."))
        if isinstance(node, exp.Repeat):  # repeat('x', 500000000) would fill the memory
            times = node.args.get("times")
            if not (
                isinstance(times, exp.Literal) and times.is_int and int(times.this) <= MAX_REPEAT
            ):
                raise SqlRefused(
                    _("repeat() chỉ được dùng với số lần là một số không quá %(max)s.")
                    % {"max": f"{MAX_REPEAT:,}".replace(",", ".")}
                )
        if isinstance(node, exp.Func) and not isinstance(node, exp.Table):
            name = _function_name(node)
            if name not in ALLOWED_FUNCTIONS:
                raise SqlRefused(
                    _("Hàm %(name)s không được phép trong datastore_search_sql.")
                    % {"name": _written_name(node)}
                )
    cte_names = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    tables: dict[str, DatastoreTable] = {}
    for table in list(tree.find_all(exp.Table)):
        if not isinstance(table.this, exp.Identifier):
            raise SqlRefused(_("Không được gọi hàm ở mệnh đề FROM; chỉ đọc từ bảng DataStore."))
        if table.args.get("db") or table.args.get("catalog"):
            raise SqlRefused(
                _("Bảng “%(name)s” không thuộc DataStore.")
                % {"name": table.sql(dialect="postgres")}
            )
        name = table.name
        if name in cte_names:
            continue
        dst = tables.get(name) or _lookup(name, user=user)
        tables[name] = dst
        alias = table.alias
        table.set("this", exp.to_identifier(dst.table_name, quoted=True))
        if not alias:
            table.set("alias", exp.TableAlias(this=exp.to_identifier(name, quoted=True)))
    if not tables:
        raise SqlRefused(
            _("Câu truy vấn phải đọc ít nhất một bảng DataStore (tên bảng là mã tài nguyên).")
        )
    dialect = "postgres" if connection.vendor == "postgresql" else "sqlite"
    if dialect == "sqlite":
        _name_like_postgres(tree)
    return tree.sql(dialect=dialect), list(tables.values()), _computed_names(tree)


def _lookup(name: str, *, user: Any) -> DatastoreTable:
    dst = None
    try:
        rid = uuid.UUID(name)
        dst = (
            DatastoreTable.objects.select_related("resource__dataset__organization")
            .filter(resource_id=rid)
            .first()
        )
    except ValueError:
        if TABLE_NAME.match(name):
            dst = (
                DatastoreTable.objects.select_related("resource__dataset__organization")
                .filter(table_name=name)
                .first()
            )
    if dst is None or not dst.table_name or not access.can_read(user, dst.resource):
        raise SqlRefused(
            _(
                "Bảng “%(name)s” không phải bảng DataStore (hoặc bạn không có quyền đọc). "
                "Dùng mã tài nguyên làm tên bảng, trong dấu ngoặc kép."
            )
            % {"name": name[:100]}
        )
    return dst


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return (
            int(value)
            if value == value.to_integral_value() and abs(value) < 2**53
            else float(value)
        )
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, dt.timedelta):
        return str(value)
    return value


def run_sql(sql: str, *, user: Any) -> dict[str, Any]:
    physical, tables, computed = _check(sql, user=user)
    limit = conf.get("SEARCH_ROWS_MAX")
    timeout_ms = conf.get("SQL_TIMEOUT_MS")
    try:
        if connection.vendor == "postgresql":
            description, rows = _run_postgres(physical, limit + 1, timeout_ms)
        else:
            description, rows = _run_sqlite(
                physical, limit + 1, timeout_ms, {t.table_name for t in tables}
            )
    except _Timeout:
        raise SqlRefused(
            _("Truy vấn chạy quá %(s)s giây và đã bị dừng.") % {"s": timeout_ms / 1000}
        ) from None
    except DatabaseError as exc:
        message = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        if "statement timeout" in message or "canceling statement" in message:
            raise SqlRefused(
                _("Truy vấn chạy quá %(s)s giây và đã bị dừng.") % {"s": timeout_ms / 1000}
            ) from None
        if "not authorized" in message or "prohibited" in message or "read-only" in message:
            raise SqlRefused(_("Câu SQL bị từ chối: chỉ được đọc các bảng DataStore.")) from None
        raise SqlRefused(_("Lỗi khi chạy SQL: %(err)s") % {"err": message[:300]}) from None
    truncated = len(rows) > limit
    rows = rows[:limit]
    names = [d[0] for d in description]
    types = []
    # SQLite has no column types in its answers: a column read from a table gets the
    # field's type (and its values CKAN's form: true/false, not 1/0), others are guessed.
    source = _source_types(tables)
    for i, d in enumerate(description):
        if connection.vendor == "postgresql":
            types.append(PG_TYPES.get(d[1], "text"))
        elif source.get(computed.get(d[0], d[0]) or ""):
            types.append(source[computed.get(d[0], d[0]) or ""])
        else:
            sample = next((r[i] for r in rows if r[i] is not None), None)
            types.append(
                "int"
                if isinstance(sample, int)
                else "numeric"
                if isinstance(sample, float)
                else "text"
            )
    if connection.vendor != "postgresql":
        from tinhso.datastore.values import to_json

        rows = [tuple(to_json(v, t) for v, t in zip(row, types, strict=True)) for row in rows]
    records = [{n: _json_value(v) for n, v in zip(names, row, strict=True)} for row in rows]
    result: dict[str, Any] = {
        "sql": sql,
        "records": records,
        "fields": [{"id": n, "type": t} for n, t in zip(names, types, strict=True)],
    }
    if truncated:
        result["records_truncated"] = True
    return result


def _source_types(tables: list[DatastoreTable]) -> dict[str, str]:
    """Field id -> type over the tables of a query (ids typed differently are left out)."""
    out: dict[str, str] = {"_id": "int"}
    clash: set[str] = set()
    for t in tables:
        for f in t.fields:
            if out.get(f["id"], f["type"]) != f["type"]:
                clash.add(f["id"])
            out[f["id"]] = f["type"]
    return {k: v for k, v in out.items() if k not in clash}


class _Timeout(Exception):
    pass


def _run_postgres(sql: str, limit: int, timeout_ms: int) -> tuple[Any, list[tuple[Any, ...]]]:
    with transaction.atomic(), connection.cursor() as cursor:
        # Read-only for the rest of this (sub)transaction; rolled back below either way.
        cursor.execute("SET LOCAL transaction_read_only = on")
        cursor.execute("SELECT set_config('statement_timeout', %s, true)", [str(int(timeout_ms))])
        try:
            import psycopg

            raw = cursor.cursor  # psycopg cursor: the generated SQL is sent as is, no parameters
            try:
                raw.execute(sql)
                description = raw.description
                rows = raw.fetchmany(limit)
            except psycopg.Error as exc:
                raise DatabaseError(str(exc)) from None
        finally:
            transaction.set_rollback(True)
    return description, rows


def _run_sqlite(
    sql: str, limit: int, timeout_ms: int, allowed: set[str]
) -> tuple[Any, list[tuple[Any, ...]]]:
    connection.ensure_connection()
    raw: sqlite3.Connection = connection.connection  # type: ignore[assignment]
    deadline = time.monotonic() + timeout_ms / 1000
    timed_out = False
    denied_functions: list[str] = []

    def authorizer(
        action: int, arg1: str | None, arg2: str | None, dbname: str | None, source: str | None
    ) -> int:
        if action == sqlite3.SQLITE_SELECT:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_READ and (arg1 in allowed or dbname is None):
            return sqlite3.SQLITE_OK  # a referenced DataStore table, or a CTE (no database)
        if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in SQLITE_FUNCTIONS:
            return sqlite3.SQLITE_OK
        if action == getattr(sqlite3, "SQLITE_RECURSIVE", 33):
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_FUNCTION:
            denied_functions.append((arg2 or "").lower())
        return sqlite3.SQLITE_DENY

    def progress() -> int:
        nonlocal timed_out
        if time.monotonic() > deadline:
            timed_out = True
            return 1
        return 0

    raw.set_authorizer(authorizer)
    raw.set_progress_handler(progress, 10_000)
    cursor = raw.cursor()
    try:
        cursor.execute(sql)
        description = cursor.description
        rows = cursor.fetchmany(limit)
    except sqlite3.DatabaseError as exc:
        if timed_out:
            raise _Timeout from None
        if denied_functions:  # allowed for PostgreSQL, but SQLite has no such function
            raise SqlRefused(
                _("Hàm %(name)s không dùng được với cơ sở dữ liệu SQLite của máy chủ này.")
                % {"name": denied_functions[0]}
            ) from None
        raise DatabaseError(str(exc)) from None
    finally:
        cursor.close()
        raw.set_authorizer(None)
        raw.set_progress_handler(None, 0)
    if timed_out:
        raise _Timeout
    return description or [], rows
