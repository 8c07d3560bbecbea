"""DCAT-AP 3 metadata of the catalog, built with rdflib.

``catalog_graph`` describes one page of the public catalogue (a ``dcat:Catalog`` with its
datasets and a ``hydra:PagedCollection`` node carrying the paging links, as ckanext-dcat
does); ``dataset_graph`` describes one dataset. ``serialize`` writes Turtle, RDF/XML or
JSON-LD.

The graphs state the class of every node the DCAT-AP 3 shapes check with ``sh:class``
(``foaf:Agent``, ``skos:Concept``, ``dct:LicenseDocument``, ``dct:MediaType``,
``dct:Frequency``, ``rdfs:Resource``…), so that the output validates against the official
SHACL shapes on its own, without the controlled vocabularies or RDFS inference.
Only public (active, not private) datasets are ever described.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.db.models import Max, Prefetch, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from tinhso.catalog import selectors
from tinhso.catalog.models import Dataset, Group, License, Organization, Resource
from tinhso.core.models import Agency

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")  # DCAT 3 term, not in rdflib's DCAT

EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
EU_THEME_SCHEME = URIRef(EU_AUTHORITY + "data-theme")
EU_FREQUENCY = Namespace(EU_AUTHORITY + "frequency/")
EU_FILE_TYPE = Namespace(EU_AUTHORITY + "file-type/")
EU_LANGUAGE_VIE = URIRef(EU_AUTHORITY + "language/VIE")
EU_ACCESS_PUBLIC = URIRef(EU_AUTHORITY + "access-right/PUBLIC")
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

LANG = "vi"
PAGE_SIZE = 100

# Turtle, RDF/XML, JSON-LD: extension → (rdflib format, media type).
FORMATS: dict[str, tuple[str, str]] = {
    "ttl": ("turtle", "text/turtle"),
    "rdf": ("pretty-xml", "application/rdf+xml"),
    "jsonld": ("json-ld", "application/ld+json"),
}

# Licence URIs for the licence ids of the catalog (used when a License has no url).
LICENSE_URIS = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "ODC-BY": "https://opendatacommons.org/licenses/by/1-0/",
    "ODC-BY-1.0": "https://opendatacommons.org/licenses/by/1-0/",
    "ODbL": "https://opendatacommons.org/licenses/odbl/1-0/",
    "ODbL-1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
    "ODC-PDDL": "https://opendatacommons.org/licenses/pddl/1-0/",
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
}

# Resource formats → codes of the EU file-type vocabulary.
FILE_TYPES = {
    "CSV": "CSV",
    "TSV": "TSV",
    "XLSX": "XLSX",
    "XLS": "XLS",
    "ODS": "ODS",
    "JSON": "JSON",
    "GEOJSON": "GEOJSON",
    "XML": "XML",
    "PDF": "PDF",
    "ZIP": "ZIP",
    "DOC": "DOC",
    "DOCX": "DOCX",
    "ODT": "ODT",
    "TXT": "TXT",
    "HTML": "HTML",
    "SHP": "SHP",
    "KML": "KML",
    "KMZ": "KMZ",
    "GML": "GML",
    "RDF": "RDF",
    "TTL": "RDF_TURTLE",
    "TURTLE": "RDF_TURTLE",
    "JSON-LD": "JSON_LD",
    "JSONLD": "JSON_LD",
    "N3": "RDF_N3",
    "PNG": "PNG",
    "JPEG": "JPEG",
    "JPG": "JPEG",
    "TIFF": "TIFF",
    "GEOTIFF": "TIFF",
    "API": "API",
    "SPARQL": "SPARQLQ",
    "WMS": "WMS_SRVC",
    "WFS": "WFS_SRVC",
    "PARQUET": "PARQUET",
    "SQL": "SQL",
}
# Formats whose URL is the file itself (dcat:downloadURL as well as dcat:accessURL).
DOWNLOADABLE = set(FILE_TYPES) - {"API", "SPARQL", "WMS", "WFS", "HTML"}

_MEDIA_TYPE_RE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")
_HEX_RE = re.compile(r"^[0-9a-fA-F]+$")
_CHECKSUM_ALGORITHMS = {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}


class PageOutOfRange(Exception):
    """The requested catalogue page does not exist."""


@dataclass(frozen=True)
class Site:
    """Absolute base of the URIs minted for this portal, e.g. ``https://dulieu.thanhhoa.gov.vn``."""

    base_url: str

    def uri(self, path: str) -> URIRef:
        return URIRef(self.base_url.rstrip("/") + path)

    def catalog(self) -> URIRef:
        return self.uri("/catalog")

    def dataset(self, dataset: Dataset) -> URIRef:
        return self.uri(f"/dataset/{dataset.id}")

    def distribution(self, resource: Resource) -> URIRef:
        return self.uri(f"/dataset/{resource.dataset_id}/resource/{resource.id}")

    def _page(self, view: str, args: list[object], fallback: str) -> URIRef:
        """An HTML page of the portal, in the default language (stable URIs)."""
        with translation.override(settings.LANGUAGE_CODE):
            try:
                return self.uri(reverse(view, args=args))
            except NoReverseMatch:
                return self.uri(fallback)

    def organization(self, organization: Organization) -> URIRef:
        name = quote(organization.name)
        return self._page("catalog:organization", [organization.name], f"/organization/{name}")

    def landing_page(self, dataset: Dataset) -> URIRef:
        return self._page("catalog:dataset", [dataset.name], f"/dataset/{quote(dataset.name)}")

    def resource_download(self, resource: Resource, dataset: Dataset) -> str:
        """The URL a user downloads the resource from (the download view for uploads)."""
        if resource.upload:
            fallback = f"/dataset/{dataset.id}/resource/{resource.id}/download"
            return str(
                self._page("catalog:resource_download", [dataset.name, resource.id], fallback)
            )
        return resource.url


