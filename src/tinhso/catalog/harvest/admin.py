"""Admin for harvest sources (with a "harvest now" action) and their jobs (read-only)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhso.catalog.harvest import services
from tinhso.catalog.models import HarvestJob, HarvestSource


class HarvestJobInline(admin.TabularInline):
    model = HarvestJob
    extra = 0
    can_delete = False
    max_num = 0
    show_change_link = True
    fields = (
        "created",
        "status",
        "total",
        "created_count",
        "updated_count",
        "skipped_count",
        "error_count",
    )
    readonly_fields = fields
    ordering = ("-created",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[HarvestJob]:
        return super().get_queryset(request).defer("log")


@admin.register(HarvestSource)
class HarvestSourceAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "url", "organization", "frequency", "is_active", "last_run_at")
    list_filter = ("kind", "frequency", "is_active")
    search_fields = ("title", "url")
    autocomplete_fields = ()
    readonly_fields = ("created", "last_run_at")
    inlines = (HarvestJobInline,)
    actions = ("harvest_now",)

    @admin.action(description=gettext_lazy("Thu thập ngay (chạy nền)"))
    def harvest_now(self, request: HttpRequest, queryset: QuerySet[HarvestSource]) -> None:
        for source in queryset:
            try:
                job = services.harvest_job_enqueue(source=source)
            except services.HarvestAlreadyRunning as exc:
                self.message_user(request, exc.message, messages.WARNING)
                continue
            self.message_user(
                request,
                _("Đã xếp hàng lượt thu thập {job} cho {title}.").format(
                    job=job.pk, title=source.title
                ),
                messages.SUCCESS,
            )


@admin.register(HarvestJob)
class HarvestJobAdmin(admin.ModelAdmin):
    list_display = (
        "source",
        "created",
        "status",
        "total",
        "created_count",
        "updated_count",
        "skipped_count",
        "error_count",
    )
    list_filter = ("status", "source")
    readonly_fields = (
        "source",
        "status",
        "created",
        "started_at",
        "finished_at",
        "total",
        "created_count",
        "updated_count",
        "skipped_count",
        "error_count",
        "log",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
