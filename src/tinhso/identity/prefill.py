"""Pre-filling forms from the population registry (citizens never re-type what the
registry knows).

``prefill_for_user(user)`` returns the applicant fields for a signed-in citizen whose
account carries a verified ID number (``User.citizen_id`` is only set by the
verified registration and link services, the e-ID sign-in, or an administrator).
Fields in :data:`READ_ONLY_FIELDS` come from the registry and should be shown
read-only; ``phone`` and ``email`` come from the account and stay editable.
"""

from __future__ import annotations

import logging
from typing import Any

from tinhso.identity.models import PersonalDataAccess
from tinhso.identity.registry import Person, RegistryUnavailable, get_registry

logger = logging.getLogger("tinhso.identity")

READ_ONLY_FIELDS = frozenset(
    {
        "citizen_id",
        "full_name",
        "date_of_birth",
        "gender",
        "address",
        "commune_code",
        "province_code",
    }
)


def person_as_prefill(person: Person) -> dict[str, Any]:
    """A person as JSON-ready form data (date of birth as ``YYYY-MM-DD``)."""
    return {
        "citizen_id": person.citizen_id,
        "full_name": person.full_name,
        "date_of_birth": person.date_of_birth.isoformat(),
        "gender": person.gender,
        "address": person.address,
        "commune_code": person.commune_code,
        "province_code": person.province_code,
    }


def prefill_for_user(
    user: Any,
    *,
    purpose: str = PersonalDataAccess.Purpose.PREFILL,
    reference: str = "",
    raise_unavailable: bool = False,
) -> dict[str, Any]:
    """Applicant fields for ``user``; ``{}`` when there is nothing to pre-fill.

    Nothing to pre-fill: anonymous user, no linked ID number, the registry does not know
    the number, or (unless ``raise_unavailable``) the registry is unreachable, in which
    case the citizen types the fields and a warning is logged.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    number = getattr(user, "citizen_id", None)
    if not number:
        return {}
    try:
        person = get_registry().lookup(number, purpose=purpose, actor=user, reference=reference)
    except RegistryUnavailable:
        if raise_unavailable:
            raise
        logger.warning("prefill: population registry unavailable")
        return {}
    if person is None:
        return {}
    data = person_as_prefill(person)
    if getattr(user, "phone", ""):
        data["phone"] = user.phone
    if getattr(user, "email", ""):
        data["email"] = user.email
    return data
