"""Writes of the DataStore: file loads (queue + run + swap), publisher options, and the
CKAN write actions datastore_create / datastore_upsert / datastore_delete."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from decimal import InvalidOperation
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.catalog.models import Resource
from tinhso.core.audit import audit_record, audit_suppressed
from tinhso.core.services import DomainError
from tinhso.core.text import nfc
from tinhso.datastore import access
from tinhso.datastore.ingest.errors import LoadError
from tinhso.datastore.ingest.fetch import declared_format, local_copy
from tinhso.datastore.ingest.infer import TYPES
from tinhso.datastore.ingest.pipeline import load_file
from tinhso.datastore.ingest.readers import TABULAR_FORMATS
from tinhso.datastore.models import DatastoreTable, LoadLog
from tinhso.datastore.sqlnames import (
    SQL_TYPES,
    TYPE_ALIASES,
    quote_ident,
    quote_table,
    table_name,
    valid_field_id,
)
from tinhso.datastore.values import to_db

logger = logging.getLogger("tinhso.datastore")
TABULAR_MIMETYPES = {
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
}


class DatastoreError(DomainError):
    """Base of DataStore refusals."""


class DatastoreNotFound(DatastoreError):
    pass


class DatastorePermissionDenied(DatastoreError):
    pass


class DatastoreValidationError(DatastoreError):
    """``errors`` maps a parameter name to messages, as CKAN's Validation Error does."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        first_key, first_msgs = next(iter(errors.items()))
        super().__init__(f"{first_key}: {first_msgs[0]}", field=first_key)
        self.errors = errors


def is_tabular(resource: Resource) -> bool:
    fmt = declared_format(resource)
    if fmt in TABULAR_FORMATS and fmt != "txt":
        return True
    return (
        TABULAR_MIMETYPES.get((resource.mimetype or "").split(";")[0].strip().lower()) is not None
    )


# ------------------------------------------------------------------ file loads


def datastore_enqueue(*, resource: Resource) -> DatastoreTable:
    """Mark the resource as waiting and enqueue its load after the transaction commits."""
    from tinhso.datastore.tasks import load_resource_task

    with transaction.atomic(), audit_suppressed():
        table, _created = DatastoreTable.objects.get_or_create(resource=resource)
        DatastoreTable.objects.filter(pk=table.pk).update(
            status=DatastoreTable.Status.QUEUED,
            phase=DatastoreTable.Phase.WAITING,
            rows_read=0,
            rows_loaded=0,
            queued_at=timezone.now(),
        )
        resource_id = str(resource.pk)
        transaction.on_commit(lambda: load_resource_task.enqueue(resource_id))
    table.refresh_from_db()
    return table


class _Progress:
    def __init__(self, pk: Any) -> None:
        self.pk = pk
        self.last = 0.0
        self.phase = ""

    def __call__(self, phase: str, rows_read: int, rows_loaded: int) -> None:
        now = time.monotonic()
        if phase == self.phase and now - self.last < 0.5:
            return
        self.phase, self.last = phase, now
        DatastoreTable.objects.filter(pk=self.pk).update(
            phase=phase, rows_read=rows_read, rows_loaded=rows_loaded
        )


