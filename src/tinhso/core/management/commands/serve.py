from __future__ import annotations

import os
import shutil
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


def gunicorn_argv(*, host: str, port: int, workers: int) -> list[str]:
    exe = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which("gunicorn")
    if exe is None:
        raise CommandError("Không tìm thấy gunicorn trong môi trường Python này.")
    return [
        exe,
        "tinhso.wsgi:application",
        "--config",
        "python:tinhso.gunicorn_conf",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "120",
        "--access-logfile",
        "-",
        "--forwarded-allow-ips",
        "127.0.0.1",
    ]


class Command(BaseCommand):
    help = "Chạy máy chủ web (gunicorn). Cổng lấy từ --port hoặc biến PORT (mặc định 8000)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=None)
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2"))
        )

    def handle(self, *args: Any, **options: Any) -> None:
        port = options["port"] or int(os.environ.get("PORT", "8000"))
        argv = gunicorn_argv(host=options["host"], port=port, workers=options["workers"])
        self.stdout.write(f"{settings.SITE_NAME}: http://{options['host']}:{port}/")
        sys.stdout.flush()
        # Become gunicorn (no child process): a signal sent to ``tinhso serve`` (terminate,
        # reload) reaches the gunicorn master, and stopping it stops the workers.
        os.execv(argv[0], argv)  # noqa: S606
