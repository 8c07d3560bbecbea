from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tasks.base import DEFAULT_TASK_QUEUE_NAME


class Command(BaseCommand):
    help = "Chạy tiến trình xử lý việc nền theo TASK_BACKEND (database hoặc redis)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--max-tasks", type=int, default=None, help="dừng sau số việc này")
        parser.add_argument("--burst", action="store_true", help="xử lý hết việc đang chờ rồi dừng")
        parser.add_argument(
            "--queue",
            default=DEFAULT_TASK_QUEUE_NAME,
            help=f"hàng đợi cần xử lý (mặc định {DEFAULT_TASK_QUEUE_NAME})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        backend = settings.TASK_BACKEND
        if backend == "immediate":
            raise CommandError(
                "TASK_BACKEND=immediate chạy việc ngay trong tiến trình web, không cần worker."
            )
        if options["max_tasks"] is not None and options["max_tasks"] < 1:
            raise CommandError("--max-tasks phải ≥ 1.")
        if backend == "redis":
            kwargs: dict[str, Any] = {"job_class": "django_tasks_rq.Job"}
            if options["burst"]:
                kwargs["burst"] = True
            if options["max_tasks"] is not None:
                kwargs["max_jobs"] = options["max_tasks"]
            call_command("rqworker", options["queue"], **kwargs)
            return
        db_args: list[str] = ["--interval", "1", "--queue-name", options["queue"]]
        if options["max_tasks"] is not None:
            db_args += ["--max-tasks", str(options["max_tasks"])]
        if options["burst"]:
            # Process what is waiting now and stop: no random start-up delay.
            db_args += ["--batch", "--no-startup-delay"]
        call_command("db_worker", *db_args)
