from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tinhso.identity.models import IdentityVerification, PersonalDataAccess, SyntheticResident


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    """Decree 13/2023: administrators see every access to citizens' personal data."""

    list_display = ("at", "actor_repr", "citizen_id", "purpose", "reference", "adapter", "found")
    list_filter = ("purpose", "adapter", "found")
    search_fields = ("citizen_id", "actor_repr", "reference")
    date_hierarchy = "at"


@admin.register(IdentityVerification)
class IdentityVerificationAdmin(ReadOnlyAdmin):
    list_display = ("user", "citizen_id", "method", "adapter", "verified_at")
    list_filter = ("method", "adapter")
    search_fields = ("citizen_id", "user__username")


@admin.register(SyntheticResident)
class SyntheticResidentAdmin(ReadOnlyAdmin):
    list_display = ("citizen_id", "full_name", "date_of_birth", "gender", "commune_code")
    list_filter = ("gender",)
    search_fields = ("citizen_id", "full_name")
