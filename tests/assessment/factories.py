"""Factories and helpers for assessment tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tinhso.assessment import services
from tinhso.assessment.models import CriteriaSet, Participation, Round
from tinhso.assessment.transfer import parse_json
from tinhso.core.models import Agency, User


def small_set_data(**overrides: Any) -> dict[str, Any]:
    """A two-pillar set covering every scoring method (100 points)."""
    data: dict[str, Any] = {
        "format": "tinhso.assessment.criteria/1",
        "code": "thu-nghiem-2025",
        "name": "Bộ tiêu chí thử nghiệm 2025",
        "year": 2025,
        "subject_type": "department",
        "max_points": "100.00",
        "criteria": [
            {
                "code": "1",
                "name": "Nền tảng",
                "max_points": "60",
                "children": [
                    {
                        "code": "1.1",
                        "name": "Nhận thức",
                        "max_points": "30",
                        "children": [
                            {
                                "code": "1.1.1",
                                "name": "Có ban chỉ đạo",
                                "max_points": "10",
                                "method": "yes_no",
                                "evidence": "file",
                            },
                            {
                                "code": "1.1.2",
                                "name": "Tỷ lệ đào tạo",
                                "max_points": "20",
                                "method": "ratio",
                                "target": "80",
                            },
                        ],
                    },
                    {
                        "code": "1.2",
                        "name": "Mức độ",
                        "max_points": "30",
                        "method": "scale",
                        "scale_levels": 3,
                    },
                ],
            },
            {
                "code": "2",
                "name": "Chính quyền số",
                "max_points": "40",
                "children": [
                    {
                        "code": "2.1",
                        "name": "Số bộ dữ liệu",
                        "max_points": "15",
                        "method": "bands",
                        "bands": [
                            {"min": "0", "points": "0"},
                            {"min": "3", "points": "7.5"},
                            {"min": "5", "points": "15"},
                        ],
                    },
                    {
                        "code": "2.2",
                        "name": "Tổ thẩm định chấm",
                        "max_points": "25",
                        "method": "manual",
                    },
                ],
            },
        ],
    }
    data.update(overrides)
    return data


def make_set(**overrides: Any) -> CriteriaSet:
    import json

    return services.criteria_set_import(spec=parse_json(json.dumps(small_set_data(**overrides))))


def make_round(
    criteria_set: CriteriaSet,
    agencies: list[Agency],
    *,
    code: str = "dot-thu-2025",
    year: int = 2025,
    deadline: dt.datetime | None = None,
) -> Round:
    return services.round_open(
        criteria_set=criteria_set,
        code=code,
        name=f"Đợt {code}",
        year=year,
        deadline=deadline or timezone.now() + dt.timedelta(days=30),
        agencies=agencies,
    )


def fill(
    participation: Participation,
    user: User,
    values: dict[str, Any],
    *,
    evidence_user: User | None = None,
) -> None:
    """Answer the given leaves (code → value)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    leaves = {c.code: c for c in participation.round.criteria_set.criteria.filter(is_leaf=True)}
    for code, value in values.items():
        answer = services.answer_save(
            participation=participation, criterion=leaves[code], value=value, user=user
        )
        if leaves[code].evidence != "none" and value not in (0, "0", Decimal(0)):
            services.evidence_add_file(
                answer=answer,
                upload=SimpleUploadedFile(
                    "qd.pdf", b"%PDF-1.4\n% minh chung\n", content_type="application/pdf"
                ),
                user=evidence_user or user,
            )


FULL_ANSWERS = {"1.1.1": 1, "1.1.2": "60", "1.2": 2, "2.1": 4, "2.2": "12.345"}
# 10 + 20*60/80=15 + 30*2/3=20 + 7.5 + 12.35 (12.345 rounded half up) = 64.85
FULL_TOTAL = Decimal("64.85")
