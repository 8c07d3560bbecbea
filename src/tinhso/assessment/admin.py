"""Django admin for assessment (Vietnamese labels come from the models).

Criteria of a locked set (used by a round) are read-only; answers, evidence and
results are read-only here — they change only through the services, which check
deadlines, roles and publication.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tinhso.assessment.models import (
    Answer,
    CriteriaSet,
    Criterion,
    Evidence,
    Participation,
    Publication,
    Result,
    Round,
)


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = (
        "code",
        "name",
        "parent",
        "max_points",
        "method",
        "target",
        "scale_levels",
        "bands",
        "evidence",
        "pass_min_points",
        "provider",
    )
    show_change_link = True

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj and obj.is_locked) and super().has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj and obj.is_locked) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not (obj and obj.is_locked) and super().has_delete_permission(request, obj)


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "year", "subject_type", "max_points", "is_example", "is_locked")
    list_filter = ("subject_type", "year", "is_example", "is_locked")
    search_fields = ("code", "name")
    readonly_fields = ("is_locked",)
    inlines = (CriterionInline,)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj and obj.is_locked:
            return [f.name for f in CriteriaSet._meta.fields]
        return self.readonly_fields


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "year", "criteria_set", "status", "deadline", "revision")
    list_filter = ("status", "year")
    search_fields = ("code", "name")
    readonly_fields = (
        "criteria_set",
        "status",
        "revision",
        "published_at",
        "opened_at",
        "opened_by",
        "revision_reason",
    )


@admin.register(Participation)
class ParticipationAdmin(ReadOnlyAdmin):
    list_display = ("round", "agency", "status", "submitted_at")
    list_filter = ("status", "round")
    search_fields = ("agency__name", "agency__code")


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = (
        "participation",
        "criterion",
        "value",
        "declared_score",
        "review_status",
        "final_score",
    )
    list_filter = ("review_status", "participation__round")


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "content_type", "size", "uploaded_at")


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ("round", "revision", "published_at", "published_by")


@admin.register(Result)
class ResultAdmin(ReadOnlyAdmin):
    list_display = ("publication", "rank", "agency", "total", "recognised")
    list_filter = ("publication__round", "recognised")
