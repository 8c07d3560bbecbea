from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tinhso.core.audit import audit_seal, audit_verify


class Command(BaseCommand):
    help = "Chuỗi nhật ký thao tác: audit verify | audit seal"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "verify", help="niêm phong bản ghi đang chờ rồi phát hiện bản ghi bị sửa/xoá"
        )
        sub.add_parser(
            "seal", help="niêm phong (nối vào chuỗi) các bản ghi đã ghi mà chưa niêm phong"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seal":
            self.stdout.write(f"Đã niêm phong {audit_seal()} bản ghi.")
            return
        report = audit_verify()
        if report.ok:
            self.stdout.write(f"Chuỗi nhật ký toàn vẹn: {report.checked} bản ghi.")
            return
        for problem in report.problems:
            self.stderr.write(problem)
        raise CommandError(
            f"Chuỗi nhật ký KHÔNG toàn vẹn: {len(report.problems)} vấn đề trên {report.checked} bản ghi."
        )
