"""The demo builder: 1,762 procedures (890 + 872), 1,710 integrated, idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from tinhso.demo.core_data import build_core
from tinhso.demo.procedures_data import (
    FULL_ONLINE,
    INTEGRATED_NATIONAL,
    PARTIAL_ONLINE,
    build_procedures,
    demo_specs,
)
from tinhso.procedures.models import Procedure, ProcedureVersion
from tinhso.procedures.selectors import procedure_counts, procedure_search
from tinhso.procedures.spec import procedure_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def media_root(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_demo_specs_are_deterministic_unique_and_plausible() -> None:
    specs = demo_specs()
    assert [s.code for s in specs] == [s.code for s in demo_specs()]
    assert len({s.code for s in specs}) == len({s.name for s in specs}) == len(specs) == 1762
    assert all(2 <= len(s.documents) <= 6 for s in specs)
    assert all(1 <= s.processing_days <= 30 for s in specs)
    assert all(s.fee_timing != "none" for s in specs if s.fee_amount)
    assert len({s.field_code for s in specs}) >= 20
    assert {s.level for s in specs} == {"province", "commune"}


def test_demo_builder_counts_and_idempotence(media_root) -> None:
    build_core()
    first = build_procedures()
    assert first["procedures"] == 1762 == first["online"]
    assert (first["partial_online"], first["full_online"]) == (PARTIAL_ONLINE, FULL_ONLINE)
    assert PARTIAL_ONLINE + FULL_ONLINE == 1762
    counts = procedure_counts()
    assert counts["integrated_national"] == INTEGRATED_NATIONAL == 1710
    assert counts["partial_online"] == 890 and counts["full_online"] == 872
    assert ProcedureVersion.objects.count() == 1762

    second = build_procedures()
    assert second["created"] == 0 and second["procedures"] == 1762
    assert Procedure.objects.count() == 1762 and ProcedureVersion.objects.count() == 1762

    birth = Procedure.objects.get(name="Đăng ký khai sinh")
    assert birth.code == "1.001193"
    assert birth.versions.get().snapshot == procedure_snapshot(birth)
    template = birth.documents.get(position=1).template.name
    assert template and default_storage.exists(template)
    assert procedure_search(q="khai sinh").procedures[0].name == "Đăng ký khai sinh"
    assert procedure_search(q="ho tich").count >= 30
    # province procedures are implemented by the demo departments
    assert all(p.agencies.exists() for p in Procedure.objects.filter(level="province")[:50])
