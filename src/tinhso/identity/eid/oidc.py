"""The real e-ID adapter: an OpenID Connect client of the national provider.

Endpoints and signing keys come from the provider's discovery document
(``<EID_OIDC_ISSUER>/.well-known/openid-configuration``) and its ``jwks_uri``; both are
cached per process for an hour (keys are fetched again when a token does not verify with
the cached ones, at most once a minute). The code is exchanged with HTTP Basic client
authentication (``client_secret_basic``) and the PKCE verifier.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, ClassVar

import httpx
from django.conf import settings
from django.utils.translation import gettext as _
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from tinhso.identity.eid import EidError, EidProvider, EidUnavailable

logger = logging.getLogger("tinhso.identity")

CACHE_SECONDS = 3600
# A token signed with an unknown key makes us fetch the keys again, but not more often
# than this: forged tokens must not turn us into a flood of requests to the provider.
MIN_REFRESH_SECONDS = 60
_cache: dict[str, tuple[float, Any]] = {}
_lock = threading.Lock()


def _get_json(url: str) -> Any:
    try:
        response = httpx.get(
            url, timeout=settings.EID_OIDC_TIMEOUT, headers={"Accept": "application/json"}
        )
    except httpx.HTTPError as exc:
        logger.warning("e-ID provider unreachable at %s: %s", url, exc)
        raise EidUnavailable() from None
    if response.status_code != 200:
        logger.warning("e-ID provider answered %s at %s", response.status_code, url)
        raise EidUnavailable()
    try:
        return response.json()
    except ValueError:
        raise EidUnavailable() from None


def _cached(key: str, fetch: Any, *, refresh: bool = False) -> Any:
    now = time.monotonic()
    with _lock:
        hit = _cache.get(key)
        if hit and now - hit[0] < (MIN_REFRESH_SECONDS if refresh else CACHE_SECONDS):
            return hit[1]
    value = fetch()
    with _lock:
        _cache[key] = (now, value)
    return value


def clear_cache() -> None:
    with _lock:
        _cache.clear()


class OidcProvider(EidProvider):
    name: ClassVar[str] = "oidc"

    @property
    def issuer(self) -> str:
        return str(settings.EID_OIDC_ISSUER)

    @property
    def client_id(self) -> str:
        return str(settings.EID_OIDC_CLIENT_ID)

    def metadata(self) -> dict[str, Any]:
        def fetch() -> dict[str, Any]:
            doc = _get_json(f"{self.issuer}/.well-known/openid-configuration")
            if not isinstance(doc, dict) or str(doc.get("issuer", "")).rstrip("/") != self.issuer:
                logger.error("e-ID discovery document does not describe issuer %s", self.issuer)
                raise EidUnavailable()
            for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                if not isinstance(doc.get(key), str):
                    raise EidUnavailable()
            return doc

        return dict(_cached(f"meta:{self.issuer}", fetch))

    def authorization_endpoint(self) -> str:
        return str(self.metadata()["authorization_endpoint"])

    def key_set(self, *, refresh: bool = False) -> KeySet:
        uri = str(self.metadata()["jwks_uri"])

        def fetch() -> KeySet:
            doc = _get_json(uri)
            try:
                return KeySet.import_key_set(doc)
            except (JoseError, ValueError, TypeError, KeyError):
                raise EidUnavailable() from None

        keys: KeySet = _cached(f"jwks:{uri}", fetch, refresh=refresh)
        return keys

    def exchange_code(self, *, code: str, code_verifier: str, redirect_uri: str) -> dict[str, Any]:
        endpoint = str(self.metadata()["token_endpoint"])
        try:
            response = httpx.post(
                endpoint,
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": redirect_uri,
                    "code_verifier": code_verifier,
                    "client_id": self.client_id,
                },
                auth=(self.client_id, settings.EID_OIDC_CLIENT_SECRET),
                headers={"Accept": "application/json"},
                timeout=settings.EID_OIDC_TIMEOUT,
            )
        except httpx.HTTPError as exc:
            logger.warning("e-ID token endpoint unreachable: %s", exc)
            raise EidUnavailable() from None
        try:
            body = response.json()
        except ValueError:
            raise EidUnavailable() from None
        if response.status_code in (400, 401) and isinstance(body, dict) and "error" in body:
            logger.info("e-ID token endpoint refused the code: %s", body.get("error"))
            raise EidError(
                _("Mã đăng nhập VNeID không hợp lệ hoặc đã được dùng. Vui lòng đăng nhập lại.")
            )
        if response.status_code != 200 or not isinstance(body, dict):
            raise EidUnavailable()
        return body
