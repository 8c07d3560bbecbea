"""API: /api/v1/procedures (filters, paging) and /api/v1/procedures/{code}."""

from __future__ import annotations

import pytest

from tests.procedures.factories import make_procedure
from tinhso.procedures.models import Procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(agency_tree):
    birth = make_procedure(name="Đăng ký khai sinh")
    record = make_procedure(
        name="Cấp phiếu lý lịch tư pháp",
        field_code="tu-phap",
        field_name="Tư pháp",
        level=Procedure.Level.PROVINCE,
        agencies=[agency_tree.dept_a.code],
        online_level=Procedure.OnlineLevel.PARTIAL,
    )
    return birth, record


def test_list_searches_without_diacritics_and_counts(client, catalog) -> None:
    body = client.get("/api/v1/procedures", {"q": "khai sinh"}).json()
    assert body["count"] == 1 and body["items"][0]["name"] == "Đăng ký khai sinh"
    assert body["items"][0]["field"] == {"code": "ho-tich", "name": "Hộ tịch"}


def test_list_filters_and_pages(client, catalog, agency_tree) -> None:
    body = client.get("/api/v1/procedures", {"limit": 1, "offset": 1}).json()
    assert body["count"] == 2 and len(body["items"]) == 1
    by_level = client.get("/api/v1/procedures", {"level": "province"}).json()
    assert [i["name"] for i in by_level["items"]] == ["Cấp phiếu lý lịch tư pháp"]
    by_field = client.get("/api/v1/procedures", {"field": "ho-tich"}).json()
    assert by_field["count"] == 1
    by_online = client.get("/api/v1/procedures", {"online_level": "partial"}).json()
    assert by_online["count"] == 1
    by_agency = client.get("/api/v1/procedures", {"agency": agency_tree.commune_a.code}).json()
    assert [i["name"] for i in by_agency["items"]] == ["Đăng ký khai sinh"]


def test_list_refuses_bad_parameters_with_422(client, catalog) -> None:
    response = client.get("/api/v1/procedures", {"level": "tinh"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "level"
    assert client.get("/api/v1/procedures", {"limit": "abc"}).status_code == 422


def test_unknown_agency_is_404(client, catalog) -> None:
    assert client.get("/api/v1/procedures", {"agency": "999.99.99.H98"}).status_code == 404


def test_detail_has_documents_fees_and_workflow(client, catalog) -> None:
    birth, _record = catalog
    response = client.get(f"/api/v1/procedures/{birth.code}")
    assert response.status_code == 200
    body = response.json()
    assert [d["name"] for d in body["documents"]] == [
        "Tờ khai đăng ký khai sinh",
        "Giấy chứng sinh",
    ]
    assert [s["role"] for s in body["workflow"]] == [
        "one_stop_officer",
        "specialist",
        "leader",
        "one_stop_officer",
    ]
    assert body["fee_amount"] == 0 and body["fee_timing"] == "none"
    assert body["processing_days"] == 5 and body["due_date_if_submitted_now"]
    assert body["version"] == 1


def test_detail_of_an_unknown_code_is_404(client, db) -> None:
    response = client.get("/api/v1/procedures/0.000000")
    assert response.status_code == 404
    assert "0.000000" in response.json()["detail"]
