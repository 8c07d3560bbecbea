"""Pages: online submission, citizen's dossiers, officer workspace, public tracking, stats."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tinhso.core.models import Agency, Membership, Role
from tinhso.core.selectors import agencies_for_user
from tinhso.core.services import DomainError
from tinhso.core.text import sort_key_vi
from tinhso.dossiers import charts, selectors
from tinhso.dossiers.intake import (
    INTAKE_CHANNELS,
    dossier_intake,
    intake_agencies,
    intake_applicant_lookup,
    intake_applicant_sign,
    intake_applicant_unsign,
)
from tinhso.dossiers.intake import has_fee as intake_has_fee
from tinhso.dossiers.models import Channel, Dossier, DossierDocument, FeeStatus, IssuedForm, State
from tinhso.dossiers.pdf.forms import render_tracking_book, tracking_book_xlsx
from tinhso.dossiers.pdf.issue import form_available, form_latest_or_issue
from tinhso.dossiers.prefill import ApplicantData, RegistryUnavailable, applicant_from_registry
from tinhso.dossiers.services import (
    DossierConflict,
    DossierForbidden,
    DossierNotFound,
    Upload,
    allowed_actions,
    dossier_act,
    dossier_rate,
    dossier_submit,
)
from tinhso.dossiers.validators import (
    citizen_id_error,
    code_is_plausible,
    new_due_date_error,
    nfc,
    text_error,
)
from tinhso.dossiers.workflow import ACTIONS, action_label
from tinhso.procedures.models import Procedure

# A database id typed in a form: ASCII digits that fit a 64-bit integer ("²".isdigit() is
# true and int("²") fails; 30 digits overflow the database's integer).
_ROW_ID = re.compile(r"^[0-9]{1,18}$")


def _printable(value: str) -> str:
    """A query parameter without control characters or lone surrogates (PostgreSQL refuses
    NUL in a query; a search for them finds nothing anyway), in composed Unicode."""
    return "".join(c for c in nfc(value) if c.isprintable() and not 0xD800 <= ord(c) <= 0xDFFF)


OFFICER_ROLES = (Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER, Role.CLERK)
QUEUE_LABELS = {
    "to_receive": gettext_lazy("Chờ tiếp nhận"),
    "to_process": gettext_lazy("Chờ xử lý"),
    "to_approve": gettext_lazy("Chờ phê duyệt"),
    "to_return": gettext_lazy("Chờ trả kết quả"),
    "due_soon": gettext_lazy("Sắp đến hạn"),
    "overdue": gettext_lazy("Quá hạn"),
    "all": gettext_lazy("Tất cả"),
}


def _is_officer(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and Membership.objects.filter(user=user, role__in=OFFICER_ROLES).exists()
    )


def home(request: HttpRequest) -> HttpResponse:
    if _is_officer(request.user):
        return redirect("dossiers:workspace")
    if request.user.is_authenticated:
        return redirect("dossiers:mine")
    return render(request, "dossiers/home.html", {})


# ---------------------------------------------------------------- public tracking


def track(request: HttpRequest, code: str = "") -> HttpResponse:
    code = (code or request.GET.get("ma", "")).strip()[:60]
    info = selectors.tracking_info(code=code) if code and code_is_plausible(code) else None
    if code and not code_is_plausible(code):
        code = "".join(c for c in code if c.isprintable())
    status = 404 if code and info is None else 200
    return render(request, "dossiers/track.html", {"code": code, "info": info}, status=status)


# ---------------------------------------------------------------- citizen


def _registry_applicant(user: Any) -> tuple[ApplicantData | None, str]:
    if not user.citizen_id:
        return None, _(
            "Tài khoản của bạn chưa có số định danh cá nhân đã xác thực; "
            "hãy xác thực định danh để nộp hồ sơ trực tuyến."
        )
    error = citizen_id_error(user.citizen_id)
    if error:
        return None, error
    try:
        found = applicant_from_registry(user.citizen_id)
    except (RegistryUnavailable, DomainError) as exc:
        return None, exc.message
    if found is None:
        return None, _("Không tìm thấy số định danh của bạn trong Cơ sở dữ liệu dân cư.")
    return (
        ApplicantData(**{**found.__dict__, "phone": user.phone or "", "email": user.email or ""}),
        "",
    )


def _agency_choices(procedure: Procedure) -> list[Agency]:
    """The agencies an online dossier may go to, in Vietnamese alphabetical order (the
    database orders by code point: "Xã Hà Long" after "Xã Hoằng Tiến", "Phường Đ…" after
    "Phường T…")."""
    agencies = list(procedure.agencies.filter(is_active=True).order_by("name"))
    if not agencies:
        level = Agency.Level.COMMUNE if procedure.level == Procedure.Level.COMMUNE else None
        qs = Agency.objects.filter(is_active=True)
        if level:
            qs = qs.filter(level=level)
        agencies = list(qs.order_by("name")[:500])
    return sorted(agencies, key=lambda a: sort_key_vi(a.name))


@login_required
def submit(request: HttpRequest, procedure_code: str) -> HttpResponse:
    procedure = get_object_or_404(Procedure, code=procedure_code, is_active=True)
    user: Any = request.user
    applicant, problem = _registry_applicant(user)
    agencies = _agency_choices(procedure)
    default_agency = None
    if applicant and applicant.commune_code:
        default_agency = next(
            (a for a in agencies if a.admin_unit and a.admin_unit.code == applicant.commune_code),
            None,
        )
    documents = list(procedure.documents.all())
    reusable = selectors.reusable_documents(user=user)
    errors: list[str] = []
    fresh_key = False
    if request.method == "POST" and applicant is not None:
        agency = None
        agency_code = request.POST.get("agency", "")
        if agency_code:
            agency = next((a for a in agencies if a.code == agency_code), None)
        elif len(agencies) == 1:
            agency = agencies[0]
        uploads = []
        reuse_ids: list[int] = []
        for doc in documents:
            for f in request.FILES.getlist(f"doc-{doc.pk}"):
                uploads.append(Upload(file=f, required_document=doc))
            reuse = request.POST.get(f"reuse-{doc.pk}", "").strip()
            if _ROW_ID.match(reuse):
                reuse_ids.append(int(reuse))
            elif reuse:
                errors.append(
                    _("Giấy tờ chọn dùng lại cho “%(name)s” không hợp lệ.") % {"name": doc.name}
                )
        for f in request.FILES.getlist("other"):
            uploads.append(Upload(file=f, name=_("Giấy tờ khác")))
        typed = {
            "note": (request.POST.get("note", ""), _("Ghi chú")),
            "phone": (request.POST.get("phone", applicant.phone), _("Số điện thoại")),
            "email": (request.POST.get("email", applicant.email), _("Thư điện tử")),
        }
        errors += [e for value, label in typed.values() if (e := text_error(value, label=label))]
        try:
            if errors:
                raise DomainError(errors.pop(), field="form")
            if agency is None and len(agencies) != 1:
                raise DomainError(_("Cần chọn cơ quan tiếp nhận hồ sơ."), field="agency")
            dossier, _created = dossier_submit(
                procedure=procedure,
                agency=agency,
                channel=Channel.ONLINE,
                submitted_by=user,
                applicant_user=user,
                applicant=ApplicantData(
                    **{
                        **applicant.__dict__,
                        "phone": nfc(typed["phone"][0]).strip()[:20],
                        "email": nfc(typed["email"][0]).strip()[:254],
                    }
                ),
                uploads=uploads,
                reuse_document_ids=reuse_ids,
                note=nfc(typed["note"][0]),
                idempotency_key=request.POST.get("idempotency_key") or None,
            )
        except DossierConflict:
            # The form's key already submitted a dossier with other files or another note
            # (the page was reused after a successful submission): a fresh form key.
            errors.append(
                _(
                    "Biểu mẫu này đã được dùng để nộp một hồ sơ khác. Hãy kiểm tra lại "
                    "thông tin và bấm “Nộp hồ sơ” lần nữa."
                )
            )
            fresh_key = True
        except DomainError as exc:
            errors.append(exc.message)
        else:
            if dossier.state == State.AWAITING_PAYMENT:
                # The fee comes first: nothing will be received before it is paid.
                message = _(
                    "Đã nộp hồ sơ %(code)s. Hồ sơ sẽ được tiếp nhận sau khi bạn nộp phí, lệ phí."
                )
            else:
                message = _("Đã nộp hồ sơ %(code)s. Bạn sẽ được báo khi hồ sơ được tiếp nhận.")
            messages.success(request, message % {"code": dossier.code})
            return redirect("dossiers:detail", code=dossier.code)
    import uuid

    return render(
        request,
        "dossiers/submit.html",
        {
            "procedure": procedure,
            "applicant": applicant,
            "problem": problem,
            "agencies": agencies,
            "default_agency": default_agency,
            "documents": documents,
            "reusable": reusable,
            "errors": errors,
            "idempotency_key": (None if fresh_key else request.POST.get("idempotency_key"))
            or uuid.uuid4().hex,
        },
        status=422 if errors else 200,
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.citizen_dossiers(user=request.user), 20).get_page(
        request.GET.get("trang")
    )
    from tinhso.dossiers.models import Notification

    user: Any = request.user
    notes = Notification.objects.filter(
        user=user, channel=Notification.Channel.IN_APP
    ).select_related("dossier")[:10]
    todo = list(
        Dossier.objects.filter(
            applicant=user,
            state__in=[State.ADDITIONS_REQUESTED, State.AWAITING_PAYMENT, State.RESULT_READY],
        )
        .select_related("procedure")
        .order_by("-submitted_at", "-id")[:20]
    )
    return render(
        request, "dossiers/mine.html", {"page": page, "notifications": notes, "todo": todo}
    )


# ---------------------------------------------------------------- detail and actions


def _dossier_or_404(request: HttpRequest, code: str) -> Dossier:
    if not code_is_plausible(code):
        raise Http404(_("Không tìm thấy hồ sơ."))
    dossier = selectors.dossier_get_for_user(code=code, user=request.user)
    if dossier is None:
        raise Http404(_("Không tìm thấy hồ sơ."))
    return dossier


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _dossier_or_404(request, code)
    user: Any = request.user
    is_officer = selectors.dossiers_visible_to(user).filter(pk=dossier.pk).exists()
    actions = [ACTIONS[a] for a in allowed_actions(user, dossier)]
    forms = [
        (kind, label) for kind, label in IssuedForm.Kind.choices if form_available(dossier, kind)
    ]
    transfer_targets = (
        Agency.objects.filter(is_active=True).exclude(pk=dossier.current_agency_id).order_by("path")
        if any(a.name == "transfer" for a in actions)
        else []
    )
    is_applicant = dossier.applicant_id == user.pk
    can_pay = (
        is_applicant
        and dossier.state == State.AWAITING_PAYMENT
        and dossier.fee_status == FeeStatus.UNPAID
    )
    documents = list(dossier.documents.all())
    return render(
        request,
        "dossiers/detail.html",
        {
            "dossier": dossier,
            "is_officer": is_officer,
            "is_applicant": is_applicant,
            "actions": actions,
            "history": _history_rows(dossier) if is_officer else [],
            "timeline": selectors.timeline(dossier),
            "documents": documents,
            "result_documents": [d for d in documents if d.kind == DossierDocument.Kind.RESULT],
            "additions_request": _additions_request(dossier)
            if dossier.state == State.ADDITIONS_REQUESTED
            else None,
            "paid_payments": _paid_payments(dossier) if is_applicant or is_officer else [],
            "forms": forms,
            "transfer_targets": transfer_targets,
            "can_pay": can_pay,
            "can_rate": dossier.applicant_id == user.pk
            and dossier.state in (State.RESULT_READY, State.RETURNED)
            and dossier.rating is None,
        },
    )


def _history_rows(dossier: Dossier) -> list[dict[str, Any]]:
    """The officers' history with readable action and state names (not internal codes)."""
    states = dict(State.choices)
    return [
        {
            "at": e.at,
            "action": action_label(e.action),
            "actor_name": e.actor_name,
            "agency": e.agency,
            "to_state": str(states.get(e.to_state, e.to_state)),
            "note": e.note,
        }
        for e in selectors.history(dossier)
    ]


