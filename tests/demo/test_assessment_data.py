"""The assessment demo follows today's two-level local government: departments and the
communes/wards of the core demo are assessed; former districts only appear in history,
inactive and labelled as former."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tinhso.assessment.models import Result, Round, SubjectType
from tinhso.core.models import Agency
from tinhso.demo.assessment_data import SECOND_DISTRICT, build_assessment
from tinhso.demo.core_data import PROVINCE_AGENCY_CODE, build_core

pytestmark = pytest.mark.django_db


def test_the_assessment_demo_assesses_departments_and_communes_not_districts() -> None:
    build_core()
    communes = set(
        Agency.objects.filter(
            level=Agency.Level.COMMUNE, parent__code=PROVINCE_AGENCY_CODE, is_active=True
        ).values_list("pk", flat=True)
    )
    first = build_assessment()

    # Rounds after the districts were abolished (1 July 2025) have today's subjects.
    for rnd in Round.objects.filter(year__gte=2025):
        assert rnd.criteria_set.subject_type != SubjectType.DISTRICT, rnd.code
        assert not rnd.participations.filter(agency__is_active=False).exists(), rnd.code
    commune_round = Round.objects.get(code="xa-hoan-thanh-cds-2025")
    assert set(commune_round.participations.values_list("agency_id", flat=True)) == communes
    assert not Round.objects.filter(code="dti-huyen-2025").exists()

    # The former districts remain for the 2024 ranking only: inactive, labelled former,
    # hence never offered as a transfer target or in the one-stop filters.
    districts = Agency.objects.filter(level=Agency.Level.DISTRICT)
    assert districts.count() == 27
    assert not districts.filter(is_active=True).exists()
    assert all(name.endswith("(cũ)") for name in districts.values_list("name", flat=True))
    assert not Agency.objects.filter(is_active=True, name__startswith="Ủy ban nhân dân Huyện")
    sam_son = Result.objects.get(
        publication__round__code="dti-huyen-2024", agency__admin_unit__code=SECOND_DISTRICT
    )
    assert (sam_son.total, sam_son.rank) == (Decimal("813.52"), 2)

    # Idempotent.
    rounds = Round.objects.count()
    second = build_assessment()
    assert first["rounds_created"] and second["rounds_created"] == []
    assert Round.objects.count() == rounds and districts.count() == 27


def test_a_demo_database_with_a_2025_district_round_loses_it_once() -> None:
    from tinhso.assessment import services
    from tinhso.assessment.models import CriteriaSet
    from tinhso.demo.assessment_data import district_agencies

    build_core()
    build_assessment()
    # What an earlier version of the builder left: a 2025 round of the districts.
    (district_set,) = services.criteria_set_load_examples(
        year=2025, subject_types=[SubjectType.DISTRICT]
    )
    services.round_open(
        criteria_set=district_set,
        code="dti-huyen-2025",
        name="Đánh giá chuyển đổi số cấp huyện năm 2025",
        year=2025,
        deadline=Round.objects.get(code="dti-so-nganh-2025").deadline,
        agencies=district_agencies(),
    )

    result = build_assessment()
    assert result["rounds_retired"] == ["dti-huyen-2024", "dti-huyen-2025"]
    assert result["rounds_created"] == ["dti-huyen-2024"]
    assert not Round.objects.filter(code="dti-huyen-2025").exists()
    assert not CriteriaSet.objects.filter(subject_type=SubjectType.DISTRICT, year__gt=2024)
    sam_son = Result.objects.get(
        publication__round__code="dti-huyen-2024", agency__admin_unit__code=SECOND_DISTRICT
    )
    assert (sam_son.total, sam_son.rank) == (Decimal("813.52"), 2)
    assert "rounds_retired" not in build_assessment()
