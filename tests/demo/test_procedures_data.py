"""Demo procedures: a document needed only in some cases ("… (trường hợp ủy quyền)",
"… (nếu có)") is optional, so the online submission of 1.001193 goes through without
it; re-running the builder on a catalogue loaded before fixes it, with a new version."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.dossiers.factories import VALID_CITIZEN_ID, fake_lookup
from tinhso.core.models import Agency, User
from tinhso.demo.core_data import build_core
from tinhso.demo.procedures_data import (
    CONDITIONAL_FIX_NOTE,
    build_procedures,
    demo_specs,
    states_a_condition,
)
from tinhso.dossiers import prefill
from tinhso.dossiers.models import Channel
from tinhso.dossiers.prefill import applicant_from_registry
from tinhso.dossiers.services import Upload, dossier_submit
from tinhso.procedures.models import Procedure
from tinhso.procedures.spec import procedure_snapshot

AUTHORISATION = "Văn bản ủy quyền có chứng thực (trường hợp ủy quyền)"


@pytest.mark.parametrize(
    ("name", "conditional"),
    [
        (AUTHORISATION, True),
        ("Văn bản ủy quyền (trường hợp nộp thay)", True),
        ("Trích lục hộ tịch đã cấp trước đây (nếu có)", True),
        ("Bản sao giấy phép (Nếu đã được cấp)", True),
        ("Giấy chứng sinh", False),
        ("Giấy tờ chứng minh nơi cư trú", False),
        ("Tờ khai đăng ký khai sinh (theo mẫu)", False),
    ],
)
def test_states_a_condition(name: str, conditional: bool) -> None:
    assert states_a_condition(name) is conditional


def test_no_conditional_document_is_required_in_the_demo_specs() -> None:
    specs = demo_specs()
    required = [
        (s.code, d.name)
        for s in specs
        # Position 1 is the application form, named after the procedure (whose name may
        # say "trong trường hợp …"): always required.
        for d in s.documents[1:]
        if d.is_required and states_a_condition(d.name)
    ]
    assert required == []
    birth = next(s for s in specs if s.code == "1.001193")
    documents = {d.name: d.is_required for d in birth.documents}
    assert documents[AUTHORISATION] is False
    assert documents["Tờ khai đăng ký khai sinh (theo mẫu)"] is True


@pytest.fixture
def media_root(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def registry() -> Iterator[None]:
    prefill.lookup_override = fake_lookup
    yield
    prefill.lookup_override = None


@pytest.mark.django_db
def test_a_rerun_makes_conditional_documents_optional_in_an_older_catalogue(media_root) -> None:  # type: ignore[no-untyped-def]
    build_core()
    assert build_procedures()["documents_made_optional"] == 0
    birth = Procedure.objects.get(code="1.001193")
    # As the builder used to load it (and recorded it in version 1).
    birth.documents.filter(name=AUTHORISATION).update(is_required=True)
    birth.versions.update(snapshot=procedure_snapshot(birth))
    versions = birth.versions.count()

    result = build_procedures()
    assert result["created"] == 0 and result["documents_made_optional"] >= 1
    assert birth.documents.get(name=AUTHORISATION).is_required is False
    latest = birth.versions.order_by("-version").first()
    assert latest is not None and birth.versions.count() == versions + 1
    assert latest.note == CONDITIONAL_FIX_NOTE
    assert latest.snapshot == procedure_snapshot(Procedure.objects.get(pk=birth.pk))
    # Nothing more to do the next time.
    assert build_procedures()["documents_made_optional"] == 0
    assert birth.versions.count() == versions + 1


@pytest.mark.django_db
def test_online_birth_registration_goes_through_without_the_conditional_documents(
    media_root, registry
) -> None:  # type: ignore[no-untyped-def]
    build_core()
    build_procedures()
    birth = Procedure.objects.get(code="1.001193")
    citizen = User.objects.get(username="congdan")
    commune = Agency.objects.filter(level=Agency.Level.COMMUNE, is_active=True).first()
    assert commune is not None
    uploads = [
        Upload(
            file=SimpleUploadedFile(
                f"giay-to-{d.position}.pdf",
                b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                content_type="application/pdf",
            ),
            required_document=d,
        )
        for d in birth.documents.all()
        if not states_a_condition(d.name)
    ]
    # The applicant is not in the cases the other documents are for: they are left out.
    assert birth.documents.count() > len(uploads)
    dossier, created = dossier_submit(
        procedure=birth,
        channel=Channel.ONLINE,
        submitted_by=citizen,
        applicant_user=citizen,
        applicant=applicant_from_registry(VALID_CITIZEN_ID),
        agency=commune,
        uploads=uploads,
    )
    assert created and dossier.documents.count() == len(uploads)
