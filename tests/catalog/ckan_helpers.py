"""A small portal and an action caller shared by the CKAN API tests (test_ckan_*.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.test import Client

from tests.catalog.factories import (
    DatasetFactory,
    GroupFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    ResourceFactory,
)
from tests.conftest import AgencyTree
from tests.core.factories import UserFactory
from tinhso.catalog import services
from tinhso.catalog.models import Dataset, Group, Organization
from tinhso.core.models import User
from tinhso.core.services import token_create


@dataclass
class Portal:
    org_a: Organization  # Sở Tư pháp: the publisher's organization
    org_b: Organization  # Sở Y tế
    population: Group
    health: Group
    publisher: User
    publisher_token: str
    outsider: User
    outsider_token: str
    census: Dataset  # public, org A, tags "dân số" + "thống kê", CSV
    hospitals: Dataset  # public, org B, tag "y tế", XLSX
    budget: Dataset  # private, org A
    draft: Dataset  # draft, org A
    removed: Dataset  # deleted, org A


def build_portal(tree: AgencyTree) -> Portal:
    org_a = OrganizationFactory(agency=tree.dept_a, name="so-tu-phap", title="Sở Tư pháp")
    org_b = OrganizationFactory(agency=tree.dept_b, name="so-y-te", title="Sở Y tế")
    population = GroupFactory(name="dan-cu", title="Dân cư")
    health = GroupFactory(name="y-te", title="Y tế")
    publisher = UserFactory(username="bientap.a")
    OrganizationMemberFactory(organization=org_a, user=publisher)
    _, publisher_token = token_create(user=publisher, name="ckan")
    outsider = UserFactory(username="nguoingoai")
    _, outsider_token = token_create(user=outsider, name="ckan")
    census = DatasetFactory(
        organization=org_a,
        name="dan-so-thanh-hoa",
        title="Dân số Thanh Hóa năm 2024",
        notes="Số dân theo **xã**, phường.",
        tags=["dân số", "thống kê"],
        groups=["dan-cu"],
        license_id="CC-BY-4.0",
        frequency="ANNUAL",
        extras={"nguon": "Cục Thống kê"},
    )
    ResourceFactory(dataset=census, name="Dân số theo xã", url="https://example.vn/dan-so.csv")
    hospitals = DatasetFactory(
        organization=org_b,
        name="benh-vien",
        title="Danh sách bệnh viện",
        tags=["y tế"],
        groups=["y-te"],
        license_id="CC0-1.0",
    )
    ResourceFactory(
        dataset=hospitals, name="Bệnh viện", url="https://example.vn/bv.xlsx", format="XLSX"
    )
    budget = DatasetFactory(
        organization=org_a, name="ngan-sach-noi-bo", title="Ngân sách nội bộ", private=True
    )
    draft = DatasetFactory(organization=org_a, name="du-thao", title="Bản dự thảo", state="draft")
    removed = DatasetFactory(organization=org_a, name="da-xoa", title="Đã xoá")
    services.dataset_delete(user=None, dataset=removed, check_permission=False)
    return Portal(
        org_a=org_a,
        org_b=org_b,
        population=population,
        health=health,
        publisher=publisher,
        publisher_token=publisher_token,
        outsider=outsider,
        outsider_token=outsider_token,
        census=census,
        hospitals=hospitals,
        budget=budget,
        draft=draft,
        removed=removed,
    )


def call(
    client: Client,
    action: str,
    data: dict[str, Any] | None = None,
    *,
    token: str | None = None,
    method: str = "get",
    base: str = "/api/3/action/",
    **extra: Any,
) -> tuple[int, Any]:
    """Call an action: GET with ``data`` as query parameters, or POST with a JSON body."""
    headers = {"HTTP_AUTHORIZATION": token} if token else {}
    headers.update(extra)
    if method == "get":
        response = client.get(base + action, data or {}, **headers)
    else:
        response = client.post(
            base + action, json.dumps(data or {}), content_type="application/json", **headers
        )
    return response.status_code, json.loads(response.content)
