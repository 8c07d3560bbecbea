"""DataStore pages: preview (paged, sortable, filterable table from the database, column
summary, chart builder, API call), load status fragment, exports, publisher options."""

from __future__ import annotations

import json
import math
import re
import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tinhso.catalog.models import Resource
from tinhso.datastore import access, export, selectors, services
from tinhso.datastore.ingest.infer import TYPES
from tinhso.datastore.ingest.pipeline import TYPE_LABELS
from tinhso.datastore.models import DatastoreTable, LoadLog

PAGE_SIZES = (25, 50, 100, 250)
CHART_KINDS = ("bar", "line", "pie")


def _aggregate_labels() -> dict[str, str]:
    return {
        "sum": _("Tổng"),
        "avg": _("Trung bình"),
        "count": _("Đếm số dòng"),
        "min": _("Nhỏ nhất"),
        "max": _("Lớn nhất"),
    }


def _bool_text(value: Any) -> Any:
    """Booleans as the preview shows them (Có / Không), other values unchanged."""
    if value is True or value == "True":
        return _("Có")
    if value is False or value == "False":
        return _("Không")
    return value


def _resource(request: HttpRequest, name: str, resource_id: uuid.UUID) -> Resource:
    resource = get_object_or_404(
        Resource.objects.select_related("dataset__organization"), pk=resource_id, dataset__name=name
    )
    if not access.can_read(request.user, resource):
        raise Http404
    return resource


def _display_value(value: Any, ftype: str) -> Any:
    """One value as the page shows it (see ``_display_rows``; booleans Có / Không)."""
    if ftype == "bool":
        return _bool_text(value)
    return _display_rows([[value]], [{"type": ftype}])[0][0]


def _display_rows(records: list[list[Any]], fields: list[dict[str, Any]]) -> list[list[Any]]:
    """Rows as the page shows them: dates ``dd/mm/yyyy`` (and times after them) outside
    English, the way they are written in Vietnam and accepted back by the filters."""
    if get_language() == "en":
        return records
    dated = [i for i, f in enumerate(fields) if f["type"] in ("date", "timestamp")]
    if not dated:
        return records
    out = []
    for row in records:
        row = list(row)
        for i in dated:
            value = row[i]
            if isinstance(value, str) and len(value) >= 10 and value[4] == "-":
                rest = value[10:].replace("T", " ", 1)
                row[i] = f"{value[8:10]}/{value[5:7]}/{value[0:4]}{rest}"
        out.append(row)
    return out


_VI_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+$")


def _typed_number(value: str, ftype: str) -> str:
    """A number typed in the preview as it is written in Vietnamese — ``1.234,5``,
    ``1234,5``, ``12.345`` (thousands) — in the form the filters take (``1234.5``), so
    that a value copied from the table (shown with a decimal comma) finds its row.
    ``1234.5`` and values of other columns are left as they are."""
    text = value.strip().replace(" ", "").replace("\u00a0", "")
    if ftype not in ("int", "numeric") or get_language() == "en":
        return value
    if "," in text:
        return text.replace(".", "").replace(",", ".")
    if _VI_THOUSANDS.match(text):
        return text.replace(".", "")
    return value


def _view_params(request: HttpRequest, table: DatastoreTable) -> dict[str, Any]:
    """The filtered view described by the query string (shareable URL)."""
    get = request.GET
    filters: dict[str, Any] = {}
    for key in get:
        if key.startswith("f.") and get[key] != "":
            f = selectors.resolve_field(table, key[2:])
            if f is not None:
                values = [_typed_number(v, f["type"]) for v in get.getlist(key)]
                filters[f["id"]] = values if len(values) > 1 else values[0]
    # The simple form sends one column + value; it joins the filters already in the URL.
    column, value = get.get("loc", ""), get.get("gia_tri_loc", "")
    if column and value != "":
        f = selectors.resolve_field(table, column)
        if f is not None:
            filters[f["id"]] = _typed_number(value, f["type"])
    sort = get.get("sort", "")
    direction = "desc" if get.get("dir") == "desc" else "asc"
    return {
        "filters": filters,
        "q": get.get("q", "").strip(),
        "sort": f"{sort} {direction}" if sort else "",
    }


def _int(value: str | None, default: int, lo: int, hi: int) -> int:
    try:
        return max(lo, min(hi, int(value or default)))
    except ValueError:
        return default


