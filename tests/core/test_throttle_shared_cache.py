"""With CACHE_URL=redis://… the failure counters are shared: a lock-out counted by one
web worker (one cache connection) is seen by another (another connection, another
process), and a reset by one is seen by the other. Real Redis (database 7 of
127.0.0.1:6379, flushed before and after); skipped, saying why, only if Redis is not
reachable."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from django.core.cache import caches
from django.test import Client

from tests.core.factories import UserFactory
from tinhso import config
from tinhso.core.models import AuditEntry
from tinhso.core.throttle import Limiter, login_retry_after

REDIS_CACHE_URL = "redis://127.0.0.1:6379/7"  # a database no other test uses
T = TypeVar("T")


def redis_client() -> Any:
    import redis

    return redis.Redis.from_url(REDIS_CACHE_URL, socket_connect_timeout=2)


@pytest.fixture
def shared_cache(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    client = redis_client()
    try:
        client.ping()
    except Exception as exc:  # any connection failure: not reachable
        pytest.skip(f"Redis is not reachable at {REDIS_CACHE_URL} ({exc}); start redis-server")
    client.flushdb()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_CACHE_URL,
        }
    }
    settings.LOGIN_THROTTLE_FAILURES = 3
    settings.LOGIN_THROTTLE_IP_FAILURES = 50
    settings.LOGIN_THROTTLE_WINDOW_SECONDS = 900
    yield
    client.flushdb()
    client.close()


def in_another_worker(work: Callable[[], T]) -> T:
    """Run ``work`` in another thread: Django gives it its own cache object, with its
    own Redis connection pool, as another worker process would have."""
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(work())
        except BaseException as exc:  # re-raised in the test
            errors.append(exc)
        finally:
            caches["default"].close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    if errors:
        raise errors[0]
    return results[0]


def test_a_lockout_counted_through_one_connection_is_seen_through_another(
    shared_cache: None,
) -> None:
    limiter = Limiter("login-user", limit=3, window=900)
    mine = caches["default"]
    theirs = in_another_worker(lambda: caches["default"])
    assert theirs is not mine
    assert theirs._cache._get_connection_pool(False) is not mine._cache._get_connection_pool(False)  # type: ignore[attr-defined]

    assert [limiter.failure("canbo") for _ in range(3)] == [False, False, True]
    assert limiter.retry_after("canbo") > 0
    seen = in_another_worker(lambda: limiter.retry_after("canbo"))
    assert 0 < seen <= 900
    assert in_another_worker(lambda: limiter.retry_after("someone-else")) == 0
    # The counter is one, whichever worker counts: a failure elsewhere adds to it.
    other = Limiter("login-ip", limit=2, window=900)
    assert other.failure("10.0.0.9") is False
    assert in_another_worker(lambda: other.failure("10.0.0.9")) is True
    assert other.retry_after("10.0.0.9") > 0
    # A reset by the other worker frees it here too.
    in_another_worker(lambda: limiter.reset("canbo"))
    assert limiter.retry_after("canbo") == 0


@pytest.mark.django_db
def test_wrong_passwords_in_this_process_lock_the_user_in_another_process(
    shared_cache: None, tmp_path: Path
) -> None:
    user = UserFactory(username="canbo")
    user.set_password("mat-khau-dung-1")
    user.save()
    client = Client()
    for _ in range(3):
        response = client.post(
            "/tai-khoan/dang-nhap/",
            {"username": "canbo", "password": "sai"},
            REMOTE_ADDR="10.1.1.1",
        )
        assert response.status_code == 200
    assert AuditEntry.objects.filter(action="login_locked").count() == 1
    assert login_retry_after(username="canbo", ip="10.1.1.1") > 0

    # Another worker: a separate process configured by CACHE_URL, as deployed.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in config.SETTINGS and k not in ("DJANGO_SETTINGS_MODULE", "TINHSO_ENV")
    }
    env.update(
        {
            "TINHSO_VAR_DIR": str(tmp_path),
            "CACHE_URL": REDIS_CACHE_URL,
            "LOGIN_THROTTLE_FAILURES": "3",
            "LOGIN_THROTTLE_IP_FAILURES": "50",
            "LOGIN_THROTTLE_WINDOW_SECONDS": "900",
        }
    )
    code = (
        "from tinhso.core.throttle import login_retry_after as r; "
        "print('RESULT', r(username='CanBo', ip='10.2.2.2'), r(username='khac', ip='10.2.2.2'))"
    )
    result = subprocess.run(
        [sys.executable, "-m", "tinhso.cli", "shell", "-c", code],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if x.startswith("RESULT "))
    locked, free = (int(v) for v in line.split()[1:])
    assert 0 < locked <= 900 and free == 0
