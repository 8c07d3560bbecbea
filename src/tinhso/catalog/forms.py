"""Publisher forms. They parse and present input; validation that matters (unique name,
licence, upload size and type…) lives in the services, whose field errors are put back on
these forms by :func:`apply_service_errors`. Django links each input to its help text
(``<id>_helptext``) and error (``<id>_error``) with ``aria-describedby`` and sets
``aria-invalid``; the templates give those elements these ids."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tinhso.catalog.models import Dataset, Group, License, Organization, OrganizationMember
from tinhso.core.models import AdministrativeUnit
from tinhso.core.text import clean_text

# Service (CKAN) error keys → form field names.
SERVICE_FIELD_MAP: dict[str, str] = {
    "owner_org": "organization",
    "organization": "organization",
    "license_id": "license",
    "license": "license",
}


def apply_service_errors(form: forms.Form, errors: Mapping[str, Sequence[str]]) -> None:
    """Attach a service's ``{field: [messages]}`` to the matching form fields."""
    for key, messages in errors.items():
        field = SERVICE_FIELD_MAP.get(key, key)
        if field == "extras" or field.startswith("extras"):
            field = "__all__"
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, str(message))


def spatial_queryset() -> QuerySet[AdministrativeUnit]:
    """The province and its current communes/wards."""
    code = settings.PROVINCE_CODE
    return AdministrativeUnit.objects.filter(
        Q(code=code) | Q(parent__code=code, level=AdministrativeUnit.Level.COMMUNE, is_current=True)
    ).order_by("level", "name")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def parse_tags(value: str) -> list[str]:
    """Split comma-separated tags, keep order, drop blanks and duplicates."""
    seen: set[str] = set()
    tags: list[str] = []
    for part in value.replace(";", ",").split(","):
        tag = clean_text(part)
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags


