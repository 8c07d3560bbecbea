"""Writes for dossiers. Each function is one transaction and raises a domain error on refusal.

Concurrency:

* dossier codes come from a per-agency-per-day counter row incremented with one
  ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` (atomic on PostgreSQL and SQLite);
* a submission with an ``Idempotency-Key`` is unique per (submitter, key) by a
  database constraint: a retry, even a concurrent one, gets the first dossier back;
* every action locks the dossier row, checks the state and the expected ``version``,
  and writes with ``UPDATE … WHERE version = <read version>``, so two officers acting
  on the same dossier never both succeed: the second gets :class:`DossierConflict`.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.catalog.uploads import UploadRejected, inspect_upload
from tinhso.core.audit import audit_record, audit_suppressed
from tinhso.core.models import Agency, Role, User
from tinhso.core.selectors import user_roles
from tinhso.core.services import DomainError
from tinhso.core.workcalendar import WorkingCalendar
from tinhso.dossiers import deadlines
from tinhso.dossiers.models import (
    Channel,
    DailyCounter,
    Dossier,
    DossierDocument,
    DossierEvent,
    FeeStatus,
    State,
)
from tinhso.dossiers.prefill import ApplicantData
from tinhso.dossiers.selectors import officer_sees, remember_created
from tinhso.dossiers.validators import citizen_id_error
from tinhso.dossiers.workflow import (
    ACTIONS,
    APPLICANT,
    LEADER,
    ONE_STOP,
    STEP,
    SYSTEM,
)
from tinhso.procedures.models import Procedure, RequiredDocument, WorkflowStep
from tinhso.procedures.selectors import procedure_for_dossiers

logger = logging.getLogger("tinhso.dossiers")

# Kinds of files accepted with a dossier (checked against the content, not the name).
ACCEPTED_FORMATS = frozenset({"PDF", "JPEG", "PNG", "TIFF", "DOCX", "DOC", "ODT", "XLSX", "XLS"})
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_FILES = 30


class DossierError(DomainError):
    """Refused: bad input (HTTP 422 on the API)."""


class DossierNotFound(DomainError):
    """Unknown dossier, or one the caller may not see (HTTP 404)."""


class DossierForbidden(DomainError):
    """Seen but not allowed to do this (HTTP 403)."""


class DossierConflict(DomainError):
    """Out of order or stale (HTTP 409); carries the dossier's current state and version."""

    def __init__(self, message: str, *, state: str = "", version: int = 0) -> None:
        super().__init__(message)
        self.state = state
        self.version = version


@dataclass(frozen=True)
class Upload:
    """A file sent with a dossier, for one required document (or none: 'other')."""

    file: UploadedFile
    required_document: RequiredDocument | None = None
    name: str = ""


# ---------------------------------------------------------------- files of a failed write

_saved_files: contextvars.ContextVar[list[tuple[Any, str]] | None] = contextvars.ContextVar(
    "tinhso_dossier_saved_files", default=None
)


@contextmanager
def files_removed_on_error() -> Iterator[None]:
    """Delete the files stored during the block if it fails: the rows that named them
    were rolled back with the transaction, the files on disk were not. Nested blocks
    leave the deleting to the outermost one (whose transaction decides)."""
    if _saved_files.get() is not None:
        yield
        return
    saved: list[tuple[Any, str]] = []
    token = _saved_files.set(saved)
    try:
        yield
    except BaseException:
        for storage, name in saved:
            try:
                storage.delete(name)
            except OSError:  # pragma: no cover - a file system refusing the delete
                logger.warning("could not delete %s after a failed write", name)
        raise
    finally:
        _saved_files.reset(token)


# ---------------------------------------------------------------- codes


def dossier_code_next(*, agency: Agency, day: dt.date) -> str:
    """The next code ``<agency code>-<yymmdd>-<sequence>`` for ``agency`` on ``day``."""
    table = DailyCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (agency_id, day) DO UPDATE SET last = {table}.last + 1 "
            "RETURNING last",
            [agency.pk, day.isoformat()],
        )
        row = cursor.fetchone()
    assert row is not None
    return f"{agency.code}-{day:%y%m%d}-{int(row[0]):04d}"


