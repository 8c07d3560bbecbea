from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Chạy tiến trình xử lý việc nền theo TASK_BACKEND (database hoặc redis)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--max-tasks", type=int, default=None, help="dừng sau số việc này")
        parser.add_argument("--burst", action="store_true", help="xử lý hết việc đang chờ rồi dừng")

    def handle(self, *args: Any, **options: Any) -> None:
        backend = settings.TASK_BACKEND
        if backend == "immediate":
            raise CommandError(
                "TASK_BACKEND=immediate chạy việc ngay trong tiến trình web, không cần worker."
            )
        if backend == "redis":
            kwargs: dict[str, Any] = {"job_class": "django_tasks_rq.Job"}
            if options["burst"]:
                kwargs["burst"] = True
            call_command("rqworker", "default", **kwargs)
            return
        db_args: list[str] = ["--interval", "1"]
        if options["max_tasks"] is not None:
            db_args += ["--max-tasks", str(options["max_tasks"])]
        if options["burst"]:
            db_args += ["--batch"]
        call_command("db_worker", *db_args)
