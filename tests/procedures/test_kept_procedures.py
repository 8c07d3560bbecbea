"""Procedures kept per process for dossier submissions: fewer queries, changes seen."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.core.factories import AgencyFactory
from tinhso.procedures import selectors
from tinhso.procedures.models import Procedure, RequiredDocument
from tinhso.procedures.selectors import procedure_for_dossiers

from .factories import make_procedure

pytestmark = pytest.mark.django_db


def test_the_second_read_needs_no_query_and_has_everything_prefetched() -> None:
    procedure = make_procedure()
    first = procedure_for_dossiers(procedure.code)
    assert first is not None
    with CaptureQueriesContext(connection) as ctx:
        again = procedure_for_dossiers(procedure.code)
        assert again is first
        names = [d.name for d in again.documents.all()]
        steps = [s.name for s in again.workflow.all()]
        list(again.agencies.all())
    assert len(ctx.captured_queries) == 0
    assert names == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
    assert steps


def test_unknown_codes_are_not_kept() -> None:
    assert procedure_for_dossiers("9.999999") is None
    procedure = make_procedure(code="9.999999")
    assert procedure_for_dossiers("9.999999") == procedure


@pytest.mark.parametrize("change", ["procedure", "document", "agencies"])
def test_a_change_in_this_process_is_seen_at_once(change: str) -> None:
    procedure = make_procedure()
    assert procedure_for_dossiers(procedure.code) is not None
    if change == "procedure":
        procedure.is_active = False
        procedure.save()
    elif change == "document":
        RequiredDocument.objects.create(procedure=procedure, name="Bản sao sổ hộ khẩu", position=9)
    else:
        procedure.agencies.add(AgencyFactory())
    fresh = procedure_for_dossiers(procedure.code)
    assert fresh is not None
    if change == "procedure":
        assert fresh.is_active is False
    elif change == "document":
        assert "Bản sao sổ hộ khẩu" in [d.name for d in fresh.documents.all()]
    else:
        assert len(fresh.agencies.all()) == 1


def test_another_process_change_is_seen_after_the_keeping_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    procedure = make_procedure()
    assert procedure_for_dossiers(procedure.code) is not None
    Procedure.objects.filter(pk=procedure.pk).update(is_active=False)  # no signal
    kept = procedure_for_dossiers(procedure.code)
    assert kept is not None and kept.is_active
    later = selectors.time.monotonic() + selectors.PROCEDURE_CACHE_SECONDS + 1
    monkeypatch.setattr(selectors.time, "monotonic", lambda: later)
    fresh = procedure_for_dossiers(procedure.code)
    assert fresh is not None and fresh.is_active is False
