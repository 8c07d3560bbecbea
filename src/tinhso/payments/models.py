"""Online payments of fees (phí, lệ phí): payments, refunds and the gateway
callbacks already seen (replay protection)."""

from __future__ import annotations

import secrets
import uuid
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _receipt_token() -> str:
    return secrets.token_urlsafe(16)


class Payment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ thanh toán")
        SUCCEEDED = "succeeded", _("Đã thanh toán")
        FAILED = "failed", _("Không thành công")
        REFUNDED = "refunded", _("Đã hoàn tiền")
        PARTIALLY_REFUNDED = "partially_refunded", _("Đã hoàn một phần")

    PAID_STATUSES: ClassVar = (Status.SUCCEEDED, Status.REFUNDED, Status.PARTIALLY_REFUNDED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(
        _("mã tham chiếu"), max_length=64, db_index=True, help_text=_("Ví dụ mã hồ sơ")
    )
    amount = models.DecimalField(_("số tiền (đồng)"), max_digits=15, decimal_places=0)
    description = models.CharField(_("nội dung"), max_length=255)
    # Who collects the fee, as the receipt's issuer (the dossier's receiving agency),
    # given by the app that opens the payment; empty: the site's name.
    payee_name = models.CharField(_("đơn vị thu"), max_length=255, blank=True)
    payee_parent_name = models.CharField(
        _("cơ quan cấp trên của đơn vị thu"), max_length=255, blank=True
    )
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nộp"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    gateway = models.CharField(_("cổng thanh toán"), max_length=30)
    gateway_transaction_id = models.CharField(
        _("mã giao dịch tại cổng"), max_length=100, blank=True
    )
    redirect_url = models.CharField(_("địa chỉ thanh toán"), max_length=2000, blank=True)
    return_url = models.CharField(_("địa chỉ quay về"), max_length=500, blank=True)
    receipt_token = models.CharField(max_length=32, unique=True, default=_receipt_token)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    paid_at = models.DateTimeField(_("thanh toán lúc"), null=True, blank=True)
    failure_reason = models.CharField(_("lý do không thành công"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("khoản thanh toán")
        verbose_name_plural = _("khoản thanh toán")
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="payments_payment_amount_positive"
            ),
            # One payment in progress per reference: payment_start is idempotent on it.
            models.UniqueConstraint(
                fields=["reference"],
                condition=Q(status="pending"),
                name="payments_payment_one_pending_per_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.amount:,.0f} đ — {self.get_status_display()}"

    @property
    def refunded_amount(self) -> Decimal:
        total = self.refunds.aggregate(total=Sum("amount"))["total"]
        return Decimal(total or 0)

    @property
    def refundable_amount(self) -> Decimal:
        if self.status not in (self.Status.SUCCEEDED, self.Status.PARTIALLY_REFUNDED):
            return Decimal(0)
        return self.amount - self.refunded_amount

    @property
    def is_paid(self) -> bool:
        return self.status in self.PAID_STATUSES


class Refund(models.Model):
    payment = models.ForeignKey(
        Payment,
        verbose_name=_("khoản thanh toán"),
        on_delete=models.PROTECT,
        related_name="refunds",
    )
    amount = models.DecimalField(_("số tiền hoàn (đồng)"), max_digits=15, decimal_places=0)
    reason = models.CharField(_("lý do"), max_length=255)
    gateway_refund_id = models.CharField(_("mã hoàn tiền tại cổng"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now)

    class Meta:
        verbose_name = _("khoản hoàn tiền")
        verbose_name_plural = _("khoản hoàn tiền")
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="payments_refund_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payment.reference} — {self.amount:,.0f} đ"


class CallbackNonce(models.Model):
    """A gateway callback already received: its nonce may not be used again."""

    gateway = models.CharField(max_length=30)
    nonce = models.CharField(max_length=64)
    body_sha256 = models.CharField(max_length=64)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("lượt báo kết quả từ cổng thanh toán")
        verbose_name_plural = _("lượt báo kết quả từ cổng thanh toán")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["gateway", "nonce"], name="payments_nonce_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.gateway}:{self.nonce}"
