"""Server-rendered pages for core: home, module pages, agencies, account, errors."""

from __future__ import annotations

from typing import Any, cast

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tinhso.core import services
from tinhso.core.middleware import wants_json
from tinhso.core.models import AdministrativeUnit, Agency, ApiToken, Membership, User
from tinhso.core.modules import MODULES, module_by_slug
from tinhso.core.selectors import (
    agencies_for_user,
    agency_list,
    audit_entries_for_user,
    user_can_see_agency,
)


def home(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {
        "modules": MODULES,
        "agency_count": Agency.objects.filter(is_active=True).count(),
        "commune_count": AdministrativeUnit.objects.filter(
            level=AdministrativeUnit.Level.COMMUNE, is_current=True
        ).count(),
    }
    if apps.is_installed("tinhso.catalog"):
        from tinhso.catalog.views import home_context

        context.update(home_context(request))
    return render(request, "core/home.html", context)


def module_page(request: HttpRequest, slug: str) -> HttpResponse:
    module = module_by_slug(slug)
    if module is None:
        raise Http404
    if module.available and module.url != request.path:
        return redirect(module.url)
    return render(request, "core/module_empty.html", {"module": module})


def agency_directory(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:100]
    parent = request.GET.get("cap-tren", "")[:20] or None
    agencies = (
        agency_list(parent=parent, q=q)
        if (q or parent)
        else Agency.objects.filter(is_active=True).select_related("parent")
    )
    page = Paginator(agencies, 50).get_page(request.GET.get("trang"))
    return render(request, "core/agency_directory.html", {"page": page, "q": q})


@login_required
def agency_workspace(request: HttpRequest, code: str) -> HttpResponse:
    agency = get_object_or_404(Agency, code=code)
    if not user_can_see_agency(request.user, agency):
        # 404, not 403: an officer must not learn which records other agencies hold.
        raise Http404
    members = (
        Membership.objects.filter(agency=agency).select_related("user").order_by("user__username")
    )
    entries = audit_entries_for_user(request.user).filter(agency_code=agency.code)[:50]
    children = agency.children.filter(is_active=True)
    return render(
        request,
        "core/agency_workspace.html",
        {"agency": agency, "members": members, "entries": entries, "children": children},
    )


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    memberships = Membership.objects.filter(user=user).select_related("agency")
    agencies = agencies_for_user(user).filter(memberships__user=user).distinct()
    return render(request, "core/account.html", {"memberships": memberships, "agencies": agencies})


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    new_key = None
    error = None
    if request.method == "POST":
        try:
            _token, new_key = services.token_create(user=user, name=request.POST.get("name", ""))
        except services.DomainError as exc:
            error = exc.message
    tokens = ApiToken.objects.filter(user=user).order_by("-created_at")
    return render(
        request,
        "core/tokens.html",
        {"tokens": tokens, "new_key": new_key, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.token_revoke(token=token, by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Đã thu hồi khoá API “%(name)s”.") % {"name": token.name})
    return redirect("core:tokens")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    if wants_json(request):
        from django.http import JsonResponse

        return JsonResponse({"detail": message}, status=status)
    return render(
        request, "error.html", {"status": status, "title": title, "message": message}, status=status
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        # The body fits MAX_REQUEST_BYTES but its form fields exceed what Django parses
        # in memory (DATA_UPLOAD_MAX_MEMORY_SIZE): still "too large", so 413, not 400.
        return _error(
            request,
            413,
            _("Dữ liệu gửi lên quá lớn"),
            _("Dữ liệu của biểu mẫu vượt quá giới hạn cho phép. Hãy gửi ít dữ liệu hơn."),
        )
    return _error(
        request,
        400,
        _("Yêu cầu không hợp lệ"),
        _("Máy chủ không hiểu yêu cầu này. Vui lòng kiểm tra lại địa chỉ hoặc dữ liệu đã nhập."),
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        403,
        _("Không có quyền truy cập"),
        _(
            "Tài khoản của bạn không được phép xem trang này. Nếu cần quyền, hãy liên hệ quản trị của cơ quan."
        ),
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        404,
        _("Không tìm thấy trang"),
        _("Trang bạn tìm không tồn tại hoặc đã được chuyển đi."),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(
        request,
        500,
        _("Lỗi hệ thống"),
        _("Đã có lỗi xảy ra phía máy chủ. Lỗi đã được ghi lại; vui lòng thử lại sau ít phút."),
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(
        request,
        403,
        _("Phiên làm việc đã hết hạn"),
        _(
            "Biểu mẫu đã hết hạn hoặc phiên đăng nhập đã kết thúc. Vui lòng tải lại trang và gửi lại."
        ),
    )
