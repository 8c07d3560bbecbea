"""Reads for assessment: scores computed from answers, frozen rankings, scorecards."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet

from tinhso.assessment import permissions
from tinhso.assessment.models import (
    Answer,
    CriteriaSet,
    Criterion,
    Participation,
    Publication,
    Result,
    Round,
)
from tinhso.assessment.scoring import ZERO, rank_map, sum_scores
from tinhso.core.models import Agency
from tinhso.core.selectors import AnyUser
from tinhso.core.text import fold


@dataclass
class SubjectScore:
    agency: Agency
    total: Decimal
    pillar_scores: dict[str, Decimal]
    node_scores: dict[str, Decimal]
    submitted: bool
    rank: int = 0
    pillar_ranks: dict[str, int] = field(default_factory=dict)
    recognised: bool = False
    criteria_met: list[str] = field(default_factory=list)


def criteria_tree(criteria_set: CriteriaSet) -> list[Criterion]:
    """All criteria in tree order (position)."""
    return list(criteria_set.criteria.order_by("position"))


def _node_scores(nodes: list[Criterion], leaf_scores: dict[int, Decimal]) -> dict[str, Decimal]:
    """Score of every node: leaves from ``leaf_scores``, parents the exact sum of children."""
    children: dict[int | None, list[Criterion]] = {}
    for n in nodes:
        children.setdefault(n.parent_id, []).append(n)
    out: dict[str, Decimal] = {}

    def visit(node: Criterion) -> Decimal:
        if node.is_leaf:
            value = leaf_scores.get(node.pk, ZERO)
        else:
            value = sum_scores(visit(c) for c in children.get(node.pk, []))
        out[node.code] = value
        return value

    for root in children.get(None, []):
        visit(root)
    return out


def compute_round(rnd: Round, *, final: bool) -> list[SubjectScore]:
    """Scores of every subject from the answers.

    ``final=True`` uses reviewed scores (what gets published; a subject that never
    submitted scores 0); ``final=False`` is the provisional view (reviewed score when
    there is one, else the declared one).
    """
    nodes = criteria_tree(rnd.criteria_set)
    pillars = [n for n in nodes if n.parent_id is None]
    leaves = [n for n in nodes if n.is_leaf]
    participations = list(rnd.participations.select_related("agency"))
    by_participation: dict[int, dict[int, Decimal]] = {p.pk: {} for p in participations}
    answers = Answer.objects.filter(participation__round=rnd).values_list(
        "participation_id", "criterion_id", "declared_score", "final_score"
    )
    for pid, cid, declared, final_score in answers:
        score = final_score if final else (final_score if final_score is not None else declared)
        if score is not None:
            by_participation[pid][cid] = score
    scores: list[SubjectScore] = []
    pass_min = rnd.criteria_set.pass_min_points
    for p in participations:
        submitted = p.status != Participation.Status.DRAFT
        leaf_scores = by_participation[p.pk] if (submitted or not final) else {}
        node_scores = _node_scores(nodes, leaf_scores)
        pillar_scores = {pl.code: node_scores[pl.code] for pl in pillars}
        total = sum_scores(pillar_scores.values())
        s = SubjectScore(
            agency=p.agency,
            total=total,
            pillar_scores=pillar_scores,
            node_scores={k: v for k, v in node_scores.items() if k not in pillar_scores},
            submitted=submitted,
        )
        if pass_min is not None:
            met = []
            all_met = True
            for leaf in leaves:
                threshold = (
                    leaf.pass_min_points if leaf.pass_min_points is not None else leaf.max_points
                )
                if node_scores[leaf.code] >= threshold:
                    met.append(leaf.code)
                elif leaf.pass_min_points is not None:
                    all_met = False
            s.criteria_met = met
            s.recognised = submitted and all_met and total >= pass_min
        scores.append(s)
    names = {s.agency.pk: fold(s.agency.name) for s in scores}
    totals = {s.agency.pk: s.total for s in scores}
    ranks = rank_map(totals, names)
    pillar_rank_maps = {
        pl.code: rank_map({s.agency.pk: s.pillar_scores[pl.code] for s in scores}, names)
        for pl in pillars
    }
    for s in scores:
        s.rank = ranks[s.agency.pk]
        s.pillar_ranks = {code: m[s.agency.pk] for code, m in pillar_rank_maps.items()}
    scores.sort(key=lambda s: (s.rank, names[s.agency.pk]))
    return scores


# ---------------------------------------------------------------- rounds and rankings


def rounds_visible(user: AnyUser) -> QuerySet[Round]:
    """Published rounds for everyone; every round for managers; open rounds for the
    officers of their subjects."""
    qs = Round.objects.select_related("criteria_set")
    if permissions.can_manage(user):
        return qs
    agencies = permissions.self_assess_agencies(user)
    return qs.filter(Q(revision__gt=0) | Q(participations__agency__in=agencies)).distinct()


def latest_publication(rnd: Round) -> Publication | None:
    return rnd.publications.order_by("-revision").first()


def previous_round(rnd: Round) -> Round | None:
    """Last year's published round of the same subject type (latest code if several)."""
    return (
        Round.objects.filter(
            criteria_set__subject_type=rnd.criteria_set.subject_type,
            year=rnd.year - 1,
            revision__gt=0,
        )
        .order_by("-published_at", "code")
        .first()
    )