def _additions_request(dossier: Dossier) -> dict[str, Any] | None:
    """What the agency asked the applicant to add (the latest request), for the call to act."""
    event = dossier.events.filter(action="request_additions").order_by("-at", "-id").first()
    if event is None:
        return None
    return {"at": event.at, "note": event.note}


def _paid_payments(dossier: Dossier) -> list[Any]:
    """The dossier's paid fees, each with an e-receipt (payments app, when installed)."""
    try:
        from tinhso.payments.models import Payment
    except ImportError:  # pragma: no cover - deployments without online payments
        return []
    from tinhso.dossiers.receivers import payment_reference

    return list(
        Payment.objects.filter(
            reference=payment_reference(dossier.code), status__in=Payment.PAID_STATUSES
        ).order_by("created_at")
    )


@login_required
def act(request: HttpRequest, code: str, action: str) -> HttpResponse:
    dossier = _dossier_or_404(request, code)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    version = request.POST.get("version", "").strip()
    if version and not (_ROW_ID.match(version) and int(version) >= 1):
        messages.error(
            request,
            _("Phiên bản hồ sơ “%(version)s” không hợp lệ; hãy tải lại trang và thử lại.")
            % {"version": version[:20]},
        )
        return _back(request, code, status=422)
    note = request.POST.get("note", "")
    problem = text_error(note, label=_("Ghi chú"))
    if problem:
        messages.error(request, problem)
        return _back(request, code, status=422)
    new_due: dt.date | None = None
    if request.POST.get("new_due_date"):
        try:
            new_due = dt.date.fromisoformat(request.POST["new_due_date"])
        except ValueError:
            messages.error(request, _("Ngày hẹn mới không hợp lệ."))
            return _back(request, code, status=422)
        problem = new_due_date_error(new_due, today=timezone.localdate())
        if problem:
            messages.error(request, problem)
            return _back(request, code, status=422)
    target = None
    if request.POST.get("agency"):
        target = Agency.objects.filter(code=request.POST["agency"]).first()
    uploads = [Upload(file=f) for f in request.FILES.getlist("files")]
    try:
        dossier_act(
            dossier=dossier,
            action=action,
            actor=request.user,  # type: ignore[arg-type]
            note=nfc(note),
            expected_version=int(version) if version else None,
            new_due_date=new_due,
            target_agency=target,
            uploads=uploads,
        )
    except DossierNotFound:
        raise Http404(_("Không tìm thấy hồ sơ.")) from None
    except DossierForbidden as exc:
        messages.error(request, exc.message)
        return HttpResponse(status=403, content=exc.message)
    except DossierConflict as exc:
        messages.error(request, exc.message)
        return _back(request, code, status=409)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(request, code, status=422)
    spec = ACTIONS.get(action)
    messages.success(
        request, _("Đã thực hiện: %(action)s.") % {"action": spec.label if spec else action}
    )
    return _back(request, code)


