"""A procedure as plain data: the one shape used for snapshots, export, import and diffs.

:func:`procedure_snapshot` turns a stored procedure into a ``dict`` (the JSON format's
procedure object, see docs/procedures.md); :func:`spec_from_dict` parses such a dict
(from JSON, XLSX rows or the national catalog mapping) into a :class:`ProcedureSpec`,
collecting every problem as a :class:`SpecError` with a Vietnamese message instead of
stopping at the first; :func:`spec_validate` checks what needs the database (known
agencies, fields, template files).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from tinhso.core.models import Agency, Role
from tinhso.core.text import clean_text, nfc
from tinhso.procedures.models import Field, Procedure, RequiredDocument, WorkflowStep

CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,49}$")
FIELD_CODE_RE = re.compile(r"^[0-9a-z][0-9a-z._-]{0,49}$")
MAX_PROCESSING_DAYS = 365
MAX_FEE = Decimal("99999999999999")
MAX_DOCUMENTS = 50
MAX_STEPS = 30

# Keys of the procedure object, in export order (also the XLSX column order).
SCALAR_KEYS = (
    "code",
    "name",
    "field_code",
    "field_name",
    "level",
    "agencies",
    "online_level",
    "processing_days",
    "fee_amount",
    "fee_timing",
    "fee_description",
    "result_type",
    "applicants",
    "submission_methods",
    "conditions",
    "steps",
    "legal_basis",
    "national_portal_integrated",
    "is_active",
)
DOCUMENT_KEYS = ("name", "copies", "is_required", "template")
STEP_KEYS = ("name", "role", "agency_scope", "agency", "working_days")


@dataclass(frozen=True)
class SpecError:
    """One problem: ``where`` names the procedure or row, ``field`` the key at fault."""

    field: str
    message: str
    where: str = ""

    def __str__(self) -> str:
        prefix = f"{self.where}: " if self.where else ""
        return f"{prefix}{self.field} — {self.message}" if self.field else prefix + self.message


@dataclass
class DocumentSpec:
    name: str
    copies: str = ""
    is_required: bool = True
    template: str = ""


@dataclass
class StepSpec:
    name: str
    role: str
    agency_scope: str = WorkflowStep.AgencyScope.RECEIVING
    agency: str = ""
    working_days: Decimal = Decimal(0)


@dataclass
class ProcedureSpec:
    code: str
    name: str
    field_code: str
    field_name: str = ""
    level: str = Procedure.Level.PROVINCE
    agencies: list[str] = field(default_factory=list)
    online_level: str = Procedure.OnlineLevel.INFORMATION
    processing_days: int = 0
    fee_amount: Decimal = Decimal(0)
    fee_timing: str = Procedure.FeeTiming.NONE
    fee_description: str = ""
    result_type: str = ""
    applicants: str = ""
    submission_methods: str = ""
    conditions: str = ""
    steps: str = ""
    legal_basis: str = ""
    national_portal_integrated: bool = False
    is_active: bool = True
    documents: list[DocumentSpec] = field(default_factory=list)
    workflow: list[StepSpec] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The JSON procedure object (numbers as JSON numbers, keys in export order)."""
        raw = asdict(self)
        out: dict[str, Any] = {k: raw[k] for k in SCALAR_KEYS}
        out["fee_amount"] = int(self.fee_amount)
        out["documents"] = [{k: d[k] for k in DOCUMENT_KEYS} for d in raw["documents"]]
        out["workflow"] = [
            {**{k: s[k] for k in STEP_KEYS}, "working_days": _number(s["working_days"])}
            for s in raw["workflow"]
        ]
        return out


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


# --------------------------------------------------------------------------- from the database


def spec_from_procedure(procedure: Procedure) -> ProcedureSpec:
    documents: list[RequiredDocument] = list(procedure.documents.all())
    steps: list[WorkflowStep] = list(procedure.workflow.all())
    return ProcedureSpec(
        code=procedure.code,
        name=procedure.name,
        field_code=procedure.field.code,
        field_name=procedure.field.name,
        level=procedure.level,
        agencies=sorted(a.code for a in procedure.agencies.all()),
        online_level=procedure.online_level,
        processing_days=procedure.processing_days,
        fee_amount=procedure.fee_amount,
        fee_timing=procedure.fee_timing,
        fee_description=procedure.fee_description,
        result_type=procedure.result_type,
        applicants=procedure.applicants,
        submission_methods=procedure.submission_methods,
        conditions=procedure.conditions,
        steps=procedure.steps,
        legal_basis=procedure.legal_basis,
        national_portal_integrated=procedure.national_portal_integrated,
        is_active=procedure.is_active,
        documents=[
            DocumentSpec(
                name=d.name,
                copies=d.copies,
                is_required=d.is_required,
                template=d.template.name or "",
            )
            for d in sorted(documents, key=lambda d: (d.position, d.pk))
        ],
        workflow=[
            StepSpec(
                name=s.name,
                role=s.role,
                agency_scope=s.agency_scope,
                agency=s.agency.code if s.agency_id and s.agency else "",
                working_days=s.working_days,
            )
            for s in sorted(steps, key=lambda s: (s.position, s.pk))
        ],
    )


