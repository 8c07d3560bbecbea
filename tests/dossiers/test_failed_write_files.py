"""A write that fails after its files were stored leaves no file behind (the rows that
named them are rolled back with the transaction; the files are deleted)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from tests.dossiers.conftest import World, pdf_upload
from tinhso.dossiers import services
from tinhso.dossiers.models import Dossier, DossierDocument, State
from tinhso.dossiers.services import Upload, dossier_act, files_removed_on_error

pytestmark = pytest.mark.django_db


def stored_files() -> list[Path]:
    media = Path(settings.MEDIA_ROOT)
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


def test_a_submission_failing_after_its_file_was_stored_leaves_no_file(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_event", broken)
    with pytest.raises(RuntimeError):
        world.submit()
    assert not Dossier.objects.exists()
    assert not DossierDocument.objects.exists()
    assert stored_files() == []


def test_an_action_failing_after_its_upload_was_stored_leaves_no_file(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    dossier = world.submit()
    kept = stored_files()
    assert len(kept) == 1
    dossier = dossier_act(dossier=dossier, action="receive", actor=world.one_stop)
    dossier = dossier_act(
        dossier=dossier, action="request_additions", actor=world.specialist, note="Thiếu bản sao"
    )

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        dossier_act(
            dossier=dossier,
            action="supply_additions",
            actor=world.citizen,
            uploads=[Upload(file=pdf_upload("bo-sung.pdf"), required_document=world.form)],
        )
    dossier.refresh_from_db()
    assert dossier.state == State.ADDITIONS_REQUESTED
    assert DossierDocument.objects.filter(dossier=dossier).count() == 1
    assert stored_files() == kept


def test_the_outermost_block_decides(world: World) -> None:
    """Inside an outer block that fails later, the inner (successful) submission's file
    goes too, because its rows go with the outer transaction."""
    from django.db import transaction

    with pytest.raises(RuntimeError), files_removed_on_error(), transaction.atomic():
        world.submit()
        assert len(stored_files()) == 1
        raise RuntimeError("the receipt failed")
    assert not Dossier.objects.exists()
    assert stored_files() == []


def test_a_successful_submission_keeps_its_file(world: World) -> None:
    dossier = world.submit()
    doc = DossierDocument.objects.get(dossier=dossier)
    assert Path(doc.file.path).exists()
