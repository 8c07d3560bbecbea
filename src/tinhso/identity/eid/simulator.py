"""A local stand-in for the national e-ID provider (demo and tests; refused in production).

It is a small but real OpenID Connect provider under ``/dinh-danh/mo-phong-vneid/``: a
consent page where the tester picks one of the synthetic residents, a token endpoint
that checks the client, the single-use code, the redirect URI and the PKCE verifier,
and id_tokens signed RS256 with a key kept in ``<TINHSO_VAR_DIR>/eid-simulator-key.json``
(published at ``…/jwks.json``, discoverable at ``…/.well-known/openid-configuration``).

:class:`SimulatedEidProvider`, the client-side adapter used when
``EID_PROVIDER=simulator``, calls the same token code in-process (as the payment
simulator hands its callback to the callback code) and verifies the id_token exactly
as the real adapter does.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from tinhso import config
from tinhso.identity.eid import EidError, EidProvider, pkce_challenge
from tinhso.identity.models import SimulatedEidGrant, SyntheticResident

BASE_PATH = "/dinh-danh/mo-phong-vneid"
CLIENT_ID = "tinhso-cong-dich-vu-cong"
CODE_MAX_AGE_SECONDS = 120
ID_TOKEN_LIFETIME_SECONDS = 300

_key_lock = threading.Lock()
_key: RSAKey | None = None


def key_path() -> Path:
    return config.var_dir() / "eid-simulator-key.json"


def signing_key() -> RSAKey:
    """The simulator's private RSA key, made on first use and kept under the var dir."""
    global _key
    with _key_lock:
        if _key is not None:
            return _key
        path = key_path()
        if not path.exists():
            key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"})
            data = key.as_dict(private=True)
            data["kid"] = key.thumbprint()
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass  # another process made it first: use theirs
            else:
                with os.fdopen(fd, "w") as fh:
                    json.dump(data, fh)
        _key = RSAKey.import_key(json.loads(path.read_text()))
        return _key


def reset_signing_key_cache() -> None:
    global _key
    with _key_lock:
        _key = None


def public_jwks() -> dict[str, Any]:
    return {"keys": [signing_key().as_dict(private=False)]}


def client_secret() -> str:
    """The simulated client's secret, derived from the site's secret key."""
    return hashlib.sha256(f"tinhso-eid-simulator:{settings.SECRET_KEY}".encode()).hexdigest()


def issuer_for(request: HttpRequest) -> str:
    base = settings.PUBLIC_BASE_URL or f"{request.scheme}://{request.get_host()}"
    return f"{base}{BASE_PATH}"


def metadata(request: HttpRequest) -> dict[str, Any]:
    issuer = issuer_for(request)
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/uy-quyen/",
        "token_endpoint": f"{issuer}/token",
        "jwks_uri": f"{issuer}/jwks.json",
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "scopes_supported": ["openid", "profile"],
        "claims_supported": ["sub", "name", "birthdate", settings.EID_OIDC_CITIZEN_ID_CLAIM],
    }


# ------------------------------------------------------------------ provider side


class AuthorizeRequestError(Exception):
    """The authorization request cannot be answered (shown on the page, no redirect)."""


def check_authorize_request(params: dict[str, str], *, expected_redirect_uri: str) -> None:
    if params.get("client_id") != CLIENT_ID:
        raise AuthorizeRequestError("client_id")
    if params.get("redirect_uri") != expected_redirect_uri:
        raise AuthorizeRequestError("redirect_uri")
    if params.get("response_type") != "code":
        raise AuthorizeRequestError("response_type")
    if "openid" not in params.get("scope", "").split():
        raise AuthorizeRequestError("scope")
    if params.get("code_challenge_method") != "S256" or len(params.get("code_challenge", "")) < 43:
        raise AuthorizeRequestError("code_challenge")
    if not params.get("state") or not params.get("nonce"):
        raise AuthorizeRequestError("state/nonce")


def _hash_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def grant_create(*, resident: SyntheticResident, params: dict[str, str]) -> str:
    """Record the consent and return the one-time authorization code."""
    code = secrets.token_urlsafe(32)
    # Codes live two minutes: drop the day-old ones so the table stays small.
    SimulatedEidGrant.objects.filter(created_at__lt=timezone.now() - timedelta(days=1)).delete()
    SimulatedEidGrant.objects.create(
        code_hash=_hash_code(code),
        citizen_id=resident.citizen_id,
        client_id=params["client_id"],
        redirect_uri=params["redirect_uri"],
        nonce=params["nonce"][:200],
        code_challenge=params["code_challenge"][:128],
    )
    return code


