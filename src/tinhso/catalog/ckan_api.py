"""CKAN Action API v3 (``/api/3/action/<name>``), compatible with CKAN 2.10 clients.

The dispatcher mirrors ``ckan/views/api.py``: the same envelope
``{"help", "success", "result"}``, the same error objects (``__type`` + ``message``, or field
errors for validation) and the same HTTP status codes (400 unknown action, bad JSON or search
query error; 403 authorization; 404 not found; 409 validation). Read actions answer GET and
POST; write actions only POST, with an API token (``Authorization: <token>``,
``Authorization: Bearer <token>`` or CKAN's ``X-CKAN-API-Key``). The browser session is
honoured for GET reads only, so a cross-site POST can never act for a logged-in user (the
views are CSRF-exempt because writes need a token). JSONP is off: ``callback`` is ignored.

Actions are thin: parse and validate CKAN's parameters, then call the catalog's selectors
(``dataset_search`` …) and services (``dataset_create`` …). Other apps may add actions with
:func:`register_action` (e.g. ``datastore_search``).
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

import tinhso
from tinhso.catalog import ckan_dict, selectors, services
from tinhso.catalog.ckan_query import DEFAULT_SORT, SearchQueryError, compile_query, parse_sort
from tinhso.catalog.models import Dataset, Group, License, Organization, Resource, Tag
from tinhso.core.audit import audit_set_actor
from tinhso.core.auth import TokenThrottled, token_user
from tinhso.core.models import User
from tinhso.core.services import DomainError
from tinhso.core.text import fold

log = logging.getLogger(__name__)

#: Reported by ``status_show``: clients check it to pick the API dialect they speak.
CKAN_VERSION = "2.10.4"
API_VERSION = 3
ROWS_MAX = 1000  # ckan.search.rows_max: larger ``rows`` are lowered to it, as CKAN does
FACET_LIMIT_DEFAULT = 50  # search.facets.limit
GROUP_LIST_MAX = 1000  # ckan.group_and_organization_list_max
GROUP_LIST_ALL_FIELDS_MAX = 25  # ckan.group_and_organization_list_all_fields_max
GROUP_DATASETS_MAX = 1000
UNLIMITED_FACETS = 100_000
CONTENT_TYPE = "application/json;charset=utf-8"

#: package_search parameters CKAN accepts (Solr's, plus the ones package_search pops).
SEARCH_PARAMETERS = frozenset(
    {
        "q",
        "fq",
        "fq_list",
        "fl",
        "rows",
        "start",
        "sort",
        "facet",
        "facet.field",
        "facet.limit",
        "facet.mincount",
        "include_private",
        "include_drafts",
        "include_deleted",
        "use_default_schema",
        "extras",
        "qf",
        "wt",
        "bf",
        "boost",
        "tie",
        "defType",
        "mm",
        "df",
        "q.op",
    }
)

AnyUser = User | AnonymousUser


# --- errors ------------------------------------------------------------------------------


class ActionError(Exception):
    status = 500
    error_type = "Internal Server Error"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail)
        self.detail = detail

    def error(self) -> dict[str, Any]:
        return {"__type": self.error_type, "message": self.detail}


class _LabelledError(ActionError):
    """CKAN's message: a fixed label, then the detail if any (``"Not found: …"``)."""

    def label(self) -> str:
        raise NotImplementedError

    def error(self) -> dict[str, Any]:
        message = self.label()
        return {
            "__type": self.error_type,
            "message": f"{message}: {self.detail}" if self.detail else message,
        }


class NotFound(_LabelledError):
    status = 404
    error_type = "Not Found Error"

    def label(self) -> str:
        return _("Không tìm thấy")


class NotAuthorized(_LabelledError):
    status = 403
    error_type = "Authorization Error"

    def label(self) -> str:
        return _("Từ chối truy cập")


class ValidationError(ActionError):
    """409 with CKAN's field errors: ``{"name": ["…"], "resources": [{}, {"url": ["…"]}]}``."""

    status = 409
    error_type = "Validation Error"

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__(json.dumps(errors, ensure_ascii=False))
        self.errors = errors

    def error(self) -> dict[str, Any]:
        return {"__type": self.error_type, **self.errors}


class BadRequest(Exception):
    """CKAN answers these with a bare JSON string ``"Bad request - …"`` and status 400."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


# --- request context and action registry -------------------------------------------------


@dataclass
class ActionContext:
    request: HttpRequest
    user: AnyUser
    base_url: str
    action: str

    @property
    def authenticated(self) -> bool:
        return bool(self.user.is_authenticated)

    def write_user(self) -> User:
        """The token's user, or 403 (writes never use the browser session)."""
        if not self.user.is_authenticated or not isinstance(self.user, User):
            raise NotAuthorized(
                _("hành động %(action)s cần khoá API hợp lệ (tiêu đề Authorization).")
                % {"action": self.action}
            )
        return self.user


ActionFunction = Callable[[ActionContext, dict[str, Any]], Any]


@dataclass(frozen=True)
class Action:
    name: str
    function: ActionFunction
    side_effect_free: bool

    @property
    def help(self) -> str:
        return (self.function.__doc__ or "").strip()


ACTIONS: dict[str, Action] = {}


def register_action(name: str, function: ActionFunction, *, side_effect_free: bool) -> None:
    """Expose ``function(context, data_dict)`` as ``/api/3/action/<name>``.

    ``side_effect_free`` actions answer GET (parameters from the query string) as well as
    POST; the others POST only.
    """
    ACTIONS[name] = Action(name, function, side_effect_free)


def _read(function: ActionFunction) -> ActionFunction:
    register_action(function.__name__, function, side_effect_free=True)
    return function


def _write(function: ActionFunction) -> ActionFunction:
    register_action(function.__name__, function, side_effect_free=False)
    return function


