from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tinhso.payments.models import Payment, Refund


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    readonly_fields = ("amount", "reason", "gateway_refund_id", "created_by", "created_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Refunds go through payments.services.payment_refund (limits, gateway call).
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("reference", "amount", "status", "gateway", "payer", "created_at", "paid_at")
    list_filter = ("status", "gateway")
    search_fields = ("reference", "gateway_transaction_id", "payer__username", "payer__full_name")
    readonly_fields = [f.name for f in Payment._meta.fields]
    inlines = (RefundInline,)
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
