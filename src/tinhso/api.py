"""The native JSON API (/api/v1/), assembled from each app's router."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

import tinhso
from tinhso.core.api import router as core_router
from tinhso.core.auth import InvalidToken
from tinhso.core.services import DomainError

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


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for err in exc.errors:
        field = _field_name(list(err.get("loc", [])))
        errors.append(
            {
                "field": field,
                "message": _("Giá trị không hợp lệ: %(msg)s") % {"msg": err.get("msg", "")},
            }
        )
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


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Không tìm thấy.")}, status=404)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    body: dict[str, Any] = {"detail": exc.message}
    if exc.field:
        body["errors"] = [{"field": exc.field, "message": exc.message}]
    return api.create_response(request, body, status=409)


api.add_router("/", core_router)