# --- request parsing ---------------------------------------------------------------------


def _mixed(multi: QueryDict) -> dict[str, Any]:
    """Like CKAN: one value → the string, several → a list."""
    out: dict[str, Any] = {}
    for key in multi:
        values = multi.getlist(key)
        out[key] = values[0] if len(values) == 1 else values
    return out


def _request_data(request: HttpRequest, *, side_effect_free: bool) -> dict[str, Any]:
    if request.method == "GET" and not side_effect_free:
        raise BadRequest(
            _("Lỗi JSON: %(detail)s")
            % {"detail": _("Yêu cầu không hợp lệ. Hãy dùng phương thức POST cho hành động này.")}
        )
    content_type = request.content_type or ""
    data: Any = {}
    try:
        if request.method == "POST" and content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            form = request.POST
            keys = list(form.keys())
            if len(keys) == 1 and form.get(keys[0]) in ("1", "") and not request.FILES:
                data = _json(keys[0])
            else:
                data = _mixed(form)
            for field_name, upload in request.FILES.items():
                data[field_name] = upload
        elif request.method == "POST" and request.body and content_type != "multipart/form-data":
            data = _json(request.body)
        elif side_effect_free and request.GET:
            data = _mixed(request.GET)
    except RequestDataTooBig as exc:
        raise BadRequest(_("Dữ liệu gửi lên quá lớn.")) from exc
    if not isinstance(data, dict):
        raise BadRequest(
            _("Lỗi JSON: %(detail)s")
            % {
                "detail": _(
                    "dữ liệu gửi lên phải là một đối tượng JSON (dictionary), nhận được %(kind)s."
                )
                % {"kind": type(data).__name__}
            }
        )
    data.pop("callback", None)  # JSONP is not supported
    return data


def _json(raw: str | bytes) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(_("Lỗi JSON: %(detail)s") % {"detail": str(exc)}) from exc


def _authenticate(request: HttpRequest) -> AnyUser:
    header = request.headers.get("Authorization") or request.headers.get("X-CKAN-API-Key") or ""
    if header.strip():
        user = token_user(request, header)  # counted, and refused past the limit
        if user is None:
            # CKAN treats an unknown key as anonymous; writes then get 403.
            return AnonymousUser()
        audit_set_actor(user)
        return user
    if request.method == "GET":
        session_user: AnyUser = request.user  # type: ignore[assignment]
        return session_user
    return AnonymousUser()


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _help_url(base_url: str, name: str) -> str:
    path = reverse("ckan:action", kwargs={"logic_function": "help_show"})
    return f"{base_url}{path}?name={quote(name)}"


def _response(payload: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(payload, ensure_ascii=False), status=status, content_type=CONTENT_TYPE
    )


@csrf_exempt
def action_view(request: HttpRequest, logic_function: str, ver: int = API_VERSION) -> HttpResponse:
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    action = ACTIONS.get(logic_function)
    if action is None:
        return _response(
            _("Yêu cầu không hợp lệ - %(detail)s")
            % {"detail": _("Không có hành động tên là: %(name)s") % {"name": logic_function}},
            400,
        )
    base_url = _base_url(request)
    envelope: dict[str, Any] = {"help": _help_url(base_url, logic_function)}
    try:
        data = _request_data(request, side_effect_free=action.side_effect_free)
    except BadRequest as exc:
        return _response(_("Yêu cầu không hợp lệ - %(detail)s") % {"detail": exc.detail}, 400)
    try:
        user = _authenticate(request)
    except TokenThrottled as exc:
        throttled = _error(envelope, 429, {"__type": "Throttled", "message": exc.message})
        throttled["Retry-After"] = str(exc.retry_after)
        return throttled
    context = ActionContext(request=request, user=user, base_url=base_url, action=logic_function)
    try:
        result = action.function(context, data)
    except ActionError as exc:
        return _error(envelope, exc.status, exc.error())
    except SearchQueryError as exc:
        message = _("Truy vấn tìm kiếm không hợp lệ: %(detail)s") % {"detail": exc.message}
        return _error(envelope, 400, {"__type": "Search Query Error", "message": message})
    except services.CatalogValidationError as exc:
        return _error(envelope, 409, ValidationError(dict(exc.errors)).error())
    except services.CatalogPermissionDenied as exc:
        return _error(envelope, 403, NotAuthorized(exc.message).error())
    except services.CatalogNotFound as exc:
        return _error(envelope, 404, NotFound(exc.message).error())
    except DomainError as exc:
        errors = {exc.field: [exc.message]} if exc.field else {"message": exc.message}
        return _error(envelope, 409, ValidationError(errors).error())
    except BadRequest as exc:
        return _response(_("Yêu cầu không hợp lệ - %(detail)s") % {"detail": exc.detail}, 400)
    except Exception:
        log.exception("CKAN action %s failed", logic_function)
        return _error(
            envelope, 500, {"__type": "Internal Server Error", "message": _("Lỗi máy chủ")}
        )
    envelope["success"] = True
    envelope["result"] = result
    return _response(envelope)


def _error(envelope: dict[str, Any], status: int, error: dict[str, Any]) -> HttpResponse:
    return _response({**envelope, "success": False, "error": error}, status)


def api_root(request: HttpRequest, ver: int = 1) -> HttpResponse:
    """``/api`` and ``/api/3``: the API version, as CKAN answers."""
    return _response({"version": ver})


def util_status(request: HttpRequest) -> HttpResponse:
    """``/api/util/status`` (CKAN 2.x): the fields of ``status_show``, unwrapped."""
    return _response(_status(_base_url(request)))


# --- parameter helpers -------------------------------------------------------------------


