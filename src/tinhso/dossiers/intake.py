"""Counter and post intake: a one-stop officer enters a paper dossier and receives it at once.

* :func:`intake_applicant_lookup` asks the population registry for the applicant (the
  look-up is written to the personal-data access log with the purpose "tiếp nhận hồ sơ
  tại bộ phận một cửa" and the officer as the one who looked);
* :func:`intake_applicant_sign` / :func:`intake_applicant_unsign` carry the registry's
  answer through the form in a signed field, so the name, date of birth and address the
  registry gave cannot be altered in the browser and the registry is not asked twice;
* :func:`dossier_intake` creates the dossier with :func:`~tinhso.dossiers.services.dossier_submit`
  (channel counter or post) and receives it with
  :func:`~tinhso.dossiers.services.dossier_act` in one transaction: either both happen or
  nothing is stored. The same idempotency key returns the same dossier.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from typing import Any

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.models import Agency, Membership, Role, User
from tinhso.core.services import DomainError
from tinhso.dossiers import prefill
from tinhso.dossiers.models import Channel, Dossier, DossierEvent, State
from tinhso.dossiers.prefill import ApplicantData, RegistryUnavailable
from tinhso.dossiers.services import (
    DossierError,
    DossierForbidden,
    Upload,
    dossier_act,
    dossier_submit,
    files_removed_on_error,
)
from tinhso.dossiers.validators import citizen_id_error
from tinhso.procedures.models import Procedure, RequiredDocument

INTAKE_CHANNELS = (Channel.COUNTER, Channel.POST)
POSTAL_ITEM = re.compile(r"^[A-Z0-9][A-Z0-9-]{3,29}$")
# A postal item older than this is most likely a typing mistake in the date.
POSTAL_MAX_AGE_DAYS = 90
SIGNED_MAX_AGE_SECONDS = 4 * 3600
_SALT = "tinhso.dossiers.intake.applicant"


def intake_agencies(user: Any) -> list[Agency]:
    """Agencies in which ``user`` is a one-stop officer (their own memberships, active)."""
    if not getattr(user, "is_authenticated", False):
        return []
    ids = Membership.objects.filter(user=user, role=Role.ONE_STOP_OFFICER).values("agency_id")
    return list(Agency.objects.filter(pk__in=ids, is_active=True).order_by("name"))


def has_fee(procedure: Procedure) -> bool:
    """Whether a dossier of ``procedure`` carries a fee (same rule as the submission)."""
    return procedure.fee_amount > 0 and procedure.fee_timing != Procedure.FeeTiming.NONE


# ---------------------------------------------------------------- registry look-up


def intake_applicant_lookup(*, officer: User, citizen_id: str) -> ApplicantData | None:
    """The registry's data for ``citizen_id`` (prefilled), or None when it does not know them.

    Raises :class:`DossierError` for a malformed number (nothing is asked) and
    :class:`RegistryUnavailable` when the registry cannot answer.
    """
    number = (citizen_id or "").strip()
    error = citizen_id_error(number)
    if error:
        raise DossierError(error, field="citizen_id")
    if prefill.lookup_override is not None:
        person = prefill.lookup_override(number)
    else:
        try:
            from tinhso.identity.models import PersonalDataAccess
            from tinhso.identity.registry import RegistryUnavailable as IdentityUnavailable
            from tinhso.identity.registry import get_registry
        except ImportError:  # pragma: no cover - the identity app is always installed here
            raise RegistryUnavailable(
                _("Chưa kết nối được Cơ sở dữ liệu quốc gia về dân cư; vui lòng thử lại sau.")
            ) from None
        try:
            person = get_registry().lookup(
                number, purpose=PersonalDataAccess.Purpose.COUNTER_INTAKE, actor=officer
            )
        except IdentityUnavailable as exc:
            raise RegistryUnavailable(exc.message) from None
    if person is None:
        return None
    applicant = prefill.applicant_from_person(person)
    return replace(applicant, gender=applicant.gender.capitalize())


def intake_applicant_sign(applicant: ApplicantData) -> str:
    data = asdict(applicant)
    data["birth_date"] = applicant.birth_date.isoformat() if applicant.birth_date else ""
    return signing.dumps(data, salt=_SALT, compress=True)


def intake_applicant_unsign(token: str, *, citizen_id: str) -> ApplicantData | None:
    """The registry data signed by :func:`intake_applicant_sign`, if intact, recent and for
    ``citizen_id``; None otherwise."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=_SALT, max_age=SIGNED_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("citizen_id") != (citizen_id or "").strip():
        return None
    try:
        birth = dt.date.fromisoformat(data["birth_date"]) if data.get("birth_date") else None
        return ApplicantData(**{**data, "birth_date": birth, "prefilled": True})
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------- intake


