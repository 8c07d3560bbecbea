"""Atom feed of recent changes and sitemap.xml."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse

from tests.catalog.factories import DatasetFactory, GroupFactory, OrganizationFactory
from tinhso.catalog import services

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def parse(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 - our own server's output, not untrusted input


def test_feed_is_atom_with_public_changes_only(client: Client) -> None:
    org = OrganizationFactory(name="so-tai-chinh", title="Sở Tài chính")
    public = DatasetFactory(
        organization=org, title="Ngân sách năm 2025", notes="**Dự toán** thu chi"
    )
    services.dataset_patch(
        user=None, dataset=public, check_permission=False, title="Ngân sách 2025"
    )
    DatasetFactory(organization=org, title="Số liệu nội bộ", private=True)
    DatasetFactory(organization=org, title="Bản nháp", state="draft")
    response = client.get(reverse("catalog:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = parse(response.content)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2  # created + changed, both of the public dataset
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert all(t.startswith("Ngân sách 2025") for t in titles)
    link = entries[0].find(f"{ATOM}link")
    assert link is not None
    assert link.get("href", "").endswith(reverse("catalog:dataset", kwargs={"name": public.name}))
    assert "Dự toán thu chi" in (entries[0].findtext(f"{ATOM}summary") or "")
    assert b"<strong>" not in response.content  # summaries are plain text
    ids = {e.findtext(f"{ATOM}id") for e in entries}
    assert len(ids) == 2 and all(i and i.startswith("urn:uuid:") for i in ids)


def test_sitemap_index_and_sections_parse_and_skip_private(client: Client) -> None:
    org = OrganizationFactory(name="so-y-te", title="Sở Y tế")
    GroupFactory(name="y-te", title="Y tế")
    public = DatasetFactory(organization=org, name="cong-khai")
    DatasetFactory(organization=org, name="rieng-tu", private=True)
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    root = parse(index.content)
    locations = [loc.text or "" for loc in root.iter(f"{SITEMAP}loc")]
    assert any(loc.endswith("/sitemap-datasets.xml") for loc in locations)
    datasets = client.get("/sitemap-datasets.xml")
    urls = [loc.text or "" for loc in parse(datasets.content).iter(f"{SITEMAP}loc")]
    assert any(u.endswith(f"/du-lieu/{public.name}/") for u in urls)
    assert any(u.endswith(f"/en/du-lieu/{public.name}/") for u in urls)
    assert not any("rieng-tu" in u for u in urls)
    orgs = client.get("/sitemap-organizations.xml").content.decode()
    groups = client.get("/sitemap-groups.xml").content.decode()
    assert "/to-chuc/so-y-te/" in orgs and "/linh-vuc/y-te/" in groups