class _Errors:
    def __init__(self) -> None:
        self.items: dict[str, Any] = {}

    def add(self, key: str, message: str) -> None:
        self.items.setdefault(key, []).append(message)

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationError(self.items)


def _as_int(value: Any) -> int | None:
    """CKAN's int_validator: whole numbers and numeric strings; ``None``/blank → None."""
    if value is None or isinstance(value, bool):
        return None if value is None else int(value)
    if isinstance(value, str):
        if not value.strip():
            return None
        return int(value.strip())  # ValueError on garbage
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise ValueError(value)


def _optional_int(data: dict[str, Any], key: str, errors: _Errors) -> int | None:
    """``data[key]`` as an integer; None when absent or empty, or (with an error) invalid."""
    if key not in data:
        return None
    try:
        return _as_int(data[key])
    except (ValueError, TypeError):
        errors.add(key, _("Số nguyên không hợp lệ"))
        return None


def _natural(
    data: dict[str, Any], key: str, errors: _Errors, default: int | None = None
) -> int | None:
    value = _optional_int(data, key, errors)
    if value is None:
        return default
    if value < 0:
        errors.add(key, _("Phải là số tự nhiên (không âm)"))
        return default
    return value


def _integer(data: dict[str, Any], key: str, errors: _Errors, default: int) -> int:
    value = _optional_int(data, key, errors)
    return default if value is None else value


_TRUE = ("true", "yes", "on", "y", "t", "1")
_FALSE = ("false", "no", "off", "n", "f", "0", "")


def _boolean(data: dict[str, Any], key: str, errors: _Errors, default: bool = False) -> bool:
    if key not in data or data[key] is None:
        return default
    value = data[key]
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE:
        return True
    if isinstance(value, str) and value.strip().lower() in _FALSE:
        return False
    errors.add(key, _("Giá trị đúng/sai không hợp lệ"))
    return default


def _string_list(value: Any, key: str, errors: _Errors) -> list[str]:
    """A list of strings, or a JSON-encoded one (CKAN's convert_to_json_if_string)."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            try:
                value = json.loads(stripped)
            except ValueError:
                errors.add(key, _("Không đọc được giá trị JSON"))
                return []
        else:
            value = [value]
    if not isinstance(value, list):
        errors.add(key, _("Không phải là danh sách"))
        return []
    if not all(isinstance(v, str) for v in value):
        errors.add(key, _("Danh sách chỉ được chứa chuỗi"))
        return []
    return value


def _text(data: dict[str, Any], key: str, errors: _Errors) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if isinstance(value, (bool, list, dict)) or hasattr(value, "read"):
        errors.add(key, _("Phải là một chuỗi ký tự"))
        return ""
    return str(value).strip() if not isinstance(value, str) else value.strip()


def _ref(data: dict[str, Any], *keys: str) -> str:
    """The first non-empty identifier among ``keys`` or a 409 "Missing value" on the first."""
    for key in keys:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    raise ValidationError({keys[0]: [_("Thiếu giá trị")]})


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


# --- lookups -----------------------------------------------------------------------------


def _find_dataset(ref: str) -> Dataset:
    key = _uuid(ref)
    qs = Dataset.objects.select_related("organization", "license")
    dataset = (qs.filter(pk=key).first() if key else None) or qs.filter(name=ref).first()
    if dataset is None:
        raise NotFound(_("Không tìm thấy bộ dữ liệu “%(ref)s”.") % {"ref": ref})
    return dataset


def _readable_dataset(context: ActionContext, ref: str) -> Dataset:
    dataset = _find_dataset(ref)
    if not selectors.can_read_dataset(context.user, dataset):
        if dataset.state == Dataset.State.DELETED:
            raise NotFound(_("Không tìm thấy bộ dữ liệu “%(ref)s”.") % {"ref": ref})
        raise NotAuthorized(
            _("người dùng %(user)s không có quyền đọc bộ dữ liệu %(ref)s")
            % {"user": context.user.get_username() if context.authenticated else "", "ref": ref}
        )
    return dataset


def _find_resource(ref: str) -> Resource:
    key = _uuid(ref)
    resource = (
        Resource.objects.select_related("dataset", "dataset__organization").filter(pk=key).first()
        if key
        else None
    )
    if resource is None:
        raise NotFound(_("Không tìm thấy tài nguyên “%(ref)s”.") % {"ref": ref})
    return resource


def _find_organization(ref: str) -> Organization | None:
    key = _uuid(ref)
    found = Organization.objects.filter(pk=key).first() if key else None
    return found or Organization.objects.filter(name=ref).first()


def _find_group(ref: str) -> Group | None:
    key = _uuid(ref)
    found = Group.objects.filter(pk=key).first() if key else None
    return found or Group.objects.filter(name=ref).first()


def _dataset_dict(context: ActionContext, dataset: Dataset) -> dict[str, Any]:
    fresh = Dataset.objects.select_related("organization", "license").get(pk=dataset.pk)
    ckan_dict.dataset_prefetch([fresh])
    return ckan_dict.dataset_dict(fresh, base_url=context.base_url)


# --- read actions ------------------------------------------------------------------------


def _status(base_url: str) -> dict[str, Any]:
    return {
        "ckan_version": CKAN_VERSION,
        "site_title": settings.SITE_NAME,
        "site_description": "",
        "site_url": base_url,
        "error_emails_to": None,
        "locale_default": settings.LANGUAGE_CODE,
        # Clients look for "datastore" before calling datastore_* actions.
        "extensions": ["dcat", *(["datastore"] if "datastore_search" in ACTIONS else []), "tinhso"],
        "tinhso_version": tinhso.__version__,
    }


@_read
def status_show(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Return the site's version and settings: ``ckan_version`` (the CKAN API level this
    portal is compatible with), ``site_title``, ``site_url``, ``locale_default``,
    ``extensions``, and ``tinhso_version``."""
    return _status(context.base_url)


