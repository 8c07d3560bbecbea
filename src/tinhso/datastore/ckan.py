"""CKAN DataStore actions, registered into the catalog's CKAN Action API dispatcher
(``/api/3/action/<name>``), which provides the envelope, authentication and error shapes."""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from tinhso.catalog import ckan_api
from tinhso.catalog.ckan_api import ActionContext, NotAuthorized, NotFound, ValidationError
from tinhso.datastore import access, conf, selectors, services, sqlsafety

_TRUE = ("true", "yes", "on", "y", "t", "1")
_FALSE = ("false", "no", "off", "n", "f", "0", "")


def _json_param(data: dict[str, Any], key: str) -> Any:
    """CKAN accepts JSON-encoded strings for structured parameters sent as GET/form values."""
    value = data.get(key)
    if isinstance(value, str) and value.strip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            raise ValidationError({key: [_("Giá trị JSON không hợp lệ.")]}) from None
    return value


def _bool(data: dict[str, Any], key: str, default: bool) -> bool:
    value = data.get(key)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValidationError({key: [_("Giá trị phải là true hoặc false.")]})


def _resource_id(data: dict[str, Any]) -> str:
    rid = data.get("resource_id") or data.get("id")
    if not rid or not isinstance(rid, str):
        raise ValidationError({"resource_id": [_("Thiếu giá trị")]})
    return rid.strip()


def _table(context: ActionContext, data: dict[str, Any]) -> Any:
    try:
        return selectors.get_table(_resource_id(data), user=context.user)
    except selectors.ResourceMissing as exc:
        _refuse_if_hidden(context, _resource_id(data))
        raise NotFound(exc.subject) from None
    except services.DatastoreNotFound as exc:
        raise NotFound(exc.message) from None


def _refuse_if_hidden(context: ActionContext, rid: str) -> None:
    """403 for a resource that exists but that the caller may not read (a private or
    draft dataset), as CKAN's ``check_access`` and the catalogue's ``resource_show`` answer;
    an unknown id, or one of a deleted dataset, stays a 404."""
    from tinhso.catalog.models import Dataset, Resource

    key = _uuid_or_none(rid)
    resource = Resource.objects.select_related("dataset").filter(pk=key).first() if key else None
    if resource is not None and resource.dataset.state != Dataset.State.DELETED:
        raise NotAuthorized(
            _("người dùng %(user)s không có quyền đọc tài nguyên %(id)s")
            % {
                "user": context.user.get_username() if context.authenticated else "",
                "id": str(resource.pk),
            }
        )


def _translate(exc: services.DatastoreError) -> Exception:
    if isinstance(exc, services.DatastoreValidationError):
        return ValidationError(dict(exc.errors))
    if isinstance(exc, services.DatastorePermissionDenied):
        return NotAuthorized(exc.message)
    if isinstance(exc, services.DatastoreNotFound):
        return NotFound(exc.message)
    return ValidationError({"message": exc.message})


def _delimited(rows: list[list[Any]], delimiter: str) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buf.getvalue()


def _threshold(data: dict[str, Any]) -> int | None:
    value = data.get("total_estimation_threshold")
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0:
        raise ValidationError({"total_estimation_threshold": [_("Phải là số nguyên không âm.")]})
    return number


SEARCH_PARAMS = frozenset(
    (
        *("resource_id", "id", "q", "full_text", "plain", "filters", "language", "limit"),
        *("offset", "fields", "sort", "distinct", "include_total"),
        *("total_estimation_threshold", "records_format"),
    )
)


_WRITE_COMMON = ("resource_id", "id", "force", "calculate_record_count")
#: The parameters of CKAN 2.10/2.11's schemas (and what each action pops before
#: validating); anything else is refused under ``__junk`` as CKAN does.
CREATE_PARAMS = frozenset(
    (
        *_WRITE_COMMON,
        *("resource", "aliases", "fields", "primary_key", "indexes", "triggers", "records"),
        *("include_records", "delete_fields"),
    )
)
UPSERT_PARAMS = frozenset((*_WRITE_COMMON, "method", "dry_run", "records", "include_records"))
DELETE_PARAMS = frozenset((*_WRITE_COMMON, "filters", "include_deleted_records"))
INFO_PARAMS = frozenset(("resource_id", "id", "include_meta", "include_fields_schema"))


def _refuse_junk(data: dict[str, Any], allowed: frozenset[str]) -> None:
    """CKAN's schemas refuse unknown parameters (``__junk``), so that a misspelt
    ``record`` or ``filter`` is not silently ignored."""
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        raise ValidationError(
            {
                "__junk": [
                    _("Tham số không được hỗ trợ: %(names)s.") % {"names": ", ".join(unknown)[:200]}
                ]
            }
        )


