"""Test URLconf: the real one plus views that fail on purpose, to exercise the handlers."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from tinhso.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def raise_403(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def raise_400(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("thử nghiệm")


def raise_500(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("lỗi thử nghiệm")


urlpatterns = [
    path("thu-loi/403/", raise_403),
    path("thu-loi/400/", raise_400),
    path("thu-loi/500/", raise_500),
    path("api/v1/thu-loi/500/", raise_500),
    *urlpatterns,
]
