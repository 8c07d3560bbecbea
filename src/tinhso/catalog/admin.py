"""Django admin for the catalog (Vietnamese labels come from the models' verbose names).

Dataset edits made here go through the same bookkeeping as the services: after the
dataset, its relations and its resources are saved, one Activity revision with a full
snapshot is stored and the search index is updated (:func:`services.dataset_record_change`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tinhso.catalog import search, services
from tinhso.catalog.models import (
    Activity,
    Dataset,
    Group,
    License,
    Organization,
    OrganizationMember,
    Resource,
    Tag,
)


@admin.register(License)
class LicenseAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "is_open", "url", "position")
    list_editable = ("position",)
    search_fields = ("id", "title")


class OrganizationMemberInline(admin.TabularInline):
    model = OrganizationMember
    extra = 0
    autocomplete_fields = ("user",)
    verbose_name = _("thành viên")
    verbose_name_plural = _("thành viên")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("title", "name", "agency", "is_active", "dataset_count")
    list_filter = ("is_active",)
    search_fields = ("title", "name", "agency__name", "agency__code")
    autocomplete_fields = ("agency",)
    inlines = (OrganizationMemberInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organization]:
        return super().get_queryset(request).select_related("agency")

    @admin.display(description=_("số bộ dữ liệu"))
    def dataset_count(self, obj: Organization) -> int:
        return obj.datasets.exclude(state=Dataset.State.DELETED).count()

    def save_model(self, request: HttpRequest, obj: Organization, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and {"name", "title"} & set(form.changed_data):
            for pk in obj.datasets.exclude(state=Dataset.State.DELETED).values_list(
                "pk", flat=True
            ):
                search.index_dataset(pk)


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ("title", "name", "title_en", "position", "theme_uri")
    list_editable = ("position",)
    search_fields = ("title", "name", "title_en")

    def save_model(self, request: HttpRequest, obj: Group, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and {"name", "title", "title_en"} & set(form.changed_data):
            for pk in obj.datasets.exclude(state=Dataset.State.DELETED).values_list(
                "pk", flat=True
            ):
                search.index_dataset(pk)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name", "search_key")


class ResourceInline(admin.StackedInline):
    model = Resource
    extra = 0
    ordering = ("position",)
    fields = (
        ("name", "format", "position"),
        "url",
        "upload",
        "description",
        ("mimetype", "size", "hash"),
    )
    readonly_fields = ("mimetype", "size", "hash")
    show_change_link = False


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ("title", "name", "organization", "state", "private", "metadata_modified")
    list_filter = ("state", "private", "organization", "groups", "license")
    search_fields = ("title", "name", "search_title")
    autocomplete_fields = ("organization", "tags", "spatial")
    filter_horizontal = ("groups",)
    readonly_fields = ("metadata_created", "metadata_modified", "creator_user")
    date_hierarchy = "metadata_modified"
    inlines = (ResourceInline,)
    fieldsets = (
        (None, {"fields": ("name", "title", "notes", "organization", "state", "private")}),
        (_("Phân loại"), {"fields": ("groups", "tags", "license", "version", "url")}),
        (
            _("Phạm vi"),
            {"fields": ("temporal_start", "temporal_end", "spatial", "frequency")},
        ),
        (
            _("Liên hệ"),
            {"fields": ("author", "author_email", "maintainer", "maintainer_email")},
        ),
        (
            _("Khác"),
            {"fields": ("extras", "metadata_created", "metadata_modified", "creator_user")},
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Dataset]:
        return super().get_queryset(request).select_related("organization")

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        user = request.user if request.user.is_authenticated else None
        services.dataset_record_change(
            user=user,  # type: ignore[arg-type]
            dataset=form.instance,
            kind=Activity.Kind.CHANGED if change else Activity.Kind.NEW,
            action="catalog.dataset_admin_change",
        )

    def delete_model(self, request: HttpRequest, obj: Dataset) -> None:
        search.unindex_dataset(obj.pk)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Dataset]) -> None:
        for pk in queryset.values_list("pk", flat=True):
            search.unindex_dataset(pk)
        super().delete_queryset(request, queryset)


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("timestamp", "dataset", "revision", "kind", "user")
    list_filter = ("kind",)
    search_fields = ("dataset__name", "dataset__title")
    date_hierarchy = "timestamp"
    readonly_fields = ("dataset", "organization", "user", "kind", "timestamp", "revision", "data")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


from tinhso.catalog.harvest import admin as harvest_admin  # noqa: E402, F401  (harvest sources, jobs)