class DatasetForm(forms.Form):
    title = forms.CharField(label=_("Tiêu đề"), max_length=500)
    name = forms.CharField(
        label=_("Tên định danh (đường dẫn)"),
        max_length=100,
        required=False,
        help_text=_("Chữ thường không dấu, số, dấu - và _. Để trống để tạo tự động từ tiêu đề."),
    )
    notes = forms.CharField(
        label=_("Mô tả"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Viết bằng Markdown: **đậm**, *nghiêng*, danh sách, bảng, liên kết."),
    )
    organization = forms.ModelChoiceField(
        label=_("Tổ chức xuất bản"), queryset=Organization.objects.none(), empty_label=None
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Lĩnh vực"),
        queryset=Group.objects.all(),
        to_field_name="name",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tags = forms.CharField(
        label=_("Từ khoá"),
        required=False,
        max_length=2000,
        help_text=_("Ngăn cách bằng dấu phẩy, ví dụ: dân số, xã phường, thống kê"),
    )
    license = forms.ModelChoiceField(
        label=_("Giấy phép"), queryset=License.objects.all(), required=False
    )
    version = forms.CharField(label=_("Phiên bản"), max_length=100, required=False)
    url = forms.URLField(
        label=_("Trang nguồn"), max_length=1000, required=False, assume_scheme="https"
    )
    private = forms.BooleanField(
        label=_("Riêng tư (chỉ thành viên tổ chức xem được)"), required=False
    )
    frequency = forms.ChoiceField(
        label=_("Tần suất cập nhật"),
        choices=[("", _("— Chưa xác định —")), *Dataset.Frequency.choices],
        required=False,
    )
    temporal_start = forms.DateField(label=_("Thời gian từ"), required=False, widget=DateInput())
    temporal_end = forms.DateField(label=_("Thời gian đến"), required=False, widget=DateInput())
    spatial = forms.ModelMultipleChoiceField(
        label=_("Phạm vi không gian"),
        queryset=AdministrativeUnit.objects.none(),
        to_field_name="code",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Chọn toàn tỉnh hoặc một hay nhiều xã, phường (giữ Ctrl để chọn nhiều)."),
    )
    author = forms.CharField(label=_("Tác giả"), max_length=255, required=False)
    author_email = forms.EmailField(label=_("Thư điện tử tác giả"), required=False)
    maintainer = forms.CharField(label=_("Đầu mối liên hệ"), max_length=255, required=False)
    maintainer_email = forms.EmailField(label=_("Thư điện tử đầu mối"), required=False)
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, organizations: QuerySet[Organization] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        org_field = self.fields["organization"]
        assert isinstance(org_field, forms.ModelChoiceField)
        org_field.queryset = (
            organizations if organizations is not None else Organization.objects.none()
        )
        spatial_field = self.fields["spatial"]
        assert isinstance(spatial_field, forms.ModelMultipleChoiceField)
        spatial_field.queryset = spatial_queryset()

    def clean_name(self) -> str:
        return str(self.cleaned_data.get("name") or "").strip().lower()

    def clean_tags(self) -> list[str]:
        return parse_tags(str(self.cleaned_data.get("tags") or ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("temporal_start"), data.get("temporal_end")
        if start and end and start > end:
            self.add_error("temporal_end", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data

    def service_fields(self, extras: dict[str, str]) -> dict[str, Any]:
        """Keyword arguments for ``dataset_create``/``dataset_patch``."""
        d = self.cleaned_data
        return {
            "title": d["title"],
            "notes": d.get("notes") or "",
            "organization": d["organization"],
            "groups": [g.name for g in d.get("groups") or []],
            "tags": d.get("tags") or [],
            "license_id": d["license"].id if d.get("license") else None,
            "version": d.get("version") or "",
            "url": d.get("url") or "",
            "private": bool(d.get("private")),
            "frequency": d.get("frequency") or "",
            "temporal_start": d.get("temporal_start"),
            "temporal_end": d.get("temporal_end"),
            "spatial": [u.code for u in d.get("spatial") or []],
            "author": d.get("author") or "",
            "author_email": d.get("author_email") or "",
            "maintainer": d.get("maintainer") or "",
            "maintainer_email": d.get("maintainer_email") or "",
            "extras": extras,
        }

    @staticmethod
    def initial_for(dataset: Dataset) -> dict[str, Any]:
        return {
            "title": dataset.title,
            "name": dataset.name,
            "notes": dataset.notes,
            "organization": dataset.organization_id,
            "groups": [g.name for g in dataset.groups.all()],
            "tags": ", ".join(t.name for t in dataset.tags.all()),
            "license": dataset.license_id,
            "version": dataset.version,
            "url": dataset.url,
            "private": dataset.private,
            "frequency": dataset.frequency,
            "temporal_start": dataset.temporal_start,
            "temporal_end": dataset.temporal_end,
            "spatial": [u.code for u in dataset.spatial.all()],
            "author": dataset.author,
            "author_email": dataset.author_email,
            "maintainer": dataset.maintainer,
            "maintainer_email": dataset.maintainer_email,
        }


class ExtraForm(forms.Form):
    key = forms.CharField(label=_("Khoá"), max_length=100, required=False)
    value = forms.CharField(label=_("Giá trị"), max_length=2000, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("value") and not data.get("key"):
            self.add_error("key", _("Cần nhập khoá cho giá trị này."))
        return data


class BaseExtraFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        super().clean()
        seen: set[str] = set()
        for form in self.forms:
            key = clean_text(str(form.cleaned_data.get("key") or "")) if form.cleaned_data else ""
            if not key:
                continue
            if key in seen:
                raise forms.ValidationError(_("Khoá “%(key)s” bị lặp lại.") % {"key": key})
            seen.add(key)

    def as_dict(self) -> dict[str, str]:
        extras: dict[str, str] = {}
        for form in self.forms:
            data = form.cleaned_data or {}
            key = clean_text(str(data.get("key") or ""))
            if key:
                extras[key] = str(data.get("value") or "")
        return extras


ExtraFormSet = forms.formset_factory(ExtraForm, formset=BaseExtraFormSet, extra=2, max_num=50)


def extras_initial(extras: Mapping[str, Any]) -> list[dict[str, str]]:
    return [
        {"key": str(k), "value": v if isinstance(v, str) else str(v)} for k, v in extras.items()
    ]


class ResourceForm(forms.Form):
    name = forms.CharField(
        label=_("Tên tài nguyên"),
        max_length=500,
        required=False,
        help_text=_("Để trống để dùng tên tệp."),
    )
    description = forms.CharField(
        label=_("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    upload = forms.FileField(
        label=_("Tải tệp lên"),
        required=False,
        help_text=_("CSV, XLSX, JSON, PDF… Kiểu tệp được nhận biết từ nội dung."),
    )
    url = forms.URLField(
        label=_("Hoặc đường dẫn"),
        max_length=2000,
        required=False,
        assume_scheme="https",
        help_text=_(
            "Liên kết tới tệp hoặc dịch vụ ở nơi khác (chọn một trong hai: tệp hoặc đường dẫn)."
        ),
    )
    format = forms.CharField(
        label=_("Định dạng"),
        max_length=50,
        required=False,
        help_text=_("Ví dụ CSV, XLSX. Để trống để nhận biết tự động."),
    )

    def service_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        fields: dict[str, Any] = {
            "name": d.get("name") or "",
            "description": d.get("description") or "",
            "format": (d.get("format") or "").strip(),
        }
        if d.get("upload"):
            fields["upload"] = d["upload"]
        elif d.get("url"):
            fields["url"] = d["url"]
        return fields

    @staticmethod
    def initial_for(resource: Any) -> dict[str, Any]:
        return {
            "name": resource.name,
            "description": resource.description,
            "url": "" if resource.upload else resource.url,
            "format": resource.format,
        }


class MemberAddForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    capacity = forms.ChoiceField(
        label=_("Vai trò"), choices=OrganizationMember.Capacity.choices, initial="editor"
    )


class MemberChangeForm(forms.Form):
    capacity = forms.ChoiceField(label=_("Vai trò"), choices=OrganizationMember.Capacity.choices)
