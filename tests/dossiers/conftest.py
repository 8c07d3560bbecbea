"""Fixtures for dossier tests: a commune that runs one procedure, its officers, a citizen."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import AgencyTree
from tests.core.factories import UserFactory, officer
from tests.dossiers.factories import (
    VALID_CITIZEN_ID,
    ProcedureFactory,
    RequiredDocumentFactory,
    WorkflowStepFactory,
    fake_lookup,
)
from tinhso.core.models import Role, User
from tinhso.dossiers import prefill
from tinhso.dossiers.models import Channel, Dossier
from tinhso.dossiers.prefill import applicant_from_registry
from tinhso.dossiers.services import Upload, dossier_submit
from tinhso.procedures.models import Procedure, RequiredDocument


def pdf_bytes(text: str = "hello") -> bytes:
    body = f"%PDF-1.4\n1 0 obj<<>>endobj\n% {text}\ntrailer<<>>\n%%EOF\n"
    return body.encode()


def pdf_upload(name: str = "to-khai.pdf", text: str = "hello") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


@dataclass
class World:
    tree: AgencyTree
    procedure: Procedure
    form: RequiredDocument
    optional_doc: RequiredDocument
    one_stop: User
    specialist: User
    leader: User
    citizen: User
    other_one_stop: User  # one-stop officer of commune B

    def submit(self, **kwargs: Any) -> Dossier:
        params: dict[str, Any] = {
            "procedure": self.procedure,
            "channel": Channel.ONLINE,
            "submitted_by": self.citizen,
            "applicant_user": self.citizen,
            "applicant": applicant_from_registry(VALID_CITIZEN_ID),
            "uploads": [Upload(file=pdf_upload(), required_document=self.form)],
        }
        params.update(kwargs)
        dossier, _created = dossier_submit(**params)
        return dossier


@pytest.fixture(autouse=True)
def registry() -> Iterator[None]:
    prefill.lookup_override = fake_lookup
    yield
    prefill.lookup_override = None


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def world(agency_tree: AgencyTree) -> World:
    commune = agency_tree.commune_a
    procedure = ProcedureFactory(name="Đăng ký khai sinh", agencies=[commune], processing_days=3)
    form = RequiredDocumentFactory(procedure=procedure, name="Tờ khai đăng ký khai sinh")
    optional = RequiredDocumentFactory(
        procedure=procedure, name="Giấy chứng sinh", is_required=False
    )
    WorkflowStepFactory(procedure=procedure, position=1, name="Thẩm định", role=Role.SPECIALIST)
    WorkflowStepFactory(procedure=procedure, position=2, name="Phê duyệt", role=Role.LEADER)
    citizen = UserFactory(username="nguoidan", citizen_id=VALID_CITIZEN_ID, phone="0912345678")
    return World(
        tree=agency_tree,
        procedure=procedure,
        form=form,
        optional_doc=optional,
        one_stop=agency_tree.officer_a,
        specialist=officer(commune, Role.SPECIALIST, username="chuyenvien.xa"),
        leader=officer(commune, Role.LEADER, username="lanhdao.xa"),
        citizen=citizen,
        other_one_stop=agency_tree.officer_b,
    )


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
