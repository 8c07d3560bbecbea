"""Create/update with validation, one version per change, readable diff between versions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.procedures.factories import make_procedure, procedure_spec
from tinhso.procedures.diff import snapshot_diff
from tinhso.procedures.models import Procedure, ProcedureVersion
from tinhso.procedures.selectors import procedure_version_diff
from tinhso.procedures.services import (
    ProcedureExists,
    ProcedureInvalid,
    procedure_create,
    procedure_record_version,
    procedure_update,
)
from tinhso.procedures.spec import DocumentSpec, procedure_snapshot, spec_from_dict

pytestmark = pytest.mark.django_db


def test_create_stores_version_one_with_its_snapshot(agency_tree) -> None:
    procedure = make_procedure()
    assert procedure.version == 1
    version = ProcedureVersion.objects.get(procedure=procedure)
    assert version.snapshot == procedure_snapshot(procedure)
    assert version.snapshot["documents"][1]["name"] == "Giấy chứng sinh"


def test_invalid_procedure_is_refused_with_vietnamese_field_errors(agency_tree) -> None:
    spec, errors = spec_from_dict(
        {
            "code": "1 2",
            "name": "",
            "field_code": "ho-tich",
            "level": "tinh",
            "online_level": "full",
            "processing_days": -1,
            "fee_amount": 5000,
        }
    )
    assert spec is not None
    with pytest.raises(ProcedureInvalid) as exc:
        procedure_create(spec=spec, errors=errors)
    by_field = exc.value.by_field()
    assert "Bắt buộc phải có." in by_field["name"]
    assert "code" in by_field and "level" in by_field and "processing_days" in by_field
    assert any("thời điểm nộp" in m for m in by_field["fee_timing"])
    assert any("tên lĩnh vực" in m for m in by_field["field_name"])
    assert not Procedure.objects.exists()


def test_province_procedure_needs_a_known_agency(agency_tree) -> None:
    with pytest.raises(ProcedureInvalid, match="cơ quan"):
        make_procedure(level=Procedure.Level.PROVINCE, agencies=[])
    with pytest.raises(ProcedureInvalid, match="Không có cơ quan mã"):
        make_procedure(level=Procedure.Level.PROVINCE, agencies=["999.99.99.H98"])


def test_workflow_longer_than_the_time_limit_is_refused(agency_tree) -> None:
    spec = procedure_spec(processing_days=5)
    spec.processing_days = 2
    with pytest.raises(ProcedureInvalid, match="vượt thời hạn"):
        procedure_create(spec=spec)


def test_duplicate_code_is_refused(agency_tree) -> None:
    procedure = make_procedure()
    with pytest.raises(ProcedureExists):
        make_procedure(code=procedure.code)


def test_update_makes_a_new_version_only_when_something_changed(agency_tree) -> None:
    procedure = make_procedure()
    same = procedure_spec(code=procedure.code)
    result = procedure_update(procedure=procedure, spec=same)
    assert not result.changed and procedure.versions.count() == 1
    changed = procedure_spec(code=procedure.code, processing_days=3, fee_amount=Decimal(8000))
    changed.fee_timing = "before_receipt"
    changed.documents.append(DocumentSpec("Văn bản ủy quyền", "01 bản sao", False))
    result = procedure_update(procedure=procedure, spec=changed, note="Sửa theo quyết định mới")
    assert result.changed
    procedure.refresh_from_db()
    assert procedure.version == 2 and procedure.processing_days == 3
    assert procedure.versions.count() == 2


def test_update_keeps_document_identity_by_name(agency_tree) -> None:
    procedure = make_procedure()
    birth_cert = procedure.documents.get(name="Giấy chứng sinh")
    spec = procedure_spec(code=procedure.code)
    spec.documents = [DocumentSpec("Giấy chứng sinh", "02 bản chính")]
    procedure_update(procedure=procedure, spec=spec)
    assert list(procedure.documents.values_list("pk", "copies")) == [
        (birth_cert.pk, "02 bản chính")
    ]


def test_diff_between_versions_is_readable(agency_tree) -> None:
    procedure = make_procedure()
    spec = procedure_spec(
        code=procedure.code, name="Đăng ký khai sinh (sửa đổi)", processing_days=3
    )
    spec.documents = [
        DocumentSpec("Tờ khai đăng ký khai sinh", "02 bản chính"),
        DocumentSpec("Văn bản ủy quyền", "01 bản sao", False),
    ]
    procedure_update(procedure=procedure, spec=spec)
    found = procedure_version_diff(procedure, old=1, new=2)
    assert found is not None
    _a, _b, changes = found
    by_key = {c.key: c for c in changes}
    assert by_key["name"].label == "Tên thủ tục"
    assert (by_key["name"].old, by_key["name"].new) == (
        "Đăng ký khai sinh",
        "Đăng ký khai sinh (sửa đổi)",
    )
    assert (by_key["processing_days"].old, by_key["processing_days"].new) == ("5", "3")
    docs = {(d.label, d.kind) for d in by_key["documents"].details}
    assert docs == {
        ("Tờ khai đăng ký khai sinh", "changed"),
        ("Văn bản ủy quyền", "added"),
        ("Giấy chứng sinh", "removed"),
    }
    changed_doc = next(d for d in by_key["documents"].details if d.kind == "changed")
    assert [(x.label, x.old, x.new) for x in changed_doc.details] == [
        ("Số lượng", "01 bản chính", "02 bản chính")
    ]
    assert "workflow" in by_key  # the step days follow the new time limit
    assert procedure_version_diff(procedure, old=1, new=9) is None


def test_diff_shows_choice_labels_and_agency_changes(agency_tree) -> None:
    old = {"online_level": "partial", "agencies": ["A"]}
    new = {"online_level": "full", "agencies": ["B"]}
    changes = snapshot_diff(old, new, agency_names={"A": "Sở A", "B": "Sở B"})
    by_key = {c.key: c for c in changes}
    assert (by_key["online_level"].old, by_key["online_level"].new) == (
        "Trực tuyến một phần",
        "Trực tuyến toàn trình",
    )
    assert {(d.label, d.kind) for d in by_key["agencies"].details} == {
        ("Sở B", "added"),
        ("Sở A", "removed"),
    }


def test_direct_edit_is_recorded_as_a_version_once(agency_tree) -> None:
    procedure = make_procedure()
    assert procedure_record_version(procedure=procedure) is None
    Procedure.objects.filter(pk=procedure.pk).update(processing_days=4)
    version = procedure_record_version(procedure=procedure, note="quản trị")
    assert version is not None and version.version == 2
    assert version.snapshot["processing_days"] == 4
    assert procedure_record_version(procedure=procedure) is None