@_read
def site_read(context: ActionContext, data: dict[str, Any]) -> bool:
    """Return ``true``: the site is readable."""
    return True


@_read
def help_show(context: ActionContext, data: dict[str, Any]) -> str:
    """Return the help text of an action.

    :param name: the action name, e.g. ``package_search``
    """
    name = _ref(data, "name")
    action = ACTIONS.get(name)
    if action is None:
        raise NotFound(_("Không có hành động tên là: %(name)s") % {"name": name})
    return action.help


@_read
def package_list(context: ActionContext, data: dict[str, Any]) -> list[str]:
    """Return the names of all public, active datasets, sorted by name.

    :param limit: page size (optional)
    :param offset: when ``limit`` is given, where the page starts (optional)
    """
    errors = _Errors()
    limit = _natural(data, "limit", errors)
    offset = _natural(data, "offset", errors) or 0
    errors.raise_if_any()
    qs = selectors.dataset_visible_qs(None).order_by("name").values_list("name", flat=True)
    if limit:
        return list(qs[offset : offset + limit])
    return list(qs[offset:]) if offset else list(qs)


@_read
def current_package_list_with_resources(
    context: ActionContext, data: dict[str, Any]
) -> list[dict[str, Any]]:
    """Return public datasets with their resources, most recently modified first.

    :param limit: page size (optional, default 10, at most 1000)
    :param offset: where the page starts (optional)
    :param page: deprecated, 1-based page number when ``offset`` is not given
    """
    errors = _Errors()
    limit = _natural(data, "limit", errors)
    offset = _natural(data, "offset", errors)
    page = _natural(data, "page", errors)
    errors.raise_if_any()
    rows = min(limit if limit is not None else 10, ROWS_MAX)
    if offset is None:
        offset = (page - 1) * rows if page and limit else 0
    result = selectors.dataset_search(
        user=context.user,
        q="",
        sort="metadata_modified desc",
        start=offset,
        rows=rows,
        facet_fields=(),
        include_private=bool(getattr(context.user, "is_superuser", False)),
    )
    return ckan_dict.dataset_dicts_by_id(result.dataset_ids, base_url=context.base_url)