def _client_credentials(form: dict[str, str], authorization: str) -> tuple[str, str]:
    if authorization.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(authorization[6:].strip()).decode()
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        client_id, _sep, secret = decoded.partition(":")
        return client_id, secret
    return form.get("client_id", ""), form.get("client_secret", "")


def token_response(
    *, form: dict[str, str], authorization: str, issuer: str
) -> tuple[int, dict[str, Any]]:
    """The token endpoint (RFC 6749 §4.1.3 with PKCE): ``(status, JSON body)``."""

    def error(code: str, description: str, status: int = 400) -> tuple[int, dict[str, Any]]:
        return status, {"error": code, "error_description": description}

    client_id, secret = _client_credentials(form, authorization)
    if client_id != CLIENT_ID or not hmac.compare_digest(secret, client_secret()):
        return error("invalid_client", "unknown client or wrong secret", 401)
    if form.get("grant_type") != "authorization_code":
        return error("unsupported_grant_type", "only authorization_code")
    code = form.get("code", "")
    verifier = form.get("code_verifier", "")
    with transaction.atomic():
        grant = (
            SimulatedEidGrant.objects.select_for_update().filter(code_hash=_hash_code(code)).first()
        )
        if grant is None or grant.used_at is not None:
            return error("invalid_grant", "unknown or already used code")
        if grant.created_at < timezone.now() - timedelta(seconds=CODE_MAX_AGE_SECONDS):
            return error("invalid_grant", "code expired")
        if grant.client_id != client_id or grant.redirect_uri != form.get("redirect_uri"):
            return error("invalid_grant", "redirect_uri does not match")
        if not verifier or not hmac.compare_digest(pkce_challenge(verifier), grant.code_challenge):
            return error("invalid_grant", "PKCE verification failed")
        grant.used_at = timezone.now()
        grant.save(update_fields=["used_at"])
    resident = SyntheticResident.objects.filter(citizen_id=grant.citizen_id).first()
    if resident is None:
        return error("invalid_grant", "resident no longer exists")
    now = int(time.time())
    claims = {
        "iss": issuer,
        "sub": hashlib.sha256(f"{client_id}:{resident.citizen_id}".encode()).hexdigest()[:32],
        "aud": client_id,
        "iat": now,
        "auth_time": now,
        "exp": now + ID_TOKEN_LIFETIME_SECONDS,
        "nonce": grant.nonce,
        "name": resident.full_name,
        "birthdate": resident.date_of_birth.isoformat(),
        settings.EID_OIDC_CITIZEN_ID_CLAIM: resident.citizen_id,
    }
    key = signing_key()
    id_token = jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)
    return 200, {
        "access_token": secrets.token_urlsafe(32),
        "token_type": "Bearer",
        "expires_in": ID_TOKEN_LIFETIME_SECONDS,
        "id_token": id_token,
    }


# ------------------------------------------------------------------ client side


class SimulatedEidProvider(EidProvider):
    name: ClassVar[str] = "simulator"
    label: ClassVar[str] = "VNeID (mô phỏng)"

    @property
    def issuer(self) -> str:
        return issuer_for(self.request)

    @property
    def client_id(self) -> str:
        return CLIENT_ID

    def authorization_endpoint(self) -> str:
        return f"{BASE_PATH}/uy-quyen/"

    def key_set(self, *, refresh: bool = False) -> KeySet:
        return KeySet([signing_key()])

    def exchange_code(self, *, code: str, code_verifier: str, redirect_uri: str) -> dict[str, Any]:
        status, body = token_response(
            form={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": code_verifier,
                "client_id": CLIENT_ID,
                "client_secret": client_secret(),
            },
            authorization="",
            issuer=self.issuer,
        )
        if status != 200:
            from django.utils.translation import gettext as _

            raise EidError(
                _("Mã đăng nhập VNeID không hợp lệ hoặc đã được dùng. Vui lòng đăng nhập lại.")
            )
        return body
