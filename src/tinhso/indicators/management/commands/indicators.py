"""``tinhso indicators refresh`` (for cron), ``load`` (registry), ``enqueue`` (as a task)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Chỉ số chuyển đổi số: load (nạp danh mục), refresh (tính lại và công bố dữ liệu mở), enqueue (chạy nền)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load", "refresh", "enqueue"])
        parser.add_argument(
            "--no-publish", action="store_true", help="Không cập nhật bộ dữ liệu mở"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from tinhso.indicators import services

        action = options["action"]
        if action == "load":
            n = services.indicators_load_registry()
            self.stdout.write(f"Đã nạp {n} chỉ số.")
            return
        if action == "enqueue":
            from tinhso.indicators.tasks import indicators_refresh_task

            result = indicators_refresh_task.enqueue()
            self.stdout.write(f"Đã xếp hàng tác vụ {result.id}.")
            return
        out = services.indicators_refresh(publish=not options["no_publish"])
        for code, value in out["refreshed"].items():
            self.stdout.write(f"  {code}: {value}")
        for code, reason in out["no_data"].items():
            self.stdout.write(f"  {code}: {reason}")
        self.stdout.write(
            f"Đã tính {len(out['refreshed'])} chỉ số, {len(out['no_data'])} chưa có số liệu, "
            f"công bố {len(out['published'])} bộ dữ liệu mở."
        )
        if out["publish_error"]:
            self.stderr.write(out["publish_error"])
