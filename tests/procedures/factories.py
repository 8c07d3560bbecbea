"""Factories for procedures: built through the services, so each has its version 1."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import factory
from factory.django import DjangoModelFactory

from tinhso.core.models import Role
from tinhso.procedures.models import Field, Procedure
from tinhso.procedures.services import procedure_create
from tinhso.procedures.spec import DocumentSpec, ProcedureSpec, default_workflow

_codes = itertools.count(1)


class FieldFactory(DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"linh-vuc-{n}")
    name = factory.Sequence(lambda n: f"Lĩnh vực thử {n}")


def procedure_spec(**overrides: Any) -> ProcedureSpec:
    days = overrides.pop("processing_days", 5)
    values: dict[str, Any] = {
        "code": f"9.{next(_codes):06d}",
        "name": "Đăng ký khai sinh",
        "field_code": "ho-tich",
        "field_name": "Hộ tịch",
        "level": Procedure.Level.COMMUNE,
        "online_level": Procedure.OnlineLevel.FULL,
        "processing_days": days,
        "documents": [
            DocumentSpec("Tờ khai đăng ký khai sinh", "01 bản chính"),
            DocumentSpec("Giấy chứng sinh", "01 bản chính"),
        ],
        "workflow": default_workflow(days),
        "legal_basis": "Luật Hộ tịch số 60/2014/QH13",
    }
    values.update(overrides)
    return ProcedureSpec(**values)


def make_procedure(**overrides: Any) -> Procedure:
    return procedure_create(spec=procedure_spec(**overrides))


__all__ = ["Decimal", "FieldFactory", "Role", "make_procedure", "procedure_spec"]
