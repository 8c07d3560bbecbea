"""Criteria sets: JSON and XLSX import/export, validation of the tree."""

from __future__ import annotations

import copy
import io
import json

import pytest
from openpyxl import load_workbook

from tests.assessment.factories import make_set, small_set_data
from tinhso.assessment import services
from tinhso.assessment.models import CriteriaSet, Criterion
from tinhso.assessment.transfer import (
    CriteriaImportError,
    export_json,
    export_xlsx,
    parse_json,
    parse_xlsx,
)

pytestmark = pytest.mark.django_db


def _import(data: dict) -> CriteriaSet:
    return services.criteria_set_import(spec=parse_json(json.dumps(data)))


def test_import_json_builds_the_tree_with_depths_and_leaves() -> None:
    cs = make_set()
    assert cs.max_points == 100
    c = {x.code: x for x in cs.criteria.all()}
    assert c["1"].depth == 0 and not c["1"].is_leaf and c["1"].method == ""
    assert c["1.1.2"].depth == 2 and c["1.1.2"].is_leaf and c["1.1.2"].parent == c["1.1"]
    assert c["1.2"].is_leaf and c["1.2"].scale_levels == 3


def test_json_round_trip_is_lossless() -> None:
    cs = make_set()
    exported = json.loads(export_json(cs))
    exported["code"] = "ban-sao"
    copy_set = _import(exported)
    again = json.loads(export_json(copy_set))
    again["code"] = exported["code"]
    assert again == exported


def test_xlsx_round_trip_is_lossless() -> None:
    cs = make_set()
    raw = export_xlsx(cs)
    wb = load_workbook(io.BytesIO(raw))
    wb["Bộ tiêu chí"]["B1"] = "ban-sao-xlsx"
    buf = io.BytesIO()
    wb.save(buf)
    spec = parse_xlsx(buf.getvalue())
    copy_set = services.criteria_set_import(spec=spec)
    a = json.loads(export_json(cs))
    b = json.loads(export_json(copy_set))
    a.pop("code"), b.pop("code")
    assert a == b


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["criteria"][0].update(max_points="70"), "khác tổng điểm các tiêu chí con"),
        (lambda d: d.update(max_points="90"), "khác tổng điểm các trụ cột"),
        (lambda d: d["criteria"][1]["children"][0].update(code="1.2"), "mã bị trùng"),
        (
            lambda d: d["criteria"][1]["children"][1].update(method="guess"),
            "cách chấm “guess” không hợp lệ",
        ),
        (lambda d: d["criteria"][1]["children"][1].update(method="ratio"), "cần chỉ tiêu"),
        (
            lambda d: d["criteria"][1]["children"][0]["bands"].append({"min": "9", "points": "99"}),
            "vượt quá điểm tối đa",
        ),
        (lambda d: d["criteria"][1]["children"][1].update(max_points="-25"), "phải lớn hơn 0"),
        (lambda d: d.update(subject_type="tinh"), "Đối tượng"),
        (
            lambda d: d["criteria"][0]["children"][0]["children"][0].update(
                method="",
                max_points="10",
                children=[{"code": "x", "name": "Quá sâu", "max_points": "10", "method": "yes_no"}],
            ),
            "tối đa 3 cấp",
        ),
    ],
)
def test_broken_tree_is_refused_with_a_clear_message_and_nothing_stored(mutate, message) -> None:
    data = copy.deepcopy(small_set_data())
    mutate(data)
    before = (CriteriaSet.objects.count(), Criterion.objects.count())
    with pytest.raises(CriteriaImportError) as exc:
        _import(data)
    assert any(message in e for e in exc.value.errors), exc.value.errors
    assert (CriteriaSet.objects.count(), Criterion.objects.count()) == before


def test_xlsx_with_an_unknown_parent_or_a_cycle_is_refused() -> None:
    cs = make_set()
    wb = load_workbook(io.BytesIO(export_xlsx(cs)))
    ws = wb["Tiêu chí"]
    # Row 2 is pillar "1"; make it a child of its own grandchild "1.1" → cycle.
    ws["B2"] = "1.1"
    ws["B7"] = "khong-co"  # row 7: pillar "2" → unknown parent
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(CriteriaImportError) as exc:
        parse_xlsx(buf.getvalue())
    text = " | ".join(exc.value.errors)
    assert "không có tiêu chí cha mã khong-co" in text
    assert "bị vòng" in text


def test_not_json_and_not_xlsx_are_refused() -> None:
    with pytest.raises(CriteriaImportError, match="JSON"):
        parse_json(b"{not json")
    with pytest.raises(CriteriaImportError, match="XLSX"):
        parse_xlsx(b"%PDF-1.4 not a workbook")


def test_a_set_used_by_a_round_cannot_be_replaced(agency_tree) -> None:
    from tests.assessment.factories import make_round

    cs = make_set()
    make_round(cs, [agency_tree.dept_a])
    with pytest.raises(services.AssessmentError, match="đã dùng cho một đợt"):
        services.criteria_set_import(spec=parse_json(json.dumps(small_set_data())), replace=True)


def test_example_sets_load_and_sum_to_their_scale() -> None:
    sets = services.criteria_set_load_examples()
    by_type = {s.subject_type: s for s in sets}
    assert by_type["department"].max_points == 1000
    assert by_type["district"].max_points == 1000
    assert by_type["commune"].pass_min_points is not None
    for s in sets:
        assert s.is_example and s.name.startswith("Ví dụ")
        pillars = [p.code for p in s.pillars()]
        assert pillars == ["1", "2", "3", "4"]
    # Idempotent.
    assert len(services.criteria_set_load_examples()) == len(sets)
    assert CriteriaSet.objects.count() == len(sets)
