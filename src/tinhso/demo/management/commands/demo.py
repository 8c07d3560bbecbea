from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tinhso.core.management.commands.serve import gunicorn_argv
from tinhso.demo.core_data import ACCOUNTS, demo_passwords
from tinhso.demo.processes import Supervisor


def demo_environment(environ: Mapping[str, str], port: int) -> dict[str, str]:
    """The environment of the demo's web server and worker: demo mode, and the public
    address of the port being served (QR codes and links on forms) unless
    ``PUBLIC_BASE_URL`` is set."""
    env = {**environ, "TINHSO_ENV": "demo"}
    if not env.get("PUBLIC_BASE_URL", "").strip():
        env["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"
    return env


class Command(BaseCommand):
    help = "Trình diễn: migrate, nạp dữ liệu mẫu, in tài khoản mẫu, chạy web và worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-serve", action="store_true", help="chỉ chuẩn bị dữ liệu, không chạy máy chủ"
        )
        parser.add_argument(
            "--no-load",
            action="store_true",
            help="không nạp dữ liệu trình diễn (chạy lại nhanh trên dữ liệu đã nạp)",
        )
        parser.add_argument("--port", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO:
            raise CommandError("Lệnh demo chỉ chạy khi TINHSO_ENV=demo.")
        port = options["port"] or int(os.environ.get("PORT", "8000"))
        env = demo_environment(os.environ, port)
        call_command("migrate", interactive=False, verbosity=0)
        if not options["no_load"]:
            self.stdout.write("Đang nạp dữ liệu trình diễn…")
            call_command("load_demo")
        passwords = demo_passwords()
        self.stdout.write("\nTài khoản trình diễn (chỉ ở chế độ demo):")
        for account in ACCOUNTS:
            self.stdout.write(
                f"  {account.username:<18} {passwords[account.username]:<22} {account.role}"
            )
        if options["no_serve"]:
            return
        supervisor = Supervisor()
        supervisor.install()  # before the children start: no signal is missed
        try:
            supervisor.start(gunicorn_argv(host="127.0.0.1", port=port, workers=2), env)
            if settings.TASK_BACKEND != "immediate":
                supervisor.start([sys.executable, "-m", "tinhso.cli", "worker"], env)
        except BaseException:
            supervisor.stop()  # what started already
            supervisor.uninstall()
            raise
        self.stdout.write(f"\nMở http://127.0.0.1:{port}/ (Ctrl+C để dừng)\n")
        self.stdout.flush()
        status = supervisor.run()
        self.stdout.write("Đã dừng máy chủ web và worker.")
        if status:
            raise CommandError(f"Máy chủ web hoặc worker dừng bất thường (mã {status}).")
