"""factory_boy factories for core models."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from tinhso.core.models import AdministrativeUnit, Agency, Membership, Role, User

PASSWORD = "Mat-khau-thu-nghiem-2027"


class AdministrativeUnitFactory(DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"9{n:04d}")
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    division_type = "Xã"
    level = AdministrativeUnit.Level.COMMUNE


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    # National agency-code form: XXX.YY.ZZ.H56
    code = factory.Sequence(lambda n: f"T{n // 100 % 100:02d}.{n % 100:02d}.00.H56")
    name = factory.Sequence(lambda n: f"Cơ quan thử nghiệm số {n}")
    level = Agency.Level.DEPARTMENT
    parent = None


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"nguoidung{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.vn")
    password = factory.django.Password(PASSWORD)
    is_active = True


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.SPECIALIST


def officer(agency: Agency, role: str = Role.ONE_STOP_OFFICER, **kwargs: object) -> User:
    """A user holding ``role`` at ``agency``."""
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, agency=agency, role=role)
    return user
