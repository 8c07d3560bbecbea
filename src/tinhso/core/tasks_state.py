"""State of the background task queue, for the health endpoint and the admin."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone


def task_queue_state() -> dict[str, Any]:
    backend = settings.TASK_BACKEND
    if backend == "immediate":
        return {"ok": True, "detail": "immediate: chạy ngay trong tiến trình web"}
    if backend == "redis":
        try:
            import django_rq

            queue = django_rq.get_queue("default")
            queue.connection.ping()
            return {"ok": True, "detail": f"redis: {queue.count} việc đang chờ"}
        except Exception as exc:
            return {"ok": False, "detail": f"redis: không kết nối được ({exc.__class__.__name__})"}
    from django_tasks_db.models import DBTaskResult

    try:
        ready = DBTaskResult.objects.filter(status="READY")
        waiting = ready.count()
        oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        failed = DBTaskResult.objects.filter(
            status="FAILED", finished_at__gte=timezone.now() - dt.timedelta(days=1)
        ).count()
    except Exception as exc:  # pragma: no cover - broken database
        return {"ok": False, "detail": f"database: {exc.__class__.__name__}"}
    stale = oldest is not None and timezone.now() - oldest > dt.timedelta(minutes=15)
    detail = f"database: {waiting} việc đang chờ, {failed} lỗi trong 24 giờ"
    if stale:
        detail += "; việc cũ nhất chờ quá 15 phút (worker có chạy không?)"
    return {"ok": not stale, "detail": detail}
