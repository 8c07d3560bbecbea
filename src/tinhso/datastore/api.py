"""Native DataStore API (/api/v1/datastore/), the same operations as the CKAN actions
with typed OpenAPI schemas."""

import json
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from tinhso.catalog.models import Resource
from tinhso.core.auth import api_auth, request_user_from_token
from tinhso.datastore import access, selectors, services, sqlsafety
from tinhso.datastore.models import DatastoreTable, LoadLog

router = Router(tags=["datastore"])


class FieldOut(Schema):
    id: str
    type: str = Field(description="int, numeric, text, date, timestamp, bool")
    label: str = ""
    indexed: bool = False


class InfoOut(Schema):
    resource_id: str
    row_count: int
    status: str
    fields: list[FieldOut]
    primary_key: list[str]
    detected: dict[str, Any]
    loaded_at: str | None


class SearchQuery(Schema):
    filters: str | None = Field(
        None, max_length=10_000, description='JSON, ví dụ {"tinh": "Thanh Hóa"}'
    )
    q: str | None = Field(None, max_length=1000, description="Từ khoá, hoặc JSON {cột: từ khoá}")
    fields: str | None = Field(
        None, max_length=10_000, description="Các cột, cách nhau bởi dấu phẩy"
    )
    sort: str | None = Field(None, max_length=1000, description="Ví dụ: dan_so desc, ten asc")
    distinct: bool = False
    limit: int = Field(100, ge=0, le=32000)
    offset: int = Field(0, ge=0)
    include_total: bool = True


class SearchOut(Schema):
    fields: list[FieldOut]
    records: list[dict[str, Any]]
    total: int | None
    limit: int
    offset: int


class SqlIn(Schema):
    sql: str = Field(max_length=20_000)


class SqlOut(Schema):
    sql: str
    fields: list[dict[str, str]]
    records: list[dict[str, Any]]
    records_truncated: bool = False


class StatusOut(Schema):
    status: str
    phase: str
    rows_read: int
    rows_loaded: int
    error: str
    error_line: int | None
    log: list[dict[str, Any]]


class OptionsIn(Schema):
    types: dict[str, str] | None = Field(
        None, description="{cột: int|numeric|text|date|timestamp|bool}"
    )
    sheet: str | None = None
    header_row: int | None = Field(None, ge=1, le=60)
    encoding: str | None = Field(None, max_length=40)
    delimiter: str | None = Field(None, max_length=1)


def _fail(exc: services.DatastoreError) -> HttpError:
    if isinstance(exc, services.DatastoreNotFound):
        return HttpError(404, exc.message)
    if isinstance(exc, services.DatastorePermissionDenied):
        return HttpError(403, exc.message)
    if isinstance(exc, services.DatastoreValidationError):
        return HttpError(
            400, "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in exc.errors.items())
        )
    return HttpError(409, exc.message)


def _table(request: HttpRequest, resource_id: str, *, require_data: bool = True) -> DatastoreTable:
    user = request_user_from_token(request)
    try:
        return selectors.get_table(resource_id, user=user, require_data=require_data)
    except services.DatastoreError as exc:
        raise _fail(exc) from None


def _field_out(f: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f["id"],
        "type": f["type"],
        "label": f.get("label") or "",
        "indexed": bool(f.get("indexed")),
    }


@router.post("/sql", response=SqlOut, summary="Truy vấn SQL chỉ đọc (như datastore_search_sql)")
def sql(request: HttpRequest, body: SqlIn) -> dict[str, Any]:
    user = request_user_from_token(request)
    try:
        return sqlsafety.run_sql(body.sql, user=user)
    except services.DatastoreError as exc:
        raise _fail(exc) from None


