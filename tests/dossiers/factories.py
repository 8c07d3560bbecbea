"""factory_boy factories for procedures (until the procedures app ships its own) and dossiers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from tinhso.core.models import Role
from tinhso.procedures.models import Field, Procedure, RequiredDocument, WorkflowStep

VALID_CITIZEN_ID = "038090001234"
OTHER_CITIZEN_ID = "038195004321"


class FieldFactory(DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"LV{n:03d}")
    name = factory.Sequence(lambda n: f"Lĩnh vực thử nghiệm {n}")


class ProcedureFactory(DjangoModelFactory):
    class Meta:
        model = Procedure
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"1.{n:06d}")
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm số {n}")
    field = factory.SubFactory(FieldFactory)
    level = Procedure.Level.COMMUNE
    processing_days = 3
    online_level = Procedure.OnlineLevel.FULL
    fee_amount = Decimal(0)
    fee_timing = Procedure.FeeTiming.NONE

    @factory.post_generation
    def agencies(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create and extracted:
            self.agencies.set(extracted)  # type: ignore[attr-defined]


class RequiredDocumentFactory(DjangoModelFactory):
    class Meta:
        model = RequiredDocument

    procedure = factory.SubFactory(ProcedureFactory)
    position = factory.Sequence(lambda n: n)
    name = factory.Sequence(lambda n: f"Tờ khai số {n}")
    copies = "01 bản chính"
    is_required = True


class WorkflowStepFactory(DjangoModelFactory):
    class Meta:
        model = WorkflowStep

    procedure = factory.SubFactory(ProcedureFactory)
    position = factory.Sequence(lambda n: n)
    name = "Thẩm định"
    role = Role.SPECIALIST
    agency_scope = WorkflowStep.AgencyScope.RECEIVING


@dataclass
class FakePerson:
    citizen_id: str
    full_name: str
    date_of_birth: dt.date
    gender: str
    address: str
    commune_code: str


PEOPLE = {
    VALID_CITIZEN_ID: FakePerson(
        VALID_CITIZEN_ID,
        "Nguyễn Thị Hoà",
        dt.date(1990, 5, 17),
        "Nữ",
        "Thôn Đông, xã Hoà An, tỉnh Thử Nghiệm",
        "98001",
    ),
    OTHER_CITIZEN_ID: FakePerson(
        OTHER_CITIZEN_ID,
        "Lê Văn Đức",
        dt.date(1995, 1, 2),
        "Nam",
        "Phường Đông Sơn, tỉnh Thử Nghiệm",
        "98002",
    ),
}


def fake_lookup(citizen_id: str) -> FakePerson | None:
    return PEOPLE.get(citizen_id)
