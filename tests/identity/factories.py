"""factory_boy factories for identity models."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from tinhso.identity.citizen_id import FEMALE, MALE, make_citizen_id
from tinhso.identity.models import SyntheticResident


class SyntheticResidentFactory(DjangoModelFactory):
    class Meta:
        model = SyntheticResident
        django_get_or_create = ("citizen_id",)

    full_name = "Nguyễn Văn Bình"
    date_of_birth = dt.date(1988, 4, 15)
    gender = MALE
    citizen_id = factory.Sequence(
        lambda n: make_citizen_id(birth_province_code="038", birth_year=1988, gender=MALE, serial=n)
    )
    address = "Thôn Đông, Xã Hoằng Hóa, Tỉnh Thanh Hóa"
    commune_code = "98001"
    province_code = "98"


def resident(
    *, name: str, born: dt.date, gender: str = FEMALE, serial: int = 4242, province: str = "038"
) -> SyntheticResident:
    number = make_citizen_id(
        birth_province_code=province, birth_year=born.year, gender=gender, serial=serial
    )
    return SyntheticResidentFactory(
        citizen_id=number, full_name=name, date_of_birth=born, gender=gender
    )