def procedure_snapshot(procedure: Procedure) -> dict[str, Any]:
    """The procedure as the JSON format's object: what a version stores and export writes."""
    return spec_from_procedure(procedure).as_dict()


# --------------------------------------------------------------------------- parsing


class _Reader:
    """Reads typed values out of one procedure object, collecting errors."""

    def __init__(self, data: dict[str, Any], where: str) -> None:
        self.data = data
        self.where = where
        self.errors: list[SpecError] = []

    def error(self, key: str, message: str) -> None:
        self.errors.append(SpecError(key, message, self.where))

    def text(self, key: str, *, max_length: int, required: bool = False, src: Any = None) -> str:
        value = self.data.get(key) if src is None else src.get(key)
        if value is None:
            value = ""
        if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
            self.error(key, _("Phải là chuỗi ký tự."))
            return ""
        text = str(value).replace("\r\n", "\n").strip()
        text = nfc(text) if "\n" in text else clean_text(text)
        if required and not text:
            self.error(key, _("Bắt buộc phải có."))
        elif len(text) > max_length:
            self.error(key, _("Dài quá %(n)s ký tự.") % {"n": max_length})
        return text

    def choice(self, key: str, choices: Any, default: str, value: Any = None) -> str:
        raw = self.data.get(key) if value is None else value
        if raw in (None, ""):
            return default
        allowed = [c for c in choices.values]
        if raw not in allowed:
            self.error(key, _("Phải là một trong: %(values)s.") % {"values": ", ".join(allowed)})
            return default
        return str(raw)

    def boolean(self, key: str, default: bool, value: Any = None) -> bool:
        raw = self.data.get(key) if value is None else value
        if raw is None or raw == "":
            return default
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, int | float) and raw in (0, 1):
            return bool(raw)
        folded = str(raw).strip().casefold()
        if folded in {"true", "1", "có", "co", "x", "yes"}:
            return True
        if folded in {"false", "0", "không", "khong", "no"}:
            return False
        self.error(key, _("Phải là true hoặc false (có/không)."))
        return default

    def decimal(
        self, key: str, *, minimum: Decimal, maximum: Decimal, integer: bool, value: Any = None
    ) -> Decimal:
        raw = self.data.get(key) if value is None else value
        if raw is None or raw == "":
            return Decimal(0)
        if isinstance(raw, bool):
            self.error(key, _("Phải là một số."))
            return Decimal(0)
        try:
            number = Decimal(str(raw).strip().replace(" ", ""))
        except InvalidOperation:
            self.error(key, _("Phải là một số."))
            return Decimal(0)
        if not number.is_finite():
            self.error(key, _("Phải là một số."))
            return Decimal(0)
        if integer and number != number.to_integral_value():
            self.error(key, _("Phải là số nguyên."))
            return Decimal(0)
        if number < minimum:
            self.error(key, _("Phải lớn hơn hoặc bằng %(n)s.") % {"n": minimum})
            return Decimal(0)
        if number > maximum:
            self.error(key, _("Phải nhỏ hơn hoặc bằng %(n)s.") % {"n": maximum})
            return Decimal(0)
        return number