@_read
def package_show(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Return a dataset (package) and its resources.

    :param id: the id or name of the dataset
    """
    dataset = _readable_dataset(context, _ref(data, "id", "name_or_id", "name"))
    return _dataset_dict(context, dataset)


@_read
def resource_show(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Return a resource.

    :param id: the id of the resource
    """
    resource = _find_resource(_ref(data, "id"))
    _readable_dataset(context, str(resource.dataset_id))
    return ckan_dict.resource_dict(resource, base_url=context.base_url, dataset=resource.dataset)


def _search_rows(data: dict[str, Any], errors: _Errors) -> int:
    rows = _natural(data, "rows", errors, default=10)
    return min(rows if rows is not None else 10, ROWS_MAX)


@_read
def package_search(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Search datasets (CKAN's Solr parameters, answered by tinhso's own search index).

    :param q: free text (diacritics- and case-insensitive, every word must match, as a
        prefix); ``field:value`` terms are allowed too. Default: everything.
    :param fq: filter query: ``field:value`` terms, ``"quoted values"``, ``AND``/``OR``/
        ``NOT``, ``+``/``-``, parentheses, ``field:[X TO Y]`` ranges. Fields: ``name``,
        ``id``, ``title``, ``notes``, ``organization``, ``owner_org``, ``groups``, ``tags``,
        ``res_format``, ``res_name``, ``license_id``, ``state``, ``private``, ``capacity``,
        ``metadata_modified``, ``metadata_created``, ``num_resources``, ``num_tags``,
        ``frequency``, ``temporal_start``, ``temporal_end``, ``spatial_code``,
        ``extras_<key>``, ``author``, ``maintainer``, ``version``, ``url``.
    :param fq_list: several filter queries (list of strings)
    :param sort: ``score desc`` (default, then ``metadata_modified desc``), ``name asc|desc``,
        ``title_string asc|desc``, ``metadata_modified asc|desc``, ``metadata_created desc``,
        ``id asc`` (answered in name order).
    :param rows: page size (default 10; larger than 1000 is lowered to 1000)
    :param start: offset of the first result
    :param facet: ``"false"`` to skip facets
    :param facet.field: JSON list of fields to count: organization, groups, tags,
        res_format, license_id
    :param facet.limit: values per facet (default 50, negative = all)
    :param facet.mincount: smallest count shown (default 1)
    :param include_private: include the private datasets of your organizations
    :param include_drafts: include drafts you may read
    :param fl: list of keys to return for each dataset instead of the whole dictionary
    """
    unknown = sorted(k for k in data if k not in SEARCH_PARAMETERS and not k.startswith("ext_"))
    if unknown:
        raise SearchQueryError(
            _("Tham số tìm kiếm không hợp lệ: %(names)s") % {"names": ", ".join(unknown)}
        )
    errors = _Errors()
    rows = _search_rows(data, errors)
    start = _natural(data, "start", errors, default=0) or 0
    mincount = _natural(data, "facet.mincount", errors, default=1)
    facet_limit = _integer(data, "facet.limit", errors, FACET_LIMIT_DEFAULT)
    facet_fields = _string_list(data.get("facet.field"), "facet.field", errors)
    include_private = _boolean(data, "include_private", errors)
    include_drafts = _boolean(data, "include_drafts", errors)
    for key in ("q", "fq", "sort"):
        if key in data and data[key] is not None and not isinstance(data[key], str):
            errors.add(key, _("Phải là một chuỗi ký tự"))
    fq_list = _string_list(data.get("fq_list"), "fq_list", errors)
    fl = data.get("fl")
    fields_wanted = (
        (fl.replace(",", " ").split() if isinstance(fl, str) else _string_list(fl, "fl", errors))
        if fl
        else []
    )
    errors.raise_if_any()

    sort_param = data.get("sort") or DEFAULT_SORT
    sort = parse_sort(sort_param)
    compiled = compile_query(data.get("q") or "", [data.get("fq") or "", *fq_list])
    want_facets = str(data.get("facet", "true")).lower() != "false"
    known_facets = [f for f in facet_fields if f in selectors.FACET_FIELDS] if want_facets else []
    result = selectors.dataset_search(
        user=context.user,
        q=compiled.text,
        filters=compiled.filters,
        sort=sort,
        start=start,
        rows=rows,
        facet_fields=tuple(dict.fromkeys(known_facets)),
        facet_limit=facet_limit if facet_limit >= 0 else UNLIMITED_FACETS,
        facet_mincount=mincount if mincount is not None else 1,
        include_private=include_private and context.authenticated,
        include_drafts=include_drafts and context.authenticated,
    )
    results = ckan_dict.dataset_dicts_by_id(result.dataset_ids, base_url=context.base_url)
    if fields_wanted:
        results = [{k: d[k] for k in fields_wanted if k in d} for d in results]
    facets: dict[str, dict[str, int]] = {}
    search_facets: dict[str, dict[str, Any]] = {}
    if want_facets:
        for name in dict.fromkeys(facet_fields):
            items = result.facets.get(name, [])
            facets[name] = {item.name: item.count for item in items}
            search_facets[name] = {
                "title": name,
                "items": sorted(
                    (
                        {
                            "name": item.name,
                            "display_name": item.display_name or item.name,
                            "count": item.count,
                        }
                        for item in items
                    ),
                    key=lambda item: item["display_name"],
                    reverse=True,
                ),
            }
    return {
        "count": result.count,
        "sort": sort_param,
        "facets": facets,
        "results": results,
        "search_facets": search_facets,
    }


def _list_parameters(data: dict[str, Any], errors: _Errors, *, all_fields: bool) -> tuple[int, int]:
    cap = GROUP_LIST_ALL_FIELDS_MAX if all_fields else GROUP_LIST_MAX
    limit = _natural(data, "limit", errors)
    offset = _natural(data, "offset", errors) or 0
    return (cap if limit is None or limit > cap else limit), offset


def _group_sort(data: dict[str, Any]) -> tuple[str, bool]:
    """CKAN's _unpick_search for group/organization lists → (field, descending)."""
    sort = str(data.get("sort") or data.get("order_by") or "title").strip()
    if sort in ("packages", "package_count"):
        sort = "package_count desc"
    clauses = [c.split() for c in sort.split(",") if c.strip()]
    if len(clauses) != 1:
        raise ValidationError({"message": _("Chỉ được sắp xếp theo một tiêu chí")})
    parts = clauses[0]
    field = parts[0]
    direction = parts[1].lower() if len(parts) > 1 else "asc"
    if field not in ("name", "title", "packages", "package_count"):
        raise ValidationError(
            {"message": _("Không thể sắp xếp theo trường `%(f)s`") % {"f": field}}
        )
    if direction not in ("asc", "desc") or len(parts) > 2:
        raise ValidationError(
            {"message": _("Chiều sắp xếp không hợp lệ `%(d)s`") % {"d": direction}}
        )
    return ("package_count" if field == "packages" else field), direction == "desc"


def _package_counts(user: AnyUser, *, by: str) -> dict[Any, int]:
    visible = selectors.dataset_visible_qs(user, include_private=True)
    rows = visible.order_by().values(by).annotate(n=Count("id", distinct=True))
    return {row[by]: row["n"] for row in rows if row[by] is not None}


def _group_or_org_list(context: ActionContext, data: dict[str, Any], *, is_org: bool) -> list[Any]:
    errors = _Errors()
    all_fields = _boolean(data, "all_fields", errors)
    include_count = _boolean(data, "include_dataset_count", errors, default=True)
    limit, offset = _list_parameters(data, errors, all_fields=all_fields)
    wanted = _string_list(
        data.get("organizations" if is_org else "groups"),
        "organizations" if is_org else "groups",
        errors,
    )
    errors.raise_if_any()
    field, descending = _group_sort(data)
    qs: Any = Organization.objects.filter(is_active=True) if is_org else Group.objects.all()
    if wanted:
        qs = qs.filter(name__in=wanted)
    query = data.get("q")
    if isinstance(query, str) and query.strip():
        term = query.strip()
        qs = qs.filter(
            Q(name__icontains=term) | Q(title__icontains=term) | Q(description__icontains=term)
        )
    objects = list(qs)
    counts = _package_counts(context.user, by="organization_id" if is_org else "groups")
    if field == "package_count":
        objects.sort(key=lambda o: (counts.get(o.pk, 0), fold(o.title)), reverse=descending)
    elif field == "title":
        objects.sort(key=lambda o: (fold(o.title), o.name), reverse=descending)
    else:
        objects.sort(key=lambda o: o.name, reverse=descending)
    page = objects[offset : offset + limit]
    if not all_fields:
        return [o.name for o in page]
    return [
        ckan_dict.group_or_org_dict(
            o,
            base_url=context.base_url,
            package_count=counts.get(o.pk, 0) if include_count else None,
        )
        for o in page
    ]


@_read
def organization_list(context: ActionContext, data: dict[str, Any]) -> list[Any]:
    """Return the organizations (publishing agencies): names, or dictionaries with
    ``all_fields=true``.

    :param sort: ``title`` (default), ``name`` or ``package_count``, then ``asc``/``desc``
    :param limit: at most 1000 names or 25 dictionaries per call
    :param offset: where the page starts
    :param organizations: only these names (list)
    :param all_fields: return dictionaries with ``package_count``
    :param q: only organizations whose name, title or description contains this
    """
    return _group_or_org_list(context, data, is_org=True)


@_read
def group_list(context: ActionContext, data: dict[str, Any]) -> list[Any]:
    """Return the groups (domains, lĩnh vực): names, or dictionaries with
    ``all_fields=true``. Same parameters as ``organization_list`` (``groups`` instead of
    ``organizations``)."""
    return _group_or_org_list(context, data, is_org=False)


def _group_or_org_show(
    context: ActionContext, data: dict[str, Any], *, is_org: bool
) -> dict[str, Any]:
    ref = _ref(data, "id")
    errors = _Errors()
    include_datasets = _boolean(data, "include_datasets", errors)
    include_count = _boolean(data, "include_dataset_count", errors, default=True)
    errors.raise_if_any()
    obj: Group | Organization | None = _find_organization(ref) if is_org else _find_group(ref)
    if obj is None or (isinstance(obj, Organization) and not obj.is_active):
        raise NotFound(
            (
                _("Không tìm thấy tổ chức “%(ref)s”.")
                if is_org
                else _("Không tìm thấy lĩnh vực “%(ref)s”.")
            )
            % {"ref": ref}
        )
    filters = Q(organization_id=obj.pk) if is_org else Q(groups__name=obj.name)
    result = selectors.dataset_search(
        user=context.user,
        filters=filters,
        sort="metadata_modified desc",
        start=0,
        rows=GROUP_DATASETS_MAX if include_datasets else 0,
        facet_fields=(),
        include_private=context.authenticated,
    )
    out = ckan_dict.group_or_org_dict(
        obj, base_url=context.base_url, package_count=result.count if include_count else None
    )
    out.update({"extras": [], "tags": [], "groups": [], "users": []})
    if include_datasets:
        out["packages"] = ckan_dict.dataset_dicts_by_id(
            result.dataset_ids, base_url=context.base_url
        )
    return out


@_read
def organization_show(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Return an organization.

    :param id: id or name
    :param include_datasets: include its datasets (at most 1000; default false)
    :param include_dataset_count: include ``package_count`` (default true)
    """
    return _group_or_org_show(context, data, is_org=True)


@_read
def group_show(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Return a group (domain). Same parameters as ``organization_show``."""
    return _group_or_org_show(context, data, is_org=False)


@_read
def organization_list_for_user(
    context: ActionContext, data: dict[str, Any]
) -> list[dict[str, Any]]:
    """Return the organizations in which the authenticated user may publish datasets."""
    if not context.authenticated:
        return []
    orgs = [
        o
        for o in Organization.objects.filter(is_active=True).order_by("title")
        if selectors.can_edit_organization(context.user, o)
    ]
    capacity = "admin" if getattr(context.user, "is_superuser", False) else "editor"
    return [
        {**ckan_dict.group_or_org_dict(o, base_url=context.base_url), "capacity": capacity}
        for o in orgs
    ]


@_read
def tag_list(context: ActionContext, data: dict[str, Any]) -> list[Any]:
    """Return the tags of public datasets.

    :param query: only tags containing this text (diacritics-insensitive)
    :param all_fields: return dictionaries instead of names
    """
    errors = _Errors()
    all_fields = _boolean(data, "all_fields", errors)
    errors.raise_if_any()
    if data.get("vocabulary_id"):
        raise NotFound(_("Không có bộ từ vựng “%(v)s”.") % {"v": data["vocabulary_id"]})
    public = selectors.dataset_visible_qs(None)
    tags = Tag.objects.filter(datasets__in=public).distinct().order_by("name")
    query = data.get("query") or data.get("q")
    if isinstance(query, str) and query.strip():
        tags = tags.filter(search_key__contains=fold(query))
    if all_fields:
        return [ckan_dict.tag_dict(t) for t in tags]
    return [t.name for t in tags]


@_read
def license_list(context: ActionContext, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the licences datasets may use."""
    return [ckan_dict.license_dict(lic) for lic in License.objects.all()]


# --- write actions -----------------------------------------------------------------------

#: package_create keys passed to the services as they are (the services validate them and
#: answer with CKAN-named field errors).
_DATASET_KEYS = (
    "name",
    "title",
    "notes",
    "url",
    "version",
    "author",
    "author_email",
    "maintainer",
    "maintainer_email",
    "license_id",
    "tags",
    "groups",
    "private",
    "state",
)
#: Dataset fields carried in ``extras`` (or sent at the top level, ckanext-scheming style).
_COVERAGE_KEYS = {
    "frequency": "frequency",
    "temporal_start": "temporal_start",
    "temporal_end": "temporal_end",
    "spatial_code": "spatial",
}
#: Read-only resource keys (computed, or set by the portal): ignored on input.
_RESOURCE_READ_ONLY = frozenset(
    {
        "id",
        "package_id",
        "created",
        "last_modified",
        "metadata_modified",
        "url_type",
        "state",
        "datastore_active",
        "cache_url",
        "cache_last_updated",
        "resource_type",
        "mimetype_inner",
        "revision_id",
        "tracking_summary",
    }
)
_RESOURCE_KEYS = ("name", "description", "format", "url", "mimetype", "size", "hash")


def _split_extras(value: Any, errors: _Errors) -> tuple[Any, dict[str, Any]]:
    """CKAN ``extras`` minus the keys that are dataset fields (returned separately)."""
    coverage: dict[str, Any] = {}
    if isinstance(value, list):
        rest = []
        for item in value:
            key = item.get("key") if isinstance(item, dict) else None
            if isinstance(item, dict) and item.get("deleted"):
                continue
            if key in _COVERAGE_KEYS:
                coverage[_COVERAGE_KEYS[key]] = item.get("value")
            elif key != "spatial_text":
                rest.append(item)
        return rest, coverage
    if isinstance(value, dict):
        rest_dict = {}
        for key, item_value in value.items():
            if key in _COVERAGE_KEYS:
                coverage[_COVERAGE_KEYS[key]] = item_value
            elif key != "spatial_text":
                rest_dict[key] = item_value
        return rest_dict, coverage
    if value not in (None, ""):
        errors.add("extras", _("Phải là một danh sách các cặp key/value"))
    return [], coverage


def _dataset_fields(data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """Keyword arguments for ``dataset_create``/``_update``/``_patch`` from a CKAN dict.

    Only the keys the client sent are passed on (``dataset_update`` resets the others
    itself); computed keys (``id``, ``metadata_modified``, ``organization``…) are ignored,
    so a ``package_show`` result can be sent back as it is.
    """
    errors = _Errors()
    fields: dict[str, Any] = {k: data[k] for k in _DATASET_KEYS if k in data}
    if "tags" not in fields and "tag_string" in data:
        fields["tags"] = data["tag_string"]
    if "spatial" in data:
        fields["spatial"] = data["spatial"]
    if "extras" in data:
        fields["extras"], coverage = _split_extras(data["extras"], errors)
        fields.update(coverage)
    for key, target in _COVERAGE_KEYS.items():
        if key in data:
            fields[target] = data[key]
    if isinstance(fields.get("spatial"), str):
        fields["spatial"] = [c.strip() for c in fields["spatial"].split(",") if c.strip()]
    if "owner_org" in data:
        ref = data["owner_org"]
        organization = _find_organization(ref) if isinstance(ref, str) and ref.strip() else None
        if organization is None or not organization.is_active:
            errors.add(
                "owner_org",
                _("Tổ chức không tồn tại: %(ref)s") % {"ref": ref} if ref else _("Thiếu giá trị"),
            )
        else:
            fields["organization"] = organization
    elif creating:
        errors.add("owner_org", _("Thiếu giá trị"))
    if creating:
        name = data.get("name")
        if not fields.get("title") and isinstance(name, str):
            fields["title"] = name  # CKAN: the title defaults to the name
    errors.raise_if_any()
    return fields


def _resource_items(data: dict[str, Any], current: Dataset | None) -> list[dict[str, Any]] | None:
    """``resources`` for the services. An item naming one of the dataset's uploaded files by
    ``id`` keeps that file unless it brings a different ``url`` (so ``package_show`` output
    can be sent back to ``package_update`` without turning files into links to themselves)."""
    if "resources" not in data:
        return None
    items = data.get("resources") or []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ValidationError({"resources": [_("Phải là một danh sách các tài nguyên")]})
    uploads: dict[str, Resource] = {}
    if current is not None:
        uploads = {str(r.pk): r for r in current.resources.exclude(upload="")}
    out = []
    for item in items:
        item = {k: v for k, v in item.items() if k not in _RESOURCE_READ_ONLY or k == "id"}
        uploaded = uploads.get(str(item.get("id") or ""))
        if uploaded is not None and _keeps_file(data_item=item, resource=uploaded):
            item["url"] = ""
        out.append(item)
    return out


def _keeps_file(*, data_item: dict[str, Any], resource: Resource) -> bool:
    url = data_item.get("url")
    if not url or data_item.get("url_type") == "upload":
        return True
    path = ckan_dict.resource_download_url(
        resource, dataset_name=resource.dataset.name, base_url=""
    )
    return isinstance(url, str) and (url == path or url.endswith(path))


def _resource_errors(errors: dict[str, list[str]]) -> dict[str, Any]:
    """The services report inline resource errors as "#N field: message"; CKAN nests them:
    ``{"resources": [{}, {"url": ["…"]}]}``."""
    messages = errors.get("resources")
    if not messages:
        return errors
    nested: dict[int, dict[str, list[str]]] = {}
    other: list[str] = []
    for message in messages:
        match = _RESOURCE_ERROR.match(message)
        if match:
            index = int(match.group(1)) - 1
            nested.setdefault(index, {}).setdefault(match.group(2), []).append(match.group(3))
        else:
            other.append(message)
    if other or not nested:
        return errors
    size = max(nested) + 1
    return {**errors, "resources": [nested.get(i, {}) for i in range(size)]}


_RESOURCE_ERROR = re.compile(r"^#(\d+) (\w+): (.*)$", re.DOTALL)


def _dataset_write(call: Callable[[], Dataset]) -> Dataset:
    try:
        with transaction.atomic():
            return call()
    except services.CatalogValidationError as exc:
        raise ValidationError(_resource_errors(dict(exc.errors))) from exc


@_write
def package_create(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Create a dataset; returns it as ``package_show`` does. Needs the API token of a
    publisher of ``owner_org``.

    :param name: unique identifier (lower-case letters, digits, ``-`` and ``_``, 2–100)
    :param title: title (default: the name)
    :param owner_org: organization id or name (required)
    :param notes: description (Markdown)
    :param license_id: a ``license_list`` id (CKAN's ``cc-by``, ``odc-odbl``… are accepted)
    :param tags: list of ``{"name": …}`` (or ``tag_string``: "a,b")
    :param groups: list of ``{"name": …}`` or ``{"id": …}``
    :param private: boolean (default false)
    :param state: ``active`` (default) or ``draft``
    :param extras: list of ``{"key", "value"}``; ``frequency``, ``temporal_start``,
        ``temporal_end`` and ``spatial_code`` fill the matching dataset fields
    :param resources: list of resource dictionaries with ``url``
    :param url, version, author, author_email, maintainer, maintainer_email: text
    """
    user = context.write_user()
    fields = _dataset_fields(data, creating=True)
    items = _resource_items(data, None)
    if items is not None:
        fields["resources"] = items
    dataset = _dataset_write(lambda: services.dataset_create(user=user, **fields))
    return _dataset_dict(context, dataset)


@_write
def package_update(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Replace a dataset's metadata: omitted fields are reset (except name, title,
    organization and state), as CKAN does; use ``package_patch`` to change some fields
    only. With ``resources`` the dataset's resources become exactly that list (matched by
    ``id``; uploaded files are kept); without it they are left alone.

    :param id: id or name of the dataset
    """
    return _package_change(context, data, services.dataset_update)


@_write
def package_patch(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Change only the given fields of a dataset (same names as ``package_create``).

    :param id: id or name of the dataset
    """
    return _package_change(context, data, services.dataset_patch)


def _package_change(
    context: ActionContext, data: dict[str, Any], change: Callable[..., Dataset]
) -> dict[str, Any]:
    """``package_update`` and ``package_patch``: the same request, another service."""
    user = context.write_user()
    dataset = _find_dataset(_ref(data, "id", "name"))
    fields = _dataset_fields(data, creating=False)
    items = _resource_items(data, dataset)
    if items is not None:
        fields["resources"] = items
    dataset = _dataset_write(lambda: change(user=user, dataset=dataset, **fields))
    return _dataset_dict(context, dataset)


@_write
def package_delete(context: ActionContext, data: dict[str, Any]) -> None:
    """Delete a dataset (it becomes ``state=deleted``; a publisher can restore it).

    :param id: id or name of the dataset
    """
    user = context.write_user()
    dataset = _find_dataset(_ref(data, "id", "name"))
    services.dataset_delete(user=user, dataset=dataset)
    return None


def _resource_fields(
    data: dict[str, Any], errors: _Errors, *, current: Resource | None, partial: bool
) -> dict[str, Any]:
    """Keyword arguments for ``resource_create``/``resource_update`` from a CKAN dict."""
    fields: dict[str, Any] = {}
    for key in _RESOURCE_KEYS:
        if key in data:
            fields[key] = data[key]
        elif not partial and key in ("name", "description", "format"):
            fields[key] = ""
    upload = data.get("upload")
    if isinstance(upload, UploadedFile):
        fields["upload"] = upload
        fields.pop("url", None)
    elif current is not None and current.upload:
        if _keeps_file(data_item=data, resource=current):
            fields.pop("url", None)
    elif not partial:
        fields.setdefault("url", "")
    if "url" in fields and fields["url"] is None:
        fields["url"] = ""
    if "size" in fields and fields["size"] in ("", None):
        fields["size"] = None
    if "position" in data:
        position = _natural(data, "position", errors)
        if position is not None:
            fields["position"] = position
    extras = {
        k: v
        for k, v in data.items()
        if k not in _RESOURCE_READ_ONLY
        and k not in _RESOURCE_KEYS
        and k not in ("upload", "position", "extras", "package_id")
        and (isinstance(v, str | int | float | bool) or v is None)
    }
    if isinstance(data.get("extras"), dict):
        extras = {**data["extras"], **extras}
    if extras or not partial:
        base = dict(current.extras or {}) if partial and current is not None else {}
        fields["extras"] = {**base, **{k: "" if v is None else v for k, v in extras.items()}}
    return fields


@_write
def resource_create(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Add a resource to a dataset: a ``url``, or a file sent as the multipart field
    ``upload``. For uploads the size, SHA-256 and media type are computed (the type from the
    content, not from the file name) and the size limit applies.

    :param package_id: id or name of the dataset
    :param url: link to the data (when not uploading)
    :param upload: the file (multipart/form-data)
    :param name, description, format: text
    :param position: place among the dataset's resources (optional, default: last)
    """
    user = context.write_user()
    dataset = _find_dataset(_ref(data, "package_id"))
    errors = _Errors()
    fields = _resource_fields(data, errors, current=None, partial=False)
    errors.raise_if_any()
    resource = services.resource_create(user=user, dataset=dataset, **fields)
    return _resource_result(context, resource)


def _resource_result(context: ActionContext, resource: Resource) -> dict[str, Any]:
    fresh = Resource.objects.select_related("dataset").get(pk=resource.pk)
    return ckan_dict.resource_dict(fresh, base_url=context.base_url, dataset=fresh.dataset)


def _resource_write(
    context: ActionContext, data: dict[str, Any], *, partial: bool
) -> dict[str, Any]:
    user = context.write_user()
    resource = _find_resource(_ref(data, "id"))
    errors = _Errors()
    fields = _resource_fields(data, errors, current=resource, partial=partial)
    errors.raise_if_any()
    resource = services.resource_update(user=user, resource=resource, **fields)
    return _resource_result(context, resource)


@_write
def resource_update(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Replace a resource's metadata, and its file if a new ``upload`` is sent. Omitted
    name, description and format are reset (use ``resource_patch`` to change some fields
    only); an uploaded file is kept unless a new ``upload`` or a different ``url`` is given.

    :param id: id of the resource
    """
    return _resource_write(context, data, partial=False)


@_write
def resource_patch(context: ActionContext, data: dict[str, Any]) -> dict[str, Any]:
    """Change only the given fields of a resource.

    :param id: id of the resource
    """
    return _resource_write(context, data, partial=True)


@_write
def resource_delete(context: ActionContext, data: dict[str, Any]) -> None:
    """Delete a resource.

    :param id: id of the resource
    """
    user = context.write_user()
    resource = _find_resource(_ref(data, "id"))
    services.resource_delete(user=user, resource=resource)
    return None


def action_names() -> Iterable[str]:
    return sorted(ACTIONS)
