"""DCAT-AP 3 output: validated with pyshacl against the official shapes shipped in tests/."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from pyshacl import validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from tests.core.factories import AdministrativeUnitFactory, AgencyFactory
from tinhso.catalog import dcat
from tinhso.catalog.models import Dataset, Group, License, Organization, Resource, Tag
from tinhso.core.models import Agency

# Open namespaces (rdflib's closed DCAT/XSD warn when pytest inspects module globals).
DCAT = Namespace("http://www.w3.org/ns/dcat#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SHAPES_PATH = Path(__file__).parent / "shacl" / "dcat-ap-3.0.0-SHACL.ttl"
RDFLIB_FORMATS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld"}
THEME_HEALTH = "http://publications.europa.eu/resource/authority/data-theme/HEAL"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_PATH, format="turtle")


def assert_conforms(data: Graph, shapes: Graph) -> None:
    conforms, _report, text = validate(
        data, shacl_graph=shapes, inference="none", advanced=False, meta_shacl=False
    )
    assert conforms, text


@dataclass
class Catalog:
    full: Dataset
    minimal: Dataset
    private: Dataset
    draft: Dataset
    deleted: Dataset


def make_dataset(org: Organization, name: str, **fields: object) -> Dataset:
    return Dataset.objects.create(
        organization=org, name=name, title=fields.pop("title", f"Bộ dữ liệu {name}"), **fields
    )


@pytest.fixture
def catalog(db: None) -> Catalog:
    province_unit = AdministrativeUnitFactory(
        code="98", name="Tỉnh Thử Nghiệm", division_type="Tỉnh", level="province"
    )
    commune = AdministrativeUnitFactory(code="98001", name="Xã Hoà An", parent=province_unit)
    province = AgencyFactory(
        code="000.00.00.H98",
        name="Ủy ban nhân dân tỉnh Thử Nghiệm",
        level=Agency.Level.PROVINCE,
        admin_unit=province_unit,
    )
    health = AgencyFactory(
        code="000.00.02.H98",
        name="Sở Y tế",
        parent=province,
        email="syt@example.vn",
        website="https://syt.example.vn/",
    )
    Organization.objects.create(agency=province, name="ubnd-tinh", title=province.name)
    org = Organization.objects.create(agency=health, name="so-y-te", title="Sở Y tế")
    # Licences are seeded by a migration.
    cc_by = License.objects.get(id="CC-BY-4.0")
    group = Group.objects.create(
        name="y-te", title="Y tế", title_en="Health", theme_uri=THEME_HEALTH
    )
    no_theme = Group.objects.create(name="khac", title="Khác")
    full = make_dataset(
        org,
        "co-so-y-te",
        title="Danh sách cơ sở y tế",
        notes="Danh sách **cơ sở khám chữa bệnh** trên địa bàn tỉnh.",
        license=cc_by,
        state=Dataset.State.ACTIVE,
        version="2.1",
        url="https://syt.example.vn/du-lieu",
        temporal_start=dt.date(2020, 1, 1),
        temporal_end=dt.date(2024, 12, 31),
        frequency=Dataset.Frequency.QUARTERLY,
        maintainer="Phòng Kế hoạch",
        maintainer_email="khtc@example.vn",
    )
    full.groups.set([group, no_theme])
    full.tags.set([Tag.objects.create(name="y tế"), Tag.objects.create(name="bệnh viện")])
    full.spatial.set([province_unit, commune])
    Resource.objects.create(
        dataset=full,
        name="Cơ sở y tế 2024 (CSV)",
        description="Bảng chính",
        url="https://syt.example.vn/files/co-so.csv",
        format="CSV",
        mimetype="text/csv",
        size=123456,
        hash="a" * 64,
        position=0,
    )
    Resource.objects.create(
        dataset=full,
        name="Trang tra cứu",
        url="https://syt.example.vn/tra-cuu",
        format="Ứng dụng web",
        position=1,
        hash="not-a-checksum",
    )
    minimal = make_dataset(org, "toi-thieu", state=Dataset.State.ACTIVE)
    Resource.objects.create(dataset=minimal, name="", url="https://example.vn/a", format="")
    minimal_other = make_dataset(
        org,
        "giay-phep-khac",
        state=Dataset.State.ACTIVE,
        license=License.objects.get(id="other-open"),
    )
    Resource.objects.create(
        dataset=minimal_other, name="Tệp", url="https://example.vn/b.xlsx", format="xlsx", size=0
    )
    private = make_dataset(org, "rieng-tu", state=Dataset.State.ACTIVE, private=True)
    draft = make_dataset(org, "ban-nhap", state=Dataset.State.DRAFT)
    deleted = make_dataset(org, "da-xoa", state=Dataset.State.DELETED)
    return Catalog(full=full, minimal=minimal, private=private, draft=draft, deleted=deleted)


def get_graph(client: Client, url: str, ext: str) -> Graph:
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith(dcat.FORMATS[ext][1])
    return Graph().parse(data=response.content, format=RDFLIB_FORMATS[ext])


def dataset_uri(dataset: Dataset) -> URIRef:
    return URIRef(f"http://testserver/dataset/{dataset.id}")


@pytest.mark.parametrize("ext", ["ttl", "rdf", "jsonld"])
def test_catalog_validates_against_dcat_ap_3_shapes(
    client: Client, catalog: Catalog, shapes: Graph, ext: str
) -> None:
    graph = get_graph(client, f"/catalog.{ext}", ext)
    assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) == 3
    assert len(set(graph.subjects(RDF.type, DCAT.Distribution))) == 4
    assert_conforms(graph, shapes)


@pytest.mark.parametrize("ext", ["ttl", "rdf", "jsonld"])
def test_dataset_document_validates_against_dcat_ap_3_shapes(
    client: Client, catalog: Catalog, shapes: Graph, ext: str
) -> None:
    for dataset in (catalog.full, catalog.minimal):
        graph = get_graph(client, f"/dataset/{dataset.name}.{ext}", ext)
        assert (dataset_uri(dataset), RDF.type, DCAT.Dataset) in graph
        assert_conforms(graph, shapes)


def test_shapes_report_a_dataset_without_title(
    client: Client, catalog: Catalog, shapes: Graph
) -> None:
    graph = get_graph(client, f"/dataset/{catalog.full.name}.ttl", "ttl")
    graph.remove((dataset_uri(catalog.full), DCTERMS.title, None))
    conforms, _report, text = validate(graph, shacl_graph=shapes, inference="none")
    assert not conforms
    assert "title" in text


def test_catalog_lists_only_public_active_datasets(client: Client, catalog: Catalog) -> None:
    graph = get_graph(client, "/catalog.ttl", "ttl")
    listed = set(graph.objects(URIRef("http://testserver/catalog"), DCAT.dataset))
    assert dataset_uri(catalog.full) in listed
    assert dataset_uri(catalog.minimal) in listed
    for hidden in (catalog.private, catalog.draft, catalog.deleted):
        assert dataset_uri(hidden) not in listed


@pytest.mark.parametrize("which", ["private", "draft", "deleted"])
@pytest.mark.parametrize("ext", ["ttl", "jsonld"])
def test_dataset_rdf_is_404_for_non_public_dataset(
    client: Client, catalog: Catalog, which: str, ext: str
) -> None:
    dataset = getattr(catalog, which)
    assert client.get(f"/dataset/{dataset.name}.{ext}").status_code == 404
    assert client.get(f"/dataset/{dataset.id}.{ext}").status_code == 404


def test_dataset_rdf_is_404_for_unknown_dataset(client: Client, catalog: Catalog) -> None:
    assert client.get("/dataset/khong-ton-tai.ttl").status_code == 404


def test_dataset_description_carries_dcat_ap_properties(client: Client, catalog: Catalog) -> None:
    graph = get_graph(client, f"/dataset/{catalog.full.id}.ttl", "ttl")
    ds = dataset_uri(catalog.full)
    assert (ds, DCTERMS.title, Literal("Danh sách cơ sở y tế", lang="vi")) in graph
    assert (ds, DCTERMS.identifier, Literal(str(catalog.full.id))) in graph
    assert (ds, DCAT.theme, URIRef(THEME_HEALTH)) in graph
    assert (ds, DCAT.keyword, Literal("bệnh viện", lang="vi")) in graph
    frequency = URIRef("http://publications.europa.eu/resource/authority/frequency/QUARTERLY")
    assert (ds, DCTERMS.accrualPeriodicity, frequency) in graph
    issued = graph.value(ds, DCTERMS.issued)
    assert isinstance(issued, Literal) and issued.datatype == XSD.dateTime
    publisher = graph.value(ds, DCTERMS.publisher)
    assert str(graph.value(publisher, URIRef("http://xmlns.com/foaf/0.1/name"))) == "Sở Y tế"
    contact = graph.value(ds, DCAT.contactPoint)
    assert (contact, dcat.VCARD.hasEmail, URIRef("mailto:khtc@example.vn")) in graph
    period = graph.value(ds, DCTERMS.temporal)
    assert graph.value(period, DCAT.startDate) == Literal("2020-01-01", datatype=XSD.date)
    labels = {
        str(graph.value(loc, dcat.SKOS.prefLabel)) for loc in graph.objects(ds, DCTERMS.spatial)
    }
    assert labels == {"Tỉnh Thử Nghiệm", "Xã Hoà An"}
    csv = next(
        d for d in graph.objects(ds, DCAT.distribution) if (d, DCAT.mediaType, None) in graph
    )
    assert graph.value(csv, DCAT.accessURL) == URIRef("https://syt.example.vn/files/co-so.csv")
    assert graph.value(csv, DCAT.downloadURL) == URIRef("https://syt.example.vn/files/co-so.csv")
    assert graph.value(csv, DCAT.mediaType) == URIRef(
        "https://www.iana.org/assignments/media-types/text/csv"
    )
    assert graph.value(csv, DCTERMS["format"]) == URIRef(
        "http://publications.europa.eu/resource/authority/file-type/CSV"
    )
    assert graph.value(csv, DCAT.byteSize) == Literal(123456, datatype=XSD.nonNegativeInteger)
    assert graph.value(csv, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    checksum = graph.value(csv, dcat.SPDX.checksum)
    assert graph.value(checksum, dcat.SPDX.checksumValue) == Literal(
        "a" * 64, datatype=XSD.hexBinary
    )


def test_catalog_pages_carry_hydra_links(
    client: Client, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dcat, "PAGE_SIZE", 2)
    first = get_graph(client, "/catalog.ttl", "ttl")
    page1 = URIRef("http://testserver/catalog.ttl?page=1")
    assert (page1, RDF.type, dcat.HYDRA.PagedCollection) in first
    assert str(first.value(page1, dcat.HYDRA.nextPage)) == "http://testserver/catalog.ttl?page=2"
    assert str(first.value(page1, dcat.HYDRA.lastPage)) == "http://testserver/catalog.ttl?page=2"
    assert first.value(page1, dcat.HYDRA.totalItems).toPython() == 3
    assert len(set(first.subjects(RDF.type, DCAT.Dataset))) == 2
    second = get_graph(client, "/catalog.ttl?page=2", "ttl")
    page2 = URIRef("http://testserver/catalog.ttl?page=2")
    assert second.value(page2, dcat.HYDRA.nextPage) is None
    assert (
        str(second.value(page2, dcat.HYDRA.previousPage)) == "http://testserver/catalog.ttl?page=1"
    )
    assert len(set(second.subjects(RDF.type, DCAT.Dataset))) == 1


def test_catalog_page_beyond_last_is_404(client: Client, catalog: Catalog) -> None:
    assert client.get("/catalog.ttl?page=2").status_code == 404
    assert client.get("/catalog.ttl?page=0").status_code == 404


def test_catalog_page_not_a_number_is_400(client: Client, catalog: Catalog) -> None:
    assert client.get("/catalog.rdf?page=abc").status_code == 400


def test_empty_catalog_still_validates(client: Client, db: None, shapes: Graph) -> None:
    graph = get_graph(client, "/catalog.ttl", "ttl")
    assert (URIRef("http://testserver/catalog"), RDF.type, DCAT.Catalog) in graph
    assert_conforms(graph, shapes)


def test_dataset_uri_negotiates_rdf_from_accept(client: Client, catalog: Catalog) -> None:
    response = client.get(f"/dataset/{catalog.full.id}", HTTP_ACCEPT="application/ld+json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    response = client.get(f"/dataset/{catalog.full.id}", HTTP_ACCEPT="text/turtle")
    assert response["Content-Type"].startswith("text/turtle")


def test_catalog_uri_negotiates_rdf_from_accept(client: Client, catalog: Catalog) -> None:
    response = client.get("/catalog", HTTP_ACCEPT="application/rdf+xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rdf+xml")


def test_dataset_modified_time_is_typed_datetime(client: Client, catalog: Catalog) -> None:
    Dataset.objects.filter(pk=catalog.minimal.pk).update(
        metadata_modified=timezone.make_aware(dt.datetime(2025, 3, 4, 5, 6, 7))
    )
    graph = get_graph(client, f"/dataset/{catalog.minimal.name}.rdf", "rdf")
    modified = graph.value(dataset_uri(catalog.minimal), DCTERMS.modified)
    assert modified == Literal("2025-03-04T05:06:07+07:00", datatype=XSD.dateTime)
