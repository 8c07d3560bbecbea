"""API authentication: API tokens (plain or Bearer) and the browser session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyHeader, SessionAuth

from tinhso.core.audit import audit_set_actor
from tinhso.core.services import token_authenticate


class InvalidToken(Exception):
    """An Authorization header was sent but is not a valid, active token."""


class TokenAuth(APIKeyHeader):
    """``Authorization: <token>`` or ``Authorization: Bearer <token>``."""

    param_name = "Authorization"
    openapi_description = "Khoá API: `Authorization: <khoá>` hoặc `Authorization: Bearer <khoá>`"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not key:
            return None
        user = token_authenticate(header=key)
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
        user = token_authenticate(header=header)
        if user is None:
            raise InvalidToken
        request.user = user
        audit_set_actor(user)
        return user
    return request.user


api_auth = [TokenAuth(), SessionAuth()]
