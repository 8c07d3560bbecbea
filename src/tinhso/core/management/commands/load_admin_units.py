from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tinhso.core.services import admin_units_load


class Command(BaseCommand):
    help = "Nạp đơn vị hành chính từ gói vietnam-provinces (tỉnh, xã/phường và huyện cũ)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--province", action="append", help="chỉ nạp tỉnh có mã này (lặp lại được)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = admin_units_load(province_codes=options.get("province"))
        self.stdout.write(
            f"Đã nạp {counts['province']} tỉnh, {counts['commune']} xã/phường, {counts['district']} huyện cũ."
        )
