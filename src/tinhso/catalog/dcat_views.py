"""DCAT-AP endpoints: the paged catalogue and one dataset, as Turtle, RDF/XML or JSON-LD."""

from __future__ import annotations

import uuid

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tinhso.catalog import dcat
from tinhso.catalog.models import Dataset

_MEDIA_TYPE_TO_EXT = {media_type: ext for ext, (_fmt, media_type) in dcat.FORMATS.items()}
_MEDIA_TYPE_TO_EXT["application/json"] = "jsonld"
_CONNEG_TYPES = [
    "text/html",
    "text/turtle",
    "application/rdf+xml",
    "application/ld+json",
    "application/json",
]


def _rdf_response(body: bytes, ext: str) -> HttpResponse:
    media_type = dcat.FORMATS[ext][1]
    response = HttpResponse(body, content_type=f"{media_type}; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    response["Vary"] = "Accept"
    return response


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _preferred_ext(request: HttpRequest, *, default: str | None) -> str | None:
    """The RDF serialisation the client asks for with Accept, or ``default``; None for HTML."""
    accept = request.headers.get("Accept", "")
    if not accept:
        return default
    preferred = request.get_preferred_type(_CONNEG_TYPES)
    if preferred is None:
        return default
    return _MEDIA_TYPE_TO_EXT.get(str(preferred))


@require_safe
def catalog_rdf(request: HttpRequest, ext: str) -> HttpResponse:
    raw_page = request.GET.get("page", "1")
    try:
        page = int(raw_page)
    except ValueError:
        return HttpResponseBadRequest(
            _("Tham số page phải là số nguyên dương."), content_type="text/plain; charset=utf-8"
        )
    try:
        result = dcat.catalog_graph(
            base_url=_base_url(request),
            page=page,
            page_url=request.build_absolute_uri(request.path),
        )
    except dcat.PageOutOfRange:
        raise Http404(_("Không có trang này của danh mục.")) from None
    return _rdf_response(dcat.serialize(result.graph, ext), ext)


@require_safe
def catalog_negotiate(request: HttpRequest) -> HttpResponse:
    """``/catalog``: the catalogue in the serialisation asked for with Accept (Turtle by default)."""
    ext = _preferred_ext(request, default="ttl") or "ttl"
    return catalog_rdf(request, ext)


def _public_dataset(ref: str) -> Dataset:
    queryset = dcat.public_datasets()
    try:
        return queryset.get(id=uuid.UUID(ref))
    except (ValueError, Dataset.DoesNotExist):
        pass
    try:
        return queryset.get(name=ref)
    except Dataset.DoesNotExist:
        raise Http404(_("Không tìm thấy bộ dữ liệu.")) from None


@require_safe
def dataset_rdf(request: HttpRequest, ref: str, ext: str) -> HttpResponse:
    dataset = _public_dataset(ref)
    graph = dcat.dataset_graph(dataset=dataset, base_url=_base_url(request))
    return _rdf_response(dcat.serialize(graph, ext), ext)


@require_safe
def dataset_negotiate(request: HttpRequest, ref: str) -> HttpResponse:
    """``/dataset/<id or name>`` (the dataset's URI): RDF when asked for, else its web page."""
    ext = _preferred_ext(request, default=None)
    if ext is None:
        dataset = _public_dataset(ref)
        landing = str(dcat.Site(_base_url(request)).landing_page(dataset))
        if landing != request.build_absolute_uri(request.path):
            return HttpResponseRedirect(landing)
        ext = "ttl"  # no HTML page of its own: describe it in Turtle
    return dataset_rdf(request, ref, ext)
