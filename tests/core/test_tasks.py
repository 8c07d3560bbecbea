"""Background tasks: database backend by default, Redis backend against the real Redis."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django_tasks import TaskResultStatus, task_backends

from tinhso.core.tasks import audit_verify_task, ping

REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


# The worker closes and re-opens database connections: it needs real transactions.
@pytest.mark.django_db(transaction=True)
def test_ping_runs_through_the_database_worker() -> None:
    result = ping.enqueue("xin chào")
    assert result.status == TaskResultStatus.READY
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "xin chào"


# The worker closes and re-opens database connections: it needs real transactions.
@pytest.mark.django_db(transaction=True)
def test_tinhso_worker_burst_processes_waiting_tasks_and_stops() -> None:
    results = [ping.enqueue(f"việc {i}") for i in range(3)]
    call_command("worker", "--burst")
    for i, result in enumerate(results):
        result.refresh()
        assert result.status == TaskResultStatus.SUCCESSFUL
        assert result.return_value == f"việc {i}"


# The worker closes and re-opens database connections: it needs real transactions.
@pytest.mark.django_db(transaction=True)
def test_audit_verify_task_reports_a_clean_chain() -> None:
    result = audit_verify_task.enqueue()
    call_command("worker", "--burst")
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["ok"] is True, result.return_value


@pytest.mark.django_db
def test_health_reports_waiting_tasks(client: Client) -> None:
    ping.enqueue("chờ")
    body = client.get("/api/v1/health").json()
    assert body["tasks"]["ok"] is True
    assert "1 việc đang chờ" in body["tasks"]["detail"]


@pytest.mark.django_db
def test_health_is_degraded_when_no_worker_picks_tasks_up(client: Client) -> None:
    start = dt.datetime(2027, 3, 3, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        ping.enqueue("bị bỏ quên")
    with time_machine.travel(start + dt.timedelta(minutes=20), tick=False):
        response = client.get("/api/v1/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["tasks"]["ok"] is False
    assert "worker" in body["tasks"]["detail"]


def test_worker_refuses_the_immediate_backend(settings) -> None:  # type: ignore[no-untyped-def]
    from django.core.management.base import CommandError

    settings.TASK_BACKEND = "immediate"
    with pytest.raises(CommandError, match="immediate"):
        call_command("worker", "--burst")


# --- Redis ----------------------------------------------------------------------------


def _redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping())
    except redis.exceptions.RedisError:
        return False


requires_redis = pytest.mark.skipif(
    not _redis_available(), reason=f"Redis is not reachable at {REDIS_TEST_URL}"
)


@pytest.fixture
def redis_queue(settings) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """TASK_BACKEND=redis with a queue of our own in Redis db 15, removed afterwards."""
    import redis

    queue = f"test-{uuid.uuid4().hex[:12]}"
    settings.TASK_BACKEND = "redis"
    settings.RQ_QUEUES = {
        "default": {"URL": REDIS_TEST_URL, "DEFAULT_TIMEOUT": 60},
        queue: {"URL": REDIS_TEST_URL, "DEFAULT_TIMEOUT": 60},
    }
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default", queue]}
    }
    yield queue
    connection = redis.Redis.from_url(REDIS_TEST_URL)
    connection.srem("rq:queues", f"rq:queue:{queue}")
    keys = list(connection.scan_iter(f"rq:*{queue}*"))
    if keys:
        connection.delete(*keys)


@requires_redis
@pytest.mark.django_db
def test_ping_runs_through_the_redis_worker(redis_queue: str) -> None:
    assert type(task_backends["default"]).__name__ == "RQBackend"
    result = ping.using(queue_name=redis_queue).enqueue("qua Redis")
    assert result.status == TaskResultStatus.READY
    call_command("worker", "--burst", "--queue", redis_queue)
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "qua Redis"


@requires_redis
@pytest.mark.django_db
def test_health_reports_the_redis_queue(client: Client, redis_queue: str) -> None:
    body = client.get("/api/v1/health").json()
    assert body["tasks"]["ok"] is True
    assert body["tasks"]["detail"].startswith("redis:")


@pytest.mark.django_db
def test_health_reports_an_unreachable_redis(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TASK_BACKEND = "redis"
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0"}}
    response = client.get("/api/v1/health")
    assert response.status_code == 503
    body = response.json()
    assert body["tasks"]["ok"] is False
    assert body["tasks"]["detail"].startswith("redis: không kết nối được")