@dataclass(frozen=True)
class PostalItem:
    number: str
    received_on: dt.date


def postal_item_check(number: str, received_on: dt.date | None, *, today: dt.date) -> PostalItem:
    """The postal item, normalised, or :class:`DossierError` saying what is wrong."""
    text = re.sub(r"\s+", "", number or "").upper()
    if not text:
        raise DossierError(_("Cần nhập số hiệu bưu gửi."), field="postal_item")
    if not POSTAL_ITEM.match(text):
        raise DossierError(
            _("Số hiệu bưu gửi chỉ gồm chữ cái không dấu, chữ số và dấu gạch ngang (4–30 ký tự)."),
            field="postal_item",
        )
    if received_on is None:
        raise DossierError(_("Cần nhập ngày nhận bưu gửi."), field="postal_received_on")
    if received_on > today:
        raise DossierError(
            _("Ngày nhận bưu gửi không được sau hôm nay."), field="postal_received_on"
        )
    if (today - received_on).days > POSTAL_MAX_AGE_DAYS:
        raise DossierError(
            _("Ngày nhận bưu gửi cách hôm nay quá %(n)s ngày; hãy kiểm tra lại.")
            % {"n": POSTAL_MAX_AGE_DAYS},
            field="postal_received_on",
        )
    return PostalItem(number=text, received_on=received_on)


def _receipt_note(
    *,
    channel: str,
    postal: PostalItem | None,
    received: Sequence[RequiredDocument],
    uploads: Sequence[Upload],
    fee_paid: bool,
    fee_amount: Decimal,
) -> str:
    """What the officer received, kept as the note of the ``receive`` event."""
    parts = []
    if channel == Channel.POST and postal is not None:
        parts.append(
            _("Nhận qua dịch vụ bưu chính: bưu gửi số %(number)s, nhận ngày %(date)s.")
            % {"number": postal.number, "date": f"{postal.received_on:%d/%m/%Y}"}
        )
    else:
        parts.append(_("Nhận trực tiếp tại Bộ phận một cửa."))
    scanned = {u.required_document.pk for u in uploads if u.required_document is not None}
    names = [
        d.name + (" " + _("(có bản quét)") if d.pk in scanned else "")
        for d in sorted(received, key=lambda d: (d.position, d.pk))
    ]
    if names:
        parts.append(_("Thành phần đã nhận: %(list)s.") % {"list": "; ".join(names)})
    if fee_paid and fee_amount:
        parts.append(
            _("Đã thu phí, lệ phí tại quầy: %(amount)s đồng.")
            % {"amount": f"{int(fee_amount):,}".replace(",", ".")}
        )
    return " ".join(parts)


