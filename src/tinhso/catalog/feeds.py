"""Atom feed of recent changes to public datasets (``/du-lieu/feed/``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from tinhso.catalog.markdown import markdown_excerpt
from tinhso.catalog.models import Activity
from tinhso.catalog.selectors import dataset_visible_qs

FEED_SIZE = 50


class RecentChangesFeed(Feed):  # type: ignore[type-arg]
    """Last changes of datasets that anyone may read (public and published)."""

    feed_type = Atom1Feed

    def title(self) -> str:
        return _("%(site)s — thay đổi mới trong dữ liệu mở") % {"site": settings.SITE_NAME}

    def subtitle(self) -> str:
        return _("Các bộ dữ liệu vừa được tạo, cập nhật hoặc xoá.")

    def link(self) -> str:
        return reverse("catalog:search")

    def items(self) -> QuerySet[Activity]:
        public = dataset_visible_qs(None).values("pk")
        return (
            Activity.objects.filter(dataset__in=public)
            .select_related("dataset__organization", "user")
            .order_by("-timestamp")[:FEED_SIZE]
        )

    def item_title(self, item: Activity) -> str:
        return f"{item.dataset.title} — {item.get_kind_display()}"

    def item_description(self, item: Activity) -> str:
        return markdown_excerpt(item.dataset.notes, length=400)

    def item_link(self, item: Activity) -> str:
        return reverse("catalog:dataset", kwargs={"name": item.dataset.name})

    def item_guid(self, item: Activity) -> str:
        return f"urn:uuid:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Activity) -> dt.datetime:
        return item.timestamp

    def item_updateddate(self, item: Activity) -> dt.datetime:
        return item.timestamp

    def item_author_name(self, item: Activity) -> str:
        return item.dataset.organization.title

    def item_categories(self, item: Activity) -> list[str]:
        return [item.kind]