def spec_from_dict(data: Any, *, where: str = "") -> tuple[ProcedureSpec | None, list[SpecError]]:
    """Parse one procedure object; every problem is returned, nothing is raised."""
    if not isinstance(data, dict):
        return None, [SpecError("", _("Mỗi thủ tục phải là một đối tượng JSON."), where)]
    r = _Reader(data, where)
    code = r.text("code", max_length=50, required=True)
    if code and not CODE_RE.match(code):
        r.error("code", _("Mã thủ tục chỉ gồm chữ, số, dấu chấm, gạch ngang (ví dụ 1.001193)."))
    field_code = r.text("field_code", max_length=50, required=True).lower()
    if field_code and not FIELD_CODE_RE.match(field_code):
        r.error("field_code", _("Mã lĩnh vực chỉ gồm chữ thường không dấu, số và gạch ngang."))
    agencies_raw = data.get("agencies") or []
    if isinstance(agencies_raw, str):
        agencies_raw = [a for a in re.split(r"[;,\s]+", agencies_raw) if a]
    agencies: list[str] = []
    if not isinstance(agencies_raw, list) or not all(isinstance(a, str) for a in agencies_raw):
        r.error("agencies", _("Phải là danh sách mã cơ quan."))
    else:
        agencies = sorted({a.strip() for a in agencies_raw if a.strip()})
    spec = ProcedureSpec(
        code=code,
        name=r.text("name", max_length=1000, required=True),
        field_code=field_code,
        field_name=r.text("field_name", max_length=255),
        level=r.choice("level", Procedure.Level, ""),
        agencies=agencies,
        online_level=r.choice("online_level", Procedure.OnlineLevel, ""),
        processing_days=int(
            r.decimal(
                "processing_days",
                minimum=Decimal(0),
                maximum=Decimal(MAX_PROCESSING_DAYS),
                integer=True,
            )
        ),
        fee_amount=r.decimal("fee_amount", minimum=Decimal(0), maximum=MAX_FEE, integer=True),
        fee_timing=r.choice("fee_timing", Procedure.FeeTiming, Procedure.FeeTiming.NONE),
        fee_description=r.text("fee_description", max_length=5000),
        result_type=r.text("result_type", max_length=500),
        applicants=r.text("applicants", max_length=5000),
        submission_methods=r.text("submission_methods", max_length=5000),
        conditions=r.text("conditions", max_length=20000),
        steps=r.text("steps", max_length=20000),
        legal_basis=r.text("legal_basis", max_length=20000),
        national_portal_integrated=r.boolean("national_portal_integrated", False),
        is_active=r.boolean("is_active", True),
    )
    if not spec.level:
        if data.get("level") in (None, ""):
            r.error("level", _("Bắt buộc phải có."))
        spec.level = Procedure.Level.PROVINCE
    if not spec.online_level:
        if data.get("online_level") in (None, ""):
            r.error("online_level", _("Bắt buộc phải có."))
        spec.online_level = Procedure.OnlineLevel.INFORMATION
    documents = data.get("documents") or []
    if not isinstance(documents, list):
        r.error("documents", _("Phải là danh sách thành phần hồ sơ."))
        documents = []
    if len(documents) > MAX_DOCUMENTS:
        r.error("documents", _("Nhiều nhất %(n)s thành phần hồ sơ.") % {"n": MAX_DOCUMENTS})
    seen_documents: set[str] = set()
    for i, item in enumerate(documents[:MAX_DOCUMENTS], start=1):
        key = f"documents[{i}]"
        if not isinstance(item, dict):
            r.error(key, _("Mỗi thành phần hồ sơ phải là một đối tượng."))
            continue
        name = r.text(f"{key}.name", max_length=1000, required=True, src=_prefixed(item, key))
        if name and name.casefold() in seen_documents:
            r.error(f"{key}.name", _("Trùng tên với một thành phần hồ sơ khác."))
        seen_documents.add(name.casefold())
        spec.documents.append(
            DocumentSpec(
                name=name,
                copies=r.text(f"{key}.copies", max_length=100, src=_prefixed(item, key)),
                is_required=r.boolean(f"{key}.is_required", True, item.get("is_required")),
                template=r.text(f"{key}.template", max_length=100, src=_prefixed(item, key)),
            )
        )

    workflow = data.get("workflow") or []
    if not isinstance(workflow, list):
        r.error("workflow", _("Phải là danh sách các bước xử lý."))
        workflow = []
    if len(workflow) > MAX_STEPS:
        r.error("workflow", _("Nhiều nhất %(n)s bước xử lý.") % {"n": MAX_STEPS})
    for i, item in enumerate(workflow[:MAX_STEPS], start=1):
        key = f"workflow[{i}]"
        if not isinstance(item, dict):
            r.error(key, _("Mỗi bước xử lý phải là một đối tượng."))
            continue
        step = StepSpec(
            name=r.text(f"{key}.name", max_length=255, required=True, src=_prefixed(item, key)),
            role=r.choice(f"{key}.role", Role, "", item.get("role")),
            agency_scope=r.choice(
                f"{key}.agency_scope",
                WorkflowStep.AgencyScope,
                WorkflowStep.AgencyScope.RECEIVING,
                item.get("agency_scope"),
            ),
            agency=r.text(f"{key}.agency", max_length=20, src=_prefixed(item, key)),
            working_days=r.decimal(
                f"{key}.working_days",
                minimum=Decimal(0),
                maximum=Decimal(MAX_PROCESSING_DAYS),
                integer=False,
                value=item.get("working_days"),
            ),
        )
        if not step.role:
            if item.get("role") in (None, ""):
                r.error(f"{key}.role", _("Bắt buộc phải có."))
            step.role = Role.SPECIALIST
        if step.working_days * 2 != (step.working_days * 2).to_integral_value():
            r.error(f"{key}.working_days", _("Tính theo nửa ngày: 0,5; 1; 1,5…"))
        if step.agency_scope == WorkflowStep.AgencyScope.SPECIFIC and not step.agency:
            r.error(f"{key}.agency", _("Bước do cơ quan cụ thể xử lý phải ghi mã cơ quan."))
        if step.agency_scope != WorkflowStep.AgencyScope.SPECIFIC and step.agency:
            r.error(f"{key}.agency", _("Chỉ ghi mã cơ quan khi agency_scope là specific."))
        spec.workflow.append(step)
    return spec, r.errors