def public_datasets() -> QuerySet[Dataset]:
    """Public datasets with everything the graph needs prefetched, in a stable order."""
    return (
        selectors.dataset_visible_qs(None)
        .select_related("organization__agency", "license")
        .prefetch_related(
            "groups",
            "tags",
            "spatial",
            Prefetch("resources", queryset=Resource.objects.order_by("position", "created")),
        )
        .order_by("metadata_created", "id")
    )


def _bind(graph: Graph) -> Graph:
    for prefix, namespace in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("vcard", VCARD),
        ("skos", SKOS),
        ("spdx", SPDX),
        ("hydra", HYDRA),
        ("adms", ADMS),
        ("locn", LOCN),
        ("xsd", XSD),
        ("rdfs", RDFS),
    ):
        graph.bind(prefix, namespace, override=True)
    return graph


def _text(value: str) -> Literal:
    return Literal(value, lang=LANG)


def _datetime(value: dt.datetime) -> Literal:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return Literal(value.isoformat(timespec="seconds"), datatype=XSD.dateTime)


def _date(value: dt.date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)


class _Builder:
    """Adds datasets to one graph, sharing nodes (publishers, licences, themes) between them."""

    def __init__(self, graph: Graph, site: Site) -> None:
        self.g = graph
        self.site = site
        self._seen: set[tuple[Node, str]] = set()

    def _once(self, node: Node, role: str = "") -> bool:
        """True the first time a shared node is described (in a given role)."""
        key = (node, role)
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    # Shared nodes -----------------------------------------------------------------------
    def agent(self, organization: Organization) -> URIRef:
        node = self.site.organization(organization)
        if self._once(node):
            g = self.g
            g.add((node, RDF.type, FOAF.Agent))
            g.add((node, RDF.type, FOAF.Organization))
            g.add((node, FOAF.name, _text(organization.title)))
            agency: Agency = organization.agency
            if agency.website:
                g.add((node, FOAF.homepage, URIRef(agency.website)))
            if agency.email:
                g.add((node, FOAF.mbox, URIRef(f"mailto:{agency.email}")))
        return node

    def licence(self, license: License | None) -> URIRef | None:
        if license is None:
            return None
        uri = license.url or LICENSE_URIS.get(license.id, "")
        if not uri:
            return None
        node = URIRef(uri)
        if self._once(node):
            self.g.add((node, RDF.type, DCTERMS.LicenseDocument))
            self.g.add((node, RDFS.label, Literal(license.title)))
            self.g.add((node, DCTERMS.identifier, Literal(license.id)))
        return node

    def theme(self, group: Group) -> URIRef | None:
        if not group.theme_uri:
            return None
        node = URIRef(group.theme_uri)
        if self._once(node):
            self.g.add((node, RDF.type, SKOS.Concept))
            self.g.add((node, SKOS.inScheme, EU_THEME_SCHEME))
            self.g.add((node, SKOS.prefLabel, _text(group.title)))
            if group.title_en:
                self.g.add((node, SKOS.prefLabel, Literal(group.title_en, lang="en")))
        return node

    def typed(self, uri: str | URIRef, rdf_type: URIRef, label: str = "") -> URIRef:
        node = URIRef(uri)
        if self._once(node, str(rdf_type)):
            self.g.add((node, RDF.type, rdf_type))
            if label:
                self.g.add((node, RDFS.label, Literal(label)))
        return node

    def language(self) -> URIRef:
        return self.typed(EU_LANGUAGE_VIE, DCTERMS.LinguisticSystem)

    # Dataset ----------------------------------------------------------------------------
    def dataset(self, dataset: Dataset) -> URIRef:
        g, site = self.g, self.site
        node = site.dataset(dataset)
        g.add((node, RDF.type, DCAT.Dataset))
        g.add((node, DCTERMS.title, _text(dataset.title)))
        # dct:description is mandatory in DCAT-AP: fall back to the title.
        g.add((node, DCTERMS.description, _text(dataset.notes.strip() or dataset.title)))
        g.add((node, DCTERMS.identifier, Literal(str(dataset.id))))
        g.add((node, DCTERMS.issued, _datetime(dataset.metadata_created)))
        g.add((node, DCTERMS.modified, _datetime(dataset.metadata_modified)))
        g.add((node, DCTERMS.language, self.language()))
        g.add((node, DCTERMS.accessRights, self.typed(EU_ACCESS_PUBLIC, DCTERMS.RightsStatement)))
        g.add((node, DCTERMS.publisher, self.agent(dataset.organization)))
        landing = site.landing_page(dataset)
        g.add((node, DCAT.landingPage, self.typed(landing, FOAF.Document)))
        if dataset.url:
            g.add((node, FOAF.page, self.typed(dataset.url, FOAF.Document)))
        if dataset.version:
            g.add((node, DCAT_VERSION, Literal(dataset.version)))
        for tag in dataset.tags.all():
            g.add((node, DCAT.keyword, _text(tag.name)))
        for group in dataset.groups.all():
            theme = self.theme(group)
            if theme is not None:
                g.add((node, DCAT.theme, theme))
        if dataset.frequency:
            frequency = self.typed(EU_FREQUENCY[dataset.frequency], DCTERMS.Frequency)
            g.add((node, DCTERMS.accrualPeriodicity, frequency))
        if dataset.temporal_start or dataset.temporal_end:
            period = BNode()
            g.add((period, RDF.type, DCTERMS.PeriodOfTime))
            if dataset.temporal_start:
                g.add((period, DCAT.startDate, _date(dataset.temporal_start)))
            if dataset.temporal_end:
                g.add((period, DCAT.endDate, _date(dataset.temporal_end)))
            g.add((node, DCTERMS.temporal, period))
        for unit in dataset.spatial.all():
            location = BNode()
            g.add((location, RDF.type, DCTERMS.Location))
            g.add((location, SKOS.prefLabel, _text(unit.name)))
            g.add((location, LOCN.geographicName, _text(unit.name)))
            g.add((location, DCTERMS.identifier, Literal(unit.code)))
            g.add((node, DCTERMS.spatial, location))
        self.contact_point(node, dataset)
        licence = self.licence(dataset.license)
        for resource in dataset.resources.all():
            g.add((node, DCAT.distribution, self.distribution(resource, dataset, licence)))
        return node

    def contact_point(self, node: URIRef, dataset: Dataset) -> None:
        name = dataset.maintainer or dataset.author
        email = dataset.maintainer_email or dataset.author_email
        if not (name or email):
            agency = dataset.organization.agency
            name, email = dataset.organization.title, agency.email
        contact = BNode()
        self.g.add((contact, RDF.type, VCARD.Kind))
        self.g.add((contact, RDF.type, VCARD.Organization))
        self.g.add((contact, VCARD.fn, _text(name or dataset.organization.title)))
        if email:
            self.g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{email}")))
        self.g.add((node, DCAT.contactPoint, contact))

    def distribution(self, resource: Resource, dataset: Dataset, licence: URIRef | None) -> URIRef:
        g = self.g
        node = self.site.distribution(resource)
        g.add((node, RDF.type, DCAT.Distribution))
        if resource.name:
            g.add((node, DCTERMS.title, _text(resource.name)))
        if resource.description:
            g.add((node, DCTERMS.description, _text(resource.description)))
        url = self.site.resource_download(resource, dataset) or str(node)
        g.add((node, DCAT.accessURL, self.typed(url, RDFS.Resource)))
        fmt = resource.format.strip().upper()
        if resource.upload or fmt in DOWNLOADABLE:
            g.add((node, DCAT.downloadURL, self.typed(url, RDFS.Resource)))
        if fmt:
            if fmt in FILE_TYPES:
                fmt_node: Node = self.typed(
                    EU_FILE_TYPE[FILE_TYPES[fmt]], DCTERMS.MediaTypeOrExtent, fmt
                )
            else:
                fmt_node = BNode()
                g.add((fmt_node, RDF.type, DCTERMS.MediaTypeOrExtent))
                g.add((fmt_node, RDFS.label, Literal(resource.format.strip())))
            g.add((node, DCTERMS["format"], fmt_node))
        mimetype = resource.mimetype.strip().lower()
        if _MEDIA_TYPE_RE.match(mimetype):
            media = self.typed(IANA_MEDIA_TYPES + mimetype, DCTERMS.MediaType, mimetype)
            g.add((node, DCAT.mediaType, media))
        if resource.size is not None and resource.size >= 0:
            g.add((node, DCAT.byteSize, Literal(resource.size, datatype=XSD.nonNegativeInteger)))
        self.checksum(node, resource.hash)
        if licence is not None:
            g.add((node, DCTERMS.license, licence))
        g.add((node, DCTERMS.issued, _datetime(resource.created)))
        g.add((node, DCTERMS.modified, _datetime(resource.last_modified)))
        return node

    def checksum(self, node: URIRef, value: str) -> None:
        value = value.strip()
        if ":" in value:  # "sha256:abcd…"
            value = value.split(":", 1)[1]
        algorithm = _CHECKSUM_ALGORITHMS.get(len(value))
        if not algorithm or not _HEX_RE.match(value):
            return
        checksum = BNode()
        self.g.add((checksum, RDF.type, SPDX.Checksum))
        algo = self.typed(SPDX[f"checksumAlgorithm_{algorithm}"], SPDX.ChecksumAlgorithm)
        self.g.add((checksum, SPDX.algorithm, algo))
        self.g.add((checksum, SPDX.checksumValue, Literal(value.lower(), datatype=XSD.hexBinary)))
        self.g.add((node, SPDX.checksum, checksum))

    # Catalogue --------------------------------------------------------------------------
    def catalog(self, datasets: Iterable[Dataset], *, modified: dt.datetime | None) -> URIRef:
        g, site = self.g, self.site
        node = site.catalog()
        g.add((node, RDF.type, DCAT.Catalog))
        g.add((node, DCTERMS.title, _text(f"Dữ liệu mở — {settings.SITE_NAME}")))
        g.add(
            (
                node,
                DCTERMS.description,
                _text(f"Danh mục dữ liệu mở của {settings.SITE_NAME} (DCAT-AP 3)."),
            )
        )
        g.add((node, DCTERMS.publisher, self.catalog_publisher()))
        g.add((node, FOAF.homepage, self.typed(site.uri("/"), FOAF.Document)))
        g.add((node, DCTERMS.language, self.language()))
        scheme = EU_THEME_SCHEME
        if self._once(scheme):
            g.add((scheme, RDF.type, SKOS.ConceptScheme))
            g.add((scheme, DCTERMS.title, Literal("Data theme", lang="en")))
        g.add((node, DCAT.themeTaxonomy, scheme))
        if modified is not None:
            g.add((node, DCTERMS.modified, _datetime(modified)))
        for dataset in datasets:
            g.add((node, DCAT.dataset, self.dataset(dataset)))
        return node

    def catalog_publisher(self) -> Node:
        top = (
            Organization.objects.select_related("agency")
            .filter(agency__parent__isnull=True, agency__level=Agency.Level.PROVINCE)
            .first()
        )
        if top is not None:
            return self.agent(top)
        agency = Agency.objects.filter(parent__isnull=True).order_by("path").first()
        node = self.site.uri("/#publisher")
        self.g.add((node, RDF.type, FOAF.Agent))
        self.g.add((node, FOAF.name, _text(agency.name if agency else settings.SITE_NAME)))
        return node