def dossier_intake(
    *,
    officer: User,
    procedure: Procedure,
    agency: Agency,
    channel: str,
    applicant: ApplicantData,
    received_documents: Sequence[RequiredDocument] = (),
    uploads: Sequence[Upload] = (),
    fee_paid: bool = False,
    postal_item: str = "",
    postal_received_on: dt.date | None = None,
    note: str = "",
    idempotency_key: str | None = None,
) -> tuple[Dossier, bool]:
    """Create a counter or post dossier and receive it, in one transaction.

    Returns the dossier (received, with its due date) and whether it was created now
    (False: the same idempotency key was used before, nothing new was written).
    """
    if channel not in INTAKE_CHANNELS:
        raise DossierError(
            _("Hình thức nộp phải là trực tiếp hoặc qua dịch vụ bưu chính."), field="channel"
        )
    if agency not in intake_agencies(officer):
        raise DossierForbidden(
            _("Bạn không phải cán bộ tiếp nhận của %(agency)s.") % {"agency": agency.name}
        )
    if not procedure.is_active:
        raise DossierError(_("Thủ tục này không còn áp dụng."), field="procedure")
    today = timezone.localdate()
    postal = (
        postal_item_check(postal_item, postal_received_on, today=today)
        if channel == Channel.POST
        else None
    )
    documents = {d.pk: d for d in procedure.documents.all()}
    received = {d.pk: d for d in received_documents}
    if any(pk not in documents for pk in received):
        raise DossierError(_("Giấy tờ không thuộc thủ tục này."), field="documents")
    for upload in uploads:
        doc = upload.required_document
        if doc is not None and doc.pk in documents:
            received.setdefault(doc.pk, documents[doc.pk])
    missing = [d.name for d in documents.values() if d.is_required and d.pk not in received]
    if missing:
        raise DossierError(
            _("Thiếu thành phần hồ sơ bắt buộc: %(list)s.") % {"list": "; ".join(missing)},
            field="documents",
        )
    fee = has_fee(procedure)
    if fee and procedure.fee_timing == Procedure.FeeTiming.BEFORE_RECEIPT and not fee_paid:
        raise DossierError(
            _(
                "Thủ tục này phải nộp phí, lệ phí %(amount)s đồng trước khi tiếp nhận: "
                "hãy thu phí và đánh dấu “Đã nộp phí, lệ phí tại quầy”."
            )
            % {"amount": f"{int(procedure.fee_amount):,}".replace(",", ".")},
            field="fee_paid",
        )
    applicant_user = None
    if applicant.citizen_id and applicant.prefilled:
        # Only a number the registry confirmed: a mistyped number entered by hand must not
        # show this applicant's dossier to someone else's account.
        applicant_user = User.objects.filter(citizen_id=applicant.citizen_id).first()
    receipt_note = _receipt_note(
        channel=channel,
        postal=postal,
        received=list(received.values()),
        uploads=uploads,
        fee_paid=fee_paid and fee,
        fee_amount=procedure.fee_amount,
    )
    with files_removed_on_error(), transaction.atomic():
        dossier, created = dossier_submit(
            procedure=procedure,
            agency=agency,
            channel=channel,
            submitted_by=officer,
            applicant_user=applicant_user,
            applicant=applicant,
            uploads=uploads,
            note=note,
            idempotency_key=idempotency_key,
            fee_paid_at_counter=fee_paid and fee,
        )
        if not created:
            return dossier, False
        if dossier.state != State.SUBMITTED:
            # Unreachable with the checks above (fees before receipt are paid here);
            # refuse rather than leave a dossier that was entered but not received.
            raise DomainError(
                _("Không thể tiếp nhận hồ sơ ở trạng thái %(state)s.")
                % {"state": State(dossier.state).label}
            )
        dossier = dossier_act(dossier=dossier, action="receive", actor=officer, note=receipt_note)
        _record_checklist(
            dossier,
            received=sorted(received),
            postal=postal,
            fee_paid=fee_paid and fee,
        )
    return dossier, True


def _record_checklist(
    dossier: Dossier, *, received: list[int], postal: PostalItem | None, fee_paid: bool
) -> None:
    """Keep what was received on paper with the ``receive`` event, in structured form
    (the receipt slip lists these documents)."""
    event = dossier.events.filter(action="receive").order_by("-at", "-id").first()
    if event is None:  # pragma: no cover - dossier_act always records the event
        return
    data = dict(event.data or {})
    data["paper_documents"] = received
    if postal is not None:
        data["postal_item"] = postal.number
        data["postal_received_on"] = postal.received_on.isoformat()
    if fee_paid:
        data["fee_paid_at_counter"] = True
    DossierEvent.objects.filter(pk=event.pk).update(data=data)


def paper_documents(dossier: Dossier) -> list[int] | None:
    """Ids of the required documents received on paper at intake (None: not a counter or
    post intake, or entered before the checklist was recorded)."""
    if dossier.channel == Channel.ONLINE:
        return None
    event = dossier.events.filter(action="receive").order_by("-at", "-id").first()
    if event is None or "paper_documents" not in (event.data or {}):
        return None
    return [int(pk) for pk in event.data["paper_documents"]]
