"""Public and publisher pages of the open-data catalog (under the language prefix).

Thin: parse the request, authorise, call a selector (``dataset_search``…) or a service
(``dataset_create``…), render. Search and writes never happen here.
"""

from __future__ import annotations

import difflib
import functools
import mimetypes
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.forms import Form
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tinhso.catalog import membership as membership_services
from tinhso.catalog import services
from tinhso.catalog.forms import (
    BaseExtraFormSet,
    DatasetForm,
    ExtraFormSet,
    MemberAddForm,
    MemberChangeForm,
    ResourceForm,
    apply_service_errors,
    extras_initial,
)
from tinhso.catalog.markdown import markdown_excerpt, render_markdown
from tinhso.catalog.models import (
    Activity,
    Dataset,
    Group,
    Organization,
    OrganizationMember,
    Resource,
)
from tinhso.catalog.selectors import (
    FacetItem,
    SearchResult,
    can_edit_organization,
    can_read_dataset,
    dataset_search,
)
from tinhso.core.models import User
from tinhso.core.text import fold, slugify_vi

AnyUser = User | AnonymousUser

PAGE_SIZE = 20
MAX_PAGE = 500  # deep pages beyond this are served by the API, not the HTML page
SESSION_CREATED_KEY = "catalog_created_tokens"

T = TypeVar("T")

# Query parameter (Vietnamese, in the URL) → CKAN facet field.
FACET_PARAMS: dict[str, str] = {
    "to-chuc": "organization",
    "linh-vuc": "groups",
    "tu-khoa": "tags",
    "dinh-dang": "res_format",
    "giay-phep": "license_id",
}
FACET_TITLES: dict[str, Any] = {
    "organization": gettext_lazy("Tổ chức"),
    "groups": gettext_lazy("Lĩnh vực"),
    "tags": gettext_lazy("Từ khoá"),
    "res_format": gettext_lazy("Định dạng"),
    "license_id": gettext_lazy("Giấy phép"),
}
# Sort parameter → (label, sort with a query, sort without a query).
SORT_OPTIONS: dict[str, tuple[Any, str, str]] = {
    "": (gettext_lazy("Phù hợp nhất"), "score desc", "metadata_modified desc"),
    "ten": (gettext_lazy("Tên (A–Z)"), "title_string asc", "title_string asc"),
    "moi-cap-nhat": (
        gettext_lazy("Mới cập nhật"),
        "metadata_modified desc",
        "metadata_modified desc",
    ),
}


# --------------------------------------------------------------------------- helpers


def _user(request: HttpRequest) -> User:
    """The logged-in user (views using it are behind ``login_required``)."""
    assert isinstance(request.user, User)
    return request.user


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _facet_filter(field: str, value: str) -> Q:
    """A filter for one facet value, as ``dataset_search`` expects it (a Q over Dataset;
    the search backend answers many-valued relations per value, so two tags AND)."""
    lookup = {
        "organization": "organization__name",
        "license_id": "license_id",
        "groups": "groups__name",
        "tags": "tags__name",
        "res_format": "resources__format",
    }[field]
    return Q(**{lookup: value})


def _page_number(request: HttpRequest) -> int:
    try:
        page = int(request.GET.get("trang", "1"))
    except ValueError:
        return 1
    return min(max(page, 1), MAX_PAGE)


def _query_url(request: HttpRequest, **changes: list[str] | str | None) -> str:
    """The current query string with some parameters replaced (None removes them)."""
    params = request.GET.copy()
    params.pop("trang", None)
    for key, value in changes.items():
        key = key.replace("_", "-")
        if value is None:
            params.pop(key, None)
        elif isinstance(value, list):
            params.setlist(key, value)
        else:
            params[key] = value
    query = params.urlencode()
    return f"?{query}" if query else "?"


@dataclass
class FacetLink:
    value: str
    label: str
    count: int
    active: bool
    url: str


@dataclass
class ActiveFilter:
    param: str
    title: Any
    value: str
    label: str
    remove_url: str


@dataclass
class SearchPage:
    q: str
    sort: str
    result: SearchResult
    page: int
    num_pages: int
    facets: list[tuple[str, Any, list[FacetLink]]]
    active: list[ActiveFilter]
    sort_links: list[tuple[str, Any, bool, str]]
    prev_url: str | None
    next_url: str | None
    first_index: int

    @property
    def datasets(self) -> list[Dataset]:
        return self.result.datasets