def preview(request: HttpRequest, name: str, resource_id: uuid.UUID) -> HttpResponse:
    resource = _resource(request, name, resource_id)
    table = DatastoreTable.objects.filter(resource=resource).first()
    context: dict[str, Any] = {
        "resource": resource,
        "dataset": resource.dataset,
        "table": table,
        "can_edit": access.can_edit(request.user, resource),
        "type_labels": TYPE_LABELS,
        "types": TYPES,
    }
    if table is None or not table.table_name:
        context.update(_options_context(table))
        return render(request, "datastore/preview.html", context)
    view = _view_params(request, table)
    per = _int(request.GET.get("per"), 50, 1, 250)
    page = _int(request.GET.get("page"), 1, 1, 10_000_000)
    error = ""

    def search(page: int) -> selectors.SearchResult:
        return selectors.datastore_search(
            table=table,
            filters=view["filters"],
            q=view["q"] or None,
            sort=view["sort"] or None,
            limit=per,
            offset=(page - 1) * per,
        )

    try:
        result = search(page)
        last_page = max(1, math.ceil((result.total or 0) / per))
        if page > last_page:  # a page beyond the end (shared URL, fewer rows now)
            page = last_page
            result = search(page)
    except services.DatastoreError as exc:
        # the message alone, without the CKAN parameter name ("filters: …")
        errors = getattr(exc, "errors", None)
        error = " ".join(m for msgs in errors.values() for m in msgs) if errors else exc.message
        result = selectors.datastore_search(table=table, limit=per)
        page = 1
    total = result.total or 0
    pages = max(1, math.ceil(total / per))
    base = request.GET.copy()
    base.pop("page", None)

    def page_url(n: int) -> str:
        q = base.copy()
        q["page"] = str(n)
        return "?" + q.urlencode()

    def sort_url(field_id: str) -> str:
        q = base.copy()
        current = request.GET.get("sort") == field_id
        q["sort"] = field_id
        q["dir"] = "desc" if current and request.GET.get("dir") != "desc" else "asc"
        return "?" + q.urlencode()

    columns = []
    for f in result.fields:
        sorted_dir = ""
        if request.GET.get("sort") == f["id"]:
            sorted_dir = "descending" if request.GET.get("dir") == "desc" else "ascending"
        columns.append(
            {
                **f,
                "sort_url": sort_url(f["id"]),
                "sorted": sorted_dir,
                "type_label": _(TYPE_LABELS.get(f["type"], f["type"])),
                "title": f.get("label") or f["id"],
                "numeric": f["type"] in ("int", "numeric"),
            }
        )
    api_params: dict[str, Any] = {
        "resource_id": str(resource.pk),
        "limit": per,
        "offset": (page - 1) * per,
    }
    if view["filters"]:
        api_params["filters"] = json.dumps(view["filters"], ensure_ascii=False)
    if view["q"]:
        api_params["q"] = view["q"]
    if view["sort"]:
        api_params["sort"] = view["sort"]
    export_query = base.copy()
    for k in ("per", "bieu_do", "nhom", "gia_tri", "phep"):
        export_query.pop(k, None)
    chart = _chart(request, table, view)
    context.update(
        {
            "columns": columns,
            "rows": _display_rows(result.records, result.fields),
            "total": total,
            "page": page,
            "pages": pages,
            "per": per,
            "page_sizes": PAGE_SIZES,
            "prev_url": page_url(page - 1) if page > 1 else "",
            "next_url": page_url(page + 1) if page < pages else "",
            "first_row": (page - 1) * per + 1 if total else 0,
            "last_row": min(page * per, total),
            "view": view,
            "error": error,
            "filter_fields": table.fields,
            "active_filters": [
                {
                    "id": k,
                    "label": (selectors.resolve_field(table, k) or {}).get("label") or k,
                    "value": v,
                    "remove_url": _without_filter(request, table, k),
                }
                for k, v in view["filters"].items()
            ],
            "api_url": request.build_absolute_uri(
                "/api/3/action/datastore_search?" + urlencode(api_params)
            ),
            "export_query": export_query.urlencode(),
            "chart": chart,
            "chart_kinds": CHART_KINDS,
            "numeric_fields": [f for f in table.fields if f["type"] in ("int", "numeric")],
            **_options_context(table),
            "aggregates": list(_aggregate_labels().items()),
        }
    )
    return render(request, "datastore/preview.html", context)


ENCODING_CHOICES = ("utf-8", "utf-16", "cp1258", "cp1252")
DELIMITER_CHOICES = ((",", ","), (";", ";"), ("tab", "tab"), ("|", "|"))


