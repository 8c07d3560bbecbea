"""Writes for assessment. Each function is one transaction and raises a domain error on refusal.

A refused call changes nothing: every check runs before the first write, and the
transaction rolls back if a later one fails.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.assessment import permissions, scoring
from tinhso.assessment.evidence import check_upload
from tinhso.assessment.models import (
    SUBJECT_AGENCY_LEVEL,
    Answer,
    CriteriaSet,
    Criterion,
    Evidence,
    EvidenceKind,
    Participation,
    Publication,
    Result,
    Round,
)
from tinhso.assessment.transfer import CriterionSpec, SetSpec, parse_json
from tinhso.core.audit import audit_record, audit_suppressed
from tinhso.core.models import Agency, User
from tinhso.core.services import DomainError

FIXTURES_DIR = Path(__file__).parent / "fixtures"


class AssessmentError(DomainError):
    """A refused assessment operation."""


class AssessmentPermissionDenied(AssessmentError):
    """The user may not do this for this agency."""


# ---------------------------------------------------------------- criteria sets


@transaction.atomic
def criteria_set_import(
    *, spec: SetSpec, user: User | None = None, replace: bool = False
) -> CriteriaSet:
    """Store a validated :class:`SetSpec` (from :mod:`transfer`). ``replace`` overwrites an
    existing set with the same code unless a round already uses it."""
    if user is not None and not permissions.can_administer_criteria(user):
        raise AssessmentPermissionDenied(_("Chỉ quản trị mới được nhập bộ tiêu chí."))
    existing = CriteriaSet.objects.filter(code=spec.code).first()
    if existing is not None:
        if not replace:
            raise AssessmentError(
                _("Đã có bộ tiêu chí mã “%(code)s”.") % {"code": spec.code}, field="code"
            )
        if existing.is_locked or existing.rounds.exists():
            raise AssessmentError(
                _("Bộ tiêu chí “%(code)s” đã dùng cho một đợt đánh giá, không được thay thế.")
                % {"code": spec.code}
            )
    with audit_suppressed():
        if existing is not None:
            existing.criteria.all().delete()
            criteria_set = existing
        else:
            criteria_set = CriteriaSet(code=spec.code)
        criteria_set.name = spec.name
        criteria_set.year = spec.year
        criteria_set.subject_type = spec.subject_type
        criteria_set.max_points = spec.max_points
        criteria_set.pass_min_points = spec.pass_min_points
        criteria_set.is_example = spec.is_example
        criteria_set.description = spec.description
        criteria_set.save()
        position = 0

        def store(node: CriterionSpec, parent: Criterion | None) -> None:
            nonlocal position
            position += 1
            criterion = Criterion.objects.create(
                criteria_set=criteria_set,
                parent=parent,
                code=node.code,
                name=node.name,
                position=position,
                depth=node.depth,
                is_leaf=not node.children,
                max_points=node.max_points,
                method="" if node.children else node.method,
                target=node.target,
                scale_levels=node.scale_levels,
                bands=node.bands,
                unit=node.unit,
                evidence=EvidenceKind.NONE if node.children else node.evidence,
                evidence_note=node.evidence_note,
                pass_min_points=node.pass_min_points,
                provider=node.provider,
            )
            for child in node.children:
                store(child, criterion)

        for root in spec.roots:
            store(root, None)
    audit_record(
        action="import",
        object_type="assessment.criteriaset",
        object_id=str(criteria_set.pk),
        object_repr=criteria_set.name,
        actor=user,
        changes={"code": criteria_set.code, "criteria": position, "replace": replace},
    )
    return criteria_set


def example_set_files() -> list[Path]:
    return sorted(FIXTURES_DIR.glob("*.json"))


@transaction.atomic
def criteria_set_load_examples(
    *, year: int | None = None, subject_types: Iterable[str] | None = None
) -> list[CriteriaSet]:
    """Load the example sets shipped in ``fixtures/`` (idempotent: existing codes are kept).

    With ``year`` the examples are loaded as copies for that year (code suffixed); with
    ``subject_types`` only the examples for those subject types.
    """
    wanted = None if subject_types is None else set(subject_types)
    loaded = []
    for path in example_set_files():
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if wanted is not None and data.get("subject_type") not in wanted:
            continue
        if year is not None and data["year"] != year:
            data["code"] = f"{data['code'].rsplit('-', 1)[0]}-{year}"
            data["name"] = data["name"].replace(str(data["year"]), str(year))
            data["year"] = year
        existing = CriteriaSet.objects.filter(code=data["code"]).first()
        if existing is not None:
            loaded.append(existing)
            continue
        loaded.append(criteria_set_import(spec=parse_json(json.dumps(data))))
    return loaded


# ---------------------------------------------------------------- rounds


@transaction.atomic
def round_open(
    *,
    criteria_set: CriteriaSet,
    code: str,
    name: str,
    year: int,
    deadline: dt.datetime,
    agencies: Iterable[Agency],
    user: User | None = None,
) -> Round:
    """Open a round for ``agencies`` (which must match the set's subject type)."""
    if user is not None and not permissions.can_manage(user):
        raise AssessmentPermissionDenied(_("Chỉ quản trị hoặc cán bộ đánh giá được mở đợt."))
    agencies = list(agencies)
    if not agencies:
        raise AssessmentError(_("Cần chọn ít nhất một đơn vị được đánh giá."), field="agencies")
    level = SUBJECT_AGENCY_LEVEL[criteria_set.subject_type]
    wrong = [a.name for a in agencies if a.level != level]
    if wrong:
        raise AssessmentError(
            _("Các đơn vị sau không thuộc đối tượng của bộ tiêu chí: %(names)s")
            % {"names": ", ".join(wrong[:5])},
            field="agencies",
        )
    if Round.objects.filter(code=code).exists():
        raise AssessmentError(_("Đã có đợt đánh giá mã “%(code)s”.") % {"code": code}, field="code")
    if not name.strip():
        raise AssessmentError(_("Cần đặt tên đợt đánh giá."), field="name")
    with audit_suppressed():
        rnd = Round.objects.create(
            code=code,
            name=name.strip(),
            criteria_set=criteria_set,
            year=year,
            deadline=deadline,
            opened_by=user,
        )
        Participation.objects.bulk_create(Participation(round=rnd, agency=a) for a in agencies)
        if not criteria_set.is_locked:
            criteria_set.is_locked = True
            criteria_set.save(update_fields=["is_locked"])
    audit_record(
        action="round_open",
        object_type="assessment.round",
        object_id=str(rnd.pk),
        object_repr=rnd.name,
        actor=user,
        changes={"criteria_set": criteria_set.code, "subjects": len(agencies)},
    )
    return rnd


def _ensure_not_published(rnd: Round) -> None:
    if rnd.status == Round.Status.PUBLISHED:
        raise AssessmentError(
            _("Đợt đánh giá đã công bố, không được sửa. Cần mở một lần điều chỉnh có ghi lý do.")
        )


def _lock_round(rnd: Round) -> Round:
    return Round.objects.select_for_update().get(pk=rnd.pk)


def _answer_value(criterion: Criterion, raw: Any) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if criterion.method == "yes_no" and isinstance(raw, str):
        folded = raw.strip().lower()
        if folded in {"co", "có", "yes", "true", "1"}:
            return Decimal(1)
        if folded in {"khong", "không", "no", "false", "0"}:
            return Decimal(0)
    try:
        return scoring.to_decimal(raw)
    except scoring.ScoringError as exc:
        raise AssessmentError(exc.message, field="value") from None


@transaction.atomic
def answer_save(
    *,
    participation: Participation,
    criterion: Criterion,
    value: Any,
    note: str = "",
    user: User,
    now: dt.datetime | None = None,
) -> Answer:
    """Declare a value for one leaf. Refused after the deadline, except to answer a
    clarification request on that very criterion while the round is under review."""
    now = now or timezone.now()
    rnd = _lock_round(participation.round)
    _ensure_not_published(rnd)
    if rnd.status == Round.Status.REVISING:
        raise AssessmentError(_("Đợt đang điều chỉnh sau công bố: chỉ cán bộ đánh giá được sửa."))
    if not permissions.can_self_assess(user, participation.agency):
        raise AssessmentPermissionDenied(
            _("Chỉ cán bộ của %(agency)s được tự đánh giá cho đơn vị này.")
            % {"agency": participation.agency.name}
        )
    if criterion.criteria_set_id != rnd.criteria_set_id or not criterion.is_leaf:
        raise AssessmentError(_("Tiêu chí không thuộc bộ tiêu chí của đợt này."))
    answer = Answer.objects.filter(participation=participation, criterion=criterion).first()
    clarifying = answer is not None and answer.review_status == Answer.ReviewStatus.CLARIFICATION
    if rnd.deadline_passed(now) and not clarifying:
        raise AssessmentError(
            _("Đã quá hạn tự đánh giá (%(deadline)s), không nhận thêm nội dung.")
            % {"deadline": timezone.localtime(rnd.deadline).strftime("%H:%M %d/%m/%Y")}
        )
    if (
        participation.status
        in (
            Participation.Status.SUBMITTED,
            Participation.Status.REVIEWED,
        )
        and not clarifying
    ):
        raise AssessmentError(
            _("Đơn vị đã nộp tự đánh giá; chỉ sửa được khi có yêu cầu giải trình.")
        )
    parsed = _answer_value(criterion, value)
    try:
        declared = scoring.leaf_score(criterion, parsed) if parsed is not None else None
    except scoring.ScoringError as exc:
        raise AssessmentError(exc.message, field="value") from None
    if answer is None:
        answer = Answer(participation=participation, criterion=criterion)
    answer.value = parsed
    answer.note = note.strip()
    answer.declared_score = declared
    answer.answered_at = now
    answer.answered_by = user
    if clarifying:
        answer.review_status = Answer.ReviewStatus.PENDING
        answer.final_score = None
    answer.save()
    if (
        clarifying
        and not participation.answers.filter(
            review_status=Answer.ReviewStatus.CLARIFICATION
        ).exists()
    ):
        participation.status = Participation.Status.SUBMITTED
        participation.save(update_fields=["status"])
    return answer


def _answer_for_evidence(answer: Answer, user: User, now: dt.datetime) -> None:
    rnd = answer.participation.round
    _ensure_not_published(rnd)
    if not permissions.can_self_assess(user, answer.participation.agency):
        raise AssessmentPermissionDenied(_("Chỉ cán bộ của đơn vị được thêm minh chứng."))
    clarifying = answer.review_status == Answer.ReviewStatus.CLARIFICATION
    if rnd.deadline_passed(now) and not clarifying:
        raise AssessmentError(_("Đã quá hạn tự đánh giá, không nhận thêm minh chứng."))
    if (
        answer.participation.status
        in (Participation.Status.SUBMITTED, Participation.Status.REVIEWED)
        and not clarifying
    ):
        raise AssessmentError(
            _("Đơn vị đã nộp tự đánh giá; chỉ sửa được khi có yêu cầu giải trình.")
        )


@transaction.atomic
def evidence_add_file(
    *,
    answer: Answer,
    upload: UploadedFile,
    title: str = "",
    user: User,
    now: dt.datetime | None = None,
) -> Evidence:
    now = now or timezone.now()
    _answer_for_evidence(answer, user, now)
    checked = check_upload(upload)
    evidence = Evidence(
        answer=answer,
        kind=Evidence.Kind.FILE,
        title=(title.strip() or upload.name or "")[:255],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=user,
        uploaded_at=now,
    )
    evidence.file.save(f"evidence.{checked.extension}", upload, save=False)
    evidence.save()
    return evidence


@transaction.atomic
def evidence_add_link(
    *, answer: Answer, url: str, title: str = "", user: User, now: dt.datetime | None = None
) -> Evidence:
    now = now or timezone.now()
    _answer_for_evidence(answer, user, now)
    url = url.strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise AssessmentError(_("Đường dẫn minh chứng không hợp lệ."), field="url") from None
    return Evidence.objects.create(
        answer=answer,
        kind=Evidence.Kind.LINK,
        url=url,
        title=(title.strip() or url)[:255],
        uploaded_by=user,
        uploaded_at=now,
    )


@transaction.atomic
def answer_save_with_evidence(
    *,
    participation: Participation,
    criterion: Criterion,
    value: Any,
    note: str = "",
    upload: UploadedFile | None = None,
    url: str = "",
    user: User,
) -> Answer:
    """The self-assessment form: the value and its evidence are stored together or not at
    all (a refused file leaves the previous answer unchanged)."""
    answer = answer_save(
        participation=participation, criterion=criterion, value=value, note=note, user=user
    )
    if upload is not None:
        evidence_add_file(answer=answer, upload=upload, user=user)
    if url.strip():
        evidence_add_link(answer=answer, url=url, user=user)
    return answer


def _evidence_ok(answer: Answer) -> bool:
    kind = answer.criterion.evidence
    if kind == EvidenceKind.NONE or not answer.value:
        return True
    kinds = set(answer.evidence.values_list("kind", flat=True))
    if kind == EvidenceKind.FILE:
        return Evidence.Kind.FILE in kinds
    if kind == EvidenceKind.LINK:
        return Evidence.Kind.LINK in kinds
    return bool(kinds)


@transaction.atomic
def participation_submit(
    *, participation: Participation, user: User, now: dt.datetime | None = None
) -> Participation:
    """Submit the self-assessment: every leaf answered, required evidence attached."""
    now = now or timezone.now()
    rnd = _lock_round(participation.round)
    _ensure_not_published(rnd)
    if not permissions.can_self_assess(user, participation.agency):
        raise AssessmentPermissionDenied(_("Chỉ cán bộ của đơn vị được nộp tự đánh giá."))
    if rnd.deadline_passed(now):
        raise AssessmentError(_("Đã quá hạn tự đánh giá, không nộp được nữa."))
    if participation.status != Participation.Status.DRAFT:
        raise AssessmentError(_("Đơn vị đã nộp tự đánh giá rồi."))
    leaves = list(rnd.criteria_set.criteria.filter(is_leaf=True).order_by("position"))
    answers = {
        a.criterion_id: a
        for a in participation.answers.select_related("criterion").prefetch_related("evidence")
    }
    missing = [c.code for c in leaves if c.pk not in answers or answers[c.pk].value is None]
    if missing:
        raise AssessmentError(
            _("Còn %(n)s tiêu chí chưa kê khai: %(codes)s")
            % {"n": len(missing), "codes": ", ".join(missing[:10])}
        )
    no_evidence = [c.code for c in leaves if not _evidence_ok(answers[c.pk])]
    if no_evidence:
        raise AssessmentError(
            _("Thiếu minh chứng bắt buộc cho các tiêu chí: %(codes)s")
            % {"codes": ", ".join(no_evidence[:10])}
        )
    participation.status = Participation.Status.SUBMITTED
    participation.submitted_at = now
    participation.submitted_by = user
    participation.save(update_fields=["status", "submitted_at", "submitted_by"])
    return participation


REVIEW_ACTIONS = ("accept", "adjust", "clarify")


@transaction.atomic
def answer_review(
    *,
    answer: Answer,
    user: User,
    action: str,
    adjusted_value: Any = None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Answer:
    """Accept the declared value, adjust it (with a reason) or ask for clarification."""
    now = now or timezone.now()
    participation = answer.participation
    rnd = _lock_round(participation.round)
    _ensure_not_published(rnd)
    agency = participation.agency
    if not permissions.can_manage(user):
        raise AssessmentPermissionDenied(_("Chỉ cán bộ đánh giá được thẩm định."))
    if permissions.works_for(user, agency):
        raise AssessmentPermissionDenied(
            _("Cán bộ đánh giá không được thẩm định đơn vị mình công tác (%(agency)s).")
            % {"agency": agency.name}
        )
    if participation.status == Participation.Status.DRAFT:
        raise AssessmentError(_("Đơn vị chưa nộp tự đánh giá, chưa thẩm định được."))
    if action not in REVIEW_ACTIONS:
        raise AssessmentError(_("Thao tác thẩm định không hợp lệ."), field="action")
    reason = reason.strip()
    if action == "accept":
        if answer.value is None:
            raise AssessmentError(_("Tiêu chí chưa được kê khai."))
        answer.review_status = Answer.ReviewStatus.ACCEPTED
        answer.adjusted_value = None
        answer.final_score = answer.declared_score
    elif action == "adjust":
        if not reason:
            raise AssessmentError(_("Điều chỉnh cần ghi rõ lý do."), field="reason")
        parsed = _answer_value(answer.criterion, adjusted_value)
        if parsed is None:
            raise AssessmentError(_("Cần nhập giá trị sau thẩm định."), field="adjusted_value")
        try:
            final = scoring.leaf_score(answer.criterion, parsed)
        except scoring.ScoringError as exc:
            raise AssessmentError(exc.message, field="adjusted_value") from None
        answer.review_status = Answer.ReviewStatus.ADJUSTED
        answer.adjusted_value = parsed
        answer.final_score = final
    else:
        if not reason:
            raise AssessmentError(_("Cần ghi nội dung yêu cầu giải trình."), field="reason")
        if rnd.status == Round.Status.REVISING:
            raise AssessmentError(_("Khi điều chỉnh sau công bố không yêu cầu giải trình được."))
        answer.review_status = Answer.ReviewStatus.CLARIFICATION
        answer.final_score = None
    answer.review_reason = reason
    answer.reviewed_by = user
    answer.reviewed_at = now
    answer.save()
    _participation_refresh_status(participation)
    return answer


def _participation_refresh_status(participation: Participation) -> None:
    statuses = set(participation.answers.values_list("review_status", flat=True))
    if Answer.ReviewStatus.CLARIFICATION in statuses:
        new = Participation.Status.CLARIFICATION
    elif Answer.ReviewStatus.PENDING in statuses:
        new = Participation.Status.SUBMITTED
    else:
        new = Participation.Status.REVIEWED
    if participation.status != new:
        participation.status = new
        participation.save(update_fields=["status"])


@transaction.atomic
def round_publish(
    *, round: Round, user: User | None, now: dt.datetime | None = None
) -> Publication:
    """Freeze the results: totals, ranks, pillar ranks and commune recognition."""
    from tinhso.assessment.selectors import compute_round

    now = now or timezone.now()
    rnd = _lock_round(round)
    _ensure_not_published(rnd)
    if user is not None and not permissions.can_manage(user):
        raise AssessmentPermissionDenied(_("Chỉ cán bộ đánh giá hoặc quản trị được công bố."))
    participations = list(rnd.participations.select_related("agency"))
    waiting = [
        p.agency.name
        for p in participations
        if p.status in (Participation.Status.SUBMITTED, Participation.Status.CLARIFICATION)
    ]
    if waiting:
        raise AssessmentError(
            _("Chưa thẩm định xong %(n)s đơn vị: %(names)s")
            % {"n": len(waiting), "names": ", ".join(waiting[:5])}
        )
    drafts = [p for p in participations if p.status == Participation.Status.DRAFT]
    if drafts and not rnd.deadline_passed(now):
        raise AssessmentError(
            _("Còn %(n)s đơn vị chưa nộp và chưa hết hạn tự đánh giá.") % {"n": len(drafts)}
        )
    computed = compute_round(rnd, final=True)
    revision = rnd.revision + 1
    reason = rnd.revision_reason if revision > 1 else ""
    with audit_suppressed():
        publication = Publication.objects.create(
            round=rnd, revision=revision, published_at=now, published_by=user, reason=reason
        )
        Result.objects.bulk_create(
            Result(
                publication=publication,
                agency=s.agency,
                total=s.total,
                rank=s.rank,
                pillar_scores={k: str(v) for k, v in s.pillar_scores.items()},
                pillar_ranks=s.pillar_ranks,
                indicator_scores={k: str(v) for k, v in s.node_scores.items()},
                submitted=s.submitted,
                recognised=s.recognised,
                criteria_met=s.criteria_met,
            )
            for s in computed
        )
        rnd.status = Round.Status.PUBLISHED
        rnd.revision = revision
        rnd.published_at = now
        rnd.revision_reason = ""
        rnd.save(update_fields=["status", "revision", "published_at", "revision_reason"])
    audit_record(
        action="round_publish",
        object_type="assessment.round",
        object_id=str(rnd.pk),
        object_repr=rnd.name,
        actor=user,
        changes={
            "revision": revision,
            "results": {s.agency.code: str(s.total) for s in computed},
        },
    )
    return publication


@transaction.atomic
def round_revision_open(*, round: Round, user: User, reason: str) -> Round:
    """Re-open a published round for corrections by assessors. The published results
    stay as they were (frozen in their :class:`Publication`) until the next publish."""
    rnd = _lock_round(round)
    if not permissions.can_manage(user):
        raise AssessmentPermissionDenied(_("Chỉ cán bộ đánh giá hoặc quản trị được điều chỉnh."))
    if rnd.status != Round.Status.PUBLISHED:
        raise AssessmentError(_("Chỉ mở điều chỉnh cho đợt đã công bố."))
    reason = reason.strip()
    if len(reason) < 10:
        raise AssessmentError(_("Cần ghi rõ lý do điều chỉnh (ít nhất 10 ký tự)."), field="reason")
    with audit_suppressed():
        rnd.status = Round.Status.REVISING
        rnd.revision_reason = reason
        rnd.save(update_fields=["status", "revision_reason"])
    audit_record(
        action="round_revision_open",
        object_type="assessment.round",
        object_id=str(rnd.pk),
        object_repr=rnd.name,
        actor=user,
        changes={"from_revision": rnd.revision, "reason": reason},
    )
    return rnd


@transaction.atomic
def round_refresh_computed(*, round: Round, now: dt.datetime | None = None) -> int:
    """Fill ``computed_value`` on answers whose criterion has an automatic provider."""
    from tinhso.indicators.providers import get_provider

    now = now or timezone.now()
    rnd = round
    if rnd.status == Round.Status.PUBLISHED:
        return 0
    leaves = list(rnd.criteria_set.criteria.filter(is_leaf=True).exclude(provider=""))
    if not leaves:
        return 0
    start = dt.date(rnd.year, 1, 1)
    end = min(dt.date(rnd.year, 12, 31), timezone.localdate(now))
    filled = 0
    for participation in rnd.participations.select_related("agency"):
        for criterion in leaves:
            provider = get_provider(criterion.provider)
            result = (
                provider.compute(agency=participation.agency, start=start, end=end)
                if provider
                else None
            )
            answer, _created = Answer.objects.get_or_create(
                participation=participation, criterion=criterion
            )
            if result is None:
                answer.computed_value = None
                answer.computed_source = (
                    provider.no_data_reason() if provider else _("Không có bộ tính chỉ số này.")
                )
            else:
                answer.computed_value = result.value
                answer.computed_source = result.source
                filled += 1
            answer.computed_at = now
            answer.save(update_fields=["computed_value", "computed_source", "computed_at"])
    return filled