# ---------------------------------------------------------------- visibility and roles


def dossier_visible_to(user: Any, dossier: Dossier) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if dossier.applicant_id == user.pk:
        return True
    return officer_sees(user, dossier)


def actor_kinds(user: User | None, dossier: Dossier) -> set[str]:
    """What ``user`` is for ``dossier`` (see :mod:`tinhso.dossiers.workflow`)."""
    if user is None:
        return {SYSTEM}
    kinds: set[str] = set()
    if not user.is_authenticated:
        return kinds
    if dossier.applicant_id == user.pk:
        kinds.add(APPLICANT)
    at_receiving = user_roles(user, dossier.agency)
    if Role.ONE_STOP_OFFICER in at_receiving:
        kinds.add(ONE_STOP)
    if Role.LEADER in at_receiving:
        kinds.add(LEADER)
    at_current = (
        at_receiving
        if dossier.current_agency_id == dossier.agency_id
        else user_roles(user, dossier.current_agency)
    )
    if Role.LEADER in at_current:
        kinds.add(LEADER)
    if (
        dossier.state in (State.RECEIVED, State.PROCESSING)
        and dossier.current_role
        and dossier.current_role in at_current
    ):
        kinds.add(STEP)
    return kinds


def allowed_actions(user: User | None, dossier: Dossier) -> list[str]:
    kinds = actor_kinds(user, dossier)
    names = [
        a.name for a in ACTIONS.values() if dossier.state in a.from_states and kinds & a.actors
    ]
    if "apologize" in names and (dossier.apologized_at is not None or dossier.due_date is None):
        names.remove("apologize")
    return names


# ---------------------------------------------------------------- submission


def _fingerprint(*parts: object) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