def _options_context(table: DatastoreTable | None) -> dict[str, Any]:
    """Choices of the publisher's form: types, sheet, header row, encoding, delimiter —
    shown after a failed load too, since that is when they are needed."""
    options = (table.options if table else None) or {}
    detected = (table.detected if table else None) or {}
    delimiter = options.get("delimiter") or ""
    overrides = options.get("types") or {}
    return {
        "type_fields": [
            {
                **f,
                "override": overrides.get(f["id"], ""),
                "type_label": _(TYPE_LABELS.get(f["type"], f["type"])),
            }
            for f in (table.fields if table else [])
        ],
        "type_choices": [(t, _(TYPE_LABELS[t])) for t in TYPES],
        "encoding_choices": ENCODING_CHOICES,
        "delimiter_choices": DELIMITER_CHOICES,
        "chosen_encoding": options.get("encoding") or "",
        "chosen_delimiter": "tab" if delimiter == "\t" else delimiter,
        "is_text_file": detected.get("format", "csv") in ("csv", "tsv", "txt"),
    }


def _without_filter(request: HttpRequest, table: DatastoreTable, field_id: str) -> str:
    """The current view's URL without the filter on ``field_id`` (a chip's "remove")."""
    q = request.GET.copy()
    q.pop("page", None)
    for key in list(q.keys()):
        if (
            key.startswith("f.")
            and (selectors.resolve_field(table, key[2:]) or {}).get("id") == field_id
        ):
            q.pop(key)
    loc = selectors.resolve_field(table, q.get("loc", "")) if q.get("loc") else None
    if loc is not None and loc["id"] == field_id:
        q.pop("loc", None)
        q.pop("gia_tri_loc", None)
    return "?" + q.urlencode()


def _chart(
    request: HttpRequest, table: DatastoreTable, view: dict[str, Any]
) -> dict[str, Any] | None:
    kind = request.GET.get("bieu_do")
    category = request.GET.get("nhom")
    if kind not in CHART_KINDS or not category:
        return None
    try:
        data = selectors.chart_data(
            table,
            category=category,
            value=request.GET.get("gia_tri") or None,
            aggregate=request.GET.get("phep") or "sum",
            filters=view["filters"],
            q=view["q"] or None,
            limit=20 if kind == "pie" else 50,
        )
    except services.DatastoreError as exc:
        return {"error": exc.message}
    data["kind"] = kind
    category_field = selectors.resolve_field(table, data["category"]) or {}
    value_field = selectors.resolve_field(table, data["value"]) if data["value"] else None
    if category_field.get("type") == "bool":
        data["labels"] = [str(_bool_text(label)) for label in data["labels"]]
    data["category_label"] = category_field.get("label") or data["category"]
    aggregate = _aggregate_labels()[data["aggregate"]]
    data["value_label"] = (
        _("%(aggregate)s của %(column)s")
        % {"aggregate": aggregate, "column": value_field.get("label") or value_field["id"]}
        if value_field
        else _("Số dòng")
    )
    data["rows"] = list(zip(data["labels"], data["values"], strict=True))
    data["json"] = json.dumps(
        {k: data[k] for k in ("kind", "labels", "values", "aggregate")}, ensure_ascii=False
    )
    return data


def summary(request: HttpRequest, name: str, resource_id: uuid.UUID) -> HttpResponse:
    resource = _resource(request, name, resource_id)
    table = DatastoreTable.objects.filter(resource=resource).exclude(table_name="").first()
    if table is None:
        raise Http404
    template = (
        "datastore/_summary.html" if request.headers.get("HX-Request") else "datastore/summary.html"
    )
    return render(
        request,
        template,
        {
            "resource": resource,
            "dataset": resource.dataset,
            "table": table,
            "columns": [
                {
                    **c,
                    "type_label": _(TYPE_LABELS.get(c["type"], c["type"])),
                    "min": _display_value(c["min"], c["type"]),
                    "max": _display_value(c["max"], c["type"]),
                }
                for c in selectors.column_summary(table)
            ],
        },
    )


PANEL_ROWS = 5
PANEL_COLUMNS = 12


def panel_context(
    request: HttpRequest | None, resource: Resource, *, embedded: bool
) -> dict[str, Any]:
    """Context of ``datastore/_resource_panel.html``. ``embedded`` (the catalog's resource
    page) adds what is cheap to show there: the columns with the types, empty cells and
    distinct counts measured at load time, and the first rows (read by primary key)."""
    table = DatastoreTable.objects.filter(resource=resource).first()
    context: dict[str, Any] = {
        "request": request,
        "resource": resource,
        "dataset": resource.dataset,
        "table": table,
        "last_log": LoadLog.objects.filter(resource=resource).first(),
        "embedded": embedded,
        "tabular": table is not None or services.is_tabular(resource),
        "can_fix": bool(
            request is not None
            and table is not None
            and table.status == DatastoreTable.Status.FAILED
            and access.can_edit(request.user, resource)
        ),
    }
    if not embedded or table is None or not table.table_name or table.in_progress:
        return context
    cached = (table.detected or {}).get("summary") or {}
    ranges = {
        c["id"]: c
        for c in cached.get("columns", [])
        if cached.get("key") == f"{table.table_name}:{table.row_count}"
    }
    shown = table.fields[:PANEL_COLUMNS]
    context["panel_columns"] = [
        {
            "id": f["id"],
            "title": f.get("label") or f["id"],
            "type_label": _(TYPE_LABELS.get(f["type"], f["type"])),
            "nulls": f.get("nulls"),
            "distinct": f.get("distinct"),
            "min": _display_value(ranges.get(f["id"], {}).get("min"), f["type"]),
            "max": _display_value(ranges.get(f["id"], {}).get("max"), f["type"]),
            "numeric": f["type"] in ("int", "numeric"),
        }
        for f in shown
    ]
    context["hidden_columns"] = len(table.fields) - len(shown)
    try:
        result = selectors.datastore_search(
            table=table,
            fields=[f["id"] for f in shown],
            limit=PANEL_ROWS,
            include_total=False,
        )
    except services.DatastoreError:  # pragma: no cover - fields come from the table itself
        return context
    context["panel_rows"] = _display_rows(result.records, result.fields)
    return context


