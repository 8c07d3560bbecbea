"""``tinhso harvest ckan|dcat <url>`` and ``tinhso harvest run-due`` (see docs/harvesting.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tinhso.catalog.harvest import services
from tinhso.catalog.harvest.runner import harvest_job_run
from tinhso.catalog.models import HarvestJob, HarvestSource, Organization
from tinhso.core.services import DomainError


class Command(BaseCommand):
    help = (
        "Thu thập dữ liệu từ cổng CKAN hoặc danh mục DCAT khác: "
        "harvest ckan <url> | harvest dcat <url> | harvest run-due"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{ckan,dcat,run-due}")
        for kind, text in (("ckan", "cổng CKAN (API Action v3)"), ("dcat", "danh mục DCAT (RDF)")):
            p = sub.add_parser(kind, help=f"thu thập từ {text}")
            p.add_argument("url", help="địa chỉ cổng (CKAN) hoặc tệp danh mục (DCAT)")
            p.add_argument(
                "--organization",
                help="tên định danh tổ chức nhận dữ liệu (bắt buộc khi đăng ký nguồn mới)",
            )
            p.add_argument("--title", default="", help="tên nguồn")
            p.add_argument(
                "--allow-private",
                action="store_true",
                default=None,
                help="cho phép địa chỉ nội bộ/loopback (chỉ cho nguồn tin cậy)",
            )
            p.add_argument(
                "--frequency",
                choices=HarvestSource.Frequency.values,
                default=None,
                help="lịch thu thập tự động (manual, daily, weekly)",
            )
            p.add_argument("--fq", default=None, help="(CKAN) bộ lọc fq của package_search")
            p.add_argument(
                "--background",
                action="store_true",
                help="đưa vào hàng đợi việc nền thay vì chạy ngay",
            )
        due = sub.add_parser("run-due", help="đưa các nguồn đến hạn vào hàng đợi (dùng cho cron)")
        due.add_argument(
            "--now", action="store_true", help="chạy ngay trong tiến trình này thay vì xếp hàng"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = int(options.get("verbosity", 1))
        try:
            if options["action"] == "run-due":
                self.run_due(now=options["now"])
            else:
                self.harvest(options["action"], options)
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def harvest(self, kind: str, options: dict[str, Any]) -> None:
        organization = None
        if options["organization"]:
            organization = Organization.objects.filter(name=options["organization"]).first()
            if organization is None:
                raise CommandError(f"Không có tổ chức '{options['organization']}'.")
        config = None
        if options.get("fq") is not None:
            config = {"fq": options["fq"]}
        source = services.harvest_source_register(
            url=options["url"],
            kind=kind,
            organization=organization,
            title=options["title"],
            allow_private_addresses=options["allow_private"],
            frequency=options["frequency"],
            config=config,
        )
        if options["background"]:
            job = services.harvest_job_enqueue(source=source)
            self.stdout.write(f"Đã xếp hàng lượt thu thập {job.pk} cho nguồn {source.title}.")
            return
        job = services.harvest_job_create(source=source)
        self.run_job(job)

    def run_job(self, job: HarvestJob) -> None:
        verbosity = self.verbosity

        def progress(current: HarvestJob, line: str) -> None:
            if verbosity >= 1:
                self.stdout.write(line)

        job = harvest_job_run(job, progress=progress)
        if job.status == HarvestJob.Status.FAILED:
            raise CommandError(f"Lượt thu thập {job.pk} dừng vì lỗi (xem nhật ký ở trên).")

    def run_due(self, *, now: bool) -> None:
        if not now:
            jobs = services.harvest_enqueue_due()
            for job in jobs:
                self.stdout.write(f"Đã xếp hàng {job.source.title} ({job.pk}).")
            self.stdout.write(f"{len(jobs)} nguồn đến hạn.")
            return
        from tinhso.catalog.harvest.selectors import harvest_sources_due

        sources = harvest_sources_due()
        for source in sources:
            try:
                job = services.harvest_job_create(source=source)
            except services.HarvestAlreadyRunning:
                continue
            try:
                self.run_job(job)
            except CommandError as exc:
                self.stderr.write(str(exc))
        self.stdout.write(f"{len(sources)} nguồn đến hạn.")
