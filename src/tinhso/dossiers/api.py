"""Native API for dossiers: submit (idempotent), read, act, public tracking, due dates, stats.

No ``from __future__ import annotations`` here: it breaks ninja's Query[...] schemas.
"""

import base64
import binascii
import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import validate_email
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field, Strict, model_validator
from pydantic_core import PydanticCustomError

from tinhso.core.auth import api_auth
from tinhso.core.models import Agency, User
from tinhso.core.schemas import ErrorOut
from tinhso.core.services import DomainError
from tinhso.core.workcalendar import WorkingCalendar
from tinhso.dossiers import deadlines, selectors
from tinhso.dossiers.models import Channel, Dossier, State
from tinhso.dossiers.prefill import ApplicantData, applicant_from_registry
from tinhso.dossiers.services import (
    MAX_FILES,
    DossierConflict,
    DossierError,
    DossierForbidden,
    DossierNotFound,
    Upload,
    allowed_actions,
    dossier_act,
    dossier_submit,
)
from tinhso.dossiers.validators import (
    Text,
    citizen_id_error,
    code_is_plausible,
    new_due_date_error,
)
from tinhso.dossiers.workflow import ACTIONS, action_label
from tinhso.procedures.selectors import procedure_for_dossiers

router = Router(tags=["dossiers"])

CODE_PATTERN = r"^[A-Za-z0-9.]{1,20}-[0-9]{6}-[0-9]{1,8}$"
MAX_ID = 2**63 - 1


RowId = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]


class ObjectIn(Schema):
    """A request body (or part of one) that must be a JSON object: django-ninja would read
    a list, a string or null through attribute access and fill in every default, so that
    ``[]`` sent as an action's body would act without a version."""

    @model_validator(mode="before")
    @classmethod
    def _json_object_only(cls, values: Any) -> Any:
        raw = getattr(values, "_obj", values)  # ninja wraps the input in a DjangoGetter
        if not isinstance(raw, dict):
            raise PydanticCustomError("model_type", "must be a JSON object")
        return values


class ConflictOut(Schema):
    detail: str
    state: str
    state_label: str
    version: int


class FileIn(ObjectIn):
    name: Text = Field(..., max_length=200, description="Tên tệp, ví dụ to-khai.pdf")
    content_base64: str = Field(..., description="Nội dung tệp, mã hoá base64")
    required_document_id: RowId | None = Field(None, description="Thành phần hồ sơ của thủ tục")


class ApplicantIn(ObjectIn):
    full_name: Text = Field("", max_length=150)
    birth_date: dt.date | None = None
    address: Text = Field("", max_length=500)
    phone: Text = Field("", max_length=20)
    email: Text = Field("", max_length=254)


class DossierIn(ObjectIn):
    procedure_code: Text = Field(..., max_length=50)
    agency_code: Text | None = Field(None, max_length=20)
    channel: Literal["online", "counter", "post"] = "online"
    citizen_id: Text = Field("", max_length=12, description="Số định danh cá nhân 12 chữ số")
    applicant: ApplicantIn | None = None
    note: Text = Field("", max_length=5000)
    files: list[FileIn] = Field(default_factory=list, max_length=MAX_FILES)
    reuse_document_ids: list[RowId] = Field(default_factory=list, max_length=MAX_FILES)
    fee_paid_at_counter: Annotated[bool, Strict()] = False


class ActionIn(ObjectIn):
    version: Annotated[int, Strict()] | None = Field(
        None, ge=1, le=MAX_ID, description="Phiên bản hồ sơ đã đọc; khác phiên bản hiện tại → 409"
    )
    note: Text = Field("", max_length=5000)
    new_due_date: dt.date | None = Field(None, description="Ngày hẹn mới (apologize)")
    agency_code: Text | None = Field(None, max_length=20, description="Cơ quan nhận (transfer)")


class EventOut(Schema):
    at: dt.datetime
    action: str
    label: str
    from_state: str
    to_state: str
    actor: str
    agency: str | None
    note: str


