"""factory_boy factories for the catalog.

``DatasetFactory`` and ``ResourceFactory`` go through the services (``check_permission``
off), so every dataset they make has its activity revision and search-index rows, as a
real one would.
"""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from tests.core.factories import AgencyFactory
from tinhso.catalog import services
from tinhso.catalog.models import Dataset, Group, Organization, OrganizationMember, Resource


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("name",)

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"to-chuc-{n}")
    title = factory.Sequence(lambda n: f"Sở Thử Nghiệm {n}")


class OrganizationMemberFactory(DjangoModelFactory):
    class Meta:
        model = OrganizationMember

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory("tests.core.factories.UserFactory")
    capacity = OrganizationMember.Capacity.EDITOR


class GroupFactory(DjangoModelFactory):
    class Meta:
        model = Group
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"linh-vuc-{n}")
    title = factory.Sequence(lambda n: f"Lĩnh vực {n}")


class DatasetFactory(factory.Factory):
    """Builds keyword arguments for ``services.dataset_create`` and calls it."""

    class Meta:
        model = Dataset

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"bo-du-lieu-{n}")
    title = factory.Sequence(lambda n: f"Bộ dữ liệu thử nghiệm {n}")
    notes = "Mô tả bộ dữ liệu."
    license_id = "CC-BY-4.0"

    @classmethod
    def _create(cls, model_class: type[Dataset], *args: Any, **kwargs: Any) -> Dataset:
        kwargs.setdefault("user", None)
        kwargs.setdefault("check_permission", False)
        return services.dataset_create(**kwargs)

    _build = _create


class ResourceFactory(factory.Factory):
    class Meta:
        model = Resource

    dataset = factory.SubFactory(DatasetFactory)
    name = factory.Sequence(lambda n: f"Tệp dữ liệu {n}")
    url = factory.Sequence(lambda n: f"https://example.vn/du-lieu/{n}.csv")
    format = "CSV"

    @classmethod
    def _create(cls, model_class: type[Resource], *args: Any, **kwargs: Any) -> Resource:
        kwargs.setdefault("user", None)
        kwargs.setdefault("check_permission", False)
        return services.resource_create(**kwargs)

    _build = _create
