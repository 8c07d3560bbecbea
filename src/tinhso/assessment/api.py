"""Native API for assessment: criteria sets, rounds, rankings and scorecards (read-only)."""

from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from tinhso.assessment import permissions, selectors
from tinhso.assessment.models import CriteriaSet, Round
from tinhso.assessment.transfer import export_dict
from tinhso.core.auth import request_user_from_token
from tinhso.core.models import Agency

router = Router(tags=["assessment"])


class CriteriaSetOut(Schema):
    code: str
    name: str
    year: int
    subject_type: str
    max_points: Decimal
    pass_min_points: Decimal | None
    is_example: bool
    is_locked: bool


class RoundOut(Schema):
    id: int
    code: str
    name: str
    year: int
    criteria_set: str
    subject_type: str
    status: str
    deadline: str
    revision: int
    published_at: str | None
    subjects: int


class RankingRowOut(Schema):
    rank: int
    agency_code: str
    agency_name: str
    score: Decimal = Field(description="Tổng điểm, hoặc điểm trụ cột khi lọc theo trụ cột")
    pillar_scores: dict[str, Decimal]
    pillar_ranks: dict[str, int]
    previous_rank: int | None
    rank_change: int | None = Field(description="Dương = tăng hạng so với năm trước")
    submitted: bool
    recognised: bool


class RankingOut(Schema):
    round: RoundOut
    revision: int
    pillar: str | None
    tie_rule: str
    rounding_rule: str
    rows: list[RankingRowOut]


class NodeOut(Schema):
    code: str
    name: str
    depth: int
    max_points: Decimal
    score: Decimal
    lost: Decimal


class ScorecardOut(Schema):
    round_id: int
    agency_code: str
    agency_name: str
    provisional: bool
    total: Decimal
    max_points: Decimal
    rank: int | None
    subjects: int
    pillars: list[NodeOut]
    indicators: list[NodeOut]
    strengths: list[str]
    gaps: list[str]
    history: list[dict[str, Any]]


TIE_RULE = "Bằng điểm thì đồng hạng, hạng kế tiếp bị bỏ qua (1, 2, 2, 4); cùng hạng xếp theo tên."
ROUNDING_RULE = (
    "Điểm tiêu chí lá làm tròn đến 0,01 (ROUND_HALF_UP); chỉ số, trụ cột và tổng là tổng đúng."
)


def _round_out(r: Round) -> dict[str, Any]:
    return {
        "id": r.pk,
        "code": r.code,
        "name": r.name,
        "year": r.year,
        "criteria_set": r.criteria_set.code,
        "subject_type": r.criteria_set.subject_type,
        "status": r.status,
        "deadline": r.deadline.isoformat(),
        "revision": r.revision,
        "published_at": r.published_at.isoformat() if r.published_at else None,
        "subjects": r.participations.count(),
    }


def _visible_round(request: HttpRequest, round_id: int) -> Round:
    request_user_from_token(request)
    rnd = get_object_or_404(Round.objects.select_related("criteria_set"), pk=round_id)
    if not selectors.rounds_visible(request.user).filter(pk=rnd.pk).exists():
        raise Http404
    return rnd


@router.get("/criteria-sets", response=list[CriteriaSetOut], summary="Bộ tiêu chí")
def criteria_sets(request: HttpRequest) -> Any:
    return list(CriteriaSet.objects.all())


@router.get(
    "/criteria-sets/{code}",
    summary="Một bộ tiêu chí (cây đầy đủ, cùng định dạng tệp nhập/xuất JSON)",
)
def criteria_set_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    return export_dict(get_object_or_404(CriteriaSet, code=code))


class RoundFilter(Schema):
    year: int | None = None
    subject_type: str | None = Field(None, pattern="^(department|district|commune)$")


@router.get("/rounds", response=list[RoundOut], summary="Đợt đánh giá")
def rounds(request: HttpRequest, filters: Query[RoundFilter]) -> Any:
    request_user_from_token(request)
    qs = selectors.rounds_visible(request.user)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.subject_type:
        qs = qs.filter(criteria_set__subject_type=filters.subject_type)
    return [_round_out(r) for r in qs]


@router.get("/rounds/{round_id}", response=RoundOut, summary="Một đợt")
def round_detail(request: HttpRequest, round_id: int) -> Any:
    return _round_out(_visible_round(request, round_id))


@router.get(
    "/rounds/{round_id}/ranking",
    response=RankingOut,
    summary="Bảng xếp hạng đã công bố (tổng hoặc theo trụ cột)",
)
def ranking(request: HttpRequest, round_id: int, pillar: str | None = None) -> Any:
    rnd = _visible_round(request, round_id)
    publication = selectors.latest_publication(rnd)
    if publication is None:
        raise HttpError(409, _("Đợt đánh giá chưa công bố kết quả."))
    if pillar and not rnd.criteria_set.criteria.filter(code=pillar, depth=0).exists():
        raise HttpError(404, _("Không có trụ cột mã %(c)s.") % {"c": pillar})
    rows = selectors.round_ranking(rnd, pillar=pillar)
    return {
        "round": _round_out(rnd),
        "revision": publication.revision,
        "pillar": pillar,
        "tie_rule": TIE_RULE,
        "rounding_rule": ROUNDING_RULE,
        "rows": [
            {
                "rank": r.rank,
                "agency_code": r.agency.code,
                "agency_name": r.agency.name,
                "score": r.total,
                "pillar_scores": r.pillar_scores,
                "pillar_ranks": r.pillar_ranks,
                "previous_rank": r.previous_rank,
                "rank_change": r.rank_change,
                "submitted": r.submitted,
                "recognised": r.recognised,
            }
            for r in rows
        ],
    }


@router.get(
    "/rounds/{round_id}/subjects/{agency_code}/scorecard",
    response=ScorecardOut,
    summary="Phiếu kết quả của một đơn vị",
)
def scorecard(request: HttpRequest, round_id: int, agency_code: str) -> Any:
    rnd = _visible_round(request, round_id)
    agency = get_object_or_404(Agency, code=agency_code)
    if selectors.latest_publication(rnd) is None and not (
        permissions.can_manage(request.user) or permissions.can_self_assess(request.user, agency)
    ):
        raise Http404
    card = selectors.scorecard(rnd, agency)
    if card is None:
        raise Http404

    def node(li: selectors.NodeLine) -> dict[str, Any]:
        return {
            "code": li.criterion.code,
            "name": li.criterion.name,
            "depth": li.criterion.depth,
            "max_points": li.criterion.max_points,
            "score": li.score,
            "lost": li.lost,
        }

    return {
        "round_id": rnd.pk,
        "agency_code": agency.code,
        "agency_name": agency.name,
        "provisional": card.provisional,
        "total": card.total,
        "max_points": card.max_points,
        "rank": card.rank,
        "subjects": card.subjects,
        "pillars": [node(li) for li in card.pillars],
        "indicators": [node(li) for li in card.indicators],
        "strengths": [li.criterion.code for li in card.strengths],
        "gaps": [li.criterion.code for li in card.gaps],
        "history": [
            {"round_id": r.pk, "year": r.year, "total": str(total), "rank": rank}
            for r, total, rank in card.history
        ],
    }
