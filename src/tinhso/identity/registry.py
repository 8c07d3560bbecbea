"""Population-registry adapters: a base class, a registry of implementations, and
:func:`get_registry` returning the one the operator configured (``POPULATION_REGISTRY``).

Every look-up goes through :meth:`PopulationRegistry.lookup`, which validates the
number, asks the adapter and writes one :class:`PersonalDataAccess` row (who, when,
for what purpose, found or not), also when the adapter fails.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.utils.translation import gettext as _

from tinhso.core.audit import audit_suppressed, current_context
from tinhso.core.services import DomainError
from tinhso.identity.citizen_id import (
    FEMALE,
    MALE,
    InvalidCitizenId,
    parse_citizen_id,
)
from tinhso.identity.models import PersonalDataAccess

__all__ = [
    "FEMALE",
    "MALE",
    "InvalidCitizenId",
    "Person",
    "PopulationRegistry",
    "RegistryUnavailable",
    "get_registry",
    "register",
]

logger = logging.getLogger("tinhso.identity")

Purpose = PersonalDataAccess.Purpose


@dataclass(frozen=True)
class Person:
    """What the population registry says about one citizen."""

    citizen_id: str
    full_name: str
    date_of_birth: dt.date
    gender: str  # "nam" or "nữ"
    address: str
    commune_code: str  # current commune/ward (core.AdministrativeUnit.code)
    province_code: str


class RegistryUnavailable(DomainError):
    """The registry could not answer (timeout, refused, malformed answer)."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or _(
                "Chưa kết nối được Cơ sở dữ liệu quốc gia về dân cư. "
                "Vui lòng thử lại sau ít phút hoặc nhập thông tin thủ công."
            )
        )


class PopulationRegistry:
    """Base adapter. Subclasses implement :meth:`fetch`; callers use :meth:`lookup`."""

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""

    def fetch(self, citizen_id: str) -> Person | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def lookup(
        self,
        citizen_id: str,
        *,
        purpose: str = Purpose.OTHER,
        actor: Any = None,
        reference: str = "",
    ) -> Person | None:
        """The person with ``citizen_id``, or ``None`` when the registry does not know them.

        Raises :class:`InvalidCitizenId` for a malformed number (nothing is asked, but
        nothing is logged either: no person's data was reached) and
        :class:`RegistryUnavailable` when the registry cannot answer.
        """
        number = parse_citizen_id(citizen_id).number
        try:
            person = self.fetch(number)
        except RegistryUnavailable as exc:
            self._log(number, purpose, actor, reference, found=False, outcome=exc.message)
            raise
        self._log(
            number,
            purpose,
            actor,
            reference,
            found=person is not None,
            outcome="" if person is not None else "không có trong cơ sở dữ liệu",
        )
        return person

    def _log(
        self,
        number: str,
        purpose: str,
        actor: Any,
        reference: str,
        *,
        found: bool,
        outcome: str,
    ) -> None:
        ctx = current_context()
        who = actor if actor is not None else ctx.actor
        if who is not None and not getattr(who, "is_authenticated", False):
            who = None
        # The access log is its own append-only record; a second copy of the looked-up
        # number in the general audit log would only spread the personal data further.
        with audit_suppressed():
            PersonalDataAccess.objects.create(
                actor=who,
                actor_repr=(who.get_username() if who else "hệ thống")[:200],
                ip=ctx.ip[:45],
                citizen_id=number,
                purpose=purpose if purpose in Purpose.values else Purpose.OTHER,
                reference=reference[:100],
                adapter=self.name,
                found=found,
                outcome=outcome[:200],
            )


_ADAPTERS: dict[str, type[PopulationRegistry]] = {}

T = TypeVar("T", bound=type[PopulationRegistry])


def register(name: str) -> Callable[[T], T]:
    """Class decorator: make an adapter selectable as ``POPULATION_REGISTRY=<name>``."""

    def decorate(cls: T) -> T:
        cls.name = name
        _ADAPTERS[name] = cls
        return cls

    return decorate


def adapter_names() -> list[str]:
    _load_builtin_adapters()
    return sorted(_ADAPTERS)


def _load_builtin_adapters() -> None:
    from tinhso.identity.adapters import http, simulator  # noqa: F401


def get_registry(name: str | None = None) -> PopulationRegistry:
    """The configured adapter. Adapters are cheap to make and read their settings
    when called, so a changed setting takes effect at once."""
    _load_builtin_adapters()
    key = name or settings.POPULATION_REGISTRY
    if key not in _ADAPTERS:
        raise DomainError(_("Nguồn dữ liệu dân cư %(name)s chưa được cài đặt.") % {"name": key})
    return _ADAPTERS[key]()
