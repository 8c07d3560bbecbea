"""Applicant prefill from the population registry (``tinhso.identity``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from tinhso.core.services import DomainError


@dataclass(frozen=True)
class ApplicantData:
    full_name: str
    citizen_id: str = ""
    birth_date: dt.date | None = None
    gender: str = ""
    address: str = ""
    commune_code: str = ""
    phone: str = ""
    email: str = ""
    prefilled: bool = False


class RegistryUnavailable(DomainError):
    pass


# Tests (and deployments without the identity app) may plug a lookup in here.
lookup_override: Callable[[str], Any] | None = None


def _registry_lookup(citizen_id: str) -> Any:
    if lookup_override is not None:
        return lookup_override(citizen_id)
    try:
        from tinhso.identity.registry import get_registry
    except ImportError:
        raise RegistryUnavailable(
            _("Chưa kết nối được Cơ sở dữ liệu quốc gia về dân cư; vui lòng thử lại sau.")
        ) from None
    return get_registry().lookup(citizen_id)


def applicant_from_registry(citizen_id: str) -> ApplicantData | None:
    """The registry's data for ``citizen_id`` (marked prefilled), or None if unknown."""
    person = _registry_lookup(citizen_id)
    return None if person is None else applicant_from_person(person)


def applicant_from_person(person: Any) -> ApplicantData:
    """A registry person as the applicant's data, marked prefilled (read-only in forms)."""
    gender = getattr(person, "gender", "") or ""
    return ApplicantData(
        full_name=str(person.full_name),
        citizen_id=str(person.citizen_id),
        birth_date=getattr(person, "date_of_birth", None),
        gender=str(getattr(gender, "label", gender)),
        address=str(getattr(person, "address", "") or ""),
        commune_code=str(getattr(person, "commune_code", "") or ""),
        prefilled=True,
    )