@dataclass
class RankingRow:
    rank: int
    agency: Agency
    total: Decimal
    pillar_scores: dict[str, Decimal]
    pillar_ranks: dict[str, int]
    previous_rank: int | None
    rank_change: int | None
    submitted: bool
    recognised: bool
    criteria_met: list[str]

    @property
    def score(self) -> Decimal:
        return self.total


def _results_ranking(publication: Publication) -> list[Result]:
    return list(publication.results.select_related("agency").order_by("rank", "agency__name"))


def round_ranking(rnd: Round, *, pillar: str | None = None) -> list[RankingRow]:
    """The published ranking (frozen), overall or for one pillar, with the change in rank
    against last year's round of the same subject type (positive = moved up)."""
    publication = latest_publication(rnd)
    if publication is None:
        return []
    previous = previous_round(rnd)
    prev_ranks: dict[int, int] = {}
    if previous is not None:
        prev_pub = latest_publication(previous)
        if prev_pub is not None:
            for r in prev_pub.results.all():
                prev_ranks[r.agency_id] = (
                    int(r.pillar_ranks.get(pillar, 0)) if pillar else r.rank
                ) or 0
    rows = []
    for r in _results_ranking(publication):
        pillar_scores = {k: Decimal(v) for k, v in r.pillar_scores.items()}
        rank = int(r.pillar_ranks[pillar]) if pillar else r.rank
        prev = prev_ranks.get(r.agency_id) or None
        rows.append(
            RankingRow(
                rank=rank,
                agency=r.agency,
                total=pillar_scores[pillar] if pillar else Decimal(r.total),
                pillar_scores=pillar_scores,
                pillar_ranks={k: int(v) for k, v in r.pillar_ranks.items()},
                previous_rank=prev,
                rank_change=(prev - rank) if prev else None,
                submitted=r.submitted,
                recognised=r.recognised,
                criteria_met=list(r.criteria_met),
            )
        )
    if pillar:
        rows.sort(key=lambda row: (row.rank, fold(row.agency.name)))
    return rows


def recognitions(rnd: Round) -> list[tuple[Result, Any]]:
    """Communes recognised as completed in the latest publication, with the date of the
    first publication that recognised them."""
    publication = latest_publication(rnd)
    if publication is None:
        return []
    first_dates: dict[int, Any] = {}
    for r in (
        Result.objects.filter(publication__round=rnd, recognised=True)
        .select_related("publication")
        .order_by("publication__revision")
    ):
        first_dates.setdefault(r.agency_id, r.publication.published_at)
    return [
        (r, first_dates[r.agency_id])
        for r in publication.results.filter(recognised=True)
        .select_related("agency")
        .order_by("agency__name")
    ]


def recognised_commune_count() -> int:
    """Distinct communes recognised as completed in the latest publication of any
    published commune round."""
    latest = Publication.objects.filter(
        round__criteria_set__subject_type="commune", revision=F("round__revision")
    )
    return (
        Result.objects.filter(publication__in=latest, recognised=True)
        .values("agency_id")
        .distinct()
        .count()
    )


