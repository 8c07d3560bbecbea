"""Throttling of failed logins (per user name and per client address) and of bad API keys
(per client address): counted in the cache, refused with the wait time, lock-outs audited."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client

from tests.core.factories import UserFactory
from tinhso.core.models import AuditEntry, User
from tinhso.core.services import token_create
from tinhso.core.throttle import Limiter

pytestmark = pytest.mark.django_db

LOGIN = "/tai-khoan/dang-nhap/"
PASSWORD = "mat-khau-dung-1"
LOCKED = "Đăng nhập sai quá nhiều lần"
START = dt.datetime(2027, 5, 2, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def limits(settings):  # type: ignore[no-untyped-def]
    settings.LOGIN_THROTTLE_FAILURES = 3
    settings.LOGIN_THROTTLE_IP_FAILURES = 5
    settings.LOGIN_THROTTLE_WINDOW_SECONDS = 900
    settings.API_TOKEN_THROTTLE_FAILURES = 3
    return settings


@pytest.fixture
def user() -> User:
    u = UserFactory(username="canbo")
    u.set_password(PASSWORD)
    u.save()
    return u


def log_in(client: Client, username: str, password: str, ip: str = "127.0.0.1") -> str:
    """Post the login form; the page shown ("" after a successful redirect)."""
    response = client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)
    if response.status_code == 302:
        return ""
    assert response.status_code == 200
    return response.content.decode()


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_limiter_counts_in_a_window_that_starts_at_the_first_failure() -> None:
    limiter = Limiter("test", limit=2, window=600)
    with time_machine.travel(START, tick=False) as clock:
        assert limiter.failure("k") is False
        assert limiter.retry_after("k") == 0
        clock.shift(100)
        assert limiter.failure("k") is True  # the limit is reached: the lock-out begins
        assert limiter.retry_after("k") == 500
        assert limiter.failure("k") is False  # already locked: reported once
        assert limiter.retry_after("other") == 0
        clock.shift(501)
        assert limiter.retry_after("k") == 0


def test_limiter_reset_clears_the_count() -> None:
    limiter = Limiter("test", limit=2, window=600)
    limiter.failure("k")
    limiter.failure("k")
    assert limiter.retry_after("k") > 0
    limiter.reset("k")
    assert limiter.retry_after("k") == 0


def test_wrong_passwords_lock_the_user_name_with_the_wait_time(
    client: Client, limits, user: User
) -> None:
    with time_machine.travel(START, tick=False):
        for _ in range(3):
            page = log_in(client, "canbo", "sai")
            assert LOCKED not in page
        page = log_in(client, "canbo", PASSWORD)  # the right password, but locked out
    assert LOCKED in page and "15 phút" in page
    assert not logged_in(client)
    locks = AuditEntry.objects.filter(action="login_locked")
    assert locks.count() == 1
    lock = locks.get()
    assert lock.object_repr == "canbo" and lock.ip == "127.0.0.1"
    assert lock.changes == {"locked": "username", "failures": 3, "window_seconds": 900}
    assert AuditEntry.objects.filter(action="login_failed").count() == 3


def test_the_lock_ends_with_the_window(client: Client, limits, user: User) -> None:
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(3):
            log_in(client, "canbo", "sai")
        clock.shift(600)
        assert "5 phút" in log_in(client, "canbo", PASSWORD)
        clock.shift(301)
        assert log_in(client, "canbo", PASSWORD) == ""
    assert logged_in(client)


def test_a_successful_login_resets_the_user_name_count(client: Client, limits, user: User) -> None:
    for _ in range(2):
        log_in(client, "canbo", "sai")
    assert log_in(client, "canbo", PASSWORD) == ""
    client.logout()
    for _ in range(2):
        assert LOCKED not in log_in(client, "canbo", "sai")
    assert log_in(client, "canbo", PASSWORD) == ""


def test_an_empty_password_neither_logs_in_nor_resets_the_count(
    client: Client, limits, user: User
) -> None:
    for _ in range(2):
        log_in(client, "canbo", "sai")
    log_in(client, "canbo", "")
    log_in(client, "canbo", "sai")
    assert LOCKED in log_in(client, "canbo", PASSWORD)


def test_user_name_case_does_not_escape_the_count(client: Client, limits, user: User) -> None:
    for name in ("canbo", "CANBO", "CanBo"):
        log_in(client, name, "sai")
    assert LOCKED in log_in(client, "canbo", PASSWORD)


def test_many_user_names_from_one_address_lock_the_address(
    client: Client, limits, user: User
) -> None:
    for i in range(5):
        log_in(client, f"doan-{i}", "sai", ip="198.51.100.9")
    assert LOCKED in log_in(client, "canbo", PASSWORD, ip="198.51.100.9")
    assert AuditEntry.objects.filter(action="login_locked", object_repr="198.51.100.9").exists()
    # Another address is not locked; the user name itself has no failure.
    assert log_in(client, "canbo", PASSWORD, ip="198.51.100.10") == ""


def test_the_admin_login_is_throttled_too(client: Client, limits) -> None:
    admin = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    admin.set_password(PASSWORD)
    admin.save()
    for _ in range(3):
        client.post("/quan-tri/login/", {"username": "quantri", "password": "sai"})
    page = client.post("/quan-tri/login/", {"username": "quantri", "password": PASSWORD})
    assert LOCKED in page.content.decode()
    assert AuditEntry.objects.filter(action="login_locked", object_repr="quantri").exists()


def test_bad_api_keys_lock_the_address_with_429(client: Client, limits) -> None:
    user = UserFactory()
    _token, key = token_create(user=user, name="thử")
    for _ in range(3):
        assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer tsk_sai").status_code == 401
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 900
    assert "khoá API không hợp lệ" in response.json()["detail"]
    lock = AuditEntry.objects.get(action="api_token_locked")
    assert lock.ip == "127.0.0.1" and lock.changes["failures"] == 3
    # Another address with the right key is served.
    other = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}", REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 200 and other.json()["username"] == user.username


def test_good_api_keys_are_not_counted(client: Client, limits) -> None:
    _token, key = token_create(user=UserFactory(), name="thử")
    for _ in range(5):
        assert client.get("/api/v1/me", HTTP_AUTHORIZATION=key).status_code == 200


def test_the_ckan_api_answers_429_in_its_envelope(client: Client, limits) -> None:
    for _ in range(3):
        response = client.get("/api/3/action/package_list", HTTP_AUTHORIZATION="tsk_sai")
        assert response.status_code == 200  # CKAN reads an unknown key as anonymous
    response = client.get("/api/3/action/package_list", HTTP_AUTHORIZATION="tsk_sai")
    assert response.status_code == 429
    body = json.loads(response.content)
    assert body["success"] is False and body["error"]["__type"] == "Throttled"
    assert "Retry-After" in response
