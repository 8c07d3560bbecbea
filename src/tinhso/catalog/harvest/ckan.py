"""Harvesting a CKAN portal through its Action API (``package_search`` paged with rows/start;
``package_list`` + ``package_show`` when search is not available)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from tinhso.catalog.harvest.base import (
    GroupMapper,
    Harvester,
    LicenceMapper,
    RecordError,
    RemoteDataset,
    RemoteResource,
    base_name,
    clean_email,
    clean_tags,
    clean_url,
    known_unit_codes,
    map_frequency,
    to_date,
    to_datetime,
)
from tinhso.catalog.harvest.fetch import FetchError
from tinhso.core.text import clean_text

PAGE_ROWS = 100
# CKAN extras that tinhso maps to its own fields (not kept as free extras).
FIELD_EXTRAS = {
    "frequency",
    "update_frequency",
    "accrual_periodicity",
    "temporal_start",
    "temporal_end",
    "temporal_coverage_from",
    "temporal_coverage_to",
    "spatial_code",
    "spatial_text",
}
MAX_PAGES = 10_000


class CkanApiError(FetchError):
    pass


def api_base(url: str) -> str:
    """``https://portal/`` or ``https://portal/api/3`` → ``https://portal/api/3/action/``."""
    url = url.strip().rstrip("/")
    for suffix in ("/api/3/action", "/api/action", "/api/3", "/api"):
        if url.endswith(suffix):
            url = url[: -len(suffix)]
            break
    return f"{url}/api/3/action/"