# ---------------------------------------------------------------- scorecard


@dataclass
class NodeLine:
    criterion: Criterion
    score: Decimal
    lost: Decimal

    @property
    def percent(self) -> Decimal:
        if not self.criterion.max_points:
            return ZERO
        return (self.score * 100 / self.criterion.max_points).quantize(Decimal("0.1"))


@dataclass
class Scorecard:
    round: Round
    agency: Agency
    result: Result | None
    total: Decimal
    max_points: Decimal
    rank: int | None
    subjects: int
    pillars: list[NodeLine]
    indicators: list[NodeLine]
    strengths: list[NodeLine]
    gaps: list[NodeLine]
    history: list[tuple[Round, Decimal, int]]
    provisional: bool


def scorecard(rnd: Round, agency: Agency, *, gaps: int = 5) -> Scorecard | None:
    """A subject's scores per pillar and indicator, its strengths and its gaps (the
    indicators losing the most points), and its totals in earlier published rounds."""
    nodes = criteria_tree(rnd.criteria_set)
    publication = latest_publication(rnd)
    result: Result | None = None
    provisional = publication is None
    if publication is not None:
        result = publication.results.filter(agency=agency).first()
        if result is None:
            return None
        scores = {k: Decimal(v) for k, v in result.indicator_scores.items()}
        scores.update({k: Decimal(v) for k, v in result.pillar_scores.items()})
        total = Decimal(result.total)
        rank: int | None = result.rank
        subjects = publication.results.count()
    else:
        computed = {s.agency.pk: s for s in compute_round(rnd, final=False)}
        if agency.pk not in computed:
            return None
        s = computed[agency.pk]
        scores = {**s.node_scores, **s.pillar_scores}
        total = s.total
        rank = s.rank
        subjects = len(computed)
    lines = {
        n.code: NodeLine(n, scores.get(n.code, ZERO), n.max_points - scores.get(n.code, ZERO))
        for n in nodes
    }
    pillars = [lines[n.code] for n in nodes if n.depth == 0]
    indicators = [lines[n.code] for n in nodes if n.depth == 1]
    by_loss = sorted(indicators, key=lambda li: (-li.lost, li.criterion.position))
    by_share = sorted(
        indicators,
        key=lambda li: (-(li.score / li.criterion.max_points), li.criterion.position),
    )
    history = []
    for past in Round.objects.filter(
        criteria_set__subject_type=rnd.criteria_set.subject_type, revision__gt=0
    ).order_by("year", "code"):
        pub = latest_publication(past)
        r = pub.results.filter(agency=agency).first() if pub else None
        if r is not None:
            history.append((past, Decimal(r.total), r.rank))
    return Scorecard(
        round=rnd,
        agency=agency,
        result=result,
        total=total,
        max_points=rnd.criteria_set.max_points,
        rank=rank,
        subjects=subjects,
        pillars=pillars,
        indicators=indicators,
        strengths=[li for li in by_share[:gaps] if li.score > 0],
        gaps=[li for li in by_loss[:gaps] if li.lost > 0],
        history=history,
        provisional=provisional,
    )


def participation_answers(participation: Participation) -> list[tuple[Criterion, Answer | None]]:
    nodes = criteria_tree(participation.round.criteria_set)
    answers = {
        a.criterion_id: a
        for a in participation.answers.select_related(
            "reviewed_by", "answered_by"
        ).prefetch_related("evidence")
    }
    return [(n, answers.get(n.pk)) for n in nodes]


def review_queue(user: AnyUser) -> QuerySet[Participation]:
    if not permissions.can_manage(user):
        return Participation.objects.none()
    return (
        Participation.objects.filter(
            status__in=[Participation.Status.SUBMITTED, Participation.Status.CLARIFICATION],
            round__status__in=[Round.Status.OPEN, Round.Status.REVISING],
        )
        .select_related("round", "agency")
        .order_by("round__deadline", "agency__name")
    )


def my_participations(user: AnyUser) -> QuerySet[Participation]:
    return (
        Participation.objects.filter(
            agency__in=permissions.self_assess_agencies(user),
            round__status=Round.Status.OPEN,
        )
        .select_related("round", "agency")
        .order_by("round__deadline")
    )
