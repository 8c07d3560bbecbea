from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Field, Q, QuerySet, URLField
from django.forms import ModelChoiceField
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
from tinhso.core.selectors import agencies_for_user, is_platform_admin


def _sees_everything(request: HttpRequest) -> bool:
    return is_platform_admin(request.user)


class AgencyScopedMixin:
    """Staff who are not platform administrators see and assign only their own agencies.

    Being made staff must not turn a commune officer into a reader of every other
    commune's records, nor let them grant themselves a role elsewhere.
    """

    agency_fields: tuple[str, ...] = ("agency", "parent")

    def scope(self, request: HttpRequest, qs: QuerySet[Any]) -> QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)  # type: ignore[misc]
        return qs if _sees_everything(request) else self.scope(request, qs)

    def formfield_for_foreignkey(
        self, db_field: Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        if db_field.name in self.agency_fields and not _sees_everything(request):
            kwargs["queryset"] = agencies_for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class MembershipInline(AgencyScopedMixin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("agency",)

    def scope(self, request: HttpRequest, qs: QuerySet[Any]) -> QuerySet[Any]:
        return qs.filter(agency__in=agencies_for_user(request.user))


@admin.register(User)
class UserAdmin(AgencyScopedMixin, BaseUserAdmin):
    list_display = ("username", "full_name", "email", "is_staff", "is_active")
    search_fields = ("username", "full_name", "email", "citizen_id")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("Thông tin thêm"), {"fields": ("full_name", "phone", "citizen_id")}),
    )
    inlines = (MembershipInline,)
    # Only platform administrators hand out staff, superuser and permission rights.
    privilege_fields = ("is_staff", "is_superuser", "groups", "user_permissions")

    def scope(self, request: HttpRequest, qs: QuerySet[Any]) -> QuerySet[Any]:
        visible = agencies_for_user(request.user)
        return qs.filter(Q(memberships__agency__in=visible) | Q(pk=request.user.pk)).distinct()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields if _sees_everything(request) else fields + self.privilege_fields


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "division_type", "level", "parent", "is_current")
    list_filter = ("level", "is_current")
    search_fields = ("code", "name", "search_key")
    autocomplete_fields = ("parent",)


@admin.register(Agency)
class AgencyAdmin(AgencyScopedMixin, admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "admin_unit", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("code", "name", "short_name", "search_key")
    autocomplete_fields = ("parent", "admin_unit")
    inlines = (MembershipInline,)
    formfield_overrides = {URLField: {"assume_scheme": "https"}}

    def scope(self, request: HttpRequest, qs: QuerySet[Any]) -> QuerySet[Any]:
        return qs.filter(pk__in=agencies_for_user(request.user))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and not _sees_everything(request):
            # Moving an agency (or detaching it into a new root) changes who sees it.
            fields += ("code", "parent", "level")
        return fields

    def get_form(
        self, request: HttpRequest, obj: Any | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None and not _sees_everything(request) and "parent" in form.base_fields:
            form.base_fields["parent"].required = True
        return form


@admin.register(Membership)
class MembershipAdmin(AgencyScopedMixin, admin.ModelAdmin):
    list_display = ("user", "agency", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "agency__name", "agency__code")
    autocomplete_fields = ("user", "agency")

    def scope(self, request: HttpRequest, qs: QuerySet[Any]) -> QuerySet[Any]:
        return qs.filter(agency__in=agencies_for_user(request.user))


@admin.register(ApiToken)
class ApiTokenAdmin(AgencyScopedMixin, admin.ModelAdmin):
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

    def scope(self, request: HttpRequest, qs: QuerySet[Any]) -> QuerySet[Any]:
        visible = agencies_for_user(request.user)
        return qs.filter(
            Q(user__memberships__agency__in=visible) | Q(user=request.user.pk)
        ).distinct()

    @admin.action(description=_("Thu hồi các khoá đã chọn"))
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        from tinhso.core.services import token_revoke

        for token in queryset:
            token_revoke(token=token, by=request.user)  # type: ignore[arg-type]


@admin.register(AuditEntry)
class AuditEntryAdmin(AgencyScopedMixin, admin.ModelAdmin):
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

    def scope(self, request: HttpRequest, qs: QuerySet[Any]) -> QuerySet[Any]:
        codes = agencies_for_user(request.user).values_list("code", flat=True)
        return qs.filter(agency_code__in=codes)

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
