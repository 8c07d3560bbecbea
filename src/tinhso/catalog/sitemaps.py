"""``/sitemap.xml`` (an index) and ``/sitemap-<section>.xml``: public datasets, organizations and domains, in Vietnamese and English.

Included from the root URLconf (``path("", include("tinhso.catalog.sitemaps"))``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import QuerySet
from django.urls import path, reverse

from tinhso.catalog.models import Dataset, Group, Organization
from tinhso.catalog.selectors import dataset_visible_qs


class DatasetSitemap(Sitemap):  # type: ignore[type-arg]
    changefreq = "weekly"
    priority = 0.8
    i18n = True
    alternates = True
    x_default = True
    limit = 20000

    def items(self) -> QuerySet[Dataset]:
        return dataset_visible_qs(None).only("name", "metadata_modified").order_by("name")

    def location(self, item: Dataset) -> str:
        return reverse("catalog:dataset", kwargs={"name": item.name})

    def lastmod(self, item: Dataset) -> dt.datetime:
        return item.metadata_modified


class OrganizationSitemap(Sitemap):  # type: ignore[type-arg]
    changefreq = "weekly"
    priority = 0.5
    i18n = True
    alternates = True
    x_default = True

    def items(self) -> QuerySet[Organization]:
        return Organization.objects.filter(is_active=True).only("name").order_by("name")

    def location(self, item: Organization) -> str:
        return reverse("catalog:organization", kwargs={"name": item.name})


class GroupSitemap(Sitemap):  # type: ignore[type-arg]
    changefreq = "weekly"
    priority = 0.6
    i18n = True
    alternates = True
    x_default = True

    def items(self) -> QuerySet[Group]:
        return Group.objects.only("name").order_by("position", "name")

    def location(self, item: Group) -> str:
        return reverse("catalog:group", kwargs={"name": item.name})


class CatalogPagesSitemap(Sitemap):  # type: ignore[type-arg]
    changefreq = "daily"
    priority = 1.0
    i18n = True
    alternates = True
    x_default = True

    def items(self) -> list[str]:
        return ["core:home", "catalog:search", "catalog:groups", "catalog:organizations"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS: dict[str, Any] = {
    "pages": CatalogPagesSitemap,
    "datasets": DatasetSitemap,
    "organizations": OrganizationSitemap,
    "groups": GroupSitemap,
}

urlpatterns = [
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "catalog-sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="catalog-sitemap-section",
    ),
]