def status(request: HttpRequest, name: str, resource_id: uuid.UUID) -> HttpResponse:
    """The panel alone, polled by htmx while a load runs (``?embed=1`` on the resource page)."""
    resource = _resource(request, name, resource_id)
    return render(
        request,
        "datastore/_resource_panel.html",
        panel_context(request, resource, embedded=request.GET.get("embed") == "1"),
    )


def export_view(request: HttpRequest, name: str, resource_id: uuid.UUID, fmt: str) -> Any:
    resource = _resource(request, name, resource_id)
    table = DatastoreTable.objects.filter(resource=resource).exclude(table_name="").first()
    if table is None:
        raise Http404
    view = _view_params(request, table)
    try:
        fields, rows = selectors.iter_rows(
            table,
            filters=view["filters"],
            q=view["q"] or None,
            sort=view["sort"] or None,
            fields=request.GET.get("fields") or None,
        )
    except services.DatastoreError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    ids = [f["id"] for f in fields]
    header = [f.get("label") or f["id"] for f in fields]
    base = (resource.name or str(resource.pk)).rsplit(".", 1)[0]
    from tinhso.core.text import slugify_vi

    filename = (slugify_vi(base) or "du-lieu") + f".{fmt}"
    response: Any
    if fmt == "csv":
        response = StreamingHttpResponse(
            export.csv_stream(header, rows), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "json":
        response = StreamingHttpResponse(
            export.json_stream(ids, rows), content_type="application/json; charset=utf-8"
        )
    elif fmt == "xlsx":
        tmp = export.xlsx_file(header, rows, [f["type"] for f in fields])
        response = FileResponse(
            tmp, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
def options(request: HttpRequest, name: str, resource_id: uuid.UUID) -> HttpResponse:
    resource = _resource(request, name, resource_id)
    if not access.can_edit(request.user, resource):
        raise Http404
    table = DatastoreTable.objects.filter(resource=resource).first()
    fields = table.fields if table else []
    # Only the columns given a type are overridden; "" (detect) leaves a column to inference.
    types = {
        f["id"]: request.POST[f"type.{f['id']}"]
        for f in fields
        if request.POST.get(f"type.{f['id']}", "") != ""
    }
    header_row = request.POST.get("header_row", "").strip()
    if header_row and not header_row.isdigit():
        messages.error(request, _("Dòng tiêu đề phải là một số từ 1 đến 60."))
        return redirect(reverse("datastore:preview", args=[name, resource_id]))
    try:
        services.datastore_set_options(
            user=request.user,
            resource=resource,
            types=types,
            sheet=request.POST.get("sheet") if "sheet" in request.POST else None,
            # an empty box (sent by the form) means "detect it again"
            header_row=int(header_row or 0) if "header_row" in request.POST else None,
            encoding=request.POST.get("encoding") if "encoding" in request.POST else None,
            delimiter={"tab": "\t"}.get(
                request.POST.get("delimiter", ""), request.POST.get("delimiter")
            )
            if "delimiter" in request.POST
            else None,
        )
    except services.DatastoreError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã lưu lựa chọn; dữ liệu đang được nạp lại."))
    return redirect(reverse("datastore:preview", args=[name, resource_id]))


@require_http_methods(["POST"])
def reload(request: HttpRequest, name: str, resource_id: uuid.UUID) -> HttpResponse:
    resource = _resource(request, name, resource_id)
    if not access.can_edit(request.user, resource):
        raise Http404
    services.datastore_enqueue(resource=resource)
    messages.success(request, _("Đã xếp lịch nạp lại dữ liệu."))
    return redirect(reverse("datastore:preview", args=[name, resource_id]))