def _prefixed(item: dict[str, Any], key: str) -> dict[str, Any]:
    return {f"{key}.{k}": v for k, v in item.items()}


# --------------------------------------------------------------------------- database checks


@dataclass
class Lookups:
    """What the database knows, loaded once per import (codes → rows)."""

    agencies: dict[str, Agency]
    fields: dict[str, Field]

    @classmethod
    def load(cls, specs: list[ProcedureSpec]) -> Lookups:
        codes = {a for s in specs for a in s.agencies} | {
            st.agency for s in specs for st in s.workflow if st.agency
        }
        return cls(
            agencies={a.code: a for a in Agency.objects.filter(code__in=codes)},
            fields={
                f.code: f for f in Field.objects.filter(code__in={s.field_code for s in specs})
            },
        )


def spec_validate(spec: ProcedureSpec, lookups: Lookups, *, where: str = "") -> list[SpecError]:
    """Rules across fields, and checks against the database: known agencies, a named new
    field, existing template files."""
    errors: list[SpecError] = []
    if spec.fee_amount > 0 and spec.fee_timing == Procedure.FeeTiming.NONE:
        errors.append(
            SpecError(
                "fee_timing",
                _("Thủ tục có thu phí phải ghi thời điểm nộp: before_receipt hoặc before_result."),
                where,
            )
        )
    total = sum((s.working_days for s in spec.workflow), Decimal(0))
    if spec.workflow and total > spec.processing_days:
        errors.append(
            SpecError(
                "workflow",
                _(
                    "Tổng thời gian các bước (%(total)s ngày) vượt thời hạn giải quyết "
                    "(%(days)s ngày làm việc)."
                )
                % {"total": _number(total), "days": spec.processing_days},
                where,
            )
        )
    if spec.field_code and spec.field_code not in lookups.fields and not spec.field_name:
        errors.append(
            SpecError("field_name", _("Lĩnh vực mới: phải ghi tên lĩnh vực (field_name)."), where)
        )
    missing = [a for a in spec.agencies if a not in lookups.agencies]
    if missing:
        errors.append(
            SpecError(
                "agencies",
                _("Không có cơ quan mã: %(codes)s.") % {"codes": ", ".join(missing)},
                where,
            )
        )
    if spec.level == Procedure.Level.PROVINCE and not spec.agencies:
        errors.append(
            SpecError("agencies", _("Thủ tục cấp tỉnh phải ghi cơ quan thực hiện."), where)
        )
    for i, step in enumerate(spec.workflow, start=1):
        if step.agency and step.agency not in lookups.agencies:
            errors.append(
                SpecError(
                    f"workflow[{i}].agency",
                    _("Không có cơ quan mã: %(codes)s.") % {"codes": step.agency},
                    where,
                )
            )
    for i, document in enumerate(spec.documents, start=1):
        if document.template and not _template_exists(document.template):
            errors.append(
                SpecError(
                    f"documents[{i}].template",
                    _("Không tìm thấy tệp mẫu %(name)s trong kho tệp.")
                    % {"name": document.template},
                    where,
                )
            )
    return errors


def _template_exists(name: str) -> bool:
    if ".." in name.split("/") or name.startswith("/"):
        return False
    try:
        return bool(default_storage.exists(name))
    except Exception:
        return False


def default_workflow(processing_days: int) -> list[StepSpec]:
    """The usual one-stop workflow, its days split over the steps within the time limit.

    Receive (one-stop officer of the receiving agency) → process (specialist) → approve
    (leader) → return the result (one-stop officer). Used by the national-catalog import
    (which carries no workflow) and by the demo data.
    """
    days = Decimal(processing_days)
    receive = Decimal("0.5") if days >= 2 else Decimal(0)
    give_back = Decimal("0.5") if days >= 2 else Decimal(0)
    approve = Decimal(1) if days >= 4 else (Decimal("0.5") if days >= 2 else Decimal(0))
    process = days - receive - give_back - approve
    scope = WorkflowStep.AgencyScope.RECEIVING
    return [
        StepSpec("Tiếp nhận hồ sơ", Role.ONE_STOP_OFFICER, scope, "", receive),
        StepSpec("Thẩm định, xử lý hồ sơ", Role.SPECIALIST, scope, "", process),
        StepSpec("Phê duyệt kết quả", Role.LEADER, scope, "", approve),
        StepSpec("Trả kết quả", Role.ONE_STOP_OFFICER, scope, "", give_back),
    ]
