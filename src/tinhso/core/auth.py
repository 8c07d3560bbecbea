"""Authentication: API tokens (plain or Bearer) and the browser session for the APIs, and
the login forms; failed logins and bad API keys are throttled (:mod:`tinhso.core.throttle`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyHeader, SessionAuth

from tinhso.core import throttle
from tinhso.core.audit import audit_set_actor
from tinhso.core.middleware import client_ip
from tinhso.core.models import User
from tinhso.core.services import token_authenticate


class InvalidToken(Exception):
    """An Authorization header was sent but is not a valid, active token."""


class TokenThrottled(Exception):
    """Too many bad API keys from this address: refused (429) until ``retry_after``."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        self.message = _(
            "Quá nhiều lần dùng khoá API không hợp lệ từ địa chỉ này. "
            "Vui lòng thử lại sau %(minutes)d phút."
        ) % {"minutes": throttle.wait_minutes(retry_after)}
        super().__init__(self.message)


def token_user(request: HttpRequest, header: str) -> User | None:
    """The user of the API key in ``header``, or None; bad keys are counted per client
    address and, past the limit, every key from that address is refused with
    :class:`TokenThrottled` (the right key too, until the window ends)."""
    ip = client_ip(request)
    wait = throttle.api_token_retry_after(ip=ip)
    if wait:
        raise TokenThrottled(wait)
    user = token_authenticate(header=header)
    if user is None:
        throttle.api_token_failed(ip=ip)
    return user


class TokenAuth(APIKeyHeader):
    """``Authorization: <token>`` or ``Authorization: Bearer <token>``."""

    param_name = "Authorization"
    openapi_description = "Khoá API: `Authorization: <khoá>` hoặc `Authorization: Bearer <khoá>`"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not key:
            return None
        user = token_user(request, key)
        if user is None:
            raise InvalidToken
        request.user = user
        audit_set_actor(user)
        return user


def request_user_from_token(request: HttpRequest) -> Any:
    """For optional-auth endpoints: the token's user, the session user, or anonymous.

    Raises :class:`InvalidToken` when a header is present but wrong, so that a client
    with a broken token gets 401 instead of silently reading as anonymous.
    """
    header = request.headers.get("Authorization", "")
    if header:
        user = token_user(request, header)
        if user is None:
            raise InvalidToken
        request.user = user
        audit_set_actor(user)
        return user
    return request.user


api_auth = [TokenAuth(), SessionAuth()]


class ThrottledLoginMixin:
    """For an AuthenticationForm: refuse at once (without checking the password) while the
    user name or the client address is locked out, count failures, and clear the user
    name's count on success."""

    request: HttpRequest | None
    cleaned_data: dict[str, Any]

    def clean(self) -> dict[str, Any]:
        username = str(self.cleaned_data.get("username") or "")
        ip = client_ip(self.request) if self.request is not None else ""
        wait = throttle.login_retry_after(username=username, ip=ip)
        if wait:
            raise forms.ValidationError(
                _(
                    "Đăng nhập sai quá nhiều lần. Để bảo vệ tài khoản, vui lòng thử lại "
                    "sau %(minutes)d phút."
                ),
                code="throttled",
                params={"minutes": throttle.wait_minutes(wait)},
            )
        try:
            cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        except forms.ValidationError:
            if username:
                throttle.login_failed(username=username, ip=ip)
            raise
        if getattr(self, "user_cache", None) is not None:  # authenticated, not just valid
            throttle.login_succeeded(username=username)
        return cleaned


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    """The site's login form (``/tai-khoan/dang-nhap/``)."""


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin site's login form, throttled the same way."""
