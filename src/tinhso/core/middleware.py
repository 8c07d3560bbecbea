"""Request-level guards: body size limit (413) and audit attribution."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from tinhso.core.audit import audit_context


def client_ip(request: HttpRequest) -> str:
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def wants_json(request: HttpRequest) -> bool:
    path = request.path_info
    return (
        path.startswith("/api/")
        or "application/json" in request.headers.get("Accept", "")
        or request.headers.get("Content-Type", "").startswith("application/json")
    )


class RequestSizeLimitMiddleware:
    """Refuse bodies larger than MAX_REQUEST_BYTES with 413 before reading them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.MAX_REQUEST_BYTES
        if length > limit:
            if request.path_info.startswith("/api/"):
                # The API follows Accept-Language (see ApiLanguageMiddleware) …
                lang = translation.get_language_from_request(request, check_path=False)
            else:
                # … pages follow their URL prefix: /en/… is English, the rest Vietnamese.
                lang = translation.get_language_from_path(request.path_info) or (
                    settings.LANGUAGE_CODE
                )
            with translation.override(lang):
                message = _("Dữ liệu gửi lên quá lớn (%(size)s byte, tối đa %(limit)s byte).") % {
                    "size": length,
                    "limit": limit,
                }
                if wants_json(request):
                    return JsonResponse({"detail": message}, status=413)
                html = render_to_string("413.html", {"message": message}, request=None)
            return HttpResponse(html, status=413)
        return self.get_response(request)


class ApiLanguageMiddleware:
    """Answer API requests in the client's language.

    With ``prefix_default_language=False`` Django's LocaleMiddleware treats every
    path without a language prefix as Vietnamese, including ``/api/…``, which has no
    prefix by design. API clients choose their language with ``Accept-Language``
    (or the language cookie), so after LocaleMiddleware this re-activates the
    language they asked for. Web pages keep the URL-prefix rule.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class AuditContextMiddleware:
    """Attribute every write made while serving the request to its user and IP."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
        with audit_context(actor=actor, ip=client_ip(request)):  # type: ignore[arg-type]
            return self.get_response(request)
