from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tinhso.demo.builders import build_all


class Command(BaseCommand):
    help = "Nạp dữ liệu trình diễn (chạy lại an toàn: chỉ bổ sung phần còn thiếu)."

    def handle(self, *args: Any, **options: Any) -> None:
        for name, result in build_all(stdout=self.stdout).items():
            self.stdout.write(f"  {name}: {result}")
