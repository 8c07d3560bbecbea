"""DataStore: the queryable table behind a tabular catalog resource.

The rows themselves live in a physical table per load generation (``ds_<hex>_<n>``);
:class:`DatastoreTable` points at the generation that is currently serving. A reload
builds a fresh table and then moves the pointer in one transaction, so a failed load
leaves the previous table answering.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.catalog.models import Resource


class DatastoreTable(models.Model):
    class Status(models.TextChoices):
        NONE = "none", _("Chưa nạp")
        QUEUED = "queued", _("Đang chờ nạp")
        RUNNING = "running", _("Đang nạp")
        ACTIVE = "active", _("Sẵn sàng")
        FAILED = "failed", _("Nạp lỗi")

    class Phase(models.TextChoices):
        WAITING = "waiting", _("Đang chờ")
        FETCHING = "fetching", _("Đang lấy tệp")
        ANALYSING = "analysing", _("Đang phân tích kiểu dữ liệu")
        LOADING = "loading", _("Đang nạp dữ liệu")
        INDEXING = "indexing", _("Đang tạo chỉ mục")
        DONE = "done", _("Hoàn tất")
        FAILED = "failed", _("Thất bại")

    class Origin(models.TextChoices):
        FILE = "file", _("Nạp từ tệp")
        API = "api", _("Tạo qua API")

    resource = models.OneToOneField(
        Resource,
        verbose_name=_("tài nguyên"),
        on_delete=models.CASCADE,
        related_name="datastore",
        primary_key=True,
    )
    # Physical table currently serving, "" when none. Always matches ``ds_<32 hex>_<n>``.
    table_name = models.CharField(_("bảng"), max_length=63, blank=True)
    generation = models.PositiveIntegerField(_("thế hệ"), default=0)
    origin = models.CharField(_("nguồn"), max_length=8, choices=Origin.choices, default=Origin.FILE)
    # [{"id": "ten_xa", "type": "text", "label": "Tên xã", "index": true}, …] without "_id".
    fields = models.JSONField(_("cột"), default=list, blank=True)
    primary_key = models.JSONField(_("khoá chính"), default=list, blank=True)
    row_count = models.BigIntegerField(_("số dòng"), default=0)
    # Publisher choices used by the next load: {"types": {"col": "text"}, "sheet": "…",
    # "header_row": 3, "encoding": "cp1258", "delimiter": ";"}.
    options = models.JSONField(_("tuỳ chọn nạp"), default=dict, blank=True)
    # What the last successful load detected (encoding, delimiter, sheet, header rows…).
    detected = models.JSONField(_("thông tin phát hiện"), default=dict, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.NONE
    )
    phase = models.CharField(
        _("giai đoạn"), max_length=10, choices=Phase.choices, default=Phase.WAITING
    )
    rows_read = models.BigIntegerField(_("số dòng đã đọc"), default=0)
    rows_loaded = models.BigIntegerField(_("số dòng đã nạp"), default=0)
    error = models.TextField(_("lỗi gần nhất"), blank=True)
    error_line = models.BigIntegerField(_("dòng lỗi"), null=True, blank=True)
    queued_at = models.DateTimeField(_("xếp hàng lúc"), null=True, blank=True)
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    loaded_at = models.DateTimeField(_("nạp thành công lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("bảng dữ liệu")
        verbose_name_plural = _("bảng dữ liệu")

    def __str__(self) -> str:
        return f"{self.resource_id} → {self.table_name or '-'}"

    @property
    def is_queryable(self) -> bool:
        return bool(self.table_name)

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    def field_map(self) -> dict[str, dict[str, Any]]:
        return {f["id"]: f for f in self.fields}


class LoadLog(models.Model):
    """One load attempt of a resource, with its messages."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Đang chạy")
        SUCCESS = "success", _("Thành công")
        FAILED = "failed", _("Thất bại")

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="datastore_loads")
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    started_at = models.DateTimeField(_("bắt đầu"), default=timezone.now)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    rows = models.BigIntegerField(_("số dòng"), default=0)
    message = models.TextField(_("kết quả"), blank=True)
    error_line = models.BigIntegerField(_("dòng lỗi"), null=True, blank=True)
    # [{"at": "...", "level": "info|warning|error", "message": "..."}]
    entries = models.JSONField(_("nhật ký"), default=list, blank=True)

    class Meta:
        verbose_name = _("lượt nạp dữ liệu")
        verbose_name_plural = _("lượt nạp dữ liệu")
        ordering: ClassVar = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.resource_id} {self.started_at:%Y-%m-%d %H:%M} {self.status}"