@dataclass(frozen=True)
class CatalogPage:
    graph: Graph
    page: int
    last_page: int
    total: int


def catalog_graph(
    *, base_url: str, page: int = 1, page_url: str, page_size: int | None = None
) -> CatalogPage:
    """One page of the catalogue. ``page_url`` is the URL of the document without its query
    (``…/catalog.ttl``); paging links are ``page_url?page=N``. Raises PageOutOfRange."""
    page_size = page_size or PAGE_SIZE
    queryset = public_datasets()
    total = queryset.count()
    last_page = max(1, math.ceil(total / page_size))
    if page < 1 or page > last_page:
        raise PageOutOfRange(page)
    datasets = list(queryset[(page - 1) * page_size : page * page_size])
    modified = selectors.dataset_visible_qs(None).aggregate(m=Max("metadata_modified"))["m"]
    graph = _bind(Graph())
    _Builder(graph, Site(base_url)).catalog(datasets, modified=modified)

    def link(n: int) -> Literal:
        return Literal(f"{page_url}?page={n}")

    collection = URIRef(f"{page_url}?page={page}")
    graph.add((collection, RDF.type, HYDRA.PagedCollection))
    graph.add((collection, HYDRA.totalItems, Literal(total, datatype=XSD.integer)))
    graph.add((collection, HYDRA.itemsPerPage, Literal(page_size, datatype=XSD.integer)))
    graph.add((collection, HYDRA.firstPage, link(1)))
    graph.add((collection, HYDRA.lastPage, link(last_page)))
    if page < last_page:
        graph.add((collection, HYDRA.nextPage, link(page + 1)))
    if page > 1:
        graph.add((collection, HYDRA.previousPage, link(page - 1)))
    return CatalogPage(graph=graph, page=page, last_page=last_page, total=total)


def dataset_graph(*, dataset: Dataset, base_url: str) -> Graph:
    """The DCAT description of one dataset (the caller checks that it is public)."""
    graph = _bind(Graph())
    _Builder(graph, Site(base_url)).dataset(dataset)
    return graph


def serialize(graph: Graph, ext: str) -> bytes:
    """Serialise to ``ext`` (ttl, rdf, jsonld) as UTF-8 bytes."""
    rdflib_format, _media_type = FORMATS[ext]
    if rdflib_format == "json-ld":
        context = {prefix: str(ns) for prefix, ns in graph.namespaces() if prefix}
        data = graph.serialize(format="json-ld", context=context, auto_compact=True)
    else:
        data = graph.serialize(format=rdflib_format)
    return data.encode("utf-8")