def datastore_load(*, resource: Resource) -> DatastoreTable:
    """Load the resource's file into a fresh table and swap it in (run by the task).

    On a refused or failed load the previous table keeps serving; the error and its line
    are stored on the table record and in the load log."""
    with audit_suppressed():
        table, _created = DatastoreTable.objects.get_or_create(resource=resource)
        DatastoreTable.objects.filter(pk=table.pk).update(generation=F("generation") + 1)
        table.refresh_from_db()
        new_name = table_name(resource.pk, table.generation)
        log = LoadLog.objects.create(resource=resource)
    entries: list[dict[str, Any]] = []

    def note(level: str, message: str) -> None:
        entries.append(
            {"at": timezone.now().isoformat(timespec="seconds"), "level": level, "message": message}
        )

    DatastoreTable.objects.filter(pk=table.pk).update(
        status=DatastoreTable.Status.RUNNING,
        phase=DatastoreTable.Phase.FETCHING,
        rows_read=0,
        rows_loaded=0,
        started_at=timezone.now(),
        finished_at=None,
    )
    started = time.monotonic()
    try:
        with local_copy(resource) as path:
            note("info", _("Bắt đầu nạp %(size)d byte.") % {"size": path.stat().st_size})
            result = load_file(
                path=path,
                declared_format=declared_format(resource),
                options=table.options,
                table=new_name,
                progress=_Progress(table.pk),
                log=note,
            )
        with transaction.atomic(), audit_suppressed():
            current = DatastoreTable.objects.select_for_update().get(pk=table.pk)
            old = current.table_name
            current.table_name = new_name
            current.origin = DatastoreTable.Origin.FILE
            current.fields = result.fields
            current.primary_key = []
            current.row_count = result.rows
            current.detected = result.detected
            current.status = DatastoreTable.Status.ACTIVE
            current.phase = DatastoreTable.Phase.DONE
            current.rows_loaded = result.rows
            current.error = ""
            current.error_line = None
            current.finished_at = current.loaded_at = timezone.now()
            current.save()
            if old and old != new_name:
                _drop_table(old)
        seconds = time.monotonic() - started
        message = _("Đã nạp %(rows)d dòng, %(cols)d cột trong %(s).1f giây.") % {
            "rows": result.rows,
            "cols": len(result.fields),
            "s": seconds,
        }
        note("info", message)
        _finish_log(log, LoadLog.Status.SUCCESS, message, entries, rows=result.rows)
        audit_record(
            action="datastore_load",
            object_type="catalog.resource",
            object_id=str(resource.pk),
            object_repr=resource.name,
            changes={"rows": result.rows, "table": new_name},
        )
        return current
    except LoadError as exc:
        note("error", exc.message)
        _fail(table, log, entries, exc.message, exc.line)
    except Exception as exc:
        logger.exception("datastore load of %s failed", resource.pk)
        message = _("Lỗi hệ thống khi nạp dữ liệu (%(err)s). Bảng cũ vẫn được giữ nguyên.") % {
            "err": exc.__class__.__name__
        }
        note("error", message)
        _fail(table, log, entries, message, None)
        raise
    table.refresh_from_db()
    return table


def _fail(
    table: DatastoreTable,
    log: LoadLog,
    entries: list[dict[str, Any]],
    message: str,
    line: int | None,
) -> None:
    DatastoreTable.objects.filter(pk=table.pk).update(
        status=DatastoreTable.Status.FAILED,
        phase=DatastoreTable.Phase.FAILED,
        error=message,
        error_line=line,
        finished_at=timezone.now(),
    )
    _finish_log(log, LoadLog.Status.FAILED, message, entries, line=line)


def _finish_log(
    log: LoadLog,
    status: str,
    message: str,
    entries: list[dict[str, Any]],
    *,
    rows: int = 0,
    line: int | None = None,
) -> None:
    LoadLog.objects.filter(pk=log.pk).update(
        status=status,
        message=message,
        entries=entries,
        rows=rows,
        error_line=line,
        finished_at=timezone.now(),
    )