class TimelineOut(Schema):
    at: dt.datetime
    label: str
    state: str
    note: str = ""


class DocumentOut(Schema):
    id: int
    name: str
    kind: str
    filename: str
    size: int
    sha256: str


class DossierOut(Schema):
    code: str
    version: int
    state: str
    state_label: str
    channel: str
    procedure_code: str
    procedure_name: str
    agency_code: str
    current_agency_code: str
    current_role: str
    current_step: str | None
    applicant_name: str
    prefilled: bool
    submitted_at: dt.datetime
    received_at: dt.datetime | None
    due_date: dt.date | None
    appointment_date: dt.date | None
    finished_at: dt.datetime | None
    timeliness: str
    fee_amount: int
    fee_status: str
    allowed_actions: list[str]
    documents: list[DocumentOut]
    history: list[EventOut] | None = None
    timeline: list[TimelineOut] | None = None


class TrackOut(Schema):
    code: str
    procedure_code: str
    procedure: str
    agency: str
    state: str
    state_label: str
    submitted_at: dt.datetime
    received_at: dt.datetime | None
    due_date: dt.date | None
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None
    timeline: list[TimelineOut]


class DueDateQuery(Schema):
    start: dt.datetime = Field(..., description="Thời điểm tiếp nhận, ISO 8601")
    working_days: int = Field(..., ge=0, le=365)


class DueDateOut(Schema):
    start: dt.datetime
    counted_from: dt.date
    working_days: int
    due_date: dt.date
    cutoff: str


class StatsQuery(Schema):
    start: dt.date | None = Field(None, description="Từ ngày (mặc định: đầu năm)")
    end: dt.date | None = Field(None, description="Đến ngày (mặc định: hôm nay)")
    group_by: Literal["agency", "field", "level"] = "agency"
    agency: Text | None = Field(None, max_length=20, description="Mã cơ quan: chỉ cây của nó")
    field: Text | None = Field(None, max_length=60, description="Mã lĩnh vực của thủ tục")


class StatsRowOut(Schema):
    key: str
    name: str
    received: int
    received_online: int
    finished: int
    early: int
    on_time: int
    late: int
    in_progress: int
    overdue: int
    paid: int
    paid_online: int
    rated: int
    on_time_rate: float | None
    online_share: float | None
    paid_online_share: float | None
    satisfaction: float | None


class StatsOut(Schema):
    start: dt.date
    end: dt.date
    group_by: str
    rows: list[StatsRowOut]
    totals: dict[str, Any]


def dossier_out(d: Dossier, user: Any) -> dict[str, Any]:
    step = d.current_step
    is_officer = selectors.officer_sees(user, d)
    out: dict[str, Any] = {
        "code": d.code,
        "version": d.version,
        "state": d.state,
        "state_label": str(State(d.state).label),
        "channel": d.channel,
        "procedure_code": d.procedure.code,
        "procedure_name": d.procedure.name,
        "agency_code": d.agency.code,
        "current_agency_code": d.current_agency.code,
        "current_role": d.current_role,
        "current_step": step["name"] if step else None,
        "applicant_name": d.applicant_name,
        "prefilled": d.prefilled,
        "submitted_at": d.submitted_at,
        "received_at": d.received_at,
        "due_date": d.due_date,
        "appointment_date": d.appointment_date,
        "finished_at": d.finished_at,
        "timeliness": d.timeliness,
        "fee_amount": int(d.fee_amount),
        "fee_status": d.fee_status,
        "allowed_actions": allowed_actions(user, d),
        "documents": [
            {
                "id": doc.pk,
                "name": doc.name,
                "kind": doc.kind,
                "filename": doc.filename,
                "size": doc.size,
                "sha256": doc.sha256,
            }
            for doc in d.documents.all()
        ],
    }
    if is_officer:
        out["history"] = [
            {
                "at": e.at,
                "action": e.action,
                "label": action_label(e.action),
                "from_state": e.from_state,
                "to_state": e.to_state,
                "actor": e.actor_name,
                "agency": e.agency.code if e.agency else None,
                "note": e.note,
            }
            for e in selectors.history(d)
        ]
    else:
        out["timeline"] = selectors.timeline(d)
    return out