def _clamped_limit(value: Any) -> Any:
    """CKAN lowers a ``limit`` above ``rows_max`` to ``rows_max`` (its
    ``limit_to_configured_maximum`` validator) instead of refusing it."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return value
    return min(number, conf.get("SEARCH_ROWS_MAX"))


def datastore_search(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Search a DataStore table: resource_id, filters, q (text, or {column: text}),
    full_text (every column), distinct, fields, sort ("col desc, col2"), limit (default
    100; above 32000 lowered to 32000), offset, include_total, total_estimation_threshold,
    records_format (objects, lists, csv, tsv); plain and language are accepted and
    ignored, other parameters refused.

    ``total`` is always exact (``total_was_estimated`` false): CKAN estimates it only
    for a search without filters, q or distinct when ``total_estimation_threshold`` is
    given, and for that search tinhso already knows the exact row count without
    counting."""
    _refuse_junk(data, SEARCH_PARAMS)
    if data.get("resource_id") == "_table_metadata" or data.get("id") == "_table_metadata":
        return _table_metadata(context, data)
    table = _table(context, data)
    threshold = _threshold(data)
    records_format = str(data.get("records_format") or "objects")
    if records_format not in ("objects", "lists", "csv", "tsv"):
        raise ValidationError({"records_format": [_("Phải là objects, lists, csv hoặc tsv.")]})
    q = _json_param(data, "q")
    filters = _json_param(data, "filters")
    fields = _json_param(data, "fields")
    sort = _json_param(data, "sort")
    try:
        result = selectors.datastore_search(
            table=table,
            filters=filters,
            q=q,
            distinct=_bool(data, "distinct", False),
            fields=fields,
            sort=sort,
            limit=_clamped_limit(data.get("limit")),
            offset=data.get("offset"),
            include_total=_bool(data, "include_total", True),
            full_text=data.get("full_text"),
        )
    except services.DatastoreError as exc:
        raise _translate(exc) from None
    ids = [f["id"] for f in result.fields]
    records: Any
    if records_format == "objects":
        records = [dict(zip(ids, r, strict=True)) for r in result.records]
    elif records_format == "lists":
        records = result.records
    else:
        records = _delimited(result.records, "," if records_format == "csv" else "\t")
    path = context.request.path
    params = _link_params(data)
    params["resource_id"] = str(table.resource_id)
    links = {
        "start": f"{path}?{urlencode(params)}",
        "next": f"{path}?{urlencode({**params, 'offset': result.offset + result.limit})}",
    }
    if result.offset:
        links["prev"] = (
            f"{path}?{urlencode({**params, 'offset': max(0, result.offset - result.limit)})}"
        )
    out: dict[str, Any] = {
        "include_total": result.total is not None,
        "total_estimation_threshold": threshold,
        "resource_id": str(table.resource_id),
        "fields": selectors.ckan_fields(result.fields),
        "records_format": records_format,
        "records": records,
        "limit": result.limit,
        "offset": result.offset,
        "_links": links,
    }
    for key in ("filters", "q", "full_text", "sort", "language"):
        if data.get(key) not in (None, ""):
            out[key] = _json_param(data, key)
    for key in ("distinct", "plain"):  # CKAN echoes the validated parameters
        if data.get(key) not in (None, ""):
            out[key] = _bool(data, key, False)
    if result.total is not None:
        out["total"] = result.total
        out["total_was_estimated"] = False
    return out


def _link_params(data: dict[str, Any]) -> dict[str, str]:
    """The search's parameters for its ``_links``, as query-string values: structured
    ones (``filters``, ``q`` as an object, ``fields`` as a list) JSON-encoded and booleans
    as ``true``/``false``, so that following ``next`` after a POST with a JSON body keeps
    the filters (CKAN's links carry only the query string, which a POST does not have)."""
    params: dict[str, str] = {}
    for key, value in data.items():
        if key in ("offset", "id") or value is None:
            continue
        if isinstance(value, bool):
            params[key] = "true" if value else "false"
        elif isinstance(value, dict | list):
            params[key] = json.dumps(value, ensure_ascii=False)
        else:
            params[key] = str(value)
    return params


