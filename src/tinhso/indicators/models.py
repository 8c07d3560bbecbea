"""The province's digital-transformation indicators and their time series."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Indicator(models.Model):
    """One figure the province follows (accounts, on-time rate, stamps…)."""

    class Kind(models.TextChoices):
        COMPUTED = "computed", _("Tính từ dữ liệu nền tảng")
        DECLARED = "declared", _("Nhập theo số liệu công bố")

    class Frequency(models.TextChoices):
        MONTHLY = "MONTHLY", _("Hằng tháng")
        QUARTERLY = "QUARTERLY", _("Hằng quý")
        BIANNUAL = "BIANNUAL", _("Sáu tháng")
        ANNUAL = "ANNUAL", _("Hằng năm")
        IRREG = "IRREG", _("Không định kỳ")

    code = models.SlugField(_("mã chỉ số"), max_length=60, unique=True)
    name_vi = models.CharField(_("tên (tiếng Việt)"), max_length=255)
    name_en = models.CharField(_("tên (tiếng Anh)"), max_length=255)
    unit = models.CharField(_("đơn vị tính"), max_length=50)
    unit_en = models.CharField(_("đơn vị tính (tiếng Anh)"), max_length=50, blank=True)
    kind = models.CharField(_("cách có số liệu"), max_length=10, choices=Kind.choices)
    frequency = models.CharField(
        _("tần suất"), max_length=10, choices=Frequency.choices, default=Frequency.ANNUAL
    )
    source = models.CharField(_("nguồn số liệu"), max_length=500)
    provider = models.CharField(
        _("bộ tính tự động"),
        max_length=60,
        blank=True,
        help_text=_("Mã bộ tính trong indicators/providers.py (chỉ số tính từ nền tảng)."),
    )
    group = models.CharField(_("nhóm"), max_length=30, blank=True)
    decimals = models.PositiveSmallIntegerField(_("số chữ số thập phân"), default=0)
    description = models.TextField(_("mô tả"), blank=True)
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    is_public = models.BooleanField(_("công khai"), default=True)
    dataset_name = models.CharField(
        _("bộ dữ liệu mở"), max_length=100, blank=True, help_text=_("Tên định danh trong danh mục.")
    )

    class Meta:
        verbose_name = _("chỉ số")
        verbose_name_plural = _("chỉ số")
        ordering: ClassVar = ["position", "code"]

    def __str__(self) -> str:
        return self.name_vi


class IndicatorValue(models.Model):
    """One value of an indicator for a period, always with its source."""

    class Origin(models.TextChoices):
        COMPUTED = "computed", _("Tính từ nền tảng")
        DECLARED = "declared", _("Số liệu công bố")

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("chỉ số"), on_delete=models.CASCADE, related_name="series_values"
    )
    period_start = models.DateField(_("từ ngày"), null=True, blank=True)
    period_end = models.DateField(_("đến ngày / tính đến"))
    value = models.DecimalField(_("giá trị"), max_digits=20, decimal_places=4)
    origin = models.CharField(_("nguồn gốc"), max_length=10, choices=Origin.choices)
    source = models.CharField(_("nguồn"), max_length=500)
    source_url = models.URLField(_("đường dẫn nguồn"), max_length=1000, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(_("ghi lúc"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("giá trị chỉ số")
        verbose_name_plural = _("giá trị chỉ số")
        ordering: ClassVar = ["indicator", "period_end"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["indicator", "period_end", "origin"],
                name="indicators_value_unique_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period_end}: {self.value}"
