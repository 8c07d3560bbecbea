"""The native JSON API (/api/v1/), assembled from each app's router."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

import tinhso
from tinhso.assessment.api import router as assessment_router
from tinhso.core.api import router as core_router
from tinhso.core.auth import InvalidToken, TokenThrottled
from tinhso.core.services import DomainError
from tinhso.datastore.api import router as datastore_router
from tinhso.dossiers.api import router as dossiers_router
from tinhso.identity.api import router as identity_router
from tinhso.indicators.api import router as indicators_router
from tinhso.payments.api import router as payments_router
from tinhso.procedures.api import router as procedures_router

api = NinjaAPI(
    title="tinhso API",
    version=tinhso.__version__,
    description=(
        "API gốc của nền tảng tỉnh số. Xác thực bằng khoá API "
        "(`Authorization: <khoá>` hoặc `Authorization: Bearer <khoá>`) hoặc phiên đăng nhập."
    ),
    urls_namespace="api-v1",
)


def _field_name(loc: list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("query", "body", "path", "header", "form", "filters")]
    return ".".join(parts) or "?"


def _error_message(err: dict[str, Any]) -> str:
    """A pydantic error in the request's language (pydantic's own text is English only)."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return _("Bắt buộc phải có.")
    if kind == "string_pattern_mismatch":
        return _("Không đúng định dạng.")
    if kind == "string_too_long":
        return _("Dài quá %(n)s ký tự.") % {"n": ctx.get("max_length", "?")}
    if kind == "string_too_short":
        return _("Cần ít nhất %(n)s ký tự.") % {"n": ctx.get("min_length", "?")}
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("Phải là số nguyên.")
    if kind in {"float_parsing", "float_type", "decimal_parsing"}:
        return _("Phải là một số.")
    if kind in {"bool_parsing", "bool_type"}:
        return _("Phải là true hoặc false.")
    if kind in {"enum", "literal_error"}:
        return _("Phải là một trong: %(values)s.") % {"values": ctx.get("expected", "")}
    if kind in {"greater_than_equal", "greater_than"}:
        limit = ctx.get("ge", ctx.get("gt", "?"))
        return _("Phải lớn hơn hoặc bằng %(n)s.") % {"n": limit}
    if kind in {"less_than_equal", "less_than"}:
        limit = ctx.get("le", ctx.get("lt", "?"))
        return _("Phải nhỏ hơn hoặc bằng %(n)s.") % {"n": limit}
    if kind in {"date_parsing", "date_from_datetime_parsing", "date_type"}:
        return _("Phải là ngày dạng YYYY-MM-DD.")
    if kind in {"datetime_parsing", "datetime_from_date_parsing", "datetime_type"}:
        return _("Phải là thời điểm dạng ISO 8601.")
    if kind == "json_invalid":
        return _("JSON không hợp lệ.")
    if kind == "text_control_character":
        return _("Không được chứa ký tự điều khiển (ví dụ ký tự NUL).")
    if kind in {"string_unicode", "string_type"}:
        return _("Phải là văn bản (chuỗi ký tự Unicode hợp lệ).")
    if kind in {"list_type", "too_long", "too_short"}:
        if kind == "too_long":
            return _("Nhiều nhất %(n)s phần tử.") % {"n": ctx.get("max_length", "?")}
        if kind == "too_short":
            return _("Ít nhất %(n)s phần tử.") % {"n": ctx.get("min_length", "?")}
        return _("Phải là một danh sách.")
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return _("Phải là một đối tượng JSON.")
    return _("Giá trị không hợp lệ: %(msg)s") % {"msg": err.get("msg", "")}


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for err in exc.errors:
        field = _field_name(list(err.get("loc", [])))
        errors.append({"field": field, "message": _error_message(err)})
    names = ", ".join(e["field"] for e in errors)
    return api.create_response(
        request,
        {"detail": _("Tham số không hợp lệ: %(fields)s") % {"fields": names}, "errors": errors},
        status=422,
    )


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": _("Cần đăng nhập hoặc khoá API hợp lệ.")}, status=401
    )


@api.exception_handler(InvalidToken)
def on_invalid_token(request: HttpRequest, exc: InvalidToken) -> HttpResponse:
    return api.create_response(
        request, {"detail": _("Khoá API không hợp lệ, đã hết hạn hoặc đã bị thu hồi.")}, status=401
    )


@api.exception_handler(TokenThrottled)
def on_token_throttled(request: HttpRequest, exc: TokenThrottled) -> HttpResponse:
    response = api.create_response(request, {"detail": exc.message}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Không tìm thấy.")}, status=404)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    detail = str(exc)
    if detail.startswith("Cannot parse request body"):
        # django-ninja's own (English) words for a body that is not JSON.
        detail = _("Nội dung yêu cầu không phải JSON hợp lệ.")
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    body: dict[str, Any] = {"detail": exc.message}
    if exc.field:
        body["errors"] = [{"field": exc.field, "message": exc.message}]
    return api.create_response(request, body, status=409)


api.add_router("/", core_router)
api.add_router("/assessment/", assessment_router)
api.add_router("/indicators", indicators_router)
api.add_router("/datastore/", datastore_router)
api.add_router("/procedures", procedures_router)
api.add_router("/", identity_router)
api.add_router("/", payments_router)
api.add_router("/", dossiers_router)
