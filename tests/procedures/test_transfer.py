"""Import and export: JSON and XLSX round trips, all-or-nothing, idempotent by code."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.procedures.factories import make_procedure
from tinhso.procedures.models import Procedure, ProcedureVersion
from tinhso.procedures.services import ProcedureImportError, procedures_import
from tinhso.procedures.spec import procedure_snapshot
from tinhso.procedures.transfer import FORMAT, export_json, export_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(agency_tree) -> list[Procedure]:
    return [
        make_procedure(name="Đăng ký khai sinh"),
        make_procedure(
            name="Cấp phiếu lý lịch tư pháp",
            field_code="tu-phap",
            field_name="Tư pháp",
            level=Procedure.Level.PROVINCE,
            agencies=[agency_tree.dept_a.code],
            online_level=Procedure.OnlineLevel.PARTIAL,
            fee_amount=Decimal(200000),
            fee_timing="before_receipt",
            legal_basis="Luật Lý lịch tư pháp số 28/2009/QH12\nNghị định 111/2010/NĐ-CP",
        ),
    ]


def _snapshots() -> dict[str, dict]:
    return {p.code: procedure_snapshot(p) for p in Procedure.objects.all()}


def _wipe() -> None:
    ProcedureVersion.objects.all().delete()
    Procedure.objects.all().delete()


@pytest.mark.parametrize("fmt", ["json", "xlsx"])
def test_export_then_import_round_trip(two, fmt: str) -> None:
    before = _snapshots()
    content = export_json() if fmt == "json" else export_xlsx()
    _wipe()
    report = procedures_import(content=content, filename=f"thu-tuc.{fmt}")
    assert sorted(report.created) == sorted(before)
    assert _snapshots() == before


@pytest.mark.parametrize("fmt", ["json", "xlsx"])
def test_reimporting_the_same_file_changes_nothing(two, fmt: str) -> None:
    content = export_json() if fmt == "json" else export_xlsx()
    report = procedures_import(content=content, filename=f"thu-tuc.{fmt}")
    assert report.created == [] and report.updated == [] and len(report.unchanged) == 2
    assert ProcedureVersion.objects.count() == 2


def test_import_of_a_changed_procedure_makes_a_new_version(two) -> None:
    document = json.loads(export_json())
    assert document["format"] == FORMAT
    document["procedures"][0]["processing_days"] = 8
    report = procedures_import(
        content=json.dumps(document, ensure_ascii=False).encode(), filename="a.json"
    )
    assert len(report.updated) == 1 and len(report.unchanged) == 1
    changed = Procedure.objects.get(code=report.updated[0])
    assert changed.version == 2 and changed.processing_days == 8


def test_broken_import_is_refused_with_per_row_errors_and_nothing_stored(two) -> None:
    before = _snapshots()
    document = json.loads(export_json())
    document["procedures"][0]["processing_days"] = 8  # a good change, refused with the rest
    document["procedures"][1]["online_level"] = "level-9"
    document["procedures"].append({"code": "", "name": "Thủ tục thiếu mã"})
    with pytest.raises(ProcedureImportError) as exc:
        procedures_import(content=json.dumps(document).encode(), filename="a.json")
    messages = [str(e) for e in exc.value.errors]
    assert any("Thủ tục thứ 2" in m and "online_level" in m for m in messages)
    assert any("Thủ tục thứ 3" in m and "code" in m for m in messages)
    assert "không có gì được lưu" in exc.value.message
    assert _snapshots() == before and ProcedureVersion.objects.count() == 2


def test_broken_xlsx_names_the_sheet_and_row(two) -> None:
    wb = load_workbook(io.BytesIO(export_xlsx()))
    wb["Thủ tục"]["H3"] = "nhiều ngày"  # processing_days of the first procedure
    wb["Thành phần hồ sơ"]["C4"] = None  # a document without a name
    out = io.BytesIO()
    wb.save(out)
    before = _snapshots()
    with pytest.raises(ProcedureImportError) as exc:
        procedures_import(content=out.getvalue(), filename="a.xlsx")
    messages = [str(e) for e in exc.value.errors]
    assert any("dòng 3" in m and "processing_days" in m for m in messages), messages
    assert any("Thành phần hồ sơ" in m and "dòng 4" in m for m in messages), messages
    assert _snapshots() == before


def test_duplicate_codes_in_one_file_are_refused(two) -> None:
    document = json.loads(export_json())
    document["procedures"].append(document["procedures"][0])
    with pytest.raises(ProcedureImportError, match="lặp lại"):
        procedures_import(content=json.dumps(document).encode(), filename="a.json")


def test_not_json_nor_xlsx_is_refused(db) -> None:
    with pytest.raises(ProcedureImportError, match="JSON hoặc XLSX"):
        procedures_import(content=b"hello", filename="a.txt")


def test_xlsx_keeps_codes_as_text_and_neutralises_formulas(two) -> None:
    Procedure.objects.filter(pk=two[0].pk).update(steps="=HYPERLINK(1)")
    wb = load_workbook(io.BytesIO(export_xlsx()))
    ws = wb["Thủ tục"]
    header = [c.value for c in ws[1]]
    row = [c for c in ws[3]]
    assert row[header.index("code")].data_type == "s"
    assert row[header.index("steps")].data_type == "s"


def test_import_from_the_national_catalog_shape(agency_tree) -> None:
    national = [
        {
            "Mã thủ tục": "1.000894",
            "Tên thủ tục": "Đăng ký kết hôn",
            "Lĩnh vực": "Hộ tịch",
            "Cấp thực hiện": "Cấp Xã",
            "Cơ quan thực hiện": "Ủy ban nhân dân xã, phường",
            "Thời hạn giải quyết": "05 ngày làm việc",
            "Phí, lệ phí": "Miễn lệ phí",
            "Mức độ": "Toàn trình",
            "Thành phần hồ sơ": [
                {"Tên giấy tờ": "Tờ khai đăng ký kết hôn", "Số lượng": "01 bản chính"}
            ],
            "Căn cứ pháp lý": ["Luật Hộ tịch số 60/2014/QH13", "Nghị định 123/2015/NĐ-CP"],
        },
        {
            "MaTTHC": "2.000488",
            "TenTTHC": "Cấp phiếu lý lịch tư pháp",
            "LinhVuc": "Lý lịch tư pháp",
            "CapThucHien": "Cấp Tỉnh",
            "CoQuanThucHien": "Sở Tư pháp",
            "ThoiHanGiaiQuyet": "10 ngày",
            "PhiLePhi": "200.000 đồng/lần",
            "MucDo": "Một phần",
        },
    ]
    report = procedures_import(
        content=json.dumps(national, ensure_ascii=False).encode(), filename="csdl.json"
    )
    assert sorted(report.created) == ["1.000894", "2.000488"]
    marriage = Procedure.objects.get(code="1.000894")
    assert marriage.level == "commune" and marriage.online_level == "full"
    assert marriage.processing_days == 5 and marriage.field.code == "ho-tich"
    assert marriage.documents.get().copies == "01 bản chính"
    assert marriage.workflow.count() == 4
    record = Procedure.objects.get(code="2.000488")
    assert list(record.agencies.values_list("code", flat=True)) == [agency_tree.dept_a.code]
    assert record.fee_amount == 200000 and record.fee_timing == "before_receipt"
    assert record.online_level == "partial"
