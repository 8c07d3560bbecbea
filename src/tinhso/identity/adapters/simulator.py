"""The local simulator: synthetic residents stored in this database.

Filled by ``tinhso demo`` (``tinhso.demo.identity_data``) and by tests. Never holds
real personal data.
"""

from __future__ import annotations

from tinhso.identity.models import SyntheticResident
from tinhso.identity.registry import Person, PopulationRegistry, register


def person_from_resident(resident: SyntheticResident) -> Person:
    return Person(
        citizen_id=resident.citizen_id,
        full_name=resident.full_name,
        date_of_birth=resident.date_of_birth,
        gender=resident.gender,
        address=resident.address,
        commune_code=resident.commune_code,
        province_code=resident.province_code,
    )


@register("simulator")
class SimulatedPopulationRegistry(PopulationRegistry):
    label = "Cơ sở dữ liệu dân cư giả lập (trình diễn)"

    def fetch(self, citizen_id: str) -> Person | None:
        resident = SyntheticResident.objects.filter(citizen_id=citizen_id).first()
        return person_from_resident(resident) if resident is not None else None
