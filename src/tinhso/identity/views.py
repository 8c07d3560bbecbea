"""Citizen account pages: self-registration and linking the verified ID number."""

from __future__ import annotations

import secrets
import time
from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tinhso.core.models import User
from tinhso.core.services import DomainError
from tinhso.identity import services
from tinhso.identity.citizen_id import mask_citizen_id
from tinhso.identity.eid import FLOW_MAX_AGE_SECONDS, EidError, get_eid_provider, pkce_pair
from tinhso.identity.forms import CitizenIdLinkForm, CitizenRegistrationForm
from tinhso.identity.models import IdentityVerification


def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def _apply_error(form: forms.Form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return HttpResponseRedirect(reverse("identity:citizen_id"))
    form = CitizenRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.citizen_register(
                username=data["username"],
                password=data["password"],
                citizen_id=data["citizen_id"],
                full_name=data["full_name"],
                date_of_birth=data["date_of_birth"],
                phone=data["phone"],
                email=data["email"],
                ip=_client_ip(request),
            )
        except DomainError as exc:
            _apply_error(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("Đã tạo tài khoản và xác minh số định danh với dữ liệu dân cư.")
            )
            return HttpResponseRedirect(reverse("identity:citizen_id"))
    status = 400 if request.method == "POST" else 200
    return render(request, "identity/register.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def citizen_id(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = CitizenIdLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.citizen_id_link(
                user=user,
                citizen_id=data["citizen_id"],
                full_name=data["full_name"],
                date_of_birth=data["date_of_birth"],
                ip=_client_ip(request),
            )
        except DomainError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, _("Đã xác minh và liên kết số định danh cá nhân."))
            return HttpResponseRedirect(reverse("identity:citizen_id"))
    verification = IdentityVerification.objects.filter(user=user).first()
    return render(
        request,
        "identity/citizen_id.html",
        {
            "form": form,
            "linked": mask_citizen_id(user.citizen_id) if user.citizen_id else "",
            "verification": verification,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def citizen_id_unlink(request: HttpRequest) -> HttpResponse:
    services.citizen_id_unlink(user=cast(User, request.user))
    messages.success(request, _("Đã bỏ liên kết số định danh khỏi tài khoản."))
    return HttpResponseRedirect(reverse("identity:citizen_id"))


# ---------------------------------------------------------------- e-ID (VNeID) sign-in

EID_SESSION_KEY = "eid_flow"


def _safe_next(request: HttpRequest, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("dossiers:home")


@require_http_methods(["GET", "POST"])
def eid_start(request: HttpRequest) -> HttpResponse:
    """Leave for the e-ID provider with a fresh state, nonce and PKCE verifier."""
    provider = get_eid_provider(request)
    if provider is None:
        raise Http404(_("Đăng nhập bằng VNeID chưa được bật trên Cổng này."))
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    verifier, challenge = pkce_pair()
    try:
        url = provider.authorization_url(state=state, nonce=nonce, code_challenge=challenge)
    except EidError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("login"))
    request.session[EID_SESSION_KEY] = {
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "next": _safe_next(request, request.GET.get("next", "") or request.POST.get("next", "")),
        "started": int(time.time()),
    }
    return HttpResponseRedirect(url)


def _eid_refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "identity/eid_error.html", {"message": message}, status=400)


@require_http_methods(["GET"])
def eid_callback(request: HttpRequest) -> HttpResponse:
    """Back from the provider: check state, exchange the code, verify the id_token,
    then sign in (creating or linking the citizen account by ID number)."""
    provider = get_eid_provider(request)
    if provider is None:
        raise Http404(_("Đăng nhập bằng VNeID chưa được bật trên Cổng này."))
    flow = request.session.pop(EID_SESSION_KEY, None)  # one use, whatever happens next
    state = request.GET.get("state", "")
    if (
        not isinstance(flow, dict)
        or not state
        or not secrets.compare_digest(str(flow.get("state", "")), state)
    ):
        return _eid_refused(
            request,
            _(
                "Phiên đăng nhập VNeID không hợp lệ hoặc đã được dùng (mã trạng thái không khớp). "
                "Vui lòng bấm “Đăng nhập bằng VNeID” lại."
            ),
        )
    if int(time.time()) - int(flow.get("started", 0)) > FLOW_MAX_AGE_SECONDS:
        return _eid_refused(request, _("Phiên đăng nhập VNeID đã hết hạn. Vui lòng đăng nhập lại."))
    if request.GET.get("error"):
        if request.GET["error"] == "access_denied":
            message = _("Bạn đã không đồng ý chia sẻ thông tin định danh nên chưa đăng nhập.")
        else:
            message = _("VNeID báo lỗi khi đăng nhập. Vui lòng thử lại.")
        return _eid_refused(request, message)
    code = request.GET.get("code", "")
    if not code:
        return _eid_refused(request, _("VNeID không trả về mã đăng nhập. Vui lòng thử lại."))
    current = cast(User, request.user) if request.user.is_authenticated else None
    try:
        tokens = provider.exchange_code(
            code=code, code_verifier=str(flow["verifier"]), redirect_uri=provider.redirect_uri()
        )
        identity = provider.verify_id_token(
            str(tokens.get("id_token", "")), nonce=str(flow["nonce"])
        )
        user, created = services.citizen_sign_in_eid(
            citizen_id=identity.citizen_id,
            current_user=current,
            adapter=provider.name,
            ip=_client_ip(request),
        )
    except DomainError as exc:
        return _eid_refused(request, exc.message)
    if current is None or current.pk != user.pk:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if created:
        messages.success(
            request,
            _(
                "Đã tạo tài khoản công dân từ VNeID cho %(name)s. Thông tin cá nhân được lấy từ "
                "Cơ sở dữ liệu quốc gia về dân cư."
            )
            % {"name": user.full_name},
        )
    elif current is not None:
        messages.success(request, _("Đã xác minh và liên kết số định danh qua VNeID."))
    else:
        messages.success(
            request, _("Đã đăng nhập bằng VNeID: %(name)s.") % {"name": user.full_name}
        )
    return HttpResponseRedirect(str(flow.get("next") or reverse("dossiers:home")))
