"""What a harvester produces, and the mapping helpers CKAN and DCAT harvesters share.

A harvester reads a remote catalogue and yields :class:`RemoteDataset` records whose
``fields`` are keyword arguments of :func:`tinhso.catalog.services.dataset_create`
(without ``user`` and ``organization``, which the job supplies) and whose ``resources``
are keyword arguments of :func:`~tinhso.catalog.services.resource_create`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import is_naive, make_aware

from tinhso.catalog import services
from tinhso.catalog.harvest.fetch import Fetcher
from tinhso.catalog.models import Dataset, Group, License
from tinhso.core.models import AdministrativeUnit
from tinhso.core.text import clean_text, fold, slugify_vi

Log = Callable[[str], None]

NAME_RE = re.compile(r"^[a-z0-9_-]{2,100}$")
_url_validator = URLValidator(schemes=["http", "https"])


@dataclass
class RemoteResource:
    remote_id: str
    fields: dict[str, Any]  # name, url, description, format


@dataclass
class RemoteDataset:
    remote_id: str
    fields: dict[str, Any]
    resources: list[RemoteResource] = field(default_factory=list)
    remote_modified: str = ""

    def content_hash(self) -> str:
        """Hash of everything the import would write: unchanged hash → nothing to do."""
        payload = {
            "fields": self.fields,
            "resources": [[r.remote_id, r.fields] for r in self.resources],
        }
        data = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()


@dataclass
class RecordError:
    """A remote record that could not be read; logged, counted, and the job goes on."""

    remote_id: str
    message: str
    # True for records deliberately left out (private or unpublished at the source): counted
    # as skipped, and a local copy made earlier is withdrawn.
    skip: bool = False


class Harvester:
    """Base class: ``records`` yields RemoteDataset or RecordError; sets ``complete`` to True
    only when the whole remote listing was read (so vanished datasets may be withdrawn)."""

    def __init__(self, *, url: str, config: dict[str, Any], fetcher: Fetcher, log: Log) -> None:
        self.url = url
        self.config = config
        self.fetcher = fetcher
        self.log = log
        self.complete = False

    def records(self) -> Iterator[RemoteDataset | RecordError]:  # pragma: no cover - abstract
        raise NotImplementedError


# --- Mapping helpers -----------------------------------------------------------------------

# CKAN's legacy licence ids (as the catalogue maps them) and what other portals use.
LICENSE_ALIASES = {
    **services.LICENSE_ALIASES,
    "cc-by-4": "CC-BY-4.0",
    "other-open": "other-open",
    "other-at": "other-open",
    "other-pd": "other-open",
    "odc-pddl": "other-open",
    "notspecified": "notspecified",
}


def _normalise_url(url: str) -> str:
    return re.sub(r"^https?://", "", url.strip().lower()).rstrip("/")


class LicenceMapper:
    """Remote licence id/URL/title → local licence id, with a logged fallback."""

    def __init__(self) -> None:
        self.licences = list(License.objects.all())
        self.by_id = {lic.id.lower(): lic.id for lic in self.licences}
        self.by_url = {_normalise_url(lic.url): lic.id for lic in self.licences if lic.url}
        self.by_title = {fold(lic.title): lic.id for lic in self.licences}
        self.fallback = "notspecified" if "notspecified" in self.by_id else None

    def map(self, *, license_id: str = "", url: str = "", title: str = "") -> str | None:
        if not (license_id or url or title):
            return self.fallback
        key = license_id.strip().lower()
        if key in self.by_id:
            return self.by_id[key]
        alias = LICENSE_ALIASES.get(key)
        if alias and alias.lower() in self.by_id:
            return self.by_id[alias.lower()]
        for candidate in (url, license_id):
            if candidate and _normalise_url(candidate) in self.by_url:
                return self.by_url[_normalise_url(candidate)]
        if title and fold(title) in self.by_title:
            return self.by_title[fold(title)]
        return self.fallback


class GroupMapper:
    """Remote group/theme → local group name, by name, by theme URI, or by folded title."""

    def __init__(self) -> None:
        groups = list(Group.objects.all())
        self.names = {g.name for g in groups}
        self.by_theme = {g.theme_uri.rstrip("/"): g.name for g in groups if g.theme_uri}
        self.by_title: dict[str, str] = {}
        for g in groups:
            self.by_title[fold(g.title)] = g.name
            if g.title_en:
                self.by_title[fold(g.title_en)] = g.name

    def map(self, *, name: str = "", uri: str = "", titles: Iterable[str] = ()) -> str | None:
        if name and name in self.names:
            return name
        if uri and uri.rstrip("/") in self.by_theme:
            return self.by_theme[uri.rstrip("/")]
        for title in titles:
            if title and fold(title) in self.by_title:
                return self.by_title[fold(title)]
        return None


FREQUENCIES = {choice.value for choice in Dataset.Frequency}
FREQUENCY_ALIASES = {
    "daily": "DAILY",
    "weekly": "WEEKLY",
    "monthly": "MONTHLY",
    "quarterly": "QUARTERLY",
    "annual": "ANNUAL",
    "annually": "ANNUAL",
    "yearly": "ANNUAL",
    "biannual": "BIANNUAL",
    "semiannual": "BIANNUAL",
    "irregular": "IRREG",
    "never": "NEVER",
    "hằng ngày": "DAILY",
    "hằng tuần": "WEEKLY",
    "hằng tháng": "MONTHLY",
    "hằng quý": "QUARTERLY",
    "hằng năm": "ANNUAL",
    "không định kỳ": "IRREG",
}


def map_frequency(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    code = value.rstrip("/").rsplit("/", 1)[-1].upper()
    if code in FREQUENCIES:
        return code
    return FREQUENCY_ALIASES.get(value.lower(), "")


def to_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return parse_date(text[:10])
    except ValueError:
        return None


def to_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        result: dt.datetime | None = value
    elif isinstance(value, dt.date):
        result = dt.datetime(value.year, value.month, value.day)
    else:
        text = str(value or "").strip()
        if not text:
            return None
        try:
            result = parse_datetime(text)
        except ValueError:
            result = None
        if result is None:
            day = to_date(text)
            result = dt.datetime(day.year, day.month, day.day) if day else None
    if result is not None and is_naive(result):
        result = make_aware(result, dt.UTC)
    return result


def clean_email(value: Any) -> str:
    text = str(value or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    try:
        validate_email(text)
    except ValidationError:
        return ""
    return text


def clean_url(value: Any) -> str:
    text = str(value or "").strip()
    try:
        _url_validator(text)
    except ValidationError:
        return ""
    return text


def clean_tags(values: Iterable[Any]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        tag = clean_text(str(value or ""))[:100]
        if tag and fold(tag) not in seen:
            seen[fold(tag)] = tag
    return list(seen.values())


def base_name(*candidates: str) -> str:
    """A local dataset name (``[a-z0-9_-]{2,100}``) from the first usable candidate."""
    for candidate in candidates:
        candidate = (candidate or "").strip()
        if NAME_RE.match(candidate):
            return candidate
        slug = slugify_vi(candidate, max_length=90)
        if len(slug) >= 2:
            return slug
    return "du-lieu"


def unique_name(name: str, *, exclude_pk: Any = None) -> str:
    """``name``, or ``name-2``, ``name-3``… if a local dataset already uses it."""
    taken = Dataset.objects.exclude(pk=exclude_pk) if exclude_pk else Dataset.objects.all()
    if not taken.filter(name=name).exists():
        return name
    stem = name[:94].rstrip("-")
    number = 2
    while taken.filter(name=f"{stem}-{number}").exists():
        number += 1
    return f"{stem}-{number}"


def known_unit_codes(codes: Iterable[str]) -> list[str]:
    """The administrative-unit codes among ``codes`` that exist locally, in order."""
    wanted = [c.strip() for c in codes if c and c.strip()]
    if not wanted:
        return []
    known = set(AdministrativeUnit.objects.filter(code__in=wanted).values_list("code", flat=True))
    return [c for c in dict.fromkeys(wanted) if c in known]
