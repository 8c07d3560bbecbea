from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tinhso.core.audit import audit_verify


class Command(BaseCommand):
    help = "Kiểm tra chuỗi nhật ký thao tác: audit verify"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="phát hiện bản ghi bị sửa hoặc xoá")

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_verify()
        if report.ok:
            self.stdout.write(f"Chuỗi nhật ký toàn vẹn: {report.checked} bản ghi.")
            return
        for problem in report.problems:
            self.stderr.write(problem)
        raise CommandError(
            f"Chuỗi nhật ký KHÔNG toàn vẹn: {len(report.problems)} vấn đề trên {report.checked} bản ghi."
        )
