from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tinhso.core.models import (
    AdministrativeUnit,
    Agency,
    ApiToken,
    AuditEntry,
    CalendarOverride,
    Membership,
    OfficeHours,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("agency",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "email", "is_staff", "is_active")
    search_fields = ("username", "full_name", "email", "citizen_id")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Thông tin thêm"), {"fields": ("full_name", "phone", "citizen_id")}),
    )
    inlines = (MembershipInline,)


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "division_type", "level", "parent", "is_current")
    list_filter = ("level", "is_current")
    search_fields = ("code", "name", "search_key")
    autocomplete_fields = ("parent",)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "admin_unit", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("code", "name", "short_name", "search_key")
    autocomplete_fields = ("parent", "admin_unit")
    inlines = (MembershipInline,)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "agency", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "agency__name", "agency__code")
    autocomplete_fields = ("user", "agency")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "user",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    readonly_fields = ("prefix", "created_at", "last_used_at")
    search_fields = ("name", "user__username", "prefix")
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # keys are created with `tinhso token create` or on the account page

    @admin.action(description=_("Thu hồi các khoá đã chọn"))
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        from tinhso.core.services import token_revoke

        for token in queryset:
            token_revoke(token=token, by=request.user)  # type: ignore[arg-type]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "at",
        "actor_repr",
        "ip",
        "action",
        "object_type",
        "object_repr",
        "agency_code",
    )
    list_filter = ("action", "object_type")
    search_fields = ("actor_repr", "object_id", "object_repr", "agency_code")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "reason")
    list_filter = ("kind",)
    date_hierarchy = "date"


@admin.register(OfficeHours)
class OfficeHoursAdmin(admin.ModelAdmin):
    list_display = ("__str__", "morning_start", "afternoon_end", "cutoff")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not OfficeHours.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