@router.get("/{resource_id}", response=InfoOut, summary="Thông tin bảng dữ liệu")
def info(request: HttpRequest, resource_id: str) -> dict[str, Any]:
    t = _table(request, resource_id)
    return {
        "resource_id": str(t.resource_id),
        "row_count": t.row_count,
        "status": t.status,
        "fields": [_field_out(f) for f in t.fields],
        "primary_key": t.primary_key,
        "detected": {k: v for k, v in (t.detected or {}).items() if k != "summary"},
        "loaded_at": t.loaded_at.isoformat() if t.loaded_at else None,
    }


def _maybe_json(value: str | None, name: str) -> Any:
    if value is None or value == "":
        return None
    if value.strip()[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            raise HttpError(400, _("%(name)s: JSON không hợp lệ.") % {"name": name}) from None
    return value


@router.get(
    "/{resource_id}/records", response=SearchOut, summary="Tìm bản ghi (như datastore_search)"
)
def records(request: HttpRequest, resource_id: str, params: Query[SearchQuery]) -> dict[str, Any]:
    t = _table(request, resource_id)
    try:
        result = selectors.datastore_search(
            table=t,
            filters=_maybe_json(params.filters, "filters"),
            q=_maybe_json(params.q, "q"),
            fields=params.fields,
            sort=params.sort,
            distinct=params.distinct,
            limit=params.limit,
            offset=params.offset,
            include_total=params.include_total,
        )
    except services.DatastoreError as exc:
        raise _fail(exc) from None
    ids = [f["id"] for f in result.fields]
    return {
        "fields": [_field_out(f) for f in result.fields],
        "records": [dict(zip(ids, r, strict=True)) for r in result.records],
        "total": result.total,
        "limit": result.limit,
        "offset": result.offset,
    }


@router.get("/{resource_id}/status", response=StatusOut, summary="Tiến độ và nhật ký nạp")
def status(request: HttpRequest, resource_id: str) -> dict[str, Any]:
    t = _table(request, resource_id, require_data=False)
    last = LoadLog.objects.filter(resource_id=t.resource_id).first()
    return {
        "status": t.status,
        "phase": t.phase,
        "rows_read": t.rows_read,
        "rows_loaded": t.rows_loaded,
        "error": t.error,
        "error_line": t.error_line,
        "log": last.entries if last else [],
    }


def _resource_for_write(request: HttpRequest, resource_id: str) -> Resource:
    resource = (
        Resource.objects.select_related("dataset__organization").filter(pk=resource_id).first()
    )
    if resource is None or not access.can_read(request.user, resource):
        raise HttpError(404, _("Không tìm thấy tài nguyên."))
    return resource


@router.post(
    "/{resource_id}/reload", response={202: StatusOut}, auth=api_auth, summary="Nạp lại tệp"
)
def reload(request: HttpRequest, resource_id: str) -> Status[dict[str, Any]]:
    resource = _resource_for_write(request, resource_id)
    if not access.can_edit(request.user, resource):
        raise HttpError(403, _("Bạn không có quyền sửa dữ liệu của tổ chức này."))
    t = services.datastore_enqueue(resource=resource)
    return Status(
        202,
        {
            "status": t.status,
            "phase": t.phase,
            "rows_read": 0,
            "rows_loaded": 0,
            "error": "",
            "error_line": None,
            "log": [],
        },
    )


@router.put(
    "/{resource_id}/options",
    response={202: StatusOut},
    auth=api_auth,
    summary="Đổi kiểu cột, trang tính, dòng tiêu đề, bảng mã rồi nạp lại",
)
def options(request: HttpRequest, resource_id: str, body: OptionsIn) -> Status[dict[str, Any]]:
    resource = _resource_for_write(request, resource_id)
    try:
        t = services.datastore_set_options(user=request.user, resource=resource, **body.dict())
    except services.DatastoreError as exc:
        raise _fail(exc) from None
    return Status(
        202,
        {
            "status": t.status,
            "phase": t.phase,
            "rows_read": 0,
            "rows_loaded": 0,
            "error": "",
            "error_line": None,
            "log": [],
        },
    )