def _error(exc: DomainError) -> Status[dict[str, Any]]:
    if isinstance(exc, DossierConflict):
        return Status(
            409,
            {
                "detail": exc.message,
                "state": exc.state,
                "state_label": str(State(exc.state).label) if exc.state else "",
                "version": exc.version,
            },
        )
    if isinstance(exc, DossierNotFound):
        return Status(404, {"detail": exc.message})
    if isinstance(exc, DossierForbidden):
        return Status(403, {"detail": exc.message})
    if isinstance(exc, DossierError):
        return Status(422, {"detail": exc.message})
    return Status(409, {"detail": exc.message, "state": "", "state_label": "", "version": 0})


def _decode(f: FileIn) -> SimpleUploadedFile:
    try:
        content = base64.b64decode(f.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise DossierError(
            _("Nội dung tệp “%(name)s” không phải base64 hợp lệ.") % {"name": f.name},
            field="files",
        ) from None
    try:
        return SimpleUploadedFile(f.name, content)
    except SuspiciousFileOperation:
        raise DossierError(
            _("Tệp cần có tên kèm phần mở rộng, ví dụ to-khai.pdf (đã gửi: “%(name)s”).")
            % {"name": f.name},
            field="files",
        ) from None


_ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ConflictOut, 422: ErrorOut}


@router.post(
    "/dossiers",
    response={200: DossierOut, 201: DossierOut, **_ERRORS},
    auth=api_auth,
    summary="Nộp hồ sơ (Idempotency-Key: gửi lại cùng khoá trả về đúng hồ sơ đã tạo)",
)
def dossier_create(request: HttpRequest, payload: DossierIn) -> Status[dict[str, Any]]:
    user: User = request.user  # type: ignore[assignment]
    key = request.headers.get("Idempotency-Key")
    try:
        procedure = procedure_for_dossiers(payload.procedure_code)
        if procedure is None:
            return Status(
                422,
                {"detail": _("Không có thủ tục mã %(code)s.") % {"code": payload.procedure_code}},
            )
        agency = None
        if payload.agency_code:
            agency = Agency.objects.filter(code=payload.agency_code).first()
            if agency is None:
                return Status(
                    422,
                    {"detail": _("Không có cơ quan mã %(code)s.") % {"code": payload.agency_code}},
                )
        if payload.channel == Channel.ONLINE:
            citizen_id = user.citizen_id or ""
            if payload.citizen_id and payload.citizen_id != citizen_id:
                raise DossierError(
                    _("Hồ sơ trực tuyến chỉ nộp được cho chính chủ tài khoản."), field="citizen_id"
                )
            applicant = _online_applicant(user, citizen_id)
            applicant_user: User | None = user
        else:
            applicant = _counter_applicant(payload)
            applicant_user = (
                User.objects.filter(citizen_id=applicant.citizen_id).first()
                if applicant.citizen_id
                else None
            )
        uploads = []
        for f in payload.files:
            required = None
            if f.required_document_id is not None:
                required = next(
                    (d for d in procedure.documents.all() if d.pk == f.required_document_id), None
                )
                if required is None:
                    raise DossierError(_("Giấy tờ không thuộc thủ tục này."), field="files")
            uploads.append(Upload(file=_decode(f), required_document=required))
        dossier, created = dossier_submit(
            procedure=procedure,
            agency=agency,
            channel=payload.channel,
            submitted_by=user,
            applicant=applicant,
            applicant_user=applicant_user,
            uploads=uploads,
            reuse_document_ids=payload.reuse_document_ids,
            note=payload.note,
            idempotency_key=key,
            fee_paid_at_counter=payload.fee_paid_at_counter,
        )
    except DomainError as exc:
        return _error(exc)
    return Status(201 if created else 200, dossier_out(dossier, user))