def _check_upload(upload: Upload) -> Any:
    f = upload.file
    if f.size is not None and f.size > MAX_UPLOAD_BYTES:
        raise DossierError(
            _("Tệp “%(name)s” vượt quá dung lượng cho phép (%(mb)s MB).")
            % {"name": f.name, "mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
            field="files",
        )
    try:
        info = inspect_upload(f)
    except UploadRejected as exc:
        raise DossierError(exc.message, field="files") from None
    if info.format not in ACCEPTED_FORMATS:
        raise DossierError(
            _("Không nhận loại tệp %(format)s cho hồ sơ. Các loại được nhận: %(list)s.")
            % {"format": info.format, "list": ", ".join(sorted(ACCEPTED_FORMATS))},
            field="files",
        )
    return info


def _resolve_agency(procedure: Procedure, agency: Agency | None) -> Agency:
    allowed = list(procedure.agencies.all())
    if agency is None:
        if len(allowed) == 1:
            return allowed[0]
        raise DossierError(_("Cần chọn cơ quan tiếp nhận hồ sơ."), field="agency")
    if allowed and agency not in allowed:
        raise DossierError(
            _("%(agency)s không thực hiện thủ tục này.") % {"agency": agency.name},
            field="agency",
        )
    if not allowed and (
        procedure.level == Procedure.Level.COMMUNE and agency.level != Agency.Level.COMMUNE
    ):
        raise DossierError(
            _("Thủ tục cấp xã phải nộp tại Ủy ban nhân dân xã, phường."), field="agency"
        )
    if not agency.is_active:
        raise DossierError(_("Cơ quan này không còn hoạt động."), field="agency")
    return agency


def dossier_submit(
    *,
    procedure: Procedure,
    channel: str,
    submitted_by: User,
    applicant: ApplicantData,
    agency: Agency | None = None,
    applicant_user: User | None = None,
    uploads: Sequence[Upload] = (),
    reuse_document_ids: Sequence[int] = (),
    note: str = "",
    idempotency_key: str | None = None,
    fee_paid_at_counter: bool = False,
) -> tuple[Dossier, bool]:
    """Create a dossier; return it and whether it was created (False: idempotent replay).

    Online: by the citizen account itself, with every required document attached or
    reused. Counter and post: by a one-stop officer of the receiving agency (paper
    documents are checked at the desk, scans are optional).
    """
    if channel not in Channel.values:
        raise DossierError(_("Hình thức nộp không hợp lệ."), field="channel")
    key = (idempotency_key or "").strip() or None
    if key is not None and len(key) > 100:
        raise DossierError(_("Idempotency-Key dài quá 100 ký tự."), field="idempotency_key")
    agency = _resolve_agency(procedure, agency)
    # A retried key is answered by the unique (submitted_by, idempotency_key) constraint
    # below (no lookup on the first, usual, attempt); the replay is found after the
    # rollback. Checks that a retry would fail the same way run first anyway.

    if not procedure.is_active:
        raise DossierError(_("Thủ tục này không còn áp dụng."), field="procedure")
    if channel == Channel.ONLINE:
        if procedure.online_level == Procedure.OnlineLevel.INFORMATION:
            raise DossierError(
                _("Thủ tục này chỉ cung cấp thông tin, không nhận hồ sơ trực tuyến."),
                field="procedure",
            )
        if applicant_user is None or applicant_user.pk != submitted_by.pk:
            raise DossierError(_("Hồ sơ trực tuyến phải do chính người nộp gửi."))
    elif Role.ONE_STOP_OFFICER not in user_roles(submitted_by, agency):
        raise DossierForbidden(
            _(
                "Chỉ cán bộ tiếp nhận của %(agency)s được nhập hồ sơ nộp trực tiếp hoặc qua bưu chính."
            )
            % {"agency": agency.name}
        )
    name = " ".join((applicant.full_name or "").split())
    if not name:
        raise DossierError(_("Cần họ và tên người nộp hồ sơ."), field="applicant_name")
    if applicant.citizen_id or channel == Channel.ONLINE:
        error = citizen_id_error(applicant.citizen_id)
        if error:
            raise DossierError(error, field="citizen_id")
    if len(uploads) + len(reuse_document_ids) > MAX_FILES:
        raise DossierError(_("Tối đa %(n)s tệp cho một hồ sơ.") % {"n": MAX_FILES}, field="files")

    required = {d.pk: d for d in procedure.documents.all()}
    infos = []
    for upload in uploads:
        if upload.required_document is not None and upload.required_document.pk not in required:
            raise DossierError(_("Giấy tờ không thuộc thủ tục này."), field="files")
        infos.append(_check_upload(upload))
    reused: list[DossierDocument] = []
    if reuse_document_ids:
        reused = list(
            DossierDocument.objects.filter(
                pk__in=list(reuse_document_ids), dossier__applicant=applicant_user
            ).exclude(kind=DossierDocument.Kind.RESULT)
            if applicant_user is not None
            else []
        )
        if len(reused) != len(set(reuse_document_ids)):
            raise DossierError(
                _("Chỉ dùng lại được giấy tờ của chính bạn trong hồ sơ trước."), field="reuse"
            )
    if channel == Channel.ONLINE:
        covered = {u.required_document.pk for u in uploads if u.required_document is not None}
        covered |= {d.required_document_id for d in reused if d.required_document_id}
        reused_names = {d.name for d in reused}
        missing = [
            d.name
            for d in required.values()
            if d.is_required and d.pk not in covered and d.name not in reused_names
        ]
        if missing:
            raise DossierError(
                _("Thiếu thành phần hồ sơ bắt buộc: %(list)s.") % {"list": "; ".join(missing)},
                field="files",
            )

    # What the request asked for: the same key sent with another procedure, applicant,
    # note or other files is refused (409), not answered with the first dossier.
    fingerprint = _fingerprint(
        procedure.code,
        agency.code,
        channel,
        applicant.citizen_id,
        note.strip(),
        sorted(
            (u.required_document.pk if u.required_document else 0, info.hash)
            for u, info in zip(uploads, infos, strict=True)
        ),
        sorted(d.pk for d in reused),
    )
    try:
        with files_removed_on_error(), transaction.atomic():
            dossier = _create(
                procedure=procedure,
                agency=agency,
                channel=channel,
                submitted_by=submitted_by,
                applicant=applicant,
                applicant_name=name,
                applicant_user=applicant_user,
                uploads=uploads,
                infos=infos,
                reused=reused,
                note=note,
                key=key,
                fingerprint=fingerprint,
                fee_paid_at_counter=fee_paid_at_counter,
            )
    except IntegrityError:
        if key is not None:
            existing = _replay(submitted_by, key, fingerprint)
            if existing is not None:
                return existing, False
        raise
    return dossier, True


def _replay(user: User, key: str, fingerprint: str) -> Dossier | None:
    existing = Dossier.objects.filter(submitted_by=user, idempotency_key=key).first()
    if existing is not None and existing.idempotency_fingerprint != fingerprint:
        raise DossierConflict(
            _("Idempotency-Key này đã được dùng cho hồ sơ %(code)s với nội dung khác.")
            % {"code": existing.code},
            state=existing.state,
            version=existing.version,
        )
    return existing


def _create(
    *,
    procedure: Procedure,
    agency: Agency,
    channel: str,
    submitted_by: User,
    applicant: ApplicantData,
    applicant_name: str,
    applicant_user: User | None,
    uploads: Sequence[Upload],
    infos: list[Any],
    reused: list[DossierDocument],
    note: str,
    key: str | None,
    fingerprint: str,
    fee_paid_at_counter: bool,
) -> Dossier:
    now = timezone.now()
    has_fee = procedure.fee_amount > 0 and procedure.fee_timing != Procedure.FeeTiming.NONE
    fee_status = FeeStatus.UNPAID if has_fee else FeeStatus.NONE
    state = State.SUBMITTED
    resume = ""
    if has_fee and fee_paid_at_counter and channel != Channel.ONLINE:
        fee_status = FeeStatus.PAID
    elif has_fee and procedure.fee_timing == Procedure.FeeTiming.BEFORE_RECEIPT:
        state, resume = State.AWAITING_PAYMENT, State.SUBMITTED
    dossier = Dossier(
        code=dossier_code_next(agency=agency, day=deadlines.local_date(now)),
        procedure=procedure,
        agency=agency,
        current_agency=agency,
        current_role=Role.ONE_STOP_OFFICER,
        channel=channel,
        state=state,
        resume_state=resume,
        applicant=applicant_user,
        applicant_name=applicant_name[:150],
        applicant_citizen_id=applicant.citizen_id,
        applicant_birth_date=applicant.birth_date,
        applicant_gender=applicant.gender[:10],
        applicant_address=applicant.address[:500],
        applicant_phone=(applicant.phone or (applicant_user.phone if applicant_user else ""))[:20],
        applicant_email=applicant.email or (applicant_user.email if applicant_user else ""),
        prefilled=applicant.prefilled,
        note=note.strip()[:5000],
        submitted_by=submitted_by,
        idempotency_key=key,
        idempotency_fingerprint=fingerprint,
        submitted_at=now,
        fee_amount=procedure.fee_amount if has_fee else 0,
        fee_status=fee_status,
        paid_at=now if fee_status == FeeStatus.PAID else None,
    )
    with audit_suppressed():
        dossier.save()
        documents = [
            _store_file(dossier, upload, info, DossierDocument.Kind.APPLICATION, submitted_by)
            for upload, info in zip(uploads, infos, strict=True)
        ]
        for old in reused:
            copy = DossierDocument.objects.create(
                dossier=dossier,
                required_document=old.required_document,
                kind=DossierDocument.Kind.APPLICATION,
                name=old.name,
                file=old.file.name,
                filename=old.filename,
                mimetype=old.mimetype,
                size=old.size,
                sha256=old.sha256,
                reused_from=old.reused_from or old,
                uploaded_by=submitted_by,
            )
            documents.append(copy)
        event = _event(dossier, "submit", "", dossier.state, submitted_by, agency, at=now)
        events = [event]
        if state == State.AWAITING_PAYMENT:
            events.append(_event(dossier, "awaiting_payment", state, state, None, agency, at=now))
    remember_created(dossier, events=events, documents=documents)
    audit_record(
        action="dossier_submit",
        object_type="dossiers.dossier",
        object_id=dossier.code,
        object_repr=dossier.code,
        agency_code=agency.code,
        actor=submitted_by,
        changes={"procedure": procedure.code, "channel": channel, "state": dossier.state},
    )
    _follow_up(dossier, event)
    return dossier


def _store_file(
    dossier: Dossier, upload: Upload, info: Any, kind: str, by: User | None
) -> DossierDocument:
    name = upload.name or (
        upload.required_document.name if upload.required_document else info.filename
    )
    doc = DossierDocument(
        dossier=dossier,
        required_document=upload.required_document,
        kind=kind,
        name=name[:1000],
        filename=info.filename,
        mimetype=info.mimetype,
        size=info.size,
        sha256=info.hash,
        uploaded_by=by,
    )
    upload.file.seek(0)
    doc.file.save(f"{dossier.code}-{info.filename}", upload.file, save=False)
    saved = _saved_files.get()
    if saved is not None:
        saved.append((doc.file.storage, doc.file.name))
    doc.save()
    return doc


def _event(
    dossier: Dossier,
    action: str,
    from_state: str,
    to_state: str,
    actor: User | None,
    agency: Agency | None,
    *,
    note: str = "",
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> DossierEvent:
    return DossierEvent.objects.create(
        at=at or timezone.now(),
        dossier=dossier,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        actor_name=(actor.full_name or actor.username) if actor is not None else _("Hệ thống"),
        agency=agency,
        note=note,
        data=data or {},
        version=dossier.version,
    )


def _follow_up(
    dossier: Dossier,
    event: DossierEvent,
    forms: Sequence[str] = (),
    actor: User | None = None,
) -> None:
    """Issue the forms (PDF) and notify the applicant, in the background, once the
    event's transaction has committed.

    With the database queue the follow-up row is written now, in the event's transaction
    (it cannot be lost between the commit and the enqueue, and it costs no commit of its
    own); another queue (Redis) is given the job after the commit."""
    from tinhso.dossiers import tasks

    dossier_id, event_id, kinds = dossier.pk, event.pk, list(forms)
    actor_id = actor.pk if actor is not None else None
    if tasks.queued_in_the_database():
        tasks.dossier_event_task.enqueue(dossier_id, event_id, kinds, actor_id)
        return
    transaction.on_commit(
        lambda: tasks.schedule(
            dossier_id=dossier_id, event_id=event_id, forms=kinds, actor_id=actor_id
        )
    )


# ---------------------------------------------------------------- actions


def processing_steps(procedure: Procedure, agency: Agency) -> list[dict[str, Any]]:
    """The procedure's processing steps, resolved to agencies (one-stop steps left out:
    receiving and returning are the one-stop desk's own actions)."""
    steps: list[dict[str, Any]] = []
    if "workflow" in getattr(procedure, "_prefetched_objects_cache", {}):
        workflow = list(procedure.workflow.all())  # kept with the procedure
    else:
        workflow = list(procedure.workflow.select_related("agency").all())
    for s in workflow:
        if s.role in (Role.ONE_STOP_OFFICER, Role.CITIZEN):
            continue
        if s.agency_scope == WorkflowStep.AgencyScope.PARENT:
            target = agency.parent or agency
        elif s.agency_scope == WorkflowStep.AgencyScope.SPECIFIC and s.agency is not None:
            target = s.agency
        else:
            target = agency
        steps.append(
            {
                "name": s.name,
                "role": s.role,
                "agency_id": target.pk,
                "agency_code": target.code,
                "working_days": str(s.working_days),
            }
        )
    if not steps:
        steps = [
            {
                "name": str(_("Thẩm định, xử lý hồ sơ")),
                "role": Role.SPECIALIST,
                "agency_id": agency.pk,
                "agency_code": agency.code,
                "working_days": "0",
            },
            {
                "name": str(_("Phê duyệt kết quả")),
                "role": Role.LEADER,
                "agency_id": agency.pk,
                "agency_code": agency.code,
                "working_days": "0",
            },
        ]
    return steps


_UPDATABLE = (
    "state",
    "resume_state",
    "current_agency_id",
    "current_role",
    "step_index",
    "steps",
    "received_at",
    "received_by_id",
    "due_date",
    "original_due_date",
    "apology_due_date",
    "apologized_at",
    "paused_since",
    "paused_working_days",
    "finished_at",
    "returned_at",
    "closed_at",
    "timeliness",
    "fee_status",
    "paid_online",
    "paid_at",
    "payment_reference",
)


def _conflict_out_of_order(dossier: Dossier, action: str) -> DossierConflict:
    return DossierConflict(
        _("Không thể “%(action)s” hồ sơ %(code)s ở trạng thái hiện tại: %(state)s.")
        % {
            "action": ACTIONS[action].label,
            "code": dossier.code,
            "state": State(dossier.state).label,
        },
        state=dossier.state,
        version=dossier.version,
    )


def _conflict_stale(dossier: Dossier) -> DossierConflict:
    return DossierConflict(
        _(
            "Hồ sơ %(code)s vừa được người khác cập nhật (phiên bản %(version)s); "
            "trạng thái hiện tại: %(state)s. Hãy tải lại và thử lại."
        )
        % {"code": dossier.code, "version": dossier.version, "state": State(dossier.state).label},
        state=dossier.state,
        version=dossier.version,
    )


def dossier_act(
    *,
    dossier: Dossier,
    action: str,
    actor: User | None,
    note: str = "",
    expected_version: int | None = None,
    new_due_date: dt.date | None = None,
    target_agency: Agency | None = None,
    payment_reference: str = "",
    paid_online: bool = False,
    uploads: Sequence[Upload] = (),
    now: dt.datetime | None = None,
) -> Dossier:
    """Apply ``action`` to ``dossier`` as ``actor`` (None: the platform itself).

    ``dossier`` may be an unsaved ``Dossier(code=…)``: the row is then found by its code.
    """
    spec = ACTIONS.get(action)
    if spec is None:
        raise DossierError(
            _("Thao tác “%(action)s” không tồn tại. Các thao tác: %(list)s.")
            % {"action": action, "list": ", ".join(ACTIONS)},
            field="action",
        )
    note = (note or "").strip()
    if spec.needs_note and not note:
        raise DossierError(
            _("Cần ghi rõ lý do khi “%(action)s”.") % {"action": spec.label}, field="note"
        )
    infos = [_check_upload(u) for u in uploads]
    with files_removed_on_error(), transaction.atomic():
        try:
            # Lock the dossier row only (not the joined agency and procedure rows, which
            # every action of the agency would otherwise queue on).
            d = (
                Dossier.objects.select_for_update(of=("self",))
                .select_related("agency", "current_agency", "procedure")
                .get(**({"pk": dossier.pk} if dossier.pk is not None else {"code": dossier.code}))
            )
        except Dossier.DoesNotExist:
            raise DossierNotFound(_("Không tìm thấy hồ sơ.")) from None
        if actor is not None and not dossier_visible_to(actor, d):
            raise DossierNotFound(_("Không tìm thấy hồ sơ."))
        if expected_version is not None and d.version != expected_version:
            raise _conflict_stale(d)
        if d.state not in spec.from_states:
            raise _conflict_out_of_order(d, action)
        kinds = actor_kinds(actor, d)
        if not kinds & spec.actors:
            raise DossierForbidden(
                _("Bạn không có quyền “%(action)s” hồ sơ này.") % {"action": spec.label}
            )
        read_version = d.version
        from_state = d.state
        moment = now or timezone.now()
        calendar = WorkingCalendar.load()
        extra: dict[str, Any] = {}
        forms: list[str] = []
        followups: list[tuple[str, str]] = []

        if action == "receive":
            d.state = State.RECEIVED
            d.received_at = moment
            d.received_by = actor
            # The workflow as this process keeps it (no query when warm, as under load).
            kept = procedure_for_dossiers(d.procedure.code)
            d.steps = processing_steps(kept if kept is not None else d.procedure, d.agency)
            d.step_index = 0
            _enter_step(d)
            d.due_date = deadlines.due_date_at_receipt(
                calendar, moment, d.procedure.processing_days
            )
            d.original_due_date = d.due_date
            forms = ["receipt", "control"]
            extra = {"due_date": d.due_date.isoformat()}
        elif action == "request_additions":
            d.resume_state = d.state
            d.state = State.ADDITIONS_REQUESTED
            if d.received_at is not None:
                d.paused_since = moment
            forms = ["additions"]
        elif action in ("supply_additions", "resume"):
            _resume(d, calendar, moment)
            extra = {"due_date": d.due_date.isoformat() if d.due_date else None}
        elif action == "refuse":
            d.state = State.REFUSED
            d.closed_at = moment
            d.current_role = ""
            forms = ["refusal"]
        elif action == "forward":
            extra = {"step": d.steps[d.step_index]["name"] if d.steps else ""}
            if d.step_index + 1 < len(d.steps):
                d.step_index += 1
                d.state = State.PROCESSING
                _enter_step(d)
            else:
                d.finished_at = moment
                d.timeliness = deadlines.classify(moment, d.due_date)
                d.current_agency = d.agency
                d.current_role = Role.ONE_STOP_OFFICER
                if (
                    d.fee_status == FeeStatus.UNPAID
                    and d.procedure.fee_timing == Procedure.FeeTiming.BEFORE_RESULT
                ):
                    d.state = State.AWAITING_PAYMENT
                    d.resume_state = State.RESULT_READY
                    followups.append(("awaiting_payment", State.AWAITING_PAYMENT))
                else:
                    d.state = State.RESULT_READY
                    followups.append(("result_ready", State.RESULT_READY))
                extra["timeliness"] = d.timeliness
        elif action == "transfer":
            if target_agency is None:
                raise DossierError(_("Cần chọn cơ quan nhận hồ sơ chuyển đến."), field="agency")
            if not target_agency.is_active or target_agency.pk == d.current_agency_id:
                raise DossierError(_("Không thể chuyển hồ sơ đến cơ quan này."), field="agency")
            extra = {"from": d.current_agency.code, "to": target_agency.code}
            d.current_agency = target_agency
            d.state = State.PROCESSING
        elif action == "pause":
            d.resume_state = d.state
            d.state = State.PAUSED
            d.paused_since = moment
        elif action == "stop":
            d.state = State.STOPPED
            d.closed_at = moment
            d.paused_since = None
            d.current_role = ""
            forms = ["stop"]
        elif action == "withdraw":
            d.state = State.WITHDRAWN
            d.closed_at = moment
            d.paused_since = None
            d.current_role = ""
        elif action == "apologize":
            if d.apologized_at is not None:
                raise DossierConflict(
                    _("Hồ sơ %(code)s đã có thư xin lỗi ngày %(date)s; chỉ được xin lỗi một lần.")
                    % {"code": d.code, "date": f"{timezone.localtime(d.apologized_at):%d/%m/%Y}"},
                    state=d.state,
                    version=d.version,
                )
            if d.due_date is None:
                raise _conflict_out_of_order(d, action)
            if new_due_date is None:
                raise DossierError(_("Cần hẹn ngày trả kết quả mới."), field="new_due_date")
            today = deadlines.local_date(moment)
            if new_due_date <= d.due_date or new_due_date < today:
                raise DossierError(
                    _("Ngày hẹn mới phải sau ngày hẹn hiện tại (%(date)s).")
                    % {"date": f"{d.due_date:%d/%m/%Y}"},
                    field="new_due_date",
                )
            if not calendar.is_working_day(new_due_date):
                raise DossierError(
                    _("Ngày hẹn mới %(date)s không phải ngày làm việc.")
                    % {"date": f"{new_due_date:%d/%m/%Y}"},
                    field="new_due_date",
                )
            d.apology_due_date = new_due_date
            d.apologized_at = moment
            forms = ["apology"]
            extra = {"new_due_date": new_due_date.isoformat()}
        elif action == "confirm_payment":
            d.fee_status = FeeStatus.PAID
            d.paid_at = moment
            d.paid_online = paid_online
            d.payment_reference = payment_reference[:100]
            _resume(d, calendar, moment)
            if d.state == State.RESULT_READY:
                followups.append(("result_ready", State.RESULT_READY))
        elif action == "return_result":
            d.state = State.RETURNED
            d.returned_at = moment
            d.closed_at = moment
            d.current_role = ""

        d.version = read_version + 1
        updated = Dossier.objects.filter(pk=d.pk, version=read_version).update(
            version=d.version, **{f: getattr(d, f) for f in _UPDATABLE}
        )
        if updated != 1:  # pragma: no cover - the row lock makes this unreachable on PostgreSQL
            fresh = Dossier.objects.get(pk=d.pk)
            raise _conflict_stale(fresh)
        agency = d.current_agency if action != "transfer" else target_agency
        with audit_suppressed():
            if uploads:
                kind = (
                    DossierDocument.Kind.ADDITION
                    if action == "supply_additions"
                    else DossierDocument.Kind.RESULT
                )
                for upload, info in zip(uploads, infos, strict=True):
                    _store_file(d, upload, info, kind, actor)
            event = _event(
                d, action, from_state, d.state, actor, agency, note=note, data=extra, at=moment
            )
            for name, state in followups:
                _event(d, name, state, state, None, d.agency, at=moment)
        audit_record(
            action=f"dossier_{action}",
            object_type="dossiers.dossier",
            object_id=d.code,
            object_repr=d.code,
            agency_code=d.agency.code,
            actor=actor,
            changes={"from": from_state, "to": d.state, "note": note, **extra},
        )
        _follow_up(d, event, forms, actor)
    return d


def _enter_step(d: Dossier) -> None:
    step = d.steps[d.step_index]
    if step["agency_id"] == d.agency_id:
        d.current_agency = d.agency
    elif step["agency_id"] != d.current_agency_id:
        d.current_agency = Agency.objects.get(pk=step["agency_id"])
    d.current_role = step["role"]


def _resume(d: Dossier, calendar: WorkingCalendar, moment: dt.datetime) -> None:
    d.state = d.resume_state or State.SUBMITTED
    d.resume_state = ""
    if d.paused_since is not None:
        days = deadlines.paused_days(calendar, d.paused_since, moment)
        d.paused_working_days += days
        if d.due_date is not None:
            d.due_date = deadlines.extend(calendar, d.due_date, days)
        d.paused_since = None


# ---------------------------------------------------------------- applicant-side


@transaction.atomic
def dossier_rate(*, dossier: Dossier, user: User, rating: int, comment: str = "") -> Dossier:
    d = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if d.applicant_id != user.pk:
        raise DossierNotFound(_("Không tìm thấy hồ sơ."))
    if d.state not in (State.RESULT_READY, State.RETURNED):
        raise DossierConflict(
            _("Chỉ đánh giá được khi hồ sơ đã có kết quả; trạng thái hiện tại: %(state)s.")
            % {"state": State(d.state).label},
            state=d.state,
            version=d.version,
        )
    if d.rating is not None:
        raise DossierConflict(_("Bạn đã đánh giá hồ sơ này."), state=d.state, version=d.version)
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DossierError(_("Mức hài lòng phải từ 1 đến 5."), field="rating")
    d.rating = rating
    d.rating_comment = (comment or "").strip()[:2000]
    d.rated_at = timezone.now()
    with audit_suppressed():
        d.save(update_fields=["rating", "rating_comment", "rated_at"])
        _event(d, "rate", d.state, d.state, user, None, data={"rating": rating})
    audit_record(
        action="dossier_rate",
        object_type="dossiers.dossier",
        object_id=d.code,
        agency_code=d.agency.code,
        actor=user,
        changes={"rating": rating},
    )
    return d


def form_store(*, dossier: Dossier, kind: str, content: bytes, by: User | None = None) -> Any:
    """Keep an issued PDF with the dossier."""
    from tinhso.dossiers.models import IssuedForm

    form = IssuedForm(
        dossier=dossier,
        kind=kind,
        sha256=hashlib.sha256(content).hexdigest(),
        created_by=by,
    )
    with audit_suppressed():
        form.file.save(f"{dossier.code}-{kind}.pdf", ContentFile(content), save=False)
        form.save()
    return form
