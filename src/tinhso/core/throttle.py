"""Counting failures in the cache to slow down password and API-key guessing.

A :class:`Limiter` counts failures per key (a user name, a client address) in a fixed
window that starts at the first failure: once ``limit`` failures are counted, the key is
refused until the window ends. The counters live in Django's cache (``CACHE_URL``: each
process's memory by default, Redis to share them between the web workers).

Lock-outs are recorded in the audit log (``login_locked``, ``api_token_locked``).

(The citizen-ID verification limit of :mod:`tinhso.identity.services` counts the
registry look-ups it records anyway, in the database; failed logins and bad API keys
leave no such row of their own, hence the cache.)
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from tinhso.core.audit import audit_record


@dataclass(frozen=True)
class Limiter:
    scope: str  # what is counted: "login-user", "login-ip", "api-token-ip"
    limit: int  # failures allowed in one window
    window: int  # seconds

    def _keys(self, key: str) -> tuple[str, str]:
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        base = f"tinhso:throttle:{self.scope}:{digest}"
        return f"{base}:n", f"{base}:t"

    def retry_after(self, key: str) -> int:
        """Seconds until ``key`` may try again; 0 when it is not locked out."""
        if not key:
            return 0
        count_key, start_key = self._keys(key)
        if (cache.get(count_key) or 0) < self.limit:
            return 0
        start = cache.get(start_key)
        if start is None:
            return self.window
        return max(1, math.ceil(float(start) + self.window - time.time()))

    def failure(self, key: str) -> bool:
        """Count one failure; True when this one reaches the limit (the lock-out begins)."""
        if not key:
            return False
        count_key, start_key = self._keys(key)
        cache.add(start_key, time.time(), self.window)
        cache.add(count_key, 0, self.window)
        try:
            count = cache.incr(count_key)
        except ValueError:  # expired between add and incr: a new window
            cache.set(start_key, time.time(), self.window)
            cache.set(count_key, 1, self.window)
            count = 1
        return count == self.limit

    def reset(self, key: str) -> None:
        if key:
            cache.delete_many(list(self._keys(key)))


def login_user_limiter() -> Limiter:
    return Limiter(
        "login-user", settings.LOGIN_THROTTLE_FAILURES, settings.LOGIN_THROTTLE_WINDOW_SECONDS
    )


def login_ip_limiter() -> Limiter:
    return Limiter(
        "login-ip", settings.LOGIN_THROTTLE_IP_FAILURES, settings.LOGIN_THROTTLE_WINDOW_SECONDS
    )


def api_token_limiter() -> Limiter:
    return Limiter(
        "api-token-ip",
        settings.API_TOKEN_THROTTLE_FAILURES,
        settings.LOGIN_THROTTLE_WINDOW_SECONDS,
    )


def username_key(username: str) -> str:
    return (username or "").strip().casefold()


def login_retry_after(*, username: str, ip: str) -> int:
    """Seconds before this user name or this address may try to log in again (0: now)."""
    return max(
        login_user_limiter().retry_after(username_key(username)),
        login_ip_limiter().retry_after(ip),
    )


def login_failed(*, username: str, ip: str) -> None:
    """Count a failed login for the user name and the address; audit a lock-out."""
    for limiter, key, what in (
        (login_user_limiter(), username_key(username), "username"),
        (login_ip_limiter(), ip, "ip"),
    ):
        if limiter.failure(key):
            _audit_lockout("login_locked", limiter, what=what, username=username, ip=ip)


def login_succeeded(*, username: str) -> None:
    """A successful login clears the user name's failures (not the address's)."""
    login_user_limiter().reset(username_key(username))


def api_token_retry_after(*, ip: str) -> int:
    return api_token_limiter().retry_after(ip)


def api_token_failed(*, ip: str) -> None:
    limiter = api_token_limiter()
    if limiter.failure(ip):
        _audit_lockout("api_token_locked", limiter, what="ip", username="", ip=ip)


def _audit_lockout(action: str, limiter: Limiter, *, what: str, username: str, ip: str) -> None:
    audit_record(
        action=action,
        object_type="core.user",
        object_repr=(username if what == "username" else ip)[:255],
        changes={
            "locked": what,
            "failures": limiter.limit,
            "window_seconds": limiter.window,
        },
        ip=ip,
    )


def wait_minutes(seconds: int) -> int:
    """Whole minutes to tell the user (at least 1)."""
    return max(1, math.ceil(seconds / 60))