def _drop_table(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {quote_table(name)}")


def datastore_set_options(
    *,
    user: Any,
    resource: Resource,
    types: dict[str, str] | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> DatastoreTable:
    """Store the publisher's choices (column types, sheet, header row, encoding, delimiter)
    and reload the file with them."""
    if not access.can_edit(user, resource):
        raise DatastorePermissionDenied(_("Bạn không có quyền sửa dữ liệu của tổ chức này."))
    errors: dict[str, list[str]] = {}
    table, _created = DatastoreTable.objects.get_or_create(resource=resource)
    known = {f["id"] for f in table.fields}
    options = dict(table.options)
    if types is not None:
        bad = {k: v for k, v in types.items() if v not in TYPES or (known and k not in known)}
        if bad:
            errors["types"] = [
                _("Kiểu hoặc cột không hợp lệ: %(cols)s") % {"cols": ", ".join(sorted(bad))}
            ]
        options["types"] = {k: v for k, v in types.items() if v in TYPES}
    if header_row is not None:  # 0: detect the header row again
        if header_row < 0 or header_row > 60:
            errors["header_row"] = [_("Dòng tiêu đề phải từ 1 đến 60.")]
        options["header_row"] = header_row or None
    if encoding is not None:  # "": detect the encoding again
        import codecs

        try:
            if encoding:
                codecs.lookup(encoding)
        except LookupError:
            errors["encoding"] = [_("Bảng mã không hợp lệ: %(enc)s") % {"enc": encoding}]
        options["encoding"] = encoding or None
    if delimiter is not None:
        if delimiter not in ("", ",", ";", "\t", "|"):
            errors["delimiter"] = [_("Dấu phân cách phải là , ; tab hoặc |")]
        options["delimiter"] = delimiter or None
    if sheet is not None:
        options["sheet"] = sheet or None
    if errors:
        raise DatastoreValidationError(errors)
    options = {k: v for k, v in options.items() if v not in (None, {}, "")}
    with transaction.atomic():
        DatastoreTable.objects.filter(pk=table.pk).update(options=options)
        audit_record(
            action="datastore_options",
            object_type="catalog.resource",
            object_id=str(resource.pk),
            object_repr=resource.name,
            changes=options,
            actor=user,
        )
        return datastore_enqueue(resource=resource)


# ------------------------------------------------------------------ API writes


INT64 = (-(2**63), 2**63 - 1)


def to_db_checked(value: Any, ftype: str) -> Any:
    """``to_db``, also refusing integers that a 64-bit column cannot hold and text with a
    NUL character (the engines fail on them instead of answering)."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError(value)
    converted = to_db(value, ftype)
    if ftype == "int" and converted is not None and not INT64[0] <= converted <= INT64[1]:
        raise ValueError(value)
    return converted


def _convert_records(
    records: Any, fields: list[dict[str, Any]], *, allow_id: bool
) -> list[dict[str, Any]]:
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise DatastoreValidationError({"records": [_("records phải là danh sách các đối tượng.")]})
    types = {f["id"]: f["type"] for f in fields}
    if allow_id:
        types["_id"] = "int"
    out = []
    for n, record in enumerate(records):
        row: dict[str, Any] = {}
        for key, value in record.items():
            if key not in types:
                raise DatastoreValidationError(
                    {
                        "records": [
                            _("Bản ghi %(n)d: cột “%(col)s” không tồn tại.") % {"n": n, "col": key}
                        ]
                    }
                )
            try:
                row[key] = to_db_checked(value, types[key])
            except (ValueError, TypeError, InvalidOperation):
                raise DatastoreValidationError(
                    {
                        "records": [
                            _(
                                "Bản ghi %(n)d: giá trị “%(v)s” không hợp lệ cho cột “%(col)s” (%(t)s)."
                            )
                            % {"n": n, "v": str(value)[:80], "col": key, "t": types[key]}
                        ]
                    }
                ) from None
        out.append(row)
    return out


def _parse_fields(fields: Any) -> list[dict[str, Any]]:
    if not isinstance(fields, list) or not all(isinstance(f, dict) for f in fields):
        raise DatastoreValidationError(
            {"fields": [_("fields phải là danh sách các đối tượng {id, type}.")]}
        )
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for f in fields:
        fid = nfc(str(f.get("id", "")))
        if not valid_field_id(fid):
            raise DatastoreValidationError(
                {
                    "fields": [
                        _(
                            'Tên cột “%(id)s” không hợp lệ: 1–63 byte, không bắt đầu bằng “_”, không có dấu " hay ký tự điều khiển.'
                        )
                        % {"id": fid}
                    ]
                }
            )
        if fid in seen:
            raise DatastoreValidationError({"fields": [_("Cột “%(id)s” bị trùng.") % {"id": fid}]})
        seen.add(fid)
        ftype = TYPE_ALIASES.get(str(f.get("type") or "text").lower())
        if ftype is None:
            raise DatastoreValidationError(
                {
                    "fields": [
                        _("Kiểu “%(t)s” của cột “%(id)s” không được hỗ trợ.")
                        % {"t": f.get("type"), "id": fid}
                    ]
                }
            )
        info = f.get("info") if isinstance(f.get("info"), dict) else {}
        label = nfc(str(info.get("label") or f.get("label") or ""))
        out.append({"id": fid, "type": ftype, "label": label, "convention": "", "indexed": False})
    return out


def _insert(
    table: str,
    fields: list[dict[str, Any]],
    rows: list[dict[str, Any]],
    next_id: int,
    primary_key: Sequence[str] = (),
) -> int:
    ids = [f["id"] for f in fields]
    cols = ", ".join(['"_id"'] + [quote_ident(i) for i in ids])
    marks = ", ".join(["%s"] * (len(ids) + 1))
    params = []
    for row in rows:
        params.append([next_id, *[row.get(i) for i in ids]])
        next_id += 1
    if params:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {quote_table(table)} ({cols}) VALUES ({marks})",  # noqa: S608
                    params,
                )
        except IntegrityError:  # a duplicate primary key: the caller's mistake, not a 500
            if len(rows) == 1 and primary_key:
                key = ", ".join(f"{k} = {rows[0].get(k)}" for k in primary_key)
                message = _(
                    "Đã có bản ghi với khoá chính %(key)s. Dùng method upsert hoặc update "
                    "để sửa bản ghi đó."
                ) % {"key": key}
            else:
                message = _(
                    "Có bản ghi trùng khoá chính (%(pk)s) với bản ghi đã có hoặc với nhau."
                ) % {"pk": ", ".join(primary_key) or "_id"}
            raise DatastoreValidationError({"records": [message]}) from None
    return next_id


def _next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COALESCE(MAX("_id"), 0) + 1 FROM {quote_table(table)}')  # noqa: S608
        return int(cursor.fetchone()[0])


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {quote_table(table)}")  # noqa: S608
        return int(cursor.fetchone()[0])


def _check_write(user: Any, resource: Resource) -> None:
    if not access.can_edit(user, resource):
        raise DatastorePermissionDenied(_("Bạn không có quyền ghi dữ liệu của tổ chức này."))


@transaction.atomic
def datastore_create(
    *,
    user: Any,
    resource: Resource,
    fields: Any = None,
    records: Any = None,
    primary_key: Sequence[str] | str | None = None,
    indexes: Sequence[str] | str | None = None,
) -> DatastoreTable:
    """Create the table (or add columns to it) and insert ``records``."""
    _check_write(user, resource)
    table, _created = DatastoreTable.objects.select_for_update().get_or_create(resource=resource)
    pk = [primary_key] if isinstance(primary_key, str) else list(primary_key or [])
    idx = [indexes] if isinstance(indexes, str) else list(indexes or [])
    with audit_suppressed():
        if not table.table_name:
            if not fields:
                raise DatastoreValidationError(
                    {"fields": [_("Cần khai báo fields khi tạo bảng mới.")]}
                )
            parsed = _parse_fields(fields)
            ids = {f["id"] for f in parsed}
            for key, names in (("primary_key", pk), ("indexes", idx)):
                missing = [n for n in names if n not in ids]
                if missing:
                    raise DatastoreValidationError(
                        {key: [_("Cột không tồn tại: %(c)s") % {"c": ", ".join(missing)}]}
                    )
            table.generation += 1
            name = table_name(resource.pk, table.generation)
            types = SQL_TYPES[connection.vendor]
            id_type = (
                "INTEGER PRIMARY KEY" if connection.vendor == "sqlite" else "bigint PRIMARY KEY"
            )
            cols = [f'"_id" {id_type}'] + [
                f"{quote_ident(f['id'])} {types[f['type']]}" for f in parsed
            ]
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE TABLE {quote_table(name)} ({', '.join(cols)})")
                if pk:
                    cursor.execute(
                        f'CREATE UNIQUE INDEX "{name}_pk" ON {quote_table(name)} ({", ".join(quote_ident(c) for c in pk)})'
                    )
                for pos, f in enumerate(parsed):
                    if f["id"] in idx:
                        cursor.execute(
                            f'CREATE INDEX "{name}_ix{pos}" ON {quote_table(name)} ({quote_ident(f["id"])})'
                        )
                        f["indexed"] = True
            table.table_name = name
            table.fields = parsed
            table.primary_key = pk
            table.origin = DatastoreTable.Origin.API
        elif fields:
            parsed = _parse_fields(fields)
            existing = table.field_map()
            for f in parsed:
                old = existing.get(f["id"])
                if old is not None and old["type"] != f["type"]:
                    raise DatastoreValidationError(
                        {
                            "fields": [
                                _(
                                    "Không đổi được kiểu cột “%(id)s” (%(old)s → %(new)s); hãy xoá bảng rồi tạo lại."
                                )
                                % {"id": f["id"], "old": old["type"], "new": f["type"]}
                            ]
                        }
                    )
            new = [f for f in parsed if f["id"] not in existing]
            types = SQL_TYPES[connection.vendor]
            with connection.cursor() as cursor:
                for f in new:
                    cursor.execute(
                        f"ALTER TABLE {quote_table(table.table_name)} ADD COLUMN {quote_ident(f['id'])} {types[f['type']]}"
                    )
            table.fields = [*table.fields, *new]
        if records:
            rows = _convert_records(records, table.fields, allow_id=False)
            _insert(
                table.table_name,
                table.fields,
                rows,
                _next_id(table.table_name),
                table.primary_key,
            )
        table.row_count = _count(table.table_name)
        table.status = DatastoreTable.Status.ACTIVE
        table.phase = DatastoreTable.Phase.DONE
        table.error = ""
        table.loaded_at = table.finished_at = timezone.now()
        table.save()
    audit_record(
        action="datastore_create",
        object_type="catalog.resource",
        object_id=str(resource.pk),
        object_repr=resource.name,
        changes={"records": len(records or []), "table": table.table_name},
        actor=user,
    )
    return table


def _where_key(keys: list[str], row: dict[str, Any]) -> tuple[str, list[Any]]:
    parts, params = [], []
    for k in keys:
        if row.get(k) is None:
            raise DatastoreValidationError(
                {"records": [_("Thiếu giá trị khoá “%(k)s” trong bản ghi.") % {"k": k}]}
            )
        parts.append(f"{quote_ident(k)} = %s")
        params.append(row[k])
    return " AND ".join(parts), params


@transaction.atomic
def datastore_upsert(*, user: Any, resource: Resource, records: Any, method: str = "upsert") -> int:
    """``insert``, ``update`` or ``upsert`` records (update/upsert match the primary key or ``_id``)."""
    _check_write(user, resource)
    table = DatastoreTable.objects.select_for_update().filter(resource=resource).first()
    if table is None or not table.table_name:
        raise DatastoreNotFound(_("Tài nguyên chưa có bảng dữ liệu."))
    if method not in ("insert", "update", "upsert"):
        raise DatastoreValidationError(
            {"method": [_("method phải là insert, update hoặc upsert.")]}
        )
    rows = _convert_records(records, table.fields, allow_id=method != "insert")
    qt = quote_table(table.table_name)
    next_id = _next_id(table.table_name)
    changed = 0
    with audit_suppressed(), connection.cursor() as cursor:
        for row in rows:
            if method == "insert":
                next_id = _insert(table.table_name, table.fields, [row], next_id, table.primary_key)
                changed += 1
                continue
            keys = ["_id"] if "_id" in row else list(table.primary_key)
            if not keys:
                raise DatastoreValidationError(
                    {"records": [_("Bảng không có khoá chính: cần “_id” trong mỗi bản ghi.")]}
                )
            where, wparams = _where_key(keys, row)
            values = {k: v for k, v in row.items() if k not in keys}
            n = 0
            if values:
                sets = ", ".join(f"{quote_ident(k)} = %s" for k in values)
                cursor.execute(
                    f"UPDATE {qt} SET {sets} WHERE {where}",  # noqa: S608
                    [*values.values(), *wparams],
                )
                n = cursor.rowcount
            else:
                cursor.execute(f"SELECT COUNT(*) FROM {qt} WHERE {where}", wparams)  # noqa: S608
                n = int(cursor.fetchone()[0])
            if n == 0:
                if method == "update":
                    raise DatastoreValidationError(
                        {
                            "records": [
                                _("Không tìm thấy bản ghi để cập nhật với khoá %(k)s.")
                                % {"k": wparams}
                            ]
                        }
                    )
                if "_id" in row:
                    raise DatastoreValidationError(
                        {"records": [_("Không có bản ghi _id=%(id)s.") % {"id": row["_id"]}]}
                    )
                next_id = _insert(table.table_name, table.fields, [row], next_id, table.primary_key)
            changed += 1
    DatastoreTable.objects.filter(pk=table.pk).update(
        row_count=_count(table.table_name), loaded_at=timezone.now()
    )
    audit_record(
        action="datastore_upsert",
        object_type="catalog.resource",
        object_id=str(resource.pk),
        object_repr=resource.name,
        changes={"method": method, "records": changed},
        actor=user,
    )
    return changed


@transaction.atomic
def datastore_delete(
    *, user: Any, resource: Resource, filters: dict[str, Any] | None = None
) -> int:
    """Delete rows matching ``filters``, or the whole table when no filters are given."""
    from tinhso.datastore.selectors import build_filters

    _check_write(user, resource)
    table = DatastoreTable.objects.select_for_update().filter(resource=resource).first()
    if table is None or not table.table_name:
        raise DatastoreNotFound(_("Tài nguyên chưa có bảng dữ liệu."))
    with audit_suppressed():
        if filters is None:
            deleted = table.row_count
            _drop_table(table.table_name)
            table.table_name = ""
            table.fields = []
            table.primary_key = []
            table.row_count = 0
            table.status = DatastoreTable.Status.NONE
            table.save()
        else:
            where, params = build_filters(table, filters)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {quote_table(table.table_name)} WHERE {where or '1=1'}",  # noqa: S608
                    params,
                )
                deleted = cursor.rowcount
            DatastoreTable.objects.filter(pk=table.pk).update(row_count=_count(table.table_name))
    audit_record(
        action="datastore_delete",
        object_type="catalog.resource",
        object_id=str(resource.pk),
        object_repr=resource.name,
        changes={"filters": filters, "deleted": deleted},
        actor=user,
    )
    return deleted
