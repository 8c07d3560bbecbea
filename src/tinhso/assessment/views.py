"""Assessment pages: thin — parse, authorise, call a service or selector, render."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhso.assessment import charts, permissions, reports, selectors, services
from tinhso.assessment.models import (
    SUBJECT_AGENCY_LEVEL,
    Answer,
    CriteriaSet,
    Evidence,
    Participation,
    Round,
)
from tinhso.assessment.transfer import (
    CriteriaImportError,
    export_json,
    export_xlsx,
    parse_json,
    parse_xlsx,
)
from tinhso.core.models import Agency, User
from tinhso.core.services import DomainError


def _user(request: HttpRequest) -> User:
    """The signed-in user (views using this are behind ``login_required``)."""
    assert isinstance(request.user, User)
    return request.user


def _round(code: str) -> Round:
    return get_object_or_404(Round.objects.select_related("criteria_set"), code=code)


def _can_see_round(request: HttpRequest, rnd: Round) -> bool:
    return selectors.rounds_visible(request.user).filter(pk=rnd.pk).exists()


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "assessment/home.html",
        {
            "sets": CriteriaSet.objects.all(),
            "rounds": selectors.rounds_visible(user),
            "mine": selectors.my_participations(user),
            "queue": selectors.review_queue(user),
            "can_manage": permissions.can_manage(user),
            "can_administer": permissions.can_administer_criteria(user),
        },
    )


def set_detail(request: HttpRequest, code: str) -> HttpResponse:
    criteria_set = get_object_or_404(CriteriaSet, code=code)
    return render(
        request,
        "assessment/set_detail.html",
        {"set": criteria_set, "criteria": selectors.criteria_tree(criteria_set)},
    )


def set_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    criteria_set = get_object_or_404(CriteriaSet, code=code)
    if fmt == "json":
        response = HttpResponse(export_json(criteria_set), content_type="application/json")
    elif fmt == "xlsx":
        response = HttpResponse(
            export_xlsx(criteria_set),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{criteria_set.code}.{fmt}"'
    return response


@login_required
def set_import(request: HttpRequest) -> HttpResponse:
    if not permissions.can_administer_criteria(request.user):
        raise PermissionDenied
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [_("Chọn tệp JSON hoặc XLSX.")]
        else:
            raw = upload.read()
            try:
                name = (upload.name or "").lower()
                spec = parse_xlsx(raw) if name.endswith(".xlsx") else parse_json(raw)
                criteria_set = services.criteria_set_import(
                    spec=spec,
                    user=_user(request),
                    replace=bool(request.POST.get("replace")),
                )
            except CriteriaImportError as exc:
                errors = exc.errors
            except DomainError as exc:
                errors = [exc.message]
            else:
                messages.success(
                    request, _("Đã nhập bộ tiêu chí “%(n)s”.") % {"n": criteria_set.name}
                )
                return redirect("assessment:set", code=criteria_set.code)
    return render(
        request, "assessment/set_import.html", {"errors": errors}, status=400 if errors else 200
    )


@login_required
def round_new(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage(request.user):
        raise PermissionDenied
    errors: list[str] = []
    sets = CriteriaSet.objects.all()
    if request.method == "POST":
        criteria_set = sets.filter(pk=request.POST.get("criteria_set") or 0).first()
        deadline = parse_datetime(request.POST.get("deadline", ""))
        name = request.POST.get("name", "").strip()
        if criteria_set is None:
            errors.append(_("Chọn bộ tiêu chí."))
        if deadline is None:
            errors.append(_("Nhập hạn tự đánh giá (ngày và giờ)."))
        if not errors:
            assert criteria_set is not None and deadline is not None
            if timezone.is_naive(deadline):
                deadline = timezone.make_aware(deadline)
            agencies = Agency.objects.filter(
                level=SUBJECT_AGENCY_LEVEL[criteria_set.subject_type]
            ).order_by("path")
            if criteria_set.subject_type != "district":
                agencies = agencies.filter(is_active=True)
            code = slugify(request.POST.get("code", "") or f"{criteria_set.code}-dot")[:80]
            try:
                rnd = services.round_open(
                    criteria_set=criteria_set,
                    code=code,
                    name=name,
                    year=criteria_set.year,
                    deadline=deadline,
                    agencies=agencies,
                    user=_user(request),
                )
            except DomainError as exc:
                errors.append(exc.message)
            else:
                messages.success(request, _("Đã mở đợt đánh giá."))
                return redirect("assessment:round", code=rnd.code)
    return render(
        request,
        "assessment/round_new.html",
        {"sets": sets, "errors": errors},
        status=400 if errors else 200,
    )


def round_detail(request: HttpRequest, code: str) -> HttpResponse:
    rnd = _round(code)
    if not _can_see_round(request, rnd):
        raise Http404
    participations = rnd.participations.select_related("agency").order_by("agency__name")
    can_manage = permissions.can_manage(request.user)
    mine = set(permissions.self_assess_agencies(request.user).values_list("pk", flat=True))
    return render(
        request,
        "assessment/round_detail.html",
        {
            "round": rnd,
            "participations": participations,
            "can_manage": can_manage,
            "mine": mine,
            "publications": rnd.publications.order_by("-revision"),
            "provisional": selectors.compute_round(rnd, final=False)
            if can_manage and not rnd.is_published
            else [],
        },
    )


@require_POST
@login_required
def round_action(request: HttpRequest, code: str) -> HttpResponse:
    rnd = _round(code)
    action = request.POST.get("action")
    try:
        if action == "publish":
            services.round_publish(round=rnd, user=_user(request))
            messages.success(request, _("Đã công bố kết quả."))
        elif action == "revise":
            services.round_revision_open(
                round=rnd,
                user=_user(request),
                reason=request.POST.get("reason", ""),
            )
            messages.success(
                request, _("Đã mở điều chỉnh; kết quả đã công bố giữ nguyên đến lần công bố sau.")
            )
        elif action == "refresh":
            if not permissions.can_manage(request.user):
                raise PermissionDenied
            n = services.round_refresh_computed(round=rnd)
            messages.success(
                request, _("Đã cập nhật %(n)s giá trị từ dữ liệu nền tảng.") % {"n": n}
            )
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("assessment:round", code=rnd.code)


def _ranking_context(rnd: Round, pillar: str | None) -> dict[str, Any]:
    rows = selectors.round_ranking(rnd, pillar=pillar)
    pillars = list(rnd.criteria_set.pillars())
    chosen = next((p for p in pillars if p.code == pillar), None)
    title = _("Điểm %(what)s — %(round)s") % {
        "what": chosen.name if chosen else _("tổng"),
        "round": rnd.name,
    }
    chart = charts.bar_chart(
        [(r.agency.short_name or r.agency.name, r.total) for r in rows],
        title=title,
        max_value=chosen.max_points if chosen else rnd.criteria_set.max_points,
    )
    return {"round": rnd, "rows": rows, "pillars": pillars, "pillar": chosen, "chart": chart}


def ranking(request: HttpRequest, code: str) -> HttpResponse:
    rnd = _round(code)
    if not _can_see_round(request, rnd):
        raise Http404
    pillar = request.GET.get("tru-cot") or None
    if pillar and not rnd.criteria_set.criteria.filter(code=pillar, depth=0).exists():
        raise Http404
    context = _ranking_context(rnd, pillar)
    context["publication"] = selectors.latest_publication(rnd)
    context["previous"] = selectors.previous_round(rnd)
    return render(request, "assessment/ranking.html", context)


def ranking_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    rnd = _round(code)
    if selectors.latest_publication(rnd) is None:
        raise Http404
    if fmt == "pdf":
        response = HttpResponse(reports.ranking_pdf(rnd), content_type="application/pdf")
    elif fmt == "xlsx":
        response = HttpResponse(
            reports.ranking_xlsx(rnd),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="xep-hang-{rnd.code}.{fmt}"'
    return response


def _scorecard_allowed(request: HttpRequest, rnd: Round, agency: Agency) -> bool:
    if selectors.latest_publication(rnd) is not None:
        return True
    return permissions.can_manage(request.user) or permissions.can_self_assess(request.user, agency)


def scorecard(request: HttpRequest, code: str, agency_code: str) -> HttpResponse:
    rnd = _round(code)
    agency = get_object_or_404(Agency, code=agency_code)
    if not _scorecard_allowed(request, rnd, agency):
        raise Http404
    card = selectors.scorecard(rnd, agency)
    if card is None:
        raise Http404
    bar = charts.bar_chart(
        [(f"{li.criterion.code}. {li.criterion.name}", li.score) for li in card.pillars],
        title=_("Điểm theo trụ cột"),
    )
    radar = charts.radar_chart(
        [(li.criterion.name, li.percent) for li in card.pillars],
        title=_("Tỷ lệ điểm đạt theo trụ cột (%)"),
    )
    history = charts.line_chart(
        [(str(r.year), total) for r, total, _rank in card.history],
        title=_("Tổng điểm qua các năm"),
    )
    return render(
        request,
        "assessment/scorecard.html",
        {"card": card, "bar": bar, "radar": radar, "history": history, "round": rnd},
    )


def scorecard_pdf(request: HttpRequest, code: str, agency_code: str) -> HttpResponse:
    rnd = _round(code)
    agency = get_object_or_404(Agency, code=agency_code)
    if not _scorecard_allowed(request, rnd, agency):
        raise Http404
    card = selectors.scorecard(rnd, agency)
    if card is None:
        raise Http404
    response = HttpResponse(reports.scorecard_pdf(card), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="phieu-{rnd.code}-{agency.code}.pdf"'
    return response


def recognitions(request: HttpRequest, code: str) -> HttpResponse:
    rnd = _round(code)
    if selectors.latest_publication(rnd) is None:
        raise Http404
    return render(
        request,
        "assessment/recognitions.html",
        {"round": rnd, "items": selectors.recognitions(rnd)},
    )


def _participation(rnd: Round, agency_code: str) -> Participation:
    return get_object_or_404(
        Participation.objects.select_related("agency", "round__criteria_set"),
        round=rnd,
        agency__code=agency_code,
    )


@login_required
def self_assess(request: HttpRequest, code: str, agency_code: str) -> HttpResponse:
    rnd = _round(code)
    participation = _participation(rnd, agency_code)
    if not permissions.can_self_assess(request.user, participation.agency):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "submit":
                services.participation_submit(participation=participation, user=request.user)  # type: ignore[arg-type]
                messages.success(request, _("Đã nộp tự đánh giá."))
            else:
                criterion = get_object_or_404(
                    rnd.criteria_set.criteria, pk=request.POST.get("criterion") or 0, is_leaf=True
                )
                services.answer_save_with_evidence(
                    participation=participation,
                    criterion=criterion,
                    value=request.POST.get("value", ""),
                    note=request.POST.get("note", ""),
                    upload=request.FILES.get("file"),
                    url=request.POST.get("url", ""),
                    user=_user(request),
                )
                messages.success(request, _("Đã lưu tiêu chí %(c)s.") % {"c": criterion.code})
            return redirect(
                reverse("assessment:self_assess", args=[rnd.code, agency_code])
                + (f"#tc-{request.POST.get('criterion')}" if action != "submit" else "")
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            status = 400
        participation.refresh_from_db()
    return render(
        request,
        "assessment/self_assess.html",
        {
            "round": rnd,
            "participation": participation,
            "lines": _lines(participation),
            "now": timezone.now(),
            "editable": participation.status == Participation.Status.DRAFT
            and rnd.status == Round.Status.OPEN
            and not rnd.deadline_passed(),
        },
        status=status,
    )


@login_required
def review(request: HttpRequest, code: str, agency_code: str) -> HttpResponse:
    rnd = _round(code)
    participation = _participation(rnd, agency_code)
    if not permissions.can_manage(request.user):
        raise PermissionDenied
    own = permissions.works_for(request.user, participation.agency)
    status = 200
    if request.method == "POST":
        answer = get_object_or_404(
            Answer, pk=request.POST.get("answer") or 0, participation=participation
        )
        try:
            services.answer_review(
                answer=answer,
                user=_user(request),
                action=request.POST.get("action", ""),
                adjusted_value=request.POST.get("adjusted_value"),
                reason=request.POST.get("reason", ""),
            )
            messages.success(
                request,
                _("Đã ghi kết quả thẩm định tiêu chí %(c)s.") % {"c": answer.criterion.code},
            )
            return redirect(
                reverse("assessment:review", args=[rnd.code, agency_code])
                + f"#tc-{answer.criterion_id}"
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            status = 403 if isinstance(exc, services.AssessmentPermissionDenied) else 400
        participation.refresh_from_db()
    return render(
        request,
        "assessment/review.html",
        {
            "round": rnd,
            "participation": participation,
            "lines": _lines(participation),
            "own": own,
        },
        status=status,
    )


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = get_object_or_404(
        Evidence.objects.select_related("answer__participation__agency"),
        pk=pk,
        kind=Evidence.Kind.FILE,
    )
    agency = evidence.answer.participation.agency
    if not (
        permissions.can_manage(request.user) or permissions.can_self_assess(request.user, agency)
    ):
        raise Http404
    response = FileResponse(evidence.file.open("rb"), content_type=evidence.content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="minh-chung-{evidence.pk}.{evidence.file.name.rsplit(".", 1)[-1]}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _lines(participation: Participation) -> list[dict[str, Any]]:
    """Criteria in tree order with the answer and, for scales, the selectable levels."""
    out = []
    for criterion, answer in selectors.participation_answers(participation):
        out.append(
            {
                "c": criterion,
                "a": answer,
                "levels": list(range(criterion.scale_levels + 1)) if criterion.scale_levels else [],
                "value": _plain(answer.value) if answer and answer.value is not None else "",
            }
        )
    return out


def _plain(value: Decimal) -> str:
    """4-decimal storage shown without trailing zeros: 60.0000 → 60."""
    text = format(value.normalize(), "f")
    return text