def _online_applicant(user: User, citizen_id: str) -> ApplicantData:
    if not citizen_id:
        raise DossierError(
            _("Tài khoản chưa có số định danh cá nhân; hãy xác thực định danh trước khi nộp."),
            field="citizen_id",
        )
    error = citizen_id_error(citizen_id)
    if error:
        raise DossierError(error, field="citizen_id")
    applicant = applicant_from_registry(citizen_id)
    if applicant is None:
        raise DossierError(
            _("Không tìm thấy số định danh %(id)s trong Cơ sở dữ liệu dân cư.")
            % {"id": citizen_id},
            field="citizen_id",
        )
    return ApplicantData(
        **{**applicant.__dict__, "phone": user.phone or "", "email": user.email or ""}
    )


def _counter_applicant(payload: DossierIn) -> ApplicantData:
    typed = payload.applicant or ApplicantIn(full_name="", address="", phone="", email="")
    if typed.birth_date is not None:
        if typed.birth_date > timezone.localdate():
            raise DossierError(_("Ngày sinh không được sau hôm nay."), field="applicant.birth_date")
        if typed.birth_date.year < 1880:
            raise DossierError(_("Ngày sinh không hợp lệ."), field="applicant.birth_date")
    if typed.email:
        try:
            validate_email(typed.email)
        except ValidationError:
            raise DossierError(
                _("Địa chỉ thư điện tử không hợp lệ."), field="applicant.email"
            ) from None
    if payload.citizen_id:
        error = citizen_id_error(payload.citizen_id)
        if error:
            raise DossierError(error, field="citizen_id")
        found = applicant_from_registry(payload.citizen_id)
        if found is not None:
            return ApplicantData(**{**found.__dict__, "phone": typed.phone, "email": typed.email})
    return ApplicantData(
        full_name=typed.full_name,
        citizen_id=payload.citizen_id,
        birth_date=typed.birth_date,
        address=typed.address,
        phone=typed.phone,
        email=typed.email,
    )


@router.get(
    "/dossiers/{code}",
    response={200: DossierOut, 404: ErrorOut},
    auth=api_auth,
    summary="Một hồ sơ (người nộp: dòng thời gian; cán bộ: lịch sử đầy đủ)",
)
def dossier_detail(request: HttpRequest, code: str) -> Status[dict[str, Any]]:
    if not code_is_plausible(code):
        return Status(404, {"detail": _("Không tìm thấy hồ sơ.")})
    dossier = selectors.dossier_get_for_user(code=code, user=request.user)
    if dossier is None:
        return Status(404, {"detail": _("Không tìm thấy hồ sơ.")})
    return Status(200, dossier_out(dossier, request.user))


@router.post(
    "/dossiers/{code}/actions/{action}",
    response={200: DossierOut, **_ERRORS},
    auth=api_auth,
    summary="Thao tác trên hồ sơ (receive, forward, request_additions, …)",
)
def dossier_action(
    request: HttpRequest, code: str, action: str, payload: ActionIn
) -> Status[dict[str, Any]]:
    user: User = request.user  # type: ignore[assignment]
    # The service reads the dossier (by code, under a row lock) and answers 404 when it
    # does not exist or ``user`` may not see it; an error found before that is answered
    # as 404 too when the dossier is not the user's to see, so nothing leaks.
    if not code_is_plausible(code):
        return Status(404, {"detail": _("Không tìm thấy hồ sơ.")})

    def unseen() -> bool:
        return selectors.dossier_get_for_user(code=code, user=user) is None

    if action not in ACTIONS:
        if unseen():
            return Status(404, {"detail": _("Không tìm thấy hồ sơ.")})
        return Status(
            422,
            {
                "detail": _("Thao tác “%(action)s” không tồn tại. Các thao tác: %(list)s.")
                % {"action": action, "list": ", ".join(ACTIONS)}
            },
        )
    if payload.new_due_date is not None:
        problem = new_due_date_error(payload.new_due_date, today=timezone.localdate())
        if problem:
            if unseen():
                return Status(404, {"detail": _("Không tìm thấy hồ sơ.")})
            return Status(422, {"detail": problem})
    target = None
    if payload.agency_code:
        target = Agency.objects.filter(code=payload.agency_code).first()
        if target is None:
            if unseen():
                return Status(404, {"detail": _("Không tìm thấy hồ sơ.")})
            return Status(
                422, {"detail": _("Không có cơ quan mã %(code)s.") % {"code": payload.agency_code}}
            )
    try:
        dossier = dossier_act(
            dossier=Dossier(code=code),
            action=action,
            actor=user,
            note=payload.note,
            expected_version=payload.version,
            new_due_date=payload.new_due_date,
            target_agency=target,
        )
    except DomainError as exc:
        return _error(exc)
    return Status(200, dossier_out(dossier, user))


