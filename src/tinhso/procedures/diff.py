"""A readable difference between two procedure snapshots (any two versions).

Plain fields are compared value by value and shown with their Vietnamese label (choice
values with their label too); the implementing agencies are compared as a set; required
documents are matched by name and workflow steps by position, and each is reported as
added, removed or changed (with the sub-fields that changed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from tinhso.core.models import Agency, Role
from tinhso.procedures.models import Procedure, WorkflowStep

FIELD_LABELS: dict[str, Any] = {
    "code": _("Mã thủ tục"),
    "name": _("Tên thủ tục"),
    "field_code": _("Mã lĩnh vực"),
    "field_name": _("Lĩnh vực"),
    "level": _("Cấp thực hiện"),
    "agencies": _("Cơ quan thực hiện"),
    "online_level": _("Mức độ trực tuyến"),
    "processing_days": _("Thời hạn giải quyết (ngày làm việc)"),
    "fee_amount": _("Phí, lệ phí (đồng)"),
    "fee_timing": _("Thời điểm nộp phí"),
    "fee_description": _("Mô tả phí, lệ phí"),
    "result_type": _("Kết quả"),
    "applicants": _("Đối tượng thực hiện"),
    "submission_methods": _("Cách thức thực hiện"),
    "conditions": _("Yêu cầu, điều kiện"),
    "steps": _("Trình tự thực hiện"),
    "legal_basis": _("Căn cứ pháp lý"),
    "national_portal_integrated": _("Tích hợp Cổng DVC quốc gia"),
    "is_active": _("Đang áp dụng"),
    "documents": _("Thành phần hồ sơ"),
    "workflow": _("Quy trình xử lý"),
}
DOCUMENT_LABELS: dict[str, Any] = {
    "name": _("Tên giấy tờ"),
    "copies": _("Số lượng"),
    "is_required": _("Bắt buộc"),
    "template": _("Mẫu đơn, tờ khai"),
}
STEP_LABELS: dict[str, Any] = {
    "name": _("Tên bước"),
    "role": _("Vai trò xử lý"),
    "agency_scope": _("Cơ quan xử lý"),
    "agency": _("Cơ quan cụ thể"),
    "working_days": _("Thời gian (ngày làm việc)"),
}
CHOICES: dict[str, Any] = {
    "level": Procedure.Level,
    "online_level": Procedure.OnlineLevel,
    "fee_timing": Procedure.FeeTiming,
    "role": Role,
    "agency_scope": WorkflowStep.AgencyScope,
}


@dataclass
class Change:
    """One difference. ``kind`` is ``changed``, ``added`` or ``removed``."""

    key: str
    label: str
    kind: str
    old: str = ""
    new: str = ""
    details: list[Change] = field(default_factory=list)


def _show(key: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("Có") if value else _("Không"))
    choices = CHOICES.get(key)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    if key == "fee_amount":
        return f"{int(value):,}".replace(",", ".")
    return str(value)


def _item_changes(old: dict[str, Any], new: dict[str, Any], labels: dict[str, Any]) -> list[Change]:
    return [
        Change(k, str(label), "changed", _show(k, old.get(k)), _show(k, new.get(k)))
        for k, label in labels.items()
        if old.get(k) != new.get(k)
    ]


def snapshot_diff(
    old: dict[str, Any], new: dict[str, Any], *, agency_names: dict[str, str] | None = None
) -> list[Change]:
    """Differences from ``old`` to ``new`` (both procedure snapshots), in field order."""
    names = agency_names or {}
    changes: list[Change] = []
    for key, label in FIELD_LABELS.items():
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if key == "agencies":
            b, a = set(before or []), set(after or [])
            details = [
                Change("agency", names.get(c, c), "added", new=names.get(c, c))
                for c in sorted(a - b)
            ] + [
                Change("agency", names.get(c, c), "removed", old=names.get(c, c))
                for c in sorted(b - a)
            ]
            changes.append(Change(key, str(label), "changed", details=details))
        elif key == "documents":
            changes.append(
                Change(key, str(label), "changed", details=_documents_diff(before, after))
            )
        elif key == "workflow":
            changes.append(Change(key, str(label), "changed", details=_steps_diff(before, after)))
        else:
            changes.append(
                Change(key, str(label), "changed", _show(key, before), _show(key, after))
            )
    return changes


def _documents_diff(before: Any, after: Any) -> list[Change]:
    old_docs = {str(d.get("name", "")).casefold(): (i, d) for i, d in enumerate(before or [], 1)}
    new_docs = {str(d.get("name", "")).casefold(): (i, d) for i, d in enumerate(after or [], 1)}
    out: list[Change] = []
    for key, (_i, doc) in new_docs.items():
        if key not in old_docs:
            out.append(Change("document", doc["name"], "added", new=doc.get("copies", "")))
        else:
            details = _item_changes(old_docs[key][1], doc, DOCUMENT_LABELS)
            if details:
                out.append(Change("document", doc["name"], "changed", details=details))
    for key, (_i, doc) in old_docs.items():
        if key not in new_docs:
            out.append(Change("document", doc["name"], "removed", old=doc.get("copies", "")))
    old_order = [str(d.get("name", "")) for d in before or []]
    new_order = [str(d.get("name", "")) for d in after or []]
    if not out and old_order != new_order:
        out.append(
            Change("order", str(_("Thứ tự")), "changed", "; ".join(old_order), "; ".join(new_order))
        )
    return out


def _steps_diff(before: Any, after: Any) -> list[Change]:
    old_steps, new_steps = list(before or []), list(after or [])
    out: list[Change] = []
    for i in range(max(len(old_steps), len(new_steps))):
        label = str(_("Bước %(n)s") % {"n": i + 1})
        if i >= len(old_steps):
            out.append(Change("step", label, "added", new=new_steps[i].get("name", "")))
        elif i >= len(new_steps):
            out.append(Change("step", label, "removed", old=old_steps[i].get("name", "")))
        else:
            details = _item_changes(old_steps[i], new_steps[i], STEP_LABELS)
            if details:
                out.append(Change("step", label, "changed", details=details))
    return out


def agency_names_for(*snapshots: dict[str, Any]) -> dict[str, str]:
    codes = {c for s in snapshots for c in s.get("agencies", [])}
    return dict(Agency.objects.filter(code__in=codes).values_list("code", "name"))
