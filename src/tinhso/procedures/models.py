"""Administrative procedure catalog (thủ tục hành chính).

Drafted by the lead as the shared contract for the procedures, dossiers, payments and
statistics work: keep these field names stable; add fields freely.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.core.models import Agency, Role
from tinhso.core.text import clean_text, fold

_NON_WORD = re.compile(r"[^0-9a-z.]+")


def search_words(text: str) -> str:
    """Folded text as space-separated words ("Hộ tịch (cấp xã)" → "ho tich cap xa")."""
    return " ".join(w.strip(".") for w in _NON_WORD.sub(" ", fold(text)).split() if w.strip("."))


def procedure_search_key(*, code: str, name: str, field_name: str) -> str:
    """The folded text a procedure is searched by: name first, then code and field.

    Words are framed by spaces (" dang ky khai sinh 1.001193 ho tich ") so a query word
    matches the start of any word with one ``contains(" " + word)``, on every engine.
    """
    return f" {search_words(name)} {code.strip().lower()} {search_words(field_name)} "


class Field(models.Model):
    """A field (lĩnh vực) of procedures, e.g. "Hộ tịch", "Đất đai"."""

    code = models.CharField(_("mã"), max_length=50, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=255)
    search_key = models.CharField(max_length=255, editable=False, default="", db_index=True)

    class Meta:
        verbose_name = _("lĩnh vực thủ tục")
        verbose_name_plural = _("lĩnh vực thủ tục")
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name = clean_text(self.name)
        old_key = self.search_key
        self.search_key = fold(self.name)
        super().save(*args, **kwargs)
        if old_key and old_key != self.search_key:
            # Procedures are searched by their field's name too: keep their keys in step.
            for procedure in self.procedures.all():
                Procedure.objects.filter(pk=procedure.pk).update(
                    search_key=procedure_search_key(
                        code=procedure.code, name=procedure.name, field_name=self.name
                    )
                )


class Procedure(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("Cấp tỉnh")
        COMMUNE = "commune", _("Cấp xã")
        OTHER = "other", _("Cơ quan khác")

    class OnlineLevel(models.TextChoices):
        INFORMATION = "information", _("Chỉ cung cấp thông tin")
        PARTIAL = "partial", _("Trực tuyến một phần")
        FULL = "full", _("Trực tuyến toàn trình")

    class FeeTiming(models.TextChoices):
        NONE = "none", _("Không thu phí")
        BEFORE_RECEIPT = "before_receipt", _("Nộp trước khi tiếp nhận")
        BEFORE_RESULT = "before_result", _("Nộp trước khi trả kết quả")

    code = models.CharField(_("mã thủ tục"), max_length=50, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=1000)
    field = models.ForeignKey(
        Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="procedures"
    )
    level = models.CharField(
        _("cấp thực hiện"), max_length=10, choices=Level.choices, db_index=True
    )
    agencies = models.ManyToManyField(
        Agency,
        verbose_name=_("cơ quan thực hiện"),
        blank=True,
        related_name="procedures",
        help_text=_("Để trống với thủ tục cấp xã: mọi UBND xã/phường đều thực hiện."),
    )
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    steps = models.TextField(_("trình tự thực hiện"), blank=True)
    conditions = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    applicants = models.TextField(_("đối tượng thực hiện"), blank=True)
    submission_methods = models.TextField(
        _("cách thức thực hiện"),
        blank=True,
        help_text=_("Nộp trực tiếp, qua bưu chính, trực tuyến…"),
    )
    processing_days = models.PositiveIntegerField(
        _("thời hạn giải quyết (ngày làm việc)"), default=0
    )
    online_level = models.CharField(
        _("mức độ trực tuyến"), max_length=12, choices=OnlineLevel.choices, db_index=True
    )
    result_type = models.CharField(_("kết quả"), max_length=500, blank=True)
    fee_amount = models.DecimalField(
        _("phí, lệ phí (đồng)"), max_digits=14, decimal_places=0, default=Decimal(0)
    )
    fee_description = models.TextField(_("mô tả phí, lệ phí"), blank=True)
    fee_timing = models.CharField(
        _("thời điểm nộp phí"), max_length=16, choices=FeeTiming.choices, default=FeeTiming.NONE
    )
    national_portal_integrated = models.BooleanField(_("tích hợp Cổng DVC quốc gia"), default=False)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now)
    updated_at = models.DateTimeField(_("ngày cập nhật"), default=timezone.now)
    search_key = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering: ClassVar = ["code"]
        indexes: ClassVar = [
            models.Index(fields=["is_active", "online_level"], name="procedures_active_online"),
            models.Index(fields=["is_active", "level"], name="procedures_active_level"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name = clean_text(self.name)
        self.code = self.code.strip()
        self.search_key = procedure_search_key(
            code=self.code, name=self.name, field_name=self.field.name if self.field_id else ""
        )
        super().save(*args, **kwargs)

    @property
    def is_online(self) -> bool:
        return self.online_level in (self.OnlineLevel.PARTIAL, self.OnlineLevel.FULL)

    @property
    def has_fee(self) -> bool:
        return self.fee_amount > 0 or self.fee_timing != self.FeeTiming.NONE


class RequiredDocument(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    name = models.CharField(_("tên giấy tờ"), max_length=1000)
    copies = models.CharField(
        _("số lượng"), max_length=100, blank=True, help_text=_("Ví dụ: 01 bản chính")
    )
    is_required = models.BooleanField(_("bắt buộc"), default=True)
    template = models.FileField(
        _("mẫu đơn, tờ khai"), upload_to="procedures/templates/", blank=True
    )

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering: ClassVar = ["procedure", "position"]

    def __str__(self) -> str:
        return self.name


class WorkflowStep(models.Model):
    """One step of the processing workflow: who acts (role, at which agency) and for how long."""

    class AgencyScope(models.TextChoices):
        RECEIVING = "receiving", _("Cơ quan tiếp nhận")
        PARENT = "parent", _("Cơ quan cấp trên của cơ quan tiếp nhận")
        SPECIFIC = "specific", _("Cơ quan cụ thể")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="workflow")
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    name = models.CharField(_("tên bước"), max_length=255)
    role = models.CharField(_("vai trò xử lý"), max_length=20, choices=Role.choices)
    agency_scope = models.CharField(
        _("cơ quan xử lý"),
        max_length=10,
        choices=AgencyScope.choices,
        default=AgencyScope.RECEIVING,
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    working_days = models.DecimalField(
        _("thời gian (ngày làm việc)"), max_digits=5, decimal_places=1, default=Decimal(0)
    )

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering: ClassVar = ["procedure", "position"]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


class ProcedureVersion(models.Model):
    """A frozen snapshot of a procedure, one per published version (for the readable diff)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("phiên bản"))
    snapshot = models.JSONField(_("nội dung"))
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering: ClassVar = ["procedure", "-version"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["procedure", "version"], name="procedures_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.version}"
