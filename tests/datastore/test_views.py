"""Preview page, status fragment, exports and the native API."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client

from tests.catalog.factories import OrganizationMemberFactory
from tests.core.factories import UserFactory
from tests.datastore.factories import loaded
from tinhso.core.services import token_create
from tinhso.datastore.models import DatastoreTable

pytestmark = pytest.mark.django_db

CSV = (
    "Huyện,Dân số,Ghi chú,Ngày\n"
    'Thọ Xuân,233000,=HYPERLINK("http://x"),05/03/2024\n'
    "Nông Cống,187000,+1 gọi,06/03/2024\n"
    "Diễn Châu,290000,@SUM(A1),07/03/2024\n"
    "Quỳnh Lưu,280000,-2 xem,08/03/2024\n"
).encode()


@pytest.fixture
def table() -> DatastoreTable:
    t = loaded(CSV)
    assert t.status == "active", t.error
    return t


def url(table: DatastoreTable, suffix: str = "xem-truoc/") -> str:
    return f"/du-lieu/{table.resource.dataset.name}/tai-nguyen/{table.resource_id}/{suffix}"


def test_preview_shows_a_page_of_rows_from_the_database(
    client: Client, table: DatastoreTable
) -> None:
    response = client.get(url(table), {"per": 2})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thọ Xuân" in html and "Diễn Châu" not in html
    assert "Trang 1 / 2" in html
    assert 'rel="next"' in html


def test_preview_sorts_and_filters_from_the_url(client: Client, table: DatastoreTable) -> None:
    response = client.get(url(table), {"sort": "dan_so", "dir": "desc", "per": 1})
    html = response.content.decode()
    assert "Diễn Châu" in html and 'aria-sort="descending"' in html
    response = client.get(url(table), {"loc": "huyen", "gia_tri_loc": "Nông Cống"})
    html = response.content.decode()
    assert "Nông Cống" in html and "Thọ Xuân" not in html
    assert "filters=" in html  # the API call box reproduces the view


def test_preview_chart_builder_renders_data_table_without_js(
    client: Client, table: DatastoreTable
) -> None:
    response = client.get(
        url(table), {"bieu_do": "bar", "nhom": "huyen", "gia_tri": "dan_so", "phep": "sum"}
    )
    html = response.content.decode()
    assert 'id="ds-chart-data"' in html
    assert "datastore/vendor/chart.umd.min.js" in html
    assert "290000" in html


def test_preview_of_private_dataset_is_404_for_anonymous(client: Client) -> None:
    from tests.catalog.factories import DatasetFactory

    t = loaded(CSV, dataset=DatasetFactory(private=True))
    assert client.get(url(t)).status_code == 404


def test_status_fragment_polls_while_a_load_runs(client: Client, table: DatastoreTable) -> None:
    DatastoreTable.objects.filter(pk=table.pk).update(
        status="running", phase="loading", rows_read=10, rows_loaded=5
    )
    html = client.get(url(table, "xem-truoc/trang-thai/")).content.decode()
    assert 'hx-trigger="every 2s"' in html and "Làm mới" in html


def test_summary_page(client: Client, table: DatastoreTable) -> None:
    html = client.get(url(table, "xem-truoc/tom-tat/")).content.decode()
    assert "290000" in html and "187000" in html


def test_csv_export_has_bom_and_neutralised_formulas(client: Client, table: DatastoreTable) -> None:
    response = client.get(url(table, "xuat.csv"))
    assert response.status_code == 200 and response.streaming
    body = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[attr-defined]
    assert body.startswith("\ufeff")
    assert "'=HYPERLINK" in body and "'+1 gọi" in body and "'@SUM" in body and "'-2 xem" in body
    assert "Huyện" in body.splitlines()[0]


def test_csv_export_of_a_filtered_view(client: Client, table: DatastoreTable) -> None:
    response = client.get(url(table, "xuat.csv"), {"f.huyen": "Diễn Châu"})
    lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 2 and lines[1].startswith("3,Diễn Châu")


def test_json_export(client: Client, table: DatastoreTable) -> None:
    response = client.get(url(table, "xuat.json"), {"sort": "dan_so"})
    data = json.loads(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert [r["huyen"] for r in data] == ["Nông Cống", "Thọ Xuân", "Quỳnh Lưu", "Diễn Châu"]
    assert data[0]["ngay"] == "2024-03-06"


def test_xlsx_export_neutralises_formulas(client: Client, table: DatastoreTable) -> None:
    from openpyxl import load_workbook

    response = client.get(url(table, "xuat.xlsx"))
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    ws = load_workbook(io.BytesIO(content)).active
    values = [c.value for c in ws["D"]]
    assert values[1] == '\'=HYPERLINK("http://x")'
    assert ws["C2"].value == 233000


def test_publisher_can_override_types(
    client: Client, table: DatastoreTable, django_capture_on_commit_callbacks: object
) -> None:
    from unittest import mock

    user = UserFactory()
    OrganizationMemberFactory(organization=table.resource.dataset.organization, user=user)
    client.force_login(user)
    assert "Cho người xuất bản" in client.get(url(table)).content.decode()
    with (
        mock.patch("tinhso.datastore.tasks.load_resource_task") as task,
        django_capture_on_commit_callbacks(execute=True),
    ):  # type: ignore[operator]
        response = client.post(url(table, "xem-truoc/tuy-chon/"), {"type.dan_so": "text"})
    assert response.status_code == 302
    task.enqueue.assert_called_once()
    assert DatastoreTable.objects.get(pk=table.pk).options["types"]["dan_so"] == "text"


def test_anonymous_cannot_post_options(client: Client, table: DatastoreTable) -> None:
    assert (
        client.post(url(table, "xem-truoc/tuy-chon/"), {"type.dan_so": "text"}).status_code == 404
    )


# ---------------------------------------------------------------- native API


def test_native_api_info_and_records(client: Client, table: DatastoreTable) -> None:
    rid = table.resource_id
    info = client.get(f"/api/v1/datastore/{rid}").json()
    assert info["row_count"] == 4 and info["fields"][0]["label"] == "Huyện"
    body = client.get(
        f"/api/v1/datastore/{rid}/records", {"filters": '{"huyen": "Thọ Xuân"}'}
    ).json()
    assert body["total"] == 1 and body["records"][0]["dan_so"] == 233000


def test_native_api_rejects_bad_sort(client: Client, table: DatastoreTable) -> None:
    response = client.get(f"/api/v1/datastore/{table.resource_id}/records", {"sort": "x; drop"})
    assert response.status_code == 400


def test_native_api_sql(client: Client, table: DatastoreTable) -> None:
    response = client.post(
        "/api/v1/datastore/sql",
        {"sql": f'SELECT COUNT(*) AS n FROM "{table.resource_id}"'},
        content_type="application/json",
    )
    assert response.json()["records"] == [{"n": 4}]
    response = client.post(
        "/api/v1/datastore/sql", {"sql": "DELETE FROM x"}, content_type="application/json"
    )
    assert response.status_code == 400


def test_native_api_reload_needs_an_editor(client: Client, table: DatastoreTable) -> None:
    _t, key = token_create(user=UserFactory(), name="k")
    response = client.post(f"/api/v1/datastore/{table.resource_id}/reload", HTTP_AUTHORIZATION=key)
    assert response.status_code == 403
    user = UserFactory()
    OrganizationMemberFactory(organization=table.resource.dataset.organization, user=user)
    _t, key = token_create(user=user, name="k")
    response = client.post(f"/api/v1/datastore/{table.resource_id}/reload", HTTP_AUTHORIZATION=key)
    assert response.status_code == 202


def test_openapi_documents_the_datastore(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/datastore/{resource_id}/records" in schema["paths"]
