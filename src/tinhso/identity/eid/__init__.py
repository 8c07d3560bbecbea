"""National e-ID (VNeID-style) sign-in through OpenID Connect: adapters and checks.

:func:`get_eid_provider` returns the adapter the operator chose with ``EID_PROVIDER``
(``oidc``: the real provider, discovered from ``EID_OIDC_ISSUER``; ``simulator``: the
local stand-in under ``/dinh-danh/mo-phong-vneid/``), or ``None`` when e-ID sign-in is
off. Both speak the authorization-code flow with PKCE (S256); the id_token is checked the
same way for both by :meth:`EidProvider.verify_id_token` (signature against the
provider's keys, issuer, audience, expiry, nonce).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from joserfc import jwt
from joserfc.errors import ExpiredTokenError, JoseError
from joserfc.jwk import KeySet

from tinhso.core.services import DomainError

# Algorithms accepted for id_tokens (never "none", never a shared-secret HMAC).
ID_TOKEN_ALGORITHMS = ("RS256", "PS256", "ES256")
# Clock difference tolerated between the provider and us.
LEEWAY_SECONDS = 60
# How long a sign-in may take between leaving for the provider and coming back.
FLOW_MAX_AGE_SECONDS = 600


class EidError(DomainError):
    """A sign-in that must be refused: forged, expired or replayed answer, bad state."""


class EidUnavailable(EidError):
    """The provider could not be reached or answered nonsense."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or _(
                "Chưa kết nối được với hệ thống định danh điện tử VNeID. "
                "Vui lòng thử lại sau ít phút hoặc đăng nhập bằng tài khoản của Cổng."
            )
        )


def forged_token_error() -> EidError:
    return EidError(
        _(
            "Phản hồi đăng nhập VNeID không hợp lệ (chữ ký hoặc thông tin không khớp) nên "
            "đã bị từ chối. Vui lòng đăng nhập lại."
        )
    )


def pkce_pair() -> tuple[str, str]:
    """A PKCE code verifier (RFC 7636, 64 characters) and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    return verifier, pkce_challenge(verifier)


def pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def default_redirect_uri(request: HttpRequest) -> str:
    """Where the provider sends the citizen back: ``EID_OIDC_REDIRECT_URI``, or this
    site's ``/tai-khoan/vneid/ve/`` (Vietnamese path, registered once at the provider)."""
    if settings.EID_OIDC_REDIRECT_URI:
        return str(settings.EID_OIDC_REDIRECT_URI)
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("identity:eid_callback")
    base = settings.PUBLIC_BASE_URL or f"{request.scheme}://{request.get_host()}"
    return f"{base}{path}"


@dataclass(frozen=True)
class VerifiedIdentity:
    citizen_id: str
    subject: str
    claims: dict[str, Any]


class EidProvider:
    """Base adapter: the client half of OpenID Connect, common to every provider."""

    name: ClassVar[str] = ""
    label: ClassVar[str] = "VNeID"

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    # -- what each provider supplies
    @property
    def issuer(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def client_id(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def authorization_endpoint(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def exchange_code(
        self, *, code: str, code_verifier: str, redirect_uri: str
    ) -> dict[str, Any]:  # pragma: no cover - abstract
        """The token endpoint's JSON answer (with ``id_token``) or :class:`EidError`."""
        raise NotImplementedError

    def key_set(self, *, refresh: bool = False) -> KeySet:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- common to all
    def redirect_uri(self) -> str:
        return default_redirect_uri(self.request)

    def authorization_url(self, *, state: str, nonce: str, code_challenge: str) -> str:
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.client_id,
                "redirect_uri": self.redirect_uri(),
                "scope": " ".join(settings.EID_OIDC_SCOPES),
                "state": state,
                "nonce": nonce,
                "code_challenge": code_challenge,
                "code_challenge_method": "S256",
            }
        )
        endpoint = self.authorization_endpoint()
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"

    def verify_id_token(self, id_token: str, *, nonce: str) -> VerifiedIdentity:
        """Check signature, issuer, audience, times and nonce; return the ID number."""
        if not isinstance(id_token, str) or id_token.count(".") != 2:
            raise forged_token_error()
        try:
            token = self._decode(id_token, refresh=False)
        except JoseError:
            # The provider may have rotated its keys since we fetched them: once more.
            try:
                token = self._decode(id_token, refresh=True)
            except JoseError:
                raise forged_token_error() from None
        claims = dict(token.claims)
        registry = jwt.JWTClaimsRegistry(
            now=lambda: int(time.time()),
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": self.issuer},
            aud={"essential": True, "value": self.client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        try:
            registry.validate(claims)
        except ExpiredTokenError:
            raise EidError(_("Phiên đăng nhập VNeID đã hết hạn. Vui lòng đăng nhập lại.")) from None
        except JoseError:
            raise forged_token_error() from None
        audience = claims.get("aud")
        if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != self.client_id:
            raise forged_token_error()
        citizen_id = claims.get(settings.EID_OIDC_CITIZEN_ID_CLAIM)
        if not isinstance(citizen_id, str) or not citizen_id.strip():
            raise EidError(
                _("VNeID không cung cấp số định danh cá nhân; không thể đăng nhập bằng VNeID.")
            )
        return VerifiedIdentity(
            citizen_id=citizen_id.strip(), subject=str(claims["sub"]), claims=claims
        )

    def _decode(self, id_token: str, *, refresh: bool) -> jwt.Token:
        return jwt.decode(
            id_token, self.key_set(refresh=refresh), algorithms=list(ID_TOKEN_ALGORITHMS)
        )


def get_eid_provider(request: HttpRequest) -> EidProvider | None:
    """The configured e-ID adapter, or ``None`` when e-ID sign-in is off."""
    name = settings.EID_PROVIDER
    if name == "oidc":
        from tinhso.identity.eid.oidc import OidcProvider

        return OidcProvider(request)
    if name == "simulator":
        from tinhso.identity.eid.simulator import SimulatedEidProvider

        return SimulatedEidProvider(request)
    return None