def _run_search(
    request: HttpRequest,
    *,
    base_filters: Q | None = None,
    hidden_params: tuple[str, ...] = (),
    include_private: bool = False,
) -> SearchPage:
    """Parse the search query string, run ``dataset_search`` and prepare facet links."""
    q = request.GET.get("q", "").strip()[:200]
    sort_key = request.GET.get("sap-xep", "")
    if sort_key not in SORT_OPTIONS:
        sort_key = ""
    selected: dict[str, list[str]] = {}
    filters = base_filters or Q()
    for param, field in FACET_PARAMS.items():
        values = [v[:200] for v in request.GET.getlist(param) if v.strip()][:10]
        if values:
            selected[param] = values
            for value in values:
                filters &= _facet_filter(field, value)
    page = _page_number(request)
    _label, sort_q, sort_plain = SORT_OPTIONS[sort_key]
    result = dataset_search(
        user=request.user,
        q=q,
        filters=filters,
        sort=sort_q if q else sort_plain,
        start=(page - 1) * PAGE_SIZE,
        rows=PAGE_SIZE,
        include_private=include_private,
    )
    for dataset in result.datasets:
        # Shown in the result list: a plain-text excerpt and the resource formats.
        dataset.excerpt = markdown_excerpt(dataset.notes.split("\n\n", 1)[0], length=220)  # type: ignore[attr-defined]
        dataset.formats = sorted(  # type: ignore[attr-defined]
            {r.format.upper() for r in dataset.resources.all() if r.format}
        )
    num_pages = max(1, min(MAX_PAGE, (result.count + PAGE_SIZE - 1) // PAGE_SIZE))
    facets: list[tuple[str, Any, list[FacetLink]]] = []
    labels: dict[tuple[str, str], str] = {}
    for param, field in FACET_PARAMS.items():
        if param in hidden_params:
            continue
        items: list[FacetItem] = result.facets.get(field, [])
        chosen = selected.get(param, [])
        links: list[FacetLink] = []
        for item in items:
            labels[(param, item.name)] = item.display_name or item.name
            is_active = item.name in chosen
            new_values = (
                [v for v in chosen if v != item.name] if is_active else [*chosen, item.name]
            )
            links.append(
                FacetLink(
                    value=item.name,
                    label=item.display_name or item.name,
                    count=item.count,
                    active=is_active,
                    url=_query_url(request, **{param: new_values}),
                )
            )
        if links:
            facets.append((param, FACET_TITLES[field], links))
    active: list[ActiveFilter] = []
    for param, values in selected.items():
        for value in values:
            active.append(
                ActiveFilter(
                    param=param,
                    title=FACET_TITLES[FACET_PARAMS[param]],
                    value=value,
                    label=labels.get((param, value), value),
                    remove_url=_query_url(request, **{param: [v for v in values if v != value]}),
                )
            )
    sort_links = [
        (key, label, key == sort_key, _query_url(request, sap_xep=key or None))
        for key, (label, _a, _b) in SORT_OPTIONS.items()
    ]

    def page_url(n: int) -> str:
        url = _query_url(request)
        return f"{url}&trang={n}" if url != "?" else f"?trang={n}"

    return SearchPage(
        q=q,
        sort=sort_key,
        result=result,
        page=page,
        num_pages=num_pages,
        facets=facets,
        active=active,
        sort_links=sort_links,
        prev_url=page_url(page - 1) if page > 1 else None,
        next_url=page_url(page + 1) if page < num_pages else None,
        first_index=(page - 1) * PAGE_SIZE + 1,
    )


def _dataset_or_404(request: HttpRequest, name: str) -> Dataset:
    """A dataset the requesting user may read; 404 otherwise (never reveal that it exists)."""
    dataset = get_object_or_404(
        Dataset.objects.select_related("organization__agency", "license"), name=name
    )
    editable = can_edit_organization(request.user, dataset.organization)
    if dataset.state == Dataset.State.DELETED and not editable:
        raise Http404
    if not editable and not can_read_dataset(request.user, dataset):
        raise Http404
    return dataset


def _dataset_for_edit(request: HttpRequest, name: str) -> Dataset:
    """A dataset the user may edit: 403 if they can read it but not edit, else 404."""
    dataset = get_object_or_404(
        Dataset.objects.select_related("organization__agency", "license"), name=name
    )
    if can_edit_organization(request.user, dataset.organization):
        return dataset
    if dataset.state != Dataset.State.DELETED and can_read_dataset(request.user, dataset):
        raise services.CatalogPermissionDenied(_("Bạn không có quyền sửa bộ dữ liệu này."))
    raise Http404


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(
        request,
        "error.html",
        {"status": 403, "title": _("Không có quyền truy cập"), "message": message},
        status=403,
    )


def _editable_organizations(user: AnyUser) -> QuerySet[Organization]:
    if not user.is_authenticated:
        return Organization.objects.none()
    ids = [
        org.pk
        for org in Organization.objects.filter(is_active=True).select_related("agency")
        if can_edit_organization(user, org)
    ]
    return Organization.objects.filter(pk__in=ids).order_by("title")


def _resources(dataset: Dataset) -> list[Resource]:
    return list(dataset.resources.order_by("position", "created"))


def _citation(request: HttpRequest, dataset: Dataset) -> dict[str, str]:
    modified = timezone.localtime(dataset.metadata_modified)
    creator = dataset.author or dataset.organization.title
    url = request.build_absolute_uri(reverse("catalog:dataset", kwargs={"name": dataset.name}))
    accessed = timezone.localdate().strftime("%d/%m/%Y")
    version = f" ({_('phiên bản')} {dataset.version})" if dataset.version else ""
    text = _(
        "%(creator)s (%(year)s). %(title)s%(version)s [Bộ dữ liệu]. %(publisher)s. %(url)s. Truy cập ngày %(accessed)s."
    ) % {
        "creator": creator,
        "year": modified.year,
        "title": dataset.title,
        "version": version,
        "publisher": dataset.organization.title,
        "url": url,
        "accessed": accessed,
    }
    return {"text": text, "url": url, "year": str(modified.year), "accessed": accessed}


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _ckan_show_url(request: HttpRequest, dataset: Dataset) -> str:
    return _absolute(request, "/api/3/action/package_show?" + urlencode({"id": dataset.name}))


def _dcat_links(request: HttpRequest, dataset: Dataset) -> list[tuple[str, str, str]]:
    return [
        ("Turtle", "text/turtle", _absolute(request, f"/dataset/{dataset.name}.ttl")),
        ("RDF/XML", "application/rdf+xml", _absolute(request, f"/dataset/{dataset.name}.rdf")),
        ("JSON-LD", "application/ld+json", _absolute(request, f"/dataset/{dataset.name}.jsonld")),
    ]


# --------------------------------------------------------------------------- public pages


@require_http_methods(["GET", "HEAD"])
def search(request: HttpRequest) -> HttpResponse:
    page = _run_search(request)
    context = {
        "page": page,
        "action_url": reverse("catalog:search"),
        "feed_url": reverse("catalog:feed"),
    }
    if _is_htmx(request):
        return render(request, "catalog/_results.html", context)
    return render(request, "catalog/search.html", context)


@require_http_methods(["GET", "HEAD"])
def dataset_detail(request: HttpRequest, name: str) -> HttpResponse:
    dataset = _dataset_or_404(request, name)
    can_edit = can_edit_organization(request.user, dataset.organization)
    extras = sorted((dataset.extras or {}).items()) if isinstance(dataset.extras, dict) else []
    context = {
        "dataset": dataset,
        "notes_html": render_markdown(dataset.notes),
        "resources": _resources(dataset),
        "groups": list(dataset.groups.all()),
        "tags": list(dataset.tags.all()),
        "spatial": list(dataset.spatial.all()),
        "extras": extras,
        "can_edit": can_edit,
        "api_url": _ckan_show_url(request, dataset),
        "dcat_links": _dcat_links(request, dataset),
        "citation": _citation(request, dataset),
        "last_activity": dataset.activities.order_by("-revision").select_related("user").first(),
    }
    return render(request, "catalog/dataset_detail.html", context)


def _resource_or_404(request: HttpRequest, name: str, resource_id: uuid.UUID) -> Resource:
    dataset = _dataset_or_404(request, name)
    resource = get_object_or_404(Resource, pk=resource_id, dataset=dataset)
    resource.dataset = dataset
    return resource


@require_http_methods(["GET", "HEAD"])
def resource_detail(request: HttpRequest, name: str, resource_id: uuid.UUID) -> HttpResponse:
    resource = _resource_or_404(request, name, resource_id)
    dataset = resource.dataset
    download = request.build_absolute_uri(
        reverse(
            "catalog:resource_download", kwargs={"name": dataset.name, "resource_id": resource.pk}
        )
    )
    context = {
        "dataset": dataset,
        "resource": resource,
        "description_html": render_markdown(resource.description),
        "download_url": download,
        "can_edit": can_edit_organization(request.user, dataset.organization),
        "resource_show_url": _absolute(
            request, "/api/3/action/resource_show?" + urlencode({"id": str(resource.pk)})
        ),
        "file_name": resource.upload.name.rsplit("/", 1)[-1] if resource.upload else "",
    }
    return render(request, "catalog/resource_detail.html", context)


@require_http_methods(["GET", "HEAD"])
def resource_download(request: HttpRequest, name: str, resource_id: uuid.UUID) -> HttpResponseBase:
    resource = _resource_or_404(request, name, resource_id)
    if resource.upload:
        file_name = resource.upload.name.rsplit("/", 1)[-1]
        content_type = (
            resource.mimetype or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        )
        try:
            handle = resource.upload.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(
            handle, as_attachment=True, filename=file_name, content_type=content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = (
            "public, max-age=300" if resource.dataset.is_public else "private"
        )
        if resource.hash:
            response["ETag"] = f'"{resource.hash.removeprefix("sha256:")}"'
        return response
    if resource.url and urlsplit(resource.url).scheme in {"http", "https"}:
        return HttpResponseRedirect(resource.url)
    raise Http404


@require_http_methods(["GET", "HEAD"])
def dataset_history(request: HttpRequest, name: str) -> HttpResponse:
    dataset = _dataset_or_404(request, name)
    activities = dataset.activities.order_by("-revision").select_related("user")
    page = Paginator(activities, 30).get_page(request.GET.get("trang"))
    return render(request, "catalog/dataset_history.html", {"dataset": dataset, "page": page})


# Snapshot keys shown in a diff, in order, with their labels. Others are listed after.
DIFF_FIELDS: list[tuple[str, Any]] = [
    ("title", gettext_lazy("Tiêu đề")),
    ("name", gettext_lazy("Tên định danh")),
    ("notes", gettext_lazy("Mô tả")),
    ("state", gettext_lazy("Trạng thái")),
    ("private", gettext_lazy("Riêng tư")),
    ("organization", gettext_lazy("Tổ chức")),
    ("owner_org", gettext_lazy("Tổ chức")),
    ("groups", gettext_lazy("Lĩnh vực")),
    ("tags", gettext_lazy("Từ khoá")),
    ("license_id", gettext_lazy("Giấy phép")),
    ("version", gettext_lazy("Phiên bản")),
    ("url", gettext_lazy("Trang nguồn")),
    ("frequency", gettext_lazy("Tần suất cập nhật")),
    ("temporal_start", gettext_lazy("Thời gian từ")),
    ("temporal_end", gettext_lazy("Thời gian đến")),
    ("spatial", gettext_lazy("Phạm vi không gian")),
    ("author", gettext_lazy("Tác giả")),
    ("author_email", gettext_lazy("Thư tác giả")),
    ("maintainer", gettext_lazy("Đầu mối liên hệ")),
    ("maintainer_email", gettext_lazy("Thư đầu mối")),
    ("extras", gettext_lazy("Thông tin bổ sung")),
    ("resources", gettext_lazy("Tài nguyên")),
]
DIFF_IGNORED = {"metadata_modified", "revision_id", "num_resources", "num_tags", "id"}


def _display_value(value: Any) -> str:
    """A readable one-value-per-line text for a snapshot value."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, dict):
        if "title" in value or "display_name" in value or "name" in value:
            return str(value.get("display_name") or value.get("title") or value.get("name"))
        if {"key", "value"} <= value.keys():
            return f"{value['key']}: {value['value']}"
        return "\n".join(f"{k}: {_display_value(v)}" for k, v in value.items())
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, dict) and ("url" in item or "format" in item) and "name" in item:
                parts.append(
                    " · ".join(
                        str(x) for x in (item.get("name"), item.get("format"), item.get("url")) if x
                    )
                )
            else:
                parts.append(_display_value(item))
        return "\n".join(parts)
    return str(value)


@dataclass
class DiffRow:
    label: Any
    before: str
    after: str
    lines: list[tuple[str, str]]  # (kind: "-", "+", " ", text)


def revision_diff(before: dict[str, Any], after: dict[str, Any]) -> list[DiffRow]:
    """Field-by-field differences between two snapshots, multi-line values as a line diff."""
    labels = dict(DIFF_FIELDS)
    keys = [k for k, _l in DIFF_FIELDS if k in before or k in after]
    keys += sorted(k for k in (before.keys() | after.keys()) if k not in labels)
    rows: list[DiffRow] = []
    for key in keys:
        if key in DIFF_IGNORED:
            continue
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        old_text, new_text = _display_value(old), _display_value(new)
        if old_text == new_text:
            continue
        lines: list[tuple[str, str]] = []
        if "\n" in old_text or "\n" in new_text:
            for line in difflib.ndiff(old_text.splitlines(), new_text.splitlines()):
                if line.startswith("? "):
                    continue
                lines.append((line[:1], line[2:]))
        rows.append(DiffRow(labels.get(key, key), old_text, new_text, lines))
    return rows


@require_http_methods(["GET", "HEAD"])
def dataset_diff(request: HttpRequest, name: str) -> HttpResponse:
    dataset = _dataset_or_404(request, name)
    revisions = dataset.activities.order_by("revision")
    try:
        new_rev = int(request.GET.get("den", "0"))
        old_rev = int(request.GET.get("tu", "0"))
    except ValueError as exc:
        raise Http404 from exc
    new = revisions.filter(revision=new_rev).select_related("user").first() if new_rev else None
    if new is None:
        new = revisions.select_related("user").last()
    if new is None:
        raise Http404
    old: Activity | None
    if old_rev:
        old = revisions.filter(revision=old_rev).select_related("user").first()
    else:
        old = revisions.filter(revision__lt=new.revision).select_related("user").last()
    rows = revision_diff(old.data if old else {}, new.data)
    choices = list(revisions.values_list("revision", "timestamp"))
    return render(
        request,
        "catalog/dataset_diff.html",
        {"dataset": dataset, "old": old, "new": new, "rows": rows, "choices": choices},
    )


def _facet_counts(request: HttpRequest, field: str) -> dict[str, int]:
    result = dataset_search(
        user=request.user, rows=0, facet_fields=[field], facet_limit=-1, sort="name asc"
    )
    return {item.name: item.count for item in result.facets.get(field, [])}


@require_http_methods(["GET", "HEAD"])
def organization_list(request: HttpRequest) -> HttpResponse:
    counts = _facet_counts(request, "organization")
    organizations = [
        (org, counts.get(org.name, 0))
        for org in Organization.objects.filter(is_active=True).select_related("agency")
    ]
    organizations.sort(key=lambda pair: (-pair[1], pair[0].title))
    return render(request, "catalog/organization_list.html", {"organizations": organizations})


@require_http_methods(["GET", "HEAD"])
def organization_detail(request: HttpRequest, name: str) -> HttpResponse:
    organization = get_object_or_404(
        Organization.objects.select_related("agency"), name=name, is_active=True
    )
    can_edit = can_edit_organization(request.user, organization)
    page = _run_search(
        request,
        base_filters=Q(organization__name=organization.name),
        hidden_params=("to-chuc",),
        include_private=can_edit,
    )
    context = {
        "organization": organization,
        "description_html": render_markdown(organization.description),
        "page": page,
        "can_edit": can_edit,
        "can_manage": membership_services.can_manage_members(request.user, organization),
        "action_url": reverse("catalog:organization", kwargs={"name": organization.name}),
    }
    if _is_htmx(request):
        return render(request, "catalog/_results.html", context)
    return render(request, "catalog/organization_detail.html", context)


def domains_with_counts(user: AnyUser) -> tuple[int, list[tuple[Group, int]]]:
    """Number of datasets ``user`` sees, and the domains (groups) in display order with
    their number of datasets (one search call: the count and the group facet)."""
    result = dataset_search(
        user=user, rows=0, facet_fields=["groups"], facet_limit=-1, sort="name asc"
    )
    counts = {item.name: item.count for item in result.facets.get("groups", [])}
    return result.count, [(group, counts.get(group.name, 0)) for group in Group.objects.all()]


def home_context(request: HttpRequest) -> dict[str, Any]:
    """What the home page shows of the catalog: the domains with counts."""
    count, domains = domains_with_counts(request.user)
    return {"dataset_count": count, "domains": domains}


@require_http_methods(["GET", "HEAD"])
def group_list(request: HttpRequest) -> HttpResponse:
    _count, groups = domains_with_counts(request.user)
    return render(request, "catalog/group_list.html", {"groups": groups})


@require_http_methods(["GET", "HEAD"])
def group_detail(request: HttpRequest, name: str) -> HttpResponse:
    group = get_object_or_404(Group, name=name)
    page = _run_search(
        request,
        base_filters=Q(groups__name=group.name),
        hidden_params=("linh-vuc",),
    )
    context = {
        "group": group,
        "description_html": render_markdown(group.description),
        "page": page,
        "action_url": reverse("catalog:group", kwargs={"name": group.name}),
    }
    if _is_htmx(request):
        return render(request, "catalog/_results.html", context)
    return render(request, "catalog/group_detail.html", context)


# --------------------------------------------------------------------------- publisher pages

STATE_TABS: list[tuple[str, str, Any]] = [
    ("", "", gettext_lazy("Tất cả")),
    ("nhap", Dataset.State.DRAFT, gettext_lazy("Bản nháp")),
    ("xuat-ban", Dataset.State.ACTIVE, gettext_lazy("Đã xuất bản")),
    ("da-xoa", Dataset.State.DELETED, gettext_lazy("Đã xoá")),
]


@login_required
@require_http_methods(["GET", "HEAD"])
def dashboard(request: HttpRequest) -> HttpResponse:
    organizations = _editable_organizations(request.user)
    tab = request.GET.get("trang-thai", "")
    state = next((s for key, s, _l in STATE_TABS if key == tab), "")
    datasets = Dataset.objects.filter(organization__in=organizations)
    counts = {
        key: (
            datasets.filter(state=s) if s else datasets.exclude(state=Dataset.State.DELETED)
        ).count()
        for key, s, _l in STATE_TABS
    }
    if state:
        datasets = datasets.filter(state=state)
    else:
        datasets = datasets.exclude(state=Dataset.State.DELETED)
    q = request.GET.get("q", "").strip()[:100]
    if q:
        datasets = datasets.filter(Q(search_title__contains=fold(q)) | Q(name__contains=q.lower()))
    datasets = datasets.select_related("organization").order_by("-metadata_modified")
    page = Paginator(datasets, 30).get_page(request.GET.get("trang"))
    tabs = [(key, label, key == tab, counts[key]) for key, _s, label in STATE_TABS]
    return render(
        request,
        "catalog/dashboard.html",
        {
            "organizations": organizations,
            "page": page,
            "tabs": tabs,
            "q": q,
            "tab": tab,
            "manageable": [
                org
                for org in organizations
                if membership_services.can_manage_members(request.user, org)
            ],
        },
    )


def _denied_as_403(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A publisher view: a refusal by the catalogue's permission checks (raised by
    ``_dataset_for_edit`` or a service) is answered with the 403 page and its message."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except services.CatalogPermissionDenied as exc:
            return _forbidden(request, exc.message)

    return wrapped


def _form_page(
    request: HttpRequest, template: str, *, status: int = 200, **context: Any
) -> HttpResponse:
    """A publisher form page (status 400 when it is shown again with errors)."""
    return render(request, template, context, status=status)


def _call_service(form: Form, call: Callable[..., T], /, **kwargs: Any) -> T | None:
    """``call(**kwargs)``; None when the service refused the data, its messages then
    attached to the form's fields."""
    try:
        return call(**kwargs)
    except services.CatalogValidationError as exc:
        apply_service_errors(form, exc.errors)
        return None


def _errors_as_messages(request: HttpRequest, exc: services.CatalogValidationError) -> None:
    for field_messages in exc.errors.values():
        for message in field_messages:
            messages.error(request, message)


def _new_form_token() -> str:
    return uuid.uuid4().hex


def _created_tokens(request: HttpRequest) -> dict[str, str]:
    tokens = request.session.get(SESSION_CREATED_KEY, {})
    return tokens if isinstance(tokens, dict) else {}


def _remember_created(request: HttpRequest, token: str, name: str) -> None:
    tokens = _created_tokens(request)
    tokens[token] = name
    # Keep the last 20 only.
    request.session[SESSION_CREATED_KEY] = dict(list(tokens.items())[-20:])


DATASET_FORM = "catalog/dataset_form.html"
RESOURCE_FORM = "catalog/resource_form.html"


@login_required
@require_http_methods(["GET", "POST"])
@_denied_as_403
def dataset_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    organizations = _editable_organizations(user)
    if not organizations.exists():
        return _forbidden(
            request,
            _(
                "Tài khoản của bạn chưa được giao xuất bản dữ liệu cho tổ chức nào. "
                "Hãy đề nghị quản trị của tổ chức thêm bạn làm biên tập viên."
            ),
        )
    if request.method == "POST":
        token = request.POST.get("form_token", "")
        if token and token in _created_tokens(request):
            # The same form was sent twice (double click, reload): show what was created.
            return redirect("catalog:dataset", name=_created_tokens(request)[token])
        form = DatasetForm(request.POST, organizations=organizations)
        extras = cast(BaseExtraFormSet, ExtraFormSet(request.POST, prefix="extras"))
        if form.is_valid() and extras.is_valid():
            name = form.cleaned_data["name"] or slugify_vi(form.cleaned_data["title"])
            state = (
                Dataset.State.ACTIVE
                if request.POST.get("action") == "publish"
                else Dataset.State.DRAFT
            )
            dataset = _call_service(
                form,
                services.dataset_create,
                user=user,
                name=name,
                state=state,
                **form.service_fields(extras.as_dict()),
            )
            if dataset is not None:
                if token:
                    _remember_created(request, token, dataset.name)
                messages.success(
                    request,
                    _("Đã tạo bộ dữ liệu “%(title)s”. Hãy thêm tệp hoặc đường dẫn dữ liệu.")
                    % {"title": dataset.title},
                )
                return redirect("catalog:resource_new", name=dataset.name)
        return _form_page(request, DATASET_FORM, form=form, extras=extras, dataset=None, status=400)
    initial: dict[str, Any] = {"form_token": _new_form_token()}
    wanted = request.GET.get("to-chuc")
    first = organizations.filter(name=wanted).first() if wanted else None
    initial["organization"] = (first or organizations.first()).pk  # type: ignore[union-attr]
    form = DatasetForm(initial=initial, organizations=organizations)
    return _form_page(
        request, DATASET_FORM, form=form, extras=ExtraFormSet(prefix="extras"), dataset=None
    )


@login_required
@require_http_methods(["GET", "POST"])
@_denied_as_403
def dataset_edit(request: HttpRequest, name: str) -> HttpResponse:
    user = _user(request)
    dataset = _dataset_for_edit(request, name)
    organizations = _editable_organizations(user) | Organization.objects.filter(
        pk=dataset.organization_id
    )
    if request.method == "POST":
        form = DatasetForm(request.POST, organizations=organizations.distinct())
        extras = cast(BaseExtraFormSet, ExtraFormSet(request.POST, prefix="extras"))
        if form.is_valid() and extras.is_valid():
            fields = form.service_fields(extras.as_dict())
            fields["name"] = form.cleaned_data["name"] or dataset.name
            publish = request.POST.get("action") == "publish"

            @transaction.atomic
            def save(dataset: Dataset) -> Dataset:
                dataset = services.dataset_patch(user=user, dataset=dataset, **fields)
                if publish and dataset.state == Dataset.State.DRAFT:
                    dataset = services.dataset_publish(user=user, dataset=dataset)
                return dataset

            saved = _call_service(form, save, dataset=dataset)
            if saved is not None:
                messages.success(request, _("Đã lưu thay đổi."))
                return redirect("catalog:dataset", name=saved.name)
        return _form_page(
            request, DATASET_FORM, form=form, extras=extras, dataset=dataset, status=400
        )
    form = DatasetForm(
        initial=DatasetForm.initial_for(dataset), organizations=organizations.distinct()
    )
    blank_extras = ExtraFormSet(
        prefix="extras",
        initial=extras_initial(dataset.extras if isinstance(dataset.extras, dict) else {}),
    )
    return _form_page(request, DATASET_FORM, form=form, extras=blank_extras, dataset=dataset)


@_denied_as_403
def _state_action(request: HttpRequest, name: str, action: str) -> HttpResponse:
    user = _user(request)
    try:
        dataset = _dataset_for_edit(request, name)
        if action == "publish":
            services.dataset_publish(user=user, dataset=dataset)
            messages.success(request, _("Đã xuất bản bộ dữ liệu."))
        elif action == "delete":
            services.dataset_delete(user=user, dataset=dataset)
            messages.success(
                request,
                _("Đã xoá bộ dữ liệu “%(title)s”. Có thể khôi phục trong mục “Đã xoá”.")
                % {"title": dataset.title},
            )
            return redirect(reverse("catalog:dashboard") + "?trang-thai=da-xoa")
        elif action == "restore":
            services.dataset_restore(user=user, dataset=dataset)
            messages.success(request, _("Đã khôi phục bộ dữ liệu."))
    except services.CatalogPermissionDenied:
        raise  # the 403 page (not a message on the dataset page)
    except services.CatalogValidationError as exc:
        _errors_as_messages(request, exc)
    except services.DomainError as exc:
        messages.error(request, exc.message)
    return redirect("catalog:dataset", name=name)


@login_required
@require_POST
def dataset_publish(request: HttpRequest, name: str) -> HttpResponse:
    return _state_action(request, name, "publish")


@login_required
@require_http_methods(["GET", "POST"])
@_denied_as_403
def dataset_delete(request: HttpRequest, name: str) -> HttpResponse:
    if request.method == "POST":
        return _state_action(request, name, "delete")
    dataset = _dataset_for_edit(request, name)
    return render(request, "catalog/confirm_delete.html", {"dataset": dataset, "resource": None})


@login_required
@require_POST
def dataset_restore(request: HttpRequest, name: str) -> HttpResponse:
    return _state_action(request, name, "restore")


def _resource_form(
    request: HttpRequest, dataset: Dataset, resource: Resource | None
) -> HttpResponse:
    """Add a resource to ``dataset`` (``resource`` None) or edit ``resource``."""
    if request.method != "POST":
        form = ResourceForm(initial=ResourceForm.initial_for(resource)) if resource else None
        return _form_page(
            request,
            RESOURCE_FORM,
            form=form or ResourceForm(),
            dataset=dataset,
            resource=resource,
        )
    user = _user(request)
    form = ResourceForm(request.POST, request.FILES)
    if form.is_valid():
        fields = form.service_fields()
        if "upload" not in fields and "url" not in fields and not (resource and resource.upload):
            form.add_error(
                "url" if resource else "upload",
                _("Hãy chọn một tệp để tải lên hoặc nhập đường dẫn."),
            )
        elif resource is None:
            if _call_service(form, services.resource_create, user=user, dataset=dataset, **fields):
                messages.success(request, _("Đã thêm tài nguyên."))
                if request.POST.get("action") == "another":
                    return redirect("catalog:resource_new", name=dataset.name)
                return redirect("catalog:dataset", name=dataset.name)
        elif _call_service(form, services.resource_update, user=user, resource=resource, **fields):
            messages.success(request, _("Đã lưu tài nguyên."))
            return redirect("catalog:resource", name=dataset.name, resource_id=resource.pk)
    return _form_page(
        request, RESOURCE_FORM, form=form, dataset=dataset, resource=resource, status=400
    )


@login_required
@require_http_methods(["GET", "POST"])
@_denied_as_403
def resource_new(request: HttpRequest, name: str) -> HttpResponse:
    return _resource_form(request, _dataset_for_edit(request, name), None)


def _resource_for_edit(request: HttpRequest, name: str, resource_id: uuid.UUID) -> Resource:
    dataset = _dataset_for_edit(request, name)
    resource = get_object_or_404(Resource, pk=resource_id, dataset=dataset)
    resource.dataset = dataset
    return resource


@login_required
@require_http_methods(["GET", "POST"])
@_denied_as_403
def resource_edit(request: HttpRequest, name: str, resource_id: uuid.UUID) -> HttpResponse:
    resource = _resource_for_edit(request, name, resource_id)
    return _resource_form(request, resource.dataset, resource)


@login_required
@require_http_methods(["GET", "POST"])
@_denied_as_403
def resource_delete(request: HttpRequest, name: str, resource_id: uuid.UUID) -> HttpResponse:
    resource = _resource_for_edit(request, name, resource_id)
    if request.method == "POST":
        services.resource_delete(user=_user(request), resource=resource)
        messages.success(request, _("Đã xoá tài nguyên “%(name)s”.") % {"name": resource.name})
        return redirect("catalog:dataset", name=resource.dataset.name)
    return render(
        request, "catalog/confirm_delete.html", {"dataset": resource.dataset, "resource": resource}
    )


@login_required
@require_POST
@_denied_as_403
def resource_move(request: HttpRequest, name: str, resource_id: uuid.UUID) -> HttpResponse:
    """Move a resource one place up or down (a form button per resource; works without JS)."""
    resource = _resource_for_edit(request, name, resource_id)
    dataset = resource.dataset
    order = [r.pk for r in _resources(dataset)]
    index = order.index(resource.pk)
    direction = request.POST.get("huong")
    target = index - 1 if direction == "len" else index + 1 if direction == "xuong" else index
    if 0 <= target < len(order) and target != index:
        order[index], order[target] = order[target], order[index]
        services.resource_reorder(user=_user(request), dataset=dataset, order=order)
    if _is_htmx(request):
        return render(
            request,
            "catalog/_resource_list.html",
            {"dataset": dataset, "resources": _resources(dataset), "can_edit": True},
        )
    return redirect(reverse("catalog:dataset", kwargs={"name": dataset.name}) + "#tai-nguyen")


# --------------------------------------------------------------------------- membership


def _organization_for_members(request: HttpRequest, name: str) -> Organization:
    organization = get_object_or_404(Organization.objects.select_related("agency"), name=name)
    if not membership_services.can_manage_members(request.user, organization):
        if can_edit_organization(request.user, organization):
            raise services.CatalogPermissionDenied(
                _("Chỉ quản trị của tổ chức mới được quản lý thành viên.")
            )
        raise Http404
    return organization


@login_required
@require_http_methods(["GET", "POST"])
@_denied_as_403
def organization_members(request: HttpRequest, name: str) -> HttpResponse:
    user = _user(request)
    organization = _organization_for_members(request, name)
    status = 200
    form = MemberAddForm()
    if request.method == "POST":
        form = MemberAddForm(request.POST)
        if form.is_valid():
            member = _call_service(
                form,
                membership_services.organization_member_add,
                by=user,
                organization=organization,
                username=form.cleaned_data["username"],
                capacity=form.cleaned_data["capacity"],
            )
            if member is not None:
                messages.success(
                    request,
                    _("Đã thêm %(user)s với vai trò %(role)s.")
                    % {"user": member.user, "role": member.get_capacity_display()},
                )
                return redirect("catalog:organization_members", name=organization.name)
        status = 400
    members = organization.members.select_related("user").order_by("capacity", "user__username")
    return _form_page(
        request,
        "catalog/organization_members.html",
        organization=organization,
        members=members,
        form=form,
        capacities=OrganizationMember.Capacity.choices,
        status=status,
    )


@login_required
@require_POST
@_denied_as_403
def organization_member_change(request: HttpRequest, name: str, member_id: int) -> HttpResponse:
    user = _user(request)
    try:
        organization = _organization_for_members(request, name)
        member = get_object_or_404(OrganizationMember, pk=member_id, organization=organization)
        if request.POST.get("action") == "remove":
            membership_services.organization_member_remove(by=user, member=member)
            messages.success(request, _("Đã xoá %(user)s khỏi tổ chức.") % {"user": member.user})
        else:
            form = MemberChangeForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Vai trò không hợp lệ."))
            else:
                member = membership_services.organization_member_change(
                    by=user, member=member, capacity=form.cleaned_data["capacity"]
                )
                messages.success(
                    request,
                    _("Đã đổi vai trò của %(user)s thành %(role)s.")
                    % {"user": member.user, "role": member.get_capacity_display()},
                )
    except services.CatalogValidationError as exc:
        _errors_as_messages(request, exc)
    return redirect("catalog:organization_members", name=name)