class CkanHarvester(Harvester):
    def action(self, name: str, **params: Any) -> Any:
        url = api_base(self.url) + name
        if params:
            url += "?" + urlencode(params)
        fetched = self.fetcher.get(url, accept="application/json")
        try:
            envelope = json.loads(fetched.body)
        except ValueError:
            raise CkanApiError(_("{url} không trả về JSON.").format(url=url)) from None
        if not isinstance(envelope, dict) or not envelope.get("success"):
            error = envelope.get("error") if isinstance(envelope, dict) else None
            raise CkanApiError(
                _("API CKAN báo lỗi tại {url}: {error}").format(url=url, error=error)
            )
        return envelope.get("result")

    def records(self) -> Iterator[RemoteDataset | RecordError]:
        self.licences = LicenceMapper()
        self.groups = GroupMapper()
        try:
            first = self.action("package_search", **self._search_params(0))
        except FetchError as exc:
            self.log(
                _("package_search không dùng được ({error}); chuyển sang package_list.").format(
                    error=exc.message
                )
            )
            yield from self._records_by_list()
            return
        yield from self._records_by_search(first)

    def _search_params(self, start: int) -> dict[str, Any]:
        params: dict[str, Any] = {"q": "*:*", "rows": PAGE_ROWS, "start": start, "sort": "name asc"}
        if self.config.get("fq"):
            params["fq"] = self.config["fq"]
        return params

    def _records_by_search(self, first: dict[str, Any]) -> Iterator[RemoteDataset | RecordError]:
        count = int(first.get("count") or 0)
        self.log(_("Nguồn có {count} bộ dữ liệu.").format(count=count))
        page = first
        start = 0
        for _page in range(MAX_PAGES):
            results = page.get("results") or []
            for package in results:
                yield self.map_package(package)
            start += len(results)
            if not results or start >= count:
                self.complete = True
                return
            page = self.action("package_search", **self._search_params(start))

    def _records_by_list(self) -> Iterator[RemoteDataset | RecordError]:
        names = self.action("package_list")
        if not isinstance(names, list):
            raise CkanApiError(_("package_list trả về dữ liệu không hợp lệ."))
        self.log(_("Nguồn có {count} bộ dữ liệu.").format(count=len(names)))
        for name in names:
            try:
                package = self.action("package_show", id=name)
            except FetchError as exc:
                yield RecordError(str(name), exc.message)
                continue
            yield self.map_package(package)
        self.complete = True

    # ---------------------------------------------------------------------------------------
    def map_package(self, package: Any) -> RemoteDataset | RecordError:
        if not isinstance(package, dict) or not package.get("id"):
            return RecordError("?", _("Bản ghi không có id."))
        remote_id = str(package["id"])
        try:
            return self._map(package, remote_id)
        except (TypeError, ValueError, AttributeError) as exc:
            return RecordError(remote_id, _("Bản ghi không đọc được: {error}").format(error=exc))

    def _map(self, package: dict[str, Any], remote_id: str) -> RemoteDataset | RecordError:
        if package.get("private") or package.get("state", "active") != "active":
            return RecordError(
                remote_id, _("Bỏ qua: bộ dữ liệu riêng tư hoặc chưa công bố."), skip=True
            )
        extras: dict[str, Any] = {}
        for extra in package.get("extras") or []:
            if isinstance(extra, dict) and extra.get("key"):
                extras[str(extra["key"])[:100]] = extra.get("value")

        def pick(*keys: str) -> Any:
            for key in keys:
                for source in (package, extras):
                    if source.get(key) not in (None, ""):
                        return source[key]
            return None

        groups: list[str] = []
        for group in package.get("groups") or []:
            local = self.groups.map(
                name=str(group.get("name") or ""),
                titles=[str(group.get("title") or ""), str(group.get("display_name") or "")],
            )
            if local and local not in groups:
                groups.append(local)
        licence = self.licences.map(
            license_id=str(package.get("license_id") or ""),
            url=str(package.get("license_url") or ""),
            title=str(package.get("license_title") or ""),
        )
        title = clean_text(str(package.get("title") or package.get("name") or remote_id))[:500]
        name = base_name(str(package.get("name") or ""), title)
        fields: dict[str, Any] = {
            "name": name,
            "title": title,
            "notes": str(package.get("notes") or ""),
            "license_id": licence,
            "tags": clean_tags(
                t.get("display_name") or t.get("name") for t in package.get("tags") or []
            ),
            "groups": groups,
            "private": False,
            "version": str(package.get("version") or "")[:100],
            "url": clean_url(package.get("url")) or self._remote_page(package),
            "author": str(package.get("author") or "")[:255],
            "author_email": clean_email(package.get("author_email")),
            "maintainer": str(package.get("maintainer") or "")[:255],
            "maintainer_email": clean_email(package.get("maintainer_email")),
            "frequency": map_frequency(
                str(pick("frequency", "update_frequency", "accrual_periodicity") or "")
            ),
            "temporal_start": to_date(pick("temporal_start", "temporal_coverage_from")),
            "temporal_end": to_date(pick("temporal_end", "temporal_coverage_to")),
            "spatial": known_unit_codes(str(pick("spatial_code") or "").split(",")),
            "extras": {
                **{
                    k: v
                    for k, v in extras.items()
                    if not k.startswith("harvest_") and k not in FIELD_EXTRAS
                },
                "harvest_source_url": self.url,
                "harvest_remote_id": remote_id,
            },
            "metadata_created": to_datetime(package.get("metadata_created")),
            "metadata_modified": to_datetime(package.get("metadata_modified")),
        }
        resources: list[RemoteResource] = []
        for index, resource in enumerate(package.get("resources") or []):
            url = clean_url(resource.get("url"))
            if not url:
                self.log(_("{name}: bỏ qua tài nguyên không có địa chỉ hợp lệ.").format(name=name))
                continue
            resources.append(
                RemoteResource(
                    remote_id=str(resource.get("id") or f"{remote_id}#{index}"),
                    fields={
                        "name": clean_text(str(resource.get("name") or ""))[:500],
                        "url": url,
                        "description": str(resource.get("description") or ""),
                        "format": str(resource.get("format") or "").strip()[:50],
                    },
                )
            )
        return RemoteDataset(
            remote_id=remote_id,
            fields=fields,
            resources=resources,
            remote_modified=str(package.get("metadata_modified") or "")[:64],
        )

    def _remote_page(self, package: dict[str, Any]) -> str:
        root = api_base(self.url)[: -len("/api/3/action/")]
        return f"{root}/dataset/{package.get('name') or package['id']}"