def _table_metadata(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """CKAN's ``_table_metadata`` pseudo-resource: the DataStore tables the caller may
    read (``name`` is the resource id; tinhso has no aliases), oldest first."""
    try:
        limit = int(_clamped_limit(data.get("limit")) or conf.get("SEARCH_ROWS_DEFAULT"))
        offset = int(data.get("offset") or 0)
    except (TypeError, ValueError):
        raise ValidationError({"limit": [_("limit và offset phải là số nguyên.")]}) from None
    if limit < 0 or offset < 0:
        raise ValidationError({"limit": [_("limit và offset không được âm.")]})
    tables = sorted(
        selectors.readable_tables(context.user).values(),
        key=lambda t: (t.resource.created, str(t.resource_id)),
    )
    records = [
        {"_id": n, "name": str(t.resource_id), "alias_of": None, "oid": n}
        for n, t in enumerate(tables[offset : offset + limit], start=offset + 1)
    ]
    fields = [
        {"id": "_id", "type": "int"},
        {"id": "name", "type": "text"},
        {"id": "alias_of", "type": "text"},
        {"id": "oid", "type": "int"},
    ]
    return {
        "include_total": True,
        "resource_id": "_table_metadata",
        "fields": fields,
        "records_format": "objects",
        "records": records,
        "limit": limit,
        "offset": offset,
        "total": len(tables),
        "total_was_estimated": False,
        "_links": {
            "start": "/api/3/action/datastore_search?resource_id=_table_metadata",
            "next": "/api/3/action/datastore_search?"
            + urlencode({"resource_id": "_table_metadata", "offset": offset + limit}),
        },
    }


def datastore_search_sql(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Run one read-only SELECT over DataStore tables (name tables by resource id, quoted)."""
    sql = data.get("sql")
    if not isinstance(sql, str) or not sql.strip():
        raise ValidationError({"sql": [_("Thiếu giá trị")]})
    try:
        result = sqlsafety.run_sql(sql, user=context.user)
    except services.DatastoreError as exc:
        raise _translate(exc) from None
    for f in result["fields"]:  # PostgreSQL's type names, as CKAN reports them
        f["type"] = selectors.ckan_type(f["type"])
    return result


def datastore_info(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Fields (with types, labels and the database schema of each column) and ``meta``
    (row count, sizes) of a DataStore table."""
    _refuse_junk(data, INFO_PARAMS)
    include_meta = _bool(data, "include_meta", True)
    include_fields_schema = _bool(data, "include_fields_schema", True)
    return selectors.datastore_info(
        _table(context, data),
        include_meta=include_meta,
        include_fields_schema=include_fields_schema,
    )


def _resource_for_write(context: ActionContext, data: dict[str, Any]) -> Any:
    from tinhso.catalog.models import Resource

    user = context.write_user()
    rid = _resource_id(data)
    resource = (
        Resource.objects.select_related("dataset__organization")
        .filter(pk=_uuid_or_none(rid))
        .first()
    )
    if resource is None or not access.can_read(user, resource):
        _refuse_if_hidden(context, rid)
        raise NotFound(_("tài nguyên “%(id)s”") % {"id": rid[:100]})
    if access.can_edit(user, resource) and not _bool(data, "force", False):
        _refuse_read_only(resource)
    return user, resource


def _refuse_read_only(resource: Any) -> None:
    """CKAN's ``_check_read_only``: a table loaded from the resource's own file or URL is
    replaced by the next load, so writing into it needs ``force=true`` (CKAN 2.10+ answers
    a Validation Error under ``read-only``). Tables made by ``datastore_create`` (and
    resources without a tabular file or URL) are writable."""
    from tinhso.datastore.models import DatastoreTable

    table = DatastoreTable.objects.filter(resource=resource).first()
    if table is not None and table.table_name:
        file_backed = table.origin == DatastoreTable.Origin.FILE
    else:
        api_made = table is not None and table.origin == DatastoreTable.Origin.API
        file_backed = not api_made and bool(
            resource.upload or (resource.url and services.is_tabular(resource))
        )
    if file_backed:
        raise ValidationError(
            {
                "read-only": [
                    _(
                        "Không sửa được bảng chỉ đọc: bảng được nạp từ tệp hoặc đường dẫn của "
                        "tài nguyên, lần nạp lại sau sẽ thay nó và mất các thay đổi. Hãy dùng "
                        "một tài nguyên tạo bằng datastore_create, hoặc gửi force=true để "
                        "vẫn ghi."
                    )
                ]
            }
        )


def _uuid_or_none(value: str) -> Any:
    import uuid

    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def datastore_create(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Create a DataStore table for a resource (fields, records, primary_key, indexes).
    Instead of ``resource_id``, ``resource`` (a ``resource_create`` dict with
    ``package_id``, without ``url``) creates a DataStore-only resource in the same call,
    as CKAN does; nothing is kept if either part is refused."""
    _refuse_junk(data, CREATE_PARAMS)
    spec = _json_param(data, "resource")
    if spec is not None and (data.get("resource_id") or data.get("id")):
        raise ValidationError({"resource": [_("Không dùng được resource cùng với resource_id.")]})
    with transaction.atomic():
        if spec is not None:
            resource = _datastore_only_resource(context, spec)
            user = context.write_user()
        else:
            if not (data.get("resource_id") or data.get("id")):
                raise ValidationError({"resource_id": [_("Cần resource_id hoặc resource.")]})
            user, resource = _resource_for_write(context, data)
        try:
            table = services.datastore_create(
                user=user,
                resource=resource,
                fields=_json_param(data, "fields"),
                records=_json_param(data, "records"),
                primary_key=_json_param(data, "primary_key"),
                indexes=_json_param(data, "indexes"),
            )
        except services.DatastoreError as exc:
            raise _translate(exc) from None
    return {
        "resource_id": str(resource.pk),
        **({"resource": _resource_dict(context, resource)} if spec is not None else {}),
        "fields": selectors.ckan_fields(table.fields),
        "primary_key": table.primary_key,
        "method": "insert",
        **({"records": _json_param(data, "records")} if data.get("records") else {}),
    }


# A valid address for the catalogue's checks, replaced before the transaction ends.
_PLACEHOLDER_URL = "https://datastore.invalid/"


def _datastore_only_resource(context: ActionContext, spec: Any) -> Any:
    """CKAN's ``datastore_create(resource={…})``: a resource whose data lives only in the
    DataStore. Its ``url`` becomes the resource's preview page. The format is set after
    the creation, so that the catalogue does not queue a file load of that page."""
    from django.urls import reverse
    from django.utils import translation

    from tinhso.catalog.models import Resource
    from tinhso.catalog.uploads import normalize_format

    if not isinstance(spec, dict):
        raise ValidationError({"resource": [_("resource phải là một đối tượng JSON.")]})
    if spec.get("url") or spec.get("upload"):
        raise ValidationError(
            {
                "resource": [
                    _(
                        "Tài nguyên có url hoặc tệp: hãy tạo bằng resource_create (tệp dạng bảng "
                        "được nạp vào DataStore tự động)."
                    )
                ]
            }
        )
    declared = spec.get("format")
    created = ckan_api.ACTIONS["resource_create"].function(
        context, {**spec, "url": _PLACEHOLDER_URL, "format": ""}
    )
    resource = Resource.objects.select_related("dataset__organization").get(pk=created["id"])
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse(
            "datastore:preview",
            kwargs={"name": resource.dataset.name, "resource_id": resource.pk},
        )
    fmt = normalize_format(declared) if isinstance(declared, str) and declared else ""
    Resource.objects.filter(pk=resource.pk).update(url=context.base_url + path, format=fmt)
    resource.url, resource.format = context.base_url + path, fmt
    return resource


def _resource_dict(context: ActionContext, resource: Any) -> dict[str, Any]:
    from tinhso.catalog import ckan_dict

    return ckan_dict.resource_dict(resource, base_url=context.base_url)


def datastore_upsert(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Insert, update or upsert records (method) in a DataStore table; with
    ``dry_run=true`` the records are checked and written, then rolled back."""
    _refuse_junk(data, UPSERT_PARAMS)
    user, resource = _resource_for_write(context, data)
    method = str(data.get("method") or "upsert")
    dry_run = _bool(data, "dry_run", False)
    try:
        with transaction.atomic():
            records = _json_param(data, "records")
            services.datastore_upsert(
                user=user,
                resource=resource,
                records=[] if records is None else records,  # CKAN: nothing to do
                method=method,
            )
            if dry_run:  # checked and written, then rolled back: nothing is kept
                transaction.set_rollback(True)
    except services.DatastoreError as exc:
        raise _translate(exc) from None
    return {
        "resource_id": str(resource.pk),
        "method": method,
        **({"records": records} if records else {}),
        **({"dry_run": True} if dry_run else {}),
    }


def datastore_delete(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Delete rows matching filters, or the whole DataStore table without filters."""
    _refuse_junk(data, DELETE_PARAMS)
    user, resource = _resource_for_write(context, data)
    filters = _json_param(data, "filters")
    if filters is not None and not isinstance(filters, dict):
        raise ValidationError({"filters": [_("filters phải là một đối tượng JSON.")]})
    try:
        services.datastore_delete(user=user, resource=resource, filters=filters)
    except services.DatastoreError as exc:
        raise _translate(exc) from None
    return {
        "resource_id": str(resource.pk),
        **({"filters": filters} if filters is not None else {}),
    }


def datastore_records_delete(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Delete the records matching ``filters`` (required; ``{}`` deletes them all). Unlike
    ``datastore_delete``, the table itself is always kept."""
    filters = _json_param(data, "filters")
    if not isinstance(filters, dict):
        raise ValidationError(
            {"filters": [_("Cần filters là một đối tượng JSON ({} để xoá mọi bản ghi).")]}
        )
    return datastore_delete(context, {**data, "filters": filters})


def register() -> None:
    for fn in (datastore_search, datastore_search_sql, datastore_info):
        ckan_api.register_action(fn.__name__, fn, side_effect_free=True)
    for fn in (datastore_create, datastore_upsert, datastore_delete, datastore_records_delete):
        ckan_api.register_action(fn.__name__, fn, side_effect_free=False)


ROWS_MAX = conf.DEFAULTS["SEARCH_ROWS_MAX"]