def _back(request: HttpRequest, code: str, status: int = 302) -> HttpResponse:
    url = reverse("dossiers:detail", kwargs={"code": code})
    nxt = request.POST.get("next", "")
    if nxt.startswith("/") and not nxt.startswith("//"):
        url = nxt
    if status == 302:
        return HttpResponseRedirect(url)
    response = HttpResponseRedirect(url)
    # Out-of-order and stale actions: the page re-renders with the message (303 keeps it
    # a redirect for browsers; the status is visible to scripts and tests).
    response.status_code = 303
    response["X-Dossier-Refused"] = str(status)
    return response


@login_required
def rate(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _dossier_or_404(request, code)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    value = request.POST.get("rating", "").strip()
    comment = request.POST.get("comment", "")
    try:
        problem = text_error(comment, label=_("Góp ý"))
        if problem:
            raise DomainError(problem, field="comment")
        dossier_rate(
            dossier=dossier,
            user=request.user,  # type: ignore[arg-type]
            # "²".isdigit() is true and int("²") fails: ASCII digits only, else 0 (refused).
            rating=int(value) if _ROW_ID.match(value) else 0,
            comment=nfc(comment),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(request, code, status=422)
    else:
        messages.success(request, _("Cảm ơn bạn đã đánh giá."))
    return redirect("dossiers:detail", code=code)


@login_required
def pay(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _dossier_or_404(request, code)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if dossier.applicant_id != request.user.pk or dossier.state != State.AWAITING_PAYMENT:
        messages.error(request, _("Hồ sơ này không chờ thanh toán."))
        return redirect("dossiers:detail", code=code)
    try:
        from tinhso.payments.services import payment_start
    except ImportError:
        messages.error(request, _("Chưa kết nối cổng thanh toán; vui lòng nộp tại quầy."))
        return redirect("dossiers:detail", code=code)
    from tinhso.dossiers.receivers import payment_payee, payment_reference

    try:
        payment = payment_start(
            reference=payment_reference(dossier.code),
            amount=dossier.fee_amount,
            description=_("Phí, lệ phí hồ sơ %(code)s") % {"code": dossier.code},
            payer=request.user,  # type: ignore[arg-type]
            return_url=request.build_absolute_uri(
                reverse("dossiers:detail", kwargs={"code": dossier.code})
            ),
            **payment_payee(dossier),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("dossiers:detail", code=code)
    return HttpResponseRedirect(payment.redirect_url)


@login_required
def form_pdf(request: HttpRequest, code: str, kind: str) -> HttpResponseBase:
    dossier = _dossier_or_404(request, code)
    if kind not in IssuedForm.Kind.values or not form_available(dossier, kind):
        raise Http404(_("Hồ sơ chưa có phiếu này."))
    form = form_latest_or_issue(dossier=dossier, kind=kind, by=request.user)
    return FileResponse(
        form.file.open("rb"),
        content_type="application/pdf",
        filename=f"{dossier.code}-{kind}.pdf",
    )


@login_required
def document(request: HttpRequest, code: str, pk: int) -> HttpResponseBase:
    dossier = _dossier_or_404(request, code)
    doc = get_object_or_404(DossierDocument, pk=pk, dossier=dossier)
    return FileResponse(
        doc.file.open("rb"), content_type=doc.mimetype, filename=doc.filename, as_attachment=True
    )


# ---------------------------------------------------------------- officer workspace


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    if not _is_officer(request.user):
        raise Http404(_("Trang dành cho cán bộ."))
    queue = request.GET.get("hang", "to_receive")
    if queue not in QUEUE_LABELS:
        queue = "to_receive"
    q = _printable(request.GET.get("q", ""))[:100]
    state = request.GET.get("trang-thai", "")
    state = state if state in State.values else ""
    channel = request.GET.get("kenh", "")
    channel = channel if channel in Channel.values else ""
    qs = selectors.dossier_queue(user=request.user, queue=queue, q=q, state=state, channel=channel)
    page = Paginator(qs, 25).get_page(request.GET.get("trang"))
    status = selectors.deadline_status(page.object_list)
    for d in page.object_list:
        d.deadline = status[d.pk]
    context = {
        "queue": queue,
        "queues": [
            (name, QUEUE_LABELS[name], count)
            for name, count in {
                **selectors.queue_counts(user=request.user),
                "all": None,
            }.items()
        ],
        "page": page,
        "q": q,
        "state": state,
        "channel": channel,
        "states": State.choices,
        "channels": Channel.choices,
        "today": timezone.localdate(),
        "can_intake": bool(intake_agencies(request.user)),
    }
    template = (
        "dossiers/_queue.html" if request.headers.get("HX-Request") else "dossiers/workspace.html"
    )
    return render(request, template, context)


@login_required
@require_POST
def bulk_receive(request: HttpRequest) -> HttpResponse:
    codes = request.POST.getlist("codes")[:200]
    done, refused = 0, []
    for code in codes:
        dossier = (
            selectors.dossier_get_for_user(code=code, user=request.user)
            if code_is_plausible(code)
            else None
        )
        if dossier is None:
            # Unknown, mistyped, or another agency's: said in words, not a bare code.
            refused.append(
                _("%(code)s: không tìm thấy hồ sơ này trong các cơ quan bạn phụ trách.")
                % {"code": _printable(code)[:60]}
            )
            continue
        try:
            dossier_act(dossier=dossier, action="receive", actor=request.user)  # type: ignore[arg-type]
            done += 1
        except DomainError as exc:
            refused.append(f"{code}: {exc.message}")
    if done:
        messages.success(request, _("Đã tiếp nhận %(n)s hồ sơ.") % {"n": done})
    for line in refused[:10]:
        messages.error(request, line)
    return redirect(f"{reverse('dossiers:workspace')}?hang=to_receive")


# ---------------------------------------------------------------- counter and post intake


def _intake_choice(request: HttpRequest, agencies: list[Agency]) -> tuple[Agency | None, Any]:
    """The agency and procedure chosen in the form (None where not chosen or not allowed)."""
    data = request.POST if request.method == "POST" else request.GET
    code = data.get("agency", "")
    agency = next((a for a in agencies if a.code == code), None)
    if not code and len(agencies) == 1:
        agency = agencies[0]
    procedure = None
    procedure_code = data.get("procedure", "").strip()[:50]
    if agency is not None and procedure_code and code_is_plausible(procedure_code):
        procedure = selectors.intake_procedure(agency=agency, code=procedure_code)
    return agency, procedure


def _intake_date(value: str, field: str, message: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DomainError(message, field=field) from None


def _intake_lookup(request: HttpRequest, citizen_id: str) -> tuple[ApplicantData | None, str, str]:
    """(registry data or None, signed token, message for the officer)."""
    user: Any = request.user
    try:
        found = intake_applicant_lookup(officer=user, citizen_id=citizen_id)
    except RegistryUnavailable as exc:
        return None, "", exc.message + " " + _("Hãy nhập thông tin người nộp thủ công.")
    if found is None:
        return (
            None,
            "",
            _(
                "Không tìm thấy số định danh %(id)s trong Cơ sở dữ liệu dân cư; "
                "hãy nhập thông tin người nộp thủ công."
            )
            % {"id": citizen_id.strip()},
        )
    return found, intake_applicant_sign(found), ""


@login_required
def intake(request: HttpRequest) -> HttpResponse:
    """Counter and post intake: choose the procedure, enter the applicant, receive at once."""
    user: Any = request.user
    agencies = intake_agencies(user)
    if not agencies:
        raise Http404(_("Trang dành cho cán bộ tiếp nhận một cửa."))
    agency, procedure = _intake_choice(request, agencies)
    is_htmx = bool(request.headers.get("HX-Request"))
    if procedure is None or agency is None:
        if request.method == "POST":
            raise Http404(_("Không tìm thấy thủ tục này ở cơ quan của bạn."))
        q = _printable(request.GET.get("q", ""))[:100]
        results = selectors.intake_procedures(agency=agency, q=q) if agency else []
        start: dict[str, Any] = {"agencies": agencies, "agency": agency, "q": q, "results": results}
        if is_htmx and request.GET.get("q") is not None:
            return render(request, "dossiers/_intake_procedures.html", start)
        return render(request, "dossiers/intake_start.html", start)

    documents = list(procedure.documents.all())
    post = request.POST
    form: dict[str, Any] = {
        "channel": post.get("channel", Channel.COUNTER),
        "postal_item": post.get("postal_item", "")[:40],
        "postal_received_on": post.get("postal_received_on", "")[:10],
        "citizen_id": post.get("citizen_id", "").strip()[:20],
        "full_name": nfc(post.get("full_name", ""))[:150],
        "birth_date": post.get("birth_date", "")[:10],
        "gender": nfc(post.get("gender", ""))[:10],
        "address": nfc(post.get("address", ""))[:500],
        "phone": post.get("phone", "")[:20],
        "email": post.get("email", "")[:254],
        "note": nfc(post.get("note", ""))[:5000],
        "fee_paid": post.get("fee_paid") == "1",
        "received": {int(v) for v in post.getlist("received") if _ROW_ID.match(v)},
    }
    typed = {
        "full_name": _("Họ và tên"),
        "address": _("Địa chỉ"),
        "phone": _("Số điện thoại"),
        "email": _("Thư điện tử"),
        "note": _("Ghi chú"),
        "postal_item": _("Số hiệu bưu gửi"),
    }
    token = post.get("applicant_token", "")
    registry = intake_applicant_unsign(token, citizen_id=form["citizen_id"])
    errors: list[str] = []
    lookup_message = ""
    fresh_key = False
    if request.method == "POST" and post.get("do") == "lookup":
        registry, token = None, ""
        if not form["citizen_id"]:
            lookup_message = _("Hãy nhập số định danh cá nhân để tra cứu.")
        else:
            try:
                registry, token, lookup_message = _intake_lookup(request, form["citizen_id"])
            except DomainError as exc:
                lookup_message = exc.message
    elif request.method == "POST":
        try:
            for key, label in typed.items():
                problem = text_error(form[key], label=label)
                if problem:
                    raise DomainError(problem, field=key)
            if registry is None and form["citizen_id"]:
                registry, token, lookup_message = _intake_lookup(request, form["citizen_id"])
            if registry is not None:
                applicant = ApplicantData(
                    **{**registry.__dict__, "phone": form["phone"], "email": form["email"]}
                )
            else:
                if not " ".join(form["full_name"].split()):
                    raise DomainError(_("Cần họ và tên người nộp hồ sơ."), field="full_name")
                if not form["address"].strip():
                    raise DomainError(_("Cần địa chỉ người nộp hồ sơ."), field="address")
                birth = _intake_date(form["birth_date"], "birth_date", _("Ngày sinh không hợp lệ."))
                if birth is not None and birth > timezone.localdate():
                    raise DomainError(_("Ngày sinh không được sau hôm nay."), field="birth_date")
                applicant = ApplicantData(
                    full_name=form["full_name"],
                    citizen_id=form["citizen_id"],
                    birth_date=birth,
                    gender=form["gender"] if form["gender"] in ("Nam", "Nữ") else "",
                    address=form["address"],
                    phone=form["phone"],
                    email=form["email"],
                )
            uploads = [
                Upload(file=f, required_document=doc)
                for doc in documents
                for f in request.FILES.getlist(f"doc-{doc.pk}")
            ]
            uploads += [
                Upload(file=f, name=_("Giấy tờ khác")) for f in request.FILES.getlist("other")
            ]
            dossier, _created = dossier_intake(
                officer=user,
                procedure=procedure,
                agency=agency,
                channel=form["channel"],
                applicant=applicant,
                received_documents=[d for d in documents if d.pk in form["received"]],
                uploads=uploads,
                fee_paid=form["fee_paid"],
                postal_item=form["postal_item"],
                postal_received_on=_intake_date(
                    form["postal_received_on"],
                    "postal_received_on",
                    _("Ngày nhận bưu gửi không hợp lệ."),
                ),
                note=form["note"],
                idempotency_key=post.get("idempotency_key") or None,
            )
        except DossierConflict:
            # The form's idempotency key already received another applicant's dossier
            # (the page was reused after a successful submission): start a fresh form.
            errors.append(
                _(
                    "Biểu mẫu này đã được dùng để tiếp nhận một hồ sơ khác. Hãy kiểm tra lại "
                    "thông tin và bấm “Tiếp nhận hồ sơ” lần nữa."
                )
            )
            fresh_key = True
        except DomainError as exc:
            errors.append(exc.message)
        else:
            messages.success(
                request,
                (
                    _(
                        "Đã tiếp nhận hồ sơ %(code)s, hẹn trả kết quả ngày %(date)s. "
                        "In Giấy tiếp nhận hồ sơ và hẹn trả kết quả ở mục “Phiếu đã cấp”."
                    )
                    if _created
                    else _(
                        "Hồ sơ %(code)s đã được tiếp nhận từ lần gửi trước (hẹn trả ngày "
                        "%(date)s); không tạo hồ sơ mới."
                    )
                )
                % {
                    "code": dossier.code,
                    "date": f"{dossier.appointment_date:%d/%m/%Y}"
                    if dossier.appointment_date
                    else "—",
                },
            )
            return redirect("dossiers:detail", code=dossier.code)
    import uuid

    context: dict[str, Any] = {
        "agency": agency,
        "procedure": procedure,
        "documents": documents,
        "has_fee": intake_has_fee(procedure),
        "form": form,
        "registry": registry,
        "applicant_token": token if registry is not None else "",
        "lookup_message": lookup_message,
        "errors": errors,
        "channels": [(c.value, c.label) for c in INTAKE_CHANNELS],
        "today": timezone.localdate(),
        "idempotency_key": (not fresh_key and post.get("idempotency_key")) or uuid.uuid4().hex,
    }
    if is_htmx and post.get("do") == "lookup":
        return render(request, "dossiers/_intake_applicant.html", context)
    return render(request, "dossiers/intake_form.html", context, status=422 if errors else 200)


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        end = dt.date.fromisoformat(request.GET.get("den", "")) if request.GET.get("den") else today
        start = (
            dt.date.fromisoformat(request.GET["tu"])
            if request.GET.get("tu")
            else dt.date(end.year, 1, 1)
        )
    except ValueError:
        return dt.date(today.year, 1, 1), today
    if not (2000 <= start.year <= 2100 and 2000 <= end.year <= 2100):
        # Year 1 or 9999 overflow the day arithmetic below: the default period instead.
        return dt.date(today.year, 1, 1), today
    if start > end:
        start, end = end, start
    return start, end


@login_required
def tracking_book(request: HttpRequest, fmt: str) -> HttpResponse:
    if not _is_officer(request.user) or fmt not in ("pdf", "xlsx"):
        raise Http404
    start, end = _period(request)
    agencies = agencies_for_user(request.user)
    code = _printable(request.GET.get("co-quan", ""))[:60]
    agency = agencies.filter(code=code).first() if code else None
    if agency is None and not code:
        # An officer of one agency (a commune's) prints that agency's book, headed with
        # its name rather than "your agencies".
        only = list(agencies[:2])
        agency = only[0] if len(only) == 1 else None
    lo = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    hi = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    qs = (
        Dossier.objects.select_related("procedure", "current_agency")
        .filter(received_at__gte=lo, received_at__lt=hi)
        .filter(agency__in=[agency] if agency else agencies)
        .order_by("received_at", "id")[:5000]
    )
    name = agency.name if agency else _("Các cơ quan của bạn")
    rows = list(qs)
    if fmt == "xlsx":
        content = tracking_book_xlsx(agency_name=name, start=start, end=end, dossiers=rows)
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="so-theo-doi-ho-so.xlsx"'
        return response
    content = render_tracking_book(agency_name=name, start=start, end=end, dossiers=rows)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="so-theo-doi-ho-so.pdf"'
    return response


# ---------------------------------------------------------------- statistics (public)

STAT_COLUMNS = (
    ("received", gettext_lazy("Tiếp nhận")),
    ("received_online", gettext_lazy("Trực tuyến")),
    ("finished", gettext_lazy("Đã giải quyết")),
    ("early", gettext_lazy("Trước hạn")),
    ("on_time", gettext_lazy("Đúng hạn")),
    ("late", gettext_lazy("Quá hạn")),
    ("in_progress", gettext_lazy("Đang giải quyết")),
    ("overdue", gettext_lazy("Đang quá hạn")),
    ("on_time_rate", gettext_lazy("Tỷ lệ đúng hạn (%)")),
    ("online_share", gettext_lazy("Tỷ lệ trực tuyến (%)")),
    ("paid_online_share", gettext_lazy("Thanh toán trực tuyến (%)")),
    ("satisfaction", gettext_lazy("Hài lòng (1–5)")),
)


CHART_GROUPS = 15


def _statistics_filters(request: HttpRequest) -> tuple[Agency | None, Any]:
    from tinhso.procedures.models import Field

    code = _printable(request.GET.get("co-quan", "")).strip()[:60]
    agency = Agency.objects.filter(code=code, is_active=True).first() if code else None
    field_code = _printable(request.GET.get("linh-vuc", "")).strip()[:60]
    field = Field.objects.filter(code=field_code).first() if field_code else None
    return agency, field


def _statistics_charts(
    rows: list[dict[str, Any]], months: list[dict[str, Any]], group_label: str
) -> dict[str, Any]:
    settled = sorted((r for r in rows if r["finished"]), key=lambda r: (-r["finished"], r["name"]))[
        :CHART_GROUPS
    ]
    received = sorted(
        (r for r in rows if r["received"]), key=lambda r: (-r["received"], r["name"])
    )[:CHART_GROUPS]
    timeliness = [
        charts.Series("early", str(_("Trước hạn")), charts.EARLY),
        charts.Series("on_time", str(_("Đúng hạn")), charts.ON_TIME),
        charts.Series("late", str(_("Quá hạn")), charts.LATE),
    ]
    flow = [
        charts.Series("received", str(_("Tiếp nhận")), charts.RECEIVED),
        charts.Series("finished", str(_("Đã giải quyết")), charts.SETTLED),
    ]
    month_labels = [f"{m['month']:%m/%Y}" for m in months]
    return {
        "timeliness": charts.stacked_bars(
            [(r["name"], r) for r in settled],
            timeliness,
            title=str(_("Hồ sơ đã giải quyết trước hạn, đúng hạn, quá hạn theo %(group)s"))
            % {"group": group_label},
            desc=str(
                _(
                    "Mỗi thanh là một nhóm, chia theo trước hạn, đúng hạn và quá hạn; "
                    "số liệu đầy đủ ở bảng chi tiết."
                )
            ),
            suffix=[
                f"({charts.number(r['on_time_rate'], 1)} %)"
                if r["on_time_rate"] is not None
                else ""
                for r in settled
            ],
        ),
        "timeliness_count": len(settled),
        "monthly": charts.grouped_columns(
            [(label, m) for label, m in zip(month_labels, months, strict=True)],
            flow,
            title=str(_("Hồ sơ tiếp nhận và đã giải quyết theo tháng")),
            desc=str(_("Hai cột mỗi tháng: tiếp nhận và đã giải quyết; số liệu ở bảng bên dưới.")),
        ),
        "online": charts.percent_bars(
            [(r["name"], r["online_share"]) for r in received],
            title=str(_("Tỷ lệ hồ sơ nộp trực tuyến theo %(group)s")) % {"group": group_label},
            desc=str(_("Phần trăm hồ sơ tiếp nhận được nộp trực tuyến, mỗi nhóm một thanh.")),
        ),
        "online_count": len(received),
        "month_labels": month_labels,
    }


GROUP_LABELS = {
    "agency": gettext_lazy("cơ quan"),
    "field": gettext_lazy("lĩnh vực"),
    "level": gettext_lazy("cấp"),
}


def statistics(request: HttpRequest) -> HttpResponse:
    start, end = _period(request)
    group_by = request.GET.get("theo", "agency")
    if group_by not in selectors.GROUPINGS:
        group_by = "agency"
    agency, field = _statistics_filters(request)
    field_code = field.code if field is not None else ""
    rows = selectors.statistics_table(
        start=start, end=end, group_by=group_by, agency=agency, field_code=field_code
    )
    totals = selectors.totals(rows)
    fmt = request.GET.get("xuat", "")
    if fmt in ("csv", "xlsx"):
        return _export(rows, totals, fmt)
    months = selectors.monthly_statistics(
        start=start, end=end, agency=agency, field_code=field_code
    )
    index = selectors.service_quality_index(start=start, end=end, agency=agency)
    from urllib.parse import urlencode

    from tinhso.procedures.models import Field

    query = {"tu": start.isoformat(), "den": end.isoformat(), "theo": group_by}
    if agency is not None:
        query["co-quan"] = agency.code
    if field is not None:
        query["linh-vuc"] = field.code
    return render(
        request,
        "dossiers/statistics.html",
        {
            "rows": rows,
            "totals": totals,
            "start": start,
            "end": end,
            "group_by": group_by,
            "columns": STAT_COLUMNS,
            "index": index,
            "months": months,
            "charts": _statistics_charts(rows, months, str(GROUP_LABELS[group_by])),
            "agency": agency,
            "field": field,
            "agency_choices": Agency.objects.filter(is_active=True)
            .order_by("path")
            .only("code", "name", "path"),
            "field_choices": Field.objects.order_by("name").only("code", "name"),
            "export_query": urlencode(query),
        },
    )


# First characters that make a spreadsheet cell a formula.
FORMULA_STARTS = ("=", "+", "-", "@")


def _export(rows: list[dict[str, Any]], totals: dict[str, Any], fmt: str) -> HttpResponse:
    header = [str(_("Mã")), str(_("Tên")), *[str(label) for _key, label in STAT_COLUMNS]]
    data = [[r["key"], r["name"], *[r[k] for k, _l in STAT_COLUMNS]] for r in rows]
    data.append(["", str(_("Tổng cộng")), *[totals.get(k) for k, _l in STAT_COLUMNS]])
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        for row in data:
            writer.writerow(["'" + str(c) if str(c)[:1] in FORMULA_STARTS else c for c in row])
        response = HttpResponse(
            "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="thong-ke-ho-so.csv"'
        return response
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(header)
    for row in data:
        # ("" [:1] is "", which `in "=+-@"` finds: the totals row's empty code became "'")
        ws.append([("'" + c if isinstance(c, str) and c[:1] in FORMULA_STARTS else c) for c in row])
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="thong-ke-ho-so.xlsx"'
    return response
