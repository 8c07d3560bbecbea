"""Harvesting a DCAT catalogue (Turtle, RDF/XML or JSON-LD), following hydra paging."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

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
from tinhso.catalog.harvest.fetch import Fetched, FetchError
from tinhso.core.text import clean_text

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SCHEMA = Namespace("http://schema.org/")
TIME = Namespace("http://www.w3.org/2006/time#")
MAX_PAGES = 10_000
ACCEPT = "text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8, */*;q=0.1"

_CONTENT_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "text/n3": "n3",
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
    "application/n-triples": "nt",
}
_EXTENSIONS = {
    ".ttl": "turtle",
    ".rdf": "xml",
    ".xml": "xml",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".nt": "nt",
    ".n3": "n3",
}


class DcatParseError(FetchError):
    pass


def parse_document(fetched: Fetched) -> Graph:
    """Parse with the format the Content-Type or the extension says, else try each in turn."""
    candidates: list[str] = []
    media_type = fetched.content_type.split(";", 1)[0].strip().lower()
    if media_type in _CONTENT_TYPES:
        candidates.append(_CONTENT_TYPES[media_type])
    path = fetched.url.split("?", 1)[0].lower()
    for ext, fmt in _EXTENSIONS.items():
        if path.endswith(ext) and fmt not in candidates:
            candidates.append(fmt)
    candidates += [f for f in ("turtle", "xml", "json-ld") if f not in candidates]
    last_error = ""
    for fmt in candidates:
        try:
            return Graph().parse(data=fetched.body, format=fmt, publicID=fetched.url)
        except Exception as exc:  # rdflib raises many kinds of parse errors
            last_error = f"{fmt}: {exc.__class__.__name__}"
    raise DcatParseError(
        _("Không đọc được RDF tại {url} ({error}).").format(url=fetched.url, error=last_error)
    )


def best_literal(graph: Graph, node: Node, *predicates: URIRef) -> str:
    """The Vietnamese value, else one without language, else English, else any."""
    for predicate in predicates:
        values = [v for v in graph.objects(node, predicate) if isinstance(v, Literal)]
        if not values:
            continue
        for lang in ("vi", None, "en"):
            for value in values:
                if value.language == lang:
                    return str(value)
        return str(values[0])
    return ""


def _name_hint(url: str) -> str:
    """The last path segment of a dataset URI, unless it is a UUID (not a readable name)."""
    tail = url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    try:
        uuid.UUID(tail)
    except ValueError:
        return tail
    return ""


def _str(node: Node | None) -> str:
    return str(node) if node is not None else ""


class DcatHarvester(Harvester):
    def records(self) -> Iterator[RemoteDataset | RecordError]:
        self.licences = LicenceMapper()
        self.groups = GroupMapper()
        url: str | None = self.url
        seen: set[str] = set()
        for _page in range(MAX_PAGES):
            if url is None:
                self.complete = True
                return
            seen.add(url)
            graph = parse_document(self.fetcher.get(url, accept=ACCEPT))
            datasets = sorted(set(graph.subjects(RDF.type, DCAT.Dataset)), key=str)
            self.log(_("{url}: {count} bộ dữ liệu.").format(url=url, count=len(datasets)))
            for node in datasets:
                yield self.map_dataset(graph, node)
            next_url = self._next_page(graph)
            if next_url in seen:
                self.log(_("Trang tiếp theo {url} đã đọc: dừng.").format(url=next_url))
                next_url = None
            url = next_url
        self.log(_("Dừng sau {n} trang.").format(n=MAX_PAGES))

    def _next_page(self, graph: Graph) -> str | None:
        for _subject, _p, value in graph.triples((None, HYDRA.nextPage, None)):
            return str(value)
        return None

    # ---------------------------------------------------------------------------------------
    def map_dataset(self, graph: Graph, node: Node) -> RemoteDataset | RecordError:
        identifier = best_literal(graph, node, DCTERMS.identifier)
        remote_id = identifier or (str(node) if isinstance(node, URIRef) else "")
        if not remote_id:
            return RecordError("?", _("Bộ dữ liệu không có dct:identifier và không có URI."))
        try:
            return self._map(graph, node, remote_id[:500])
        except (TypeError, ValueError, AttributeError) as exc:
            return RecordError(remote_id, _("Bản ghi không đọc được: {error}").format(error=exc))

    def _map(self, graph: Graph, node: Node, remote_id: str) -> RemoteDataset | RecordError:
        title = clean_text(best_literal(graph, node, DCTERMS.title))[:500]
        if not title:
            return RecordError(remote_id, _("Bộ dữ liệu không có dct:title."))
        landing = _str(graph.value(node, DCAT.landingPage))
        uri_tail = _name_hint(str(node)) if isinstance(node, URIRef) else ""
        groups: list[str] = []
        for theme in graph.objects(node, DCAT.theme):
            labels = [str(v) for v in graph.objects(theme, SKOS.prefLabel)]
            local = self.groups.map(
                uri=str(theme) if isinstance(theme, URIRef) else "", titles=labels
            )
            if local and local not in groups:
                groups.append(local)
        distributions = sorted(graph.objects(node, DCAT.distribution), key=str)
        licence_node = graph.value(node, DCTERMS.license) or next(
            (
                graph.value(d, DCTERMS.license)
                for d in distributions
                if graph.value(d, DCTERMS.license)
            ),
            None,
        )
        licence = self.licences.map(
            url=str(licence_node) if isinstance(licence_node, URIRef) else "",
            license_id=best_literal(graph, licence_node, DCTERMS.identifier)
            if licence_node
            else "",
            title=best_literal(graph, licence_node, RDFS.label, DCTERMS.title)
            if licence_node
            else "",
        )
        contact = graph.value(node, DCAT.contactPoint)
        maintainer, maintainer_email = "", ""
        if contact is not None:
            maintainer = best_literal(graph, contact, VCARD.fn, VCARD["organization-name"])
            maintainer_email = clean_email(_str(graph.value(contact, VCARD.hasEmail)))
        start = end = None
        period = graph.value(node, DCTERMS.temporal)
        if period is not None:
            start = to_date(
                graph.value(period, DCAT.startDate)
                or graph.value(period, SCHEMA.startDate)
                or self._instant(graph, period, TIME.hasBeginning)
            )
            end = to_date(
                graph.value(period, DCAT.endDate)
                or graph.value(period, SCHEMA.endDate)
                or self._instant(graph, period, TIME.hasEnd)
            )
        fields: dict[str, Any] = {
            "name": base_name(uri_tail, _name_hint(landing), title),
            "title": title,
            "notes": best_literal(graph, node, DCTERMS.description),
            "license_id": licence,
            "tags": clean_tags(
                sorted(str(k) for k in graph.objects(node, DCAT.keyword) if isinstance(k, Literal))
            ),
            "groups": groups,
            "private": False,
            "version": best_literal(graph, node, URIRef(str(DCAT) + "version"), OWL.versionInfo)[
                :100
            ],
            "url": clean_url(landing) or (str(node) if isinstance(node, URIRef) else ""),
            "maintainer": maintainer[:255],
            "maintainer_email": maintainer_email,
            "frequency": map_frequency(_str(graph.value(node, DCTERMS.accrualPeriodicity))),
            "temporal_start": start,
            "temporal_end": end,
            "spatial": known_unit_codes(
                best_literal(graph, loc, DCTERMS.identifier)
                for loc in graph.objects(node, DCTERMS.spatial)
            ),
            "extras": {
                "harvest_source_url": self.url,
                "harvest_remote_id": remote_id,
                **({"uri": str(node)} if isinstance(node, URIRef) else {}),
            },
            "metadata_created": to_datetime(_str(graph.value(node, DCTERMS.issued))),
            "metadata_modified": to_datetime(_str(graph.value(node, DCTERMS.modified))),
        }
        resources: list[RemoteResource] = []
        for index, dist in enumerate(distributions):
            url = clean_url(_str(graph.value(dist, DCAT.downloadURL))) or clean_url(
                _str(graph.value(dist, DCAT.accessURL))
            )
            if not url:
                self.log(
                    _("{title}: bỏ qua phân phối không có địa chỉ hợp lệ.").format(title=title)
                )
                continue
            resources.append(
                RemoteResource(
                    remote_id=str(dist) if not isinstance(dist, BNode) else f"{remote_id}#{index}",
                    fields={
                        "name": clean_text(best_literal(graph, dist, DCTERMS.title))[:500],
                        "url": url,
                        "description": best_literal(graph, dist, DCTERMS.description),
                        "format": self._format(graph, dist)[:50],
                    },
                )
            )
        return RemoteDataset(
            remote_id=remote_id,
            fields=fields,
            resources=resources,
            remote_modified=_str(graph.value(node, DCTERMS.modified))[:64],
        )

    def _instant(self, graph: Graph, period: Node, predicate: URIRef) -> Node | None:
        instant = graph.value(period, predicate)
        if instant is None:
            return None
        return graph.value(instant, TIME.inXSDDateTimeStamp) or graph.value(instant, TIME.inXSDDate)

    def _format(self, graph: Graph, dist: Node) -> str:
        fmt = graph.value(dist, DCTERMS["format"])
        if isinstance(fmt, Literal):
            return str(fmt).strip()
        if isinstance(fmt, URIRef):
            code = str(fmt).rstrip("/").rsplit("/", 1)[-1]
            return code.replace("_", "-") if code else ""
        if fmt is not None:
            label = best_literal(graph, fmt, RDFS.label, SKOS.prefLabel, DCTERMS.title)
            if label:
                return label
        media = graph.value(dist, DCAT.mediaType)
        if media is not None:
            return str(media).rstrip("/").rsplit("/", 1)[-1].upper()
        return ""
