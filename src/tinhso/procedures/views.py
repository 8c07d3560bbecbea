"""Public pages of the procedure catalog (under the language prefix). No JavaScript needed.

Thin: parse the query, call a selector, render. Writes happen in the admin (through
the services) or by import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from tinhso.core.models import Agency
from tinhso.core.text import code_is_plausible
from tinhso.procedures.models import Procedure, RequiredDocument
from tinhso.procedures.selectors import (
    FacetItem,
    procedure_detail,
    procedure_due_example,
    procedure_near_matches,
    procedure_search,
    procedure_version_diff,
    procedure_versions,
)
from tinhso.procedures.transfer import export_json, export_xlsx

PAGE_SIZE = 20
# Fewer strict hits than this on the first page: also offer near matches.
NEAR_MATCH_BELOW = 5
MAX_PAGE = 200
# URL parameter (Vietnamese) → facet name, with its title.
FACET_PARAMS: dict[str, tuple[str, Any]] = {
    "linh-vuc": ("field", gettext_lazy("Lĩnh vực")),
    "co-quan": ("agency", gettext_lazy("Cơ quan thực hiện")),
    "cap": ("level", gettext_lazy("Cấp thực hiện")),
    "muc-do": ("online_level", gettext_lazy("Mức độ trực tuyến")),
}
ONLINE_LEVELS = (Procedure.OnlineLevel.PARTIAL, Procedure.OnlineLevel.FULL)


@dataclass
class FacetLink:
    label: str
    count: int
    url: str
    active: bool


def _page_number(request: HttpRequest) -> int:
    try:
        return min(max(int(request.GET.get("trang", "1")), 1), MAX_PAGE)
    except ValueError:
        return 1


def _url(request: HttpRequest, **changes: str | None) -> str:
    params = request.GET.copy()
    params.pop("trang", None)
    for key, value in changes.items():
        key = key.replace("_", "-")
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    query = params.urlencode()
    return f"?{query}" if query else "?"


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200]
    chosen = {param: request.GET.get(param, "").strip()[:50] for param in FACET_PARAMS}
    agency = Agency.objects.filter(code=chosen["co-quan"]).first() if chosen["co-quan"] else None
    level = chosen["cap"] if chosen["cap"] in Procedure.Level.values else None
    online = chosen["muc-do"] if chosen["muc-do"] in Procedure.OnlineLevel.values else None
    page = _page_number(request)
    filters: dict[str, Any] = {
        "field_code": chosen["linh-vuc"] or None,
        "level": level,
        "online_level": online,
        "agency": agency,
    }
    result = procedure_search(q=q, page=page, page_size=PAGE_SIZE, **filters)
    facets: list[tuple[str, Any, list[FacetLink]]] = []
    active: list[dict[str, str]] = []
    for param, (name, title) in FACET_PARAMS.items():
        items: list[FacetItem] = result.facets.get(name, [])
        links = [
            FacetLink(
                f.label,
                f.count,
                _url(request, **{param: None if f.active else f.value}),
                f.active,
            )
            for f in items
        ]
        if links:
            facets.append((param, title, links))
        for f in items:
            if f.active:
                active.append(
                    {
                        "param": param,
                        "value": f.value,
                        "title": str(title),
                        "label": f.label,
                        "remove_url": _url(request, **{param: None}),
                    }
                )
    num_pages = result.num_pages
    near: list[Procedure] = []
    if q and page == 1 and result.count < NEAR_MATCH_BELOW:
        near = procedure_near_matches(q=q, exclude_ids=[p.pk for p in result.procedures], **filters)
    context = {
        "near": near,
        "q": q,
        "result": result,
        "facets": facets,
        "active": active,
        "first_index": (result.page - 1) * PAGE_SIZE + 1,
        "prev_url": _url(request, trang=str(page - 1)) if page > 1 else "",
        "next_url": _url(request, trang=str(page + 1)) if page < min(num_pages, MAX_PAGE) else "",
        "num_pages": num_pages,
    }
    return render(request, "procedures/search.html", context)


def _procedure_or_404(code: str) -> Procedure:
    # A code with a NUL or other control character cannot exist (and PostgreSQL would
    # refuse the query): not found, like any unknown code.
    procedure = procedure_detail(code) if code_is_plausible(code) else None
    if procedure is None:
        raise Http404(_("Không có thủ tục mã %(code)s.") % {"code": code})
    return procedure


@require_GET
def detail(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _procedure_or_404(code)
    now = timezone.now()
    documents = sorted(procedure.documents.all(), key=lambda d: (d.position, d.pk))
    context = {
        "procedure": procedure,
        "documents": documents,
        "steps": sorted(procedure.workflow.all(), key=lambda s: (s.position, s.pk)),
        "agencies": sorted(procedure.agencies.all(), key=lambda a: a.name),
        "now": now,
        "due_date": procedure_due_example(procedure, now=now),
        "can_submit_online": procedure.is_active and procedure.online_level in ONLINE_LEVELS,
        "versions": list(procedure_versions(procedure)[:5]),
    }
    return render(request, "procedures/detail.html", context)


@require_GET
def history(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _procedure_or_404(code)
    versions = list(procedure_versions(procedure))
    diff = None
    error = ""
    if len(versions) >= 2 or "tu" in request.GET:
        try:
            new = int(request.GET.get("den", versions[0].version if versions else 0))
            old = int(request.GET.get("tu", new - 1))
        except ValueError:
            old, new = 0, 0
        diff = procedure_version_diff(procedure, old=old, new=new)
        if diff is None:
            error = _("Không có phiên bản %(old)s hoặc %(new)s để so sánh.") % {
                "old": old,
                "new": new,
            }
    context = {"procedure": procedure, "versions": versions, "diff": diff, "error": error}
    return render(request, "procedures/history.html", context, status=404 if error else 200)


@require_GET
def template_download(request: HttpRequest, code: str, document_id: int) -> FileResponse:
    if not code_is_plausible(code):
        raise Http404(_("Không có mẫu đơn này."))
    document = (
        RequiredDocument.objects.filter(pk=document_id, procedure__code=code)
        .exclude(template="")
        .first()
    )
    if document is None or not default_storage.exists(document.template.name):
        raise Http404(_("Không có mẫu đơn này."))
    filename = document.template.name.rsplit("/", 1)[-1]
    return FileResponse(default_storage.open(document.template.name, "rb"), filename=filename)


@require_GET
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The whole active catalogue as open data (the import format)."""
    procedures = Procedure.objects.filter(is_active=True)
    if fmt == "json":
        response = HttpResponse(export_json(procedures), content_type="application/json")
    else:
        response = HttpResponse(
            export_xlsx(procedures),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="thu-tuc-hanh-chinh.{fmt}"'
    return response
