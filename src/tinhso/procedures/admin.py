"""Django admin for the procedure catalog (Vietnamese labels come from the models).

Required documents and workflow steps are edited inline. Every save that changes the
procedure records a new version (snapshot) through
:func:`tinhso.procedures.services.procedure_record_version`; versions are read-only.
Procedures can be imported from a JSON/XLSX file and exported (selected ones) from here.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhso.procedures import services
from tinhso.procedures.models import (
    Field,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
    WorkflowStep,
)
from tinhso.procedures.transfer import MAX_IMPORT_BYTES, export_json, export_xlsx


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    extra = 0
    fields = ("position", "name", "copies", "is_required", "template")


class WorkflowStepInline(admin.TabularInline):
    model = WorkflowStep
    extra = 0
    fields = ("position", "name", "role", "agency_scope", "agency", "working_days")
    autocomplete_fields = ("agency",)


class ProcedureVersionInline(admin.TabularInline):
    model = ProcedureVersion
    extra = 0
    fields = ("version", "created_at", "created_by", "note")
    readonly_fields = fields
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp JSON hoặc XLSX"),
        help_text=gettext_lazy("Định dạng mô tả trong tài liệu docs/procedures.md."),
    )
    note = forms.CharField(label=gettext_lazy("Ghi chú phiên bản"), required=False, max_length=500)


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "field",
        "level",
        "online_level",
        "processing_days",
        "fee_amount",
        "version",
        "is_active",
    )
    list_filter = ("online_level", "level", "is_active", "national_portal_integrated", "field")
    search_fields = ("code", "name", "search_key")
    filter_horizontal = ("agencies",)
    readonly_fields = ("version", "created_at", "updated_at")
    inlines = (RequiredDocumentInline, WorkflowStepInline, ProcedureVersionInline)
    actions = ("export_selected_json", "export_selected_xlsx")
    list_select_related = ("field",)
    fieldsets = (
        (None, {"fields": ("code", "name", "field", "level", "agencies", "is_active")}),
        (
            gettext_lazy("Thực hiện"),
            {
                "fields": (
                    "online_level",
                    "processing_days",
                    "result_type",
                    "applicants",
                    "submission_methods",
                    "steps",
                    "conditions",
                    "legal_basis",
                    "national_portal_integrated",
                )
            },
        ),
        (gettext_lazy("Phí, lệ phí"), {"fields": ("fee_amount", "fee_timing", "fee_description")}),
        (gettext_lazy("Phiên bản"), {"fields": ("version", "created_at", "updated_at")}),
    )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Procedure], search_term: str
    ) -> tuple[QuerySet[Procedure], bool]:
        from tinhso.procedures.selectors import query_words

        if not search_term:
            return queryset, False
        for word in query_words(search_term):
            queryset = queryset.filter(search_key__contains=f" {word}")
        return queryset, False

    def save_model(self, request: HttpRequest, obj: Procedure, form: Any, change: bool) -> None:
        from django.utils import timezone

        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.procedure_record_version(
            procedure=form.instance,
            user=request.user,
            note=_("Sửa trong trang quản trị") if change else _("Tạo trong trang quản trị"),
        )

    @admin.action(description=gettext_lazy("Xuất các thủ tục đã chọn (JSON)"))
    def export_selected_json(
        self, request: HttpRequest, queryset: QuerySet[Procedure]
    ) -> HttpResponse:
        response = HttpResponse(export_json(queryset), content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="thu-tuc.json"'
        return response

    @admin.action(description=gettext_lazy("Xuất các thủ tục đã chọn (XLSX)"))
    def export_selected_xlsx(
        self, request: HttpRequest, queryset: QuerySet[Procedure]
    ) -> HttpResponse:
        response = HttpResponse(
            export_xlsx(queryset),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="thu-tuc.xlsx"'
        return response

    def get_urls(self) -> list[Any]:
        return [
            path(
                "nhap/",
                self.admin_site.admin_view(self.import_view),
                name="procedures_procedure_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        errors: list[str] = []
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_IMPORT_BYTES:
                errors = [_("Tệp lớn quá %(n)s MB.") % {"n": MAX_IMPORT_BYTES // (1024 * 1024)}]
            else:
                try:
                    report = services.procedures_import(
                        content=upload.read(),
                        filename=upload.name,
                        user=request.user,
                        note=form.cleaned_data["note"],
                    )
                except services.ProcedureImportError as exc:
                    errors = [str(e) for e in exc.errors]
                else:
                    messages.success(
                        request,
                        _("Đã nhập: %(c)s thủ tục mới, %(u)s thủ tục thay đổi, %(n)s không đổi.")
                        % {
                            "c": len(report.created),
                            "u": len(report.updated),
                            "n": len(report.unchanged),
                        },
                    )
                    return HttpResponseRedirect(reverse("admin:procedures_procedure_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Nhập thủ tục từ tệp"),
            "form": form,
            "errors": errors,
            "opts": self.model._meta,
        }
        return render(request, "admin/procedures/import.html", context)


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    list_display = ("procedure", "version", "created_at", "created_by", "note")
    list_select_related = ("procedure", "created_by")
    search_fields = ("procedure__code",)
    readonly_fields = ("procedure", "version", "snapshot", "created_at", "created_by", "note")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
