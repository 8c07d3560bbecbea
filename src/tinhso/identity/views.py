"""Citizen account pages: self-registration and linking the verified ID number."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tinhso.core.models import User
from tinhso.core.services import DomainError
from tinhso.identity import services
from tinhso.identity.citizen_id import mask_citizen_id
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
