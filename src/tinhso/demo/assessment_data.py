"""Demo builder for assessment: example criteria sets, last years' rounds, an open round.

Today's subjects are the province's departments and its communes and wards (two-level
local government since 1 July 2025; the districts were abolished):

- 2024 and 2025 rounds for the 14 departments, published, scores computed from
  generated answers;
- a 2025 commune round in which 114 of the communes/wards of the core demo are
  recognised as completed;
- a 2026 department round, open, for the demo users to self-assess and review;
- history: the 2024 round of the 27 former districts (26 from the packaged data plus
  Đông Sơn), whose People's Committees are kept inactive and labelled "(cũ)" so that
  they are neither transfer targets nor offered in filters; Thành phố Sầm Sơn scores
  exactly 813.52 and ranks 2nd. There is no 2025 district round.

Synthetic scores. Idempotent: a round whose code exists is left as it is — except the
district rounds and sets after 2024 that earlier versions of this builder made (districts
no longer existed), which are removed from a demo database once.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from tinhso.assessment import services
from tinhso.assessment.models import (
    Answer,
    CriteriaSet,
    Criterion,
    Participation,
    Round,
    SubjectType,
)
from tinhso.assessment.scoring import leaf_score, quantize, sum_scores
from tinhso.core.audit import audit_suppressed
from tinhso.core.models import AdministrativeUnit, Agency

PROVINCE_CODE = "38"
PROVINCE_AGENCY_CODE = "000.00.00.H56"
# Đông Sơn (GSO code 405) was merged into Thành phố Thanh Hóa on 1 March 2025; it is
# not in the packaged former-district list but still appears in earlier reports.
DONG_SON = ("405", "Huyện Đông Sơn", dt.date(2025, 3, 1))
SECOND_DISTRICT = "382"  # Thành phố Sầm Sơn
SECOND_TOTAL = Decimal("813.52")
FIRST_DISTRICT = "380"  # Thành phố Thanh Hóa
DISTRICT_ROUND_YEAR = 2024  # the last year districts were assessed (abolished 1 July 2025)
FORMER = "(cũ)"
RECOGNISED_COMMUNES = 114
TZ = dt.timezone(dt.timedelta(hours=7))


def _at(year: int, month: int, day: int, hour: int = 17) -> dt.datetime:
    return dt.datetime(year, month, day, hour, 0, tzinfo=TZ)


def district_agencies() -> list[Agency]:
    """One (inactive, historical) People's Committee per former district of the province,
    labelled as former ("… (cũ)"): kept for the rounds that ranked them, never offered
    as a transfer target or in a filter."""
    province_unit = AdministrativeUnit.objects.get(code=PROVINCE_CODE)
    province = Agency.objects.get(code=PROVINCE_AGENCY_CODE)
    code, name, ended = DONG_SON
    with audit_suppressed():
        AdministrativeUnit.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "division_type": "huyện",
                "level": AdministrativeUnit.Level.DISTRICT,
                "parent": province_unit,
                "is_current": False,
                "valid_until": ended,
            },
        )
        agencies = []
        for unit in AdministrativeUnit.objects.filter(
            parent=province_unit, level=AdministrativeUnit.Level.DISTRICT
        ).order_by("code"):
            agency, _created = Agency.objects.update_or_create(
                code=f"{unit.code}.00.00.H56",
                defaults={
                    "name": f"Ủy ban nhân dân {unit.name} {FORMER}",
                    "short_name": f"{unit.name} {FORMER}",
                    "level": Agency.Level.DISTRICT,
                    "parent": province,
                    "admin_unit": unit,
                    "is_active": False,
                },
            )
            agencies.append(agency)
    return agencies


def _value_for(criterion: Criterion, quality: float, rng: random.Random) -> Decimal:
    """A plausible declared value for a subject of the given quality (0–1)."""
    q = max(0.0, min(1.0, quality + rng.uniform(-0.15, 0.12)))
    method = criterion.method
    if method == "yes_no":
        return Decimal(1) if rng.random() < 0.35 + 0.65 * quality else Decimal(0)
    if method == "ratio":
        target = Decimal(criterion.target or 100)
        return quantize(target * Decimal(str(min(1.08, q + 0.05))))
    if method == "scale":
        levels = criterion.scale_levels or 1
        return Decimal(round(levels * q))
    if method == "bands":
        bands = sorted(criterion.bands, key=lambda b: Decimal(b["min"]))
        top = Decimal(bands[-1]["min"]) or Decimal(1)
        descending = Decimal(bands[0]["points"]) > Decimal(bands[-1]["points"])
        if descending:  # fewer is better (incidents)
            return Decimal(0 if rng.random() < quality else rng.randint(1, 4))
        return Decimal(int(top * Decimal(str(q * 1.25))))
    return quantize(Decimal(criterion.max_points) * Decimal(str(q)))  # manual


def _answers(
    participation: Participation,
    leaves: list[Criterion],
    quality: float,
    rng: random.Random,
    reviewer: Any,
    *,
    at: dt.datetime,
) -> list[Answer]:
    out = []
    for c in leaves:
        value = _value_for(c, quality, rng)
        declared = leaf_score(c, value)
        answer = Answer(
            participation=participation,
            criterion=c,
            value=value,
            declared_score=declared,
            answered_at=at,
            review_status=Answer.ReviewStatus.ACCEPTED,
            final_score=declared,
            reviewed_at=at + dt.timedelta(days=10),
            reviewed_by=reviewer,
            note="",
        )
        # Assessors trim an over-claimed ratio now and then.
        if c.method == "ratio" and rng.random() < 0.08 and value > 0:
            adjusted = quantize(value * Decimal("0.9"))
            answer.review_status = Answer.ReviewStatus.ADJUSTED
            answer.adjusted_value = adjusted
            answer.final_score = leaf_score(c, adjusted)
            answer.review_reason = "Minh chứng chỉ chứng minh được 90% số liệu kê khai."
        out.append(answer)
    return out


def _total(answers: list[Answer]) -> Decimal:
    return sum_scores(a.final_score or Decimal(0) for a in answers)


def _force_total(answers: list[Answer], target: Decimal) -> bool:
    """Set the manual leaves so that the total is exactly ``target``; False if impossible."""
    manual = [a for a in answers if a.criterion.method == "manual"]
    rest = sum_scores(a.final_score or Decimal(0) for a in answers if a not in manual)
    needed = target - rest
    capacity = sum(Decimal(a.criterion.max_points) for a in manual)
    if not manual or needed < 0 or needed > capacity:
        return False
    for a in manual:
        share = min(Decimal(a.criterion.max_points), needed)
        if a is not manual[-1]:
            share = min(share, quantize(needed * Decimal(a.criterion.max_points) / capacity))
        a.value = share
        a.declared_score = share
        a.final_score = share
        needed -= share
    return needed == 0 and _total(answers) == target


def _fill_round(
    rnd: Round,
    qualities: dict[int, float],
    rng: random.Random,
    reviewer: Any,
    *,
    exact: dict[int, Decimal] | None = None,
    below: Decimal | None = None,
    above: dict[int, Decimal] | None = None,
) -> None:
    leaves = list(rnd.criteria_set.criteria.filter(is_leaf=True).order_by("position"))
    submitted_at = rnd.deadline - dt.timedelta(days=3)
    all_answers: list[Answer] = []
    for p in rnd.participations.select_related("agency"):
        quality = qualities[p.agency_id]
        for _attempt in range(200):
            answers = _answers(p, leaves, quality, rng, reviewer, at=submitted_at)
            total = _total(answers)
            if exact and p.agency_id in exact:
                if _force_total(answers, exact[p.agency_id]):
                    break
                quality += 0.01 if total < exact[p.agency_id] else -0.01
                continue
            if above and p.agency_id in above and total <= above[p.agency_id]:
                quality = min(1.0, quality + 0.02)
                continue
            if below is not None and not (above and p.agency_id in above) and total >= below:
                quality -= 0.03
                continue
            break
        all_answers.extend(answers)
    with audit_suppressed():
        Answer.objects.bulk_create(all_answers)
        rnd.participations.update(status=Participation.Status.REVIEWED, submitted_at=submitted_at)


def _open(
    criteria_set: CriteriaSet,
    code: str,
    name: str,
    year: int,
    deadline: dt.datetime,
    agencies: list[Agency],
) -> Round:
    with audit_suppressed():
        rnd = services.round_open(
            criteria_set=criteria_set,
            code=code,
            name=name,
            year=year,
            deadline=deadline,
            agencies=agencies,
        )
        Round.objects.filter(pk=rnd.pk).update(opened_at=deadline - dt.timedelta(days=60))
    rnd.refresh_from_db()
    return rnd


def _sets() -> dict[tuple[str, int], CriteriaSet]:
    """The example sets: departments and communes every year, former districts only for
    the years they were still assessed."""
    out = {}
    for year in (2024, 2025, 2026):
        types = [SubjectType.DEPARTMENT, SubjectType.COMMUNE]
        if year <= DISTRICT_ROUND_YEAR:
            types.append(SubjectType.DISTRICT)
        for s in services.criteria_set_load_examples(year=year, subject_types=types):
            out[(s.subject_type, year)] = s
    return out


def _reviewer() -> Any:
    from tinhso.core.models import User

    return User.objects.filter(username="danhgia").first()


def _retire_anachronistic_district_rounds() -> list[str]:
    """In a database built by an earlier version of this builder (a district round after
    the districts' last assessment), remove the demo's district rounds — the 2024 one is
    built again below as documented — and the later district example sets; returns the
    removed round codes."""
    district_rounds = Round.objects.filter(
        code__startswith="dti-huyen-", criteria_set__subject_type=SubjectType.DISTRICT
    )
    if not district_rounds.filter(year__gt=DISTRICT_ROUND_YEAR).exists():
        return []
    stale = district_rounds
    codes = list(stale.order_by("code").values_list("code", flat=True))
    with audit_suppressed():
        stale.delete()
        CriteriaSet.objects.filter(
            code__startswith="vi-du-huyen-",
            subject_type=SubjectType.DISTRICT,
            year__gt=DISTRICT_ROUND_YEAR,
            rounds=None,
        ).delete()
    return codes


@transaction.atomic
def build_assessment() -> dict[str, Any]:
    retired = _retire_anachronistic_district_rounds()
    sets = _sets()
    reviewer = _reviewer()
    districts = district_agencies()
    departments = list(
        Agency.objects.filter(
            level=Agency.Level.DEPARTMENT, parent__code=PROVINCE_AGENCY_CODE, is_active=True
        ).order_by("code")
    )
    communes = list(
        Agency.objects.filter(
            level=Agency.Level.COMMUNE, parent__code=PROVINCE_AGENCY_CODE, is_active=True
        ).order_by("code")
    )
    created: list[str] = []

    for year in (2024, 2025):
        code = f"dti-huyen-{year}"
        if year == DISTRICT_ROUND_YEAR and not Round.objects.filter(code=code).exists():
            rng = random.Random(f"huyen-{year}")
            rnd = _open(
                sets[("district", year)],
                code,
                f"Đánh giá chuyển đổi số cấp huyện năm {year}",
                year,
                _at(year, 12, 15),
                districts,
            )
            qualities = {a.pk: rng.uniform(0.45, 0.8) for a in districts}
            by_code = {a.admin_unit.code: a for a in districts if a.admin_unit}
            first = by_code[FIRST_DISTRICT]
            second = by_code[SECOND_DISTRICT]
            qualities[first.pk] = 0.93
            qualities[second.pk] = 0.86
            _fill_round(
                rnd,
                qualities,
                rng,
                reviewer,
                exact={second.pk: SECOND_TOTAL},
                below=SECOND_TOTAL - Decimal("5"),
                above={first.pk: SECOND_TOTAL + Decimal("10")},
            )
            services.round_publish(round=rnd, user=None, now=_at(year + 1, 1, 20, 9))
            created.append(code)

        code = f"dti-so-nganh-{year}"
        if not Round.objects.filter(code=code).exists():
            rng = random.Random(f"so-nganh-{year}")
            rnd = _open(
                sets[("department", year)],
                code,
                f"Đánh giá chuyển đổi số sở, ban, ngành năm {year}",
                year,
                _at(year, 12, 15),
                departments,
            )
            _fill_round(rnd, {a.pk: rng.uniform(0.5, 0.9) for a in departments}, rng, reviewer)
            services.round_publish(round=rnd, user=None, now=_at(year + 1, 1, 20, 9))
            created.append(code)

    code = "xa-hoan-thanh-cds-2025"
    if not Round.objects.filter(code=code).exists() and communes:
        rng = random.Random("xa-2025")
        rnd = _open(
            sets[("commune", 2025)],
            code,
            "Đánh giá xã, phường hoàn thành chuyển đổi số năm 2025",
            2025,
            _at(2025, 11, 30),
            communes,
        )
        passing = set(a.pk for a in rng.sample(communes, min(RECOGNISED_COMMUNES, len(communes))))
        _fill_commune_round(rnd, passing, rng, reviewer)
        services.round_publish(round=rnd, user=None, now=_at(2025, 12, 20, 9))
        created.append(code)

    code = "dti-so-nganh-2026"
    if not Round.objects.filter(code=code).exists():
        deadline = timezone.localtime().replace(
            hour=17, minute=0, second=0, microsecond=0
        ) + dt.timedelta(days=45)
        with audit_suppressed():
            rnd = services.round_open(
                criteria_set=sets[("department", 2026)],
                code=code,
                name="Đánh giá chuyển đổi số sở, ban, ngành năm 2026",
                year=2026,
                deadline=deadline,
                agencies=departments,
            )
            services.round_refresh_computed(round=rnd)
        created.append(code)
    out: dict[str, Any] = {"rounds_created": created, "rounds": Round.objects.count()}
    if retired:
        out["rounds_retired"] = retired
    return out


def _fill_commune_round(rnd: Round, passing: set[int], rng: random.Random, reviewer: Any) -> None:
    leaves = list(rnd.criteria_set.criteria.filter(is_leaf=True).order_by("position"))
    pass_min = rnd.criteria_set.pass_min_points or Decimal(0)
    at = rnd.deadline - dt.timedelta(days=5)
    answers: list[Answer] = []
    for p in rnd.participations.all():
        good = p.agency_id in passing
        for _attempt in range(100):
            batch = []
            for c in leaves:
                if c.method == "yes_no":
                    value = Decimal(1) if good or rng.random() < 0.6 else Decimal(0)
                elif c.method == "ratio":
                    share = rng.uniform(0.92, 1.05) if good else rng.uniform(0.55, 1.0)
                    value = quantize(Decimal(c.target or 100) * Decimal(str(share)))
                else:  # bands
                    value = Decimal(rng.randint(5, 14) if good else rng.randint(0, 9))
                score = leaf_score(c, value)
                batch.append(
                    Answer(
                        participation=p,
                        criterion=c,
                        value=value,
                        declared_score=score,
                        final_score=score,
                        answered_at=at,
                        review_status=Answer.ReviewStatus.ACCEPTED,
                        reviewed_by=reviewer,
                        reviewed_at=at + dt.timedelta(days=7),
                    )
                )
            total = _total(batch)
            thresholds = all(
                (a.final_score or 0) >= a.criterion.pass_min_points
                for a in batch
                if a.criterion.pass_min_points is not None
            )
            if (thresholds and total >= pass_min) == good:
                break
        answers.extend(batch)
    with audit_suppressed():
        Answer.objects.bulk_create(answers)
        rnd.participations.update(status=Participation.Status.REVIEWED, submitted_at=at)
