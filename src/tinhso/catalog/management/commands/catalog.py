"""``tinhso catalog reindex``: rebuild the catalog's search index."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tinhso.catalog import search


class Command(BaseCommand):
    help = "Dữ liệu mở: catalog reindex (dựng lại chỉ mục tìm kiếm)"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        reindex = sub.add_parser("reindex", help="dựng lại toàn bộ chỉ mục tìm kiếm bộ dữ liệu")
        reindex.add_argument(
            "--batch-size",
            type=int,
            default=2000,
            help="số bộ dữ liệu đọc mỗi lượt (mặc định 2000)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "reindex":
            report = search.rebuild(batch_size=max(1, options["batch_size"]))
            self.stdout.write(
                f"Đã lập chỉ mục {report.count} bộ dữ liệu trong {report.seconds:.2f} giây."
            )
