"""Native API for the procedure catalog (public, read-only)."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field as PydanticField

from tinhso.core.models import Agency
from tinhso.core.schemas import ErrorOut
from tinhso.dossiers.validators import Text, code_is_plausible
from tinhso.procedures.models import Procedure
from tinhso.procedures.selectors import (
    procedure_detail,
    procedure_due_example,
    procedure_queryset,
)

router = Router(tags=["procedures"])


class AgencyRef(Schema):
    code: str
    name: str


class FieldRef(Schema):
    code: str
    name: str


class ProcedureSummaryOut(Schema):
    code: str
    name: str
    field: FieldRef
    level: str
    online_level: str
    processing_days: int
    fee_amount: int
    fee_timing: str
    national_portal_integrated: bool
    agencies: list[AgencyRef]
    url: str


class DocumentOut(Schema):
    position: int
    name: str
    copies: str
    is_required: bool
    template_url: str | None


class StepOut(Schema):
    position: int
    name: str
    role: str
    agency_scope: str
    agency: AgencyRef | None
    working_days: float


class ProcedureOut(ProcedureSummaryOut):
    version: int
    updated_at: str
    is_active: bool
    legal_basis: str
    steps: str
    conditions: str
    applicants: str
    submission_methods: str
    result_type: str
    fee_description: str
    due_date_if_submitted_now: str
    documents: list[DocumentOut]
    workflow: list[StepOut]


class ProcedureFilter(Schema):
    q: Text = PydanticField("", max_length=200, description="Tìm theo tên hoặc mã, không cần dấu")
    field: Text | None = PydanticField(None, max_length=50, description="Mã lĩnh vực")
    level: Procedure.Level | None = None
    online_level: Procedure.OnlineLevel | None = None
    agency: str | None = PydanticField(
        None, max_length=20, pattern=r"^[A-Z0-9.]+$", description="Mã cơ quan thực hiện"
    )


def _summary(p: Procedure) -> dict[str, Any]:
    return {
        "code": p.code,
        "name": p.name,
        "field": {"code": p.field.code, "name": p.field.name},
        "level": p.level,
        "online_level": p.online_level,
        "processing_days": p.processing_days,
        "fee_amount": int(p.fee_amount),
        "fee_timing": p.fee_timing,
        "national_portal_integrated": p.national_portal_integrated,
        "agencies": [{"code": a.code, "name": a.name} for a in p.agencies.all()],
        "url": f"/thu-tuc/{p.code}/",
    }


@router.get("", response=list[ProcedureSummaryOut], summary="Thủ tục hành chính")
@paginate(LimitOffsetPagination)
def procedures(request: HttpRequest, filters: Query[ProcedureFilter]) -> Any:
    agency = None
    if filters.agency:
        agency = Agency.objects.filter(code=filters.agency).first()
        if agency is None:
            raise HttpError(404, _("Không có cơ quan mã %(code)s.") % {"code": filters.agency})
    qs = procedure_queryset(
        q=filters.q,
        field_code=filters.field,
        level=filters.level,
        online_level=filters.online_level,
        agency=agency,
    ).prefetch_related("agencies")
    return _LazySummaries(qs)


class _LazySummaries:
    """A sliceable, countable view of the queryset that renders only the requested page."""

    def __init__(self, qs: Any) -> None:
        self.qs = qs

    def count(self) -> int:
        return int(self.qs.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        return [_summary(p) for p in self.qs[item]]


@router.get(
    "/{code}",
    response={200: ProcedureOut, 404: ErrorOut},
    summary="Một thủ tục: giấy tờ, phí, thời hạn, quy trình",
)
def procedure(request: HttpRequest, code: str) -> Any:
    p = procedure_detail(code) if code_is_plausible(code) else None
    if p is None:
        shown = "".join(c for c in code[:60] if c.isprintable())
        raise HttpError(404, _("Không có thủ tục mã %(code)s.") % {"code": shown})
    documents = sorted(p.documents.all(), key=lambda d: (d.position, d.pk))
    steps = sorted(p.workflow.all(), key=lambda s: (s.position, s.pk))
    return {
        **_summary(p),
        "version": p.version,
        "updated_at": p.updated_at.isoformat(),
        "is_active": p.is_active,
        "legal_basis": p.legal_basis,
        "steps": p.steps,
        "conditions": p.conditions,
        "applicants": p.applicants,
        "submission_methods": p.submission_methods,
        "result_type": p.result_type,
        "fee_description": p.fee_description,
        "due_date_if_submitted_now": procedure_due_example(p).isoformat(),
        "documents": [
            {
                "position": i,
                "name": d.name,
                "copies": d.copies,
                "is_required": d.is_required,
                "template_url": f"/thu-tuc/{p.code}/mau/{d.pk}/" if d.template else None,
            }
            for i, d in enumerate(documents, start=1)
        ],
        "workflow": [
            {
                "position": i,
                "name": s.name,
                "role": s.role,
                "agency_scope": s.agency_scope,
                "agency": {"code": s.agency.code, "name": s.agency.name} if s.agency else None,
                "working_days": float(s.working_days),
            }
            for i, s in enumerate(steps, start=1)
        ],
    }