@router.get(
    "/track/{code}",
    response={200: TrackOut, 404: ErrorOut},
    summary="Tra cứu công khai tình trạng hồ sơ (không có dữ liệu cá nhân)",
)
def track(request: HttpRequest, code: str) -> Status[dict[str, Any]]:
    info = selectors.tracking_info(code=code) if code_is_plausible(code) else None
    if info is None:
        shown = "".join(c for c in code[:60] if c.isprintable())
        return Status(404, {"detail": _("Không có hồ sơ mã %(code)s.") % {"code": shown}})
    return Status(200, info)


@router.get(
    "/calendar/due-date",
    response={200: DueDateOut, 422: ErrorOut},
    summary="Ngày hẹn trả của hồ sơ tiếp nhận vào một thời điểm (theo ngày làm việc)",
)
def due_date(request: HttpRequest, query: Query[DueDateQuery]) -> Status[dict[str, Any]]:
    start = query.start
    if timezone.is_naive(start):
        start = timezone.make_aware(start)
    if not 2000 <= start.year <= 2100:
        return Status(422, {"detail": _("Ngày bắt đầu phải trong khoảng năm 2000 đến năm 2100.")})
    calendar = WorkingCalendar.load()
    return Status(
        200,
        {
            "start": start,
            "counted_from": calendar.effective_day(start),
            "working_days": query.working_days,
            "due_date": deadlines.due_date_at_receipt(calendar, start, query.working_days),
            "cutoff": calendar.cutoff.strftime("%H:%M"),
        },
    )


@router.get(
    "/stats/dossiers",
    response={200: StatsOut, 404: ErrorOut, 422: ErrorOut},
    summary="Thống kê hồ sơ theo cơ quan, lĩnh vực hoặc cấp",
)
def stats(request: HttpRequest, query: Query[StatsQuery]) -> Status[dict[str, Any]]:
    today = timezone.localdate()
    end = query.end or today
    start = query.start or dt.date(end.year, 1, 1)
    if not (2000 <= start.year <= 2100 and 2000 <= end.year <= 2100):
        return Status(422, {"detail": _("Ngày thống kê phải trong khoảng năm 2000 đến năm 2100.")})
    if start > end:
        return Status(422, {"detail": _("Ngày bắt đầu phải trước ngày kết thúc.")})
    if (end - start).days > 366 * 5:
        return Status(422, {"detail": _("Khoảng thời gian tối đa là 5 năm.")})
    agencies = None
    if query.agency:
        root = Agency.objects.filter(code=query.agency).first()
        if root is None:
            return Status(
                404, {"detail": _("Không có cơ quan mã %(code)s.") % {"code": query.agency}}
            )
        agencies = Agency.objects.filter(path__startswith=root.path)
    if query.field:
        from tinhso.procedures.models import Field as ProcedureField

        if not ProcedureField.objects.filter(code=query.field).exists():
            return Status(
                404, {"detail": _("Không có lĩnh vực mã %(code)s.") % {"code": query.field}}
            )
    rows = selectors.statistics_table(
        start=start,
        end=end,
        group_by=query.group_by,
        agencies=agencies,
        field_code=query.field or "",
    )
    return Status(
        200,
        {
            "start": start,
            "end": end,
            "group_by": query.group_by,
            "rows": rows,
            "totals": selectors.totals(rows),
        },
    )
