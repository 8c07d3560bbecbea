"""The DataStore panel on the catalog's resource page (/du-lieu/<name>/tai-nguyen/<id>/)."""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from tests.catalog.factories import DatasetFactory
from tests.datastore.factories import loaded, reload, replace_file
from tinhso.catalog.models import Resource
from tinhso.datastore.models import DatastoreTable

pytestmark = pytest.mark.django_db

CSV = (
    "Huyện,Dân số,Ngày\n"
    "Thọ Xuân,233000,05/03/2024\n"
    "Nông Cống,187000,06/03/2024\n"
    "Diễn Châu,290000,07/03/2024\n"
).encode()


def page(resource: Resource) -> str:
    return f"/du-lieu/{resource.dataset.name}/tai-nguyen/{resource.pk}/"


def test_resource_page_shows_first_rows_columns_and_preview_link(client: Client) -> None:
    table = loaded(CSV)
    html = client.get(page(table.resource)).content.decode()
    assert 'id="xem-truoc-khung"' in html
    assert f'id="ds-panel-{table.resource_id}"' in html
    assert "3 dòng, 3 cột" in html
    assert "Thọ Xuân" in html and "Diễn Châu" in html and "290000" in html
    assert "05/03/2024" in html  # dates shown day first, as written in Vietnam
    assert "số nguyên" in html and "ngày" in html  # column types
    assert "<code>dan_so</code>" in html  # the API column id
    assert f"{page(table.resource)}xem-truoc/" in html
    assert "datastore/datastore.css" in html
    assert "hx-trigger" not in html  # nothing to poll once loaded


def test_resource_page_limits_first_rows_and_columns(client: Client) -> None:
    header = ",".join(f"Cột {i}" for i in range(15))
    rows = "\n".join(",".join(f"r{r}c{i}" for i in range(15)) for r in range(8))
    table = loaded(f"{header}\n{rows}\n".encode())
    html = client.get(page(table.resource)).content.decode()
    assert "r4c0" in html and "r5c0" not in html  # five first rows
    assert "r0c11" in html and "r0c12" not in html  # twelve first columns
    assert "còn 3 cột khác" in html


def test_resource_page_polls_the_panel_while_a_load_runs(client: Client) -> None:
    table = loaded(CSV)
    DatastoreTable.objects.filter(pk=table.pk).update(
        status="running", phase="loading", rows_read=1200, rows_loaded=800
    )
    html = client.get(page(table.resource)).content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert "trang-thai/?embed=1" in html
    assert re.search(r"đã đọc 1[.,]?200 dòng, đã nạp 800 dòng", html)
    assert "<progress" in html


def test_polled_panel_shows_the_rows_once_the_load_is_done(client: Client) -> None:
    table = loaded(CSV)
    url = f"{page(table.resource)}xem-truoc/trang-thai/"
    embedded = client.get(url, {"embed": "1"}).content.decode()
    assert "Thọ Xuân" in embedded and "<h3" in embedded
    plain = client.get(url).content.decode()  # the preview page's own panel
    assert "Thọ Xuân" not in plain and "<h2" in plain


def test_resource_page_reports_a_failed_reload_and_keeps_the_previous_table(
    client: Client,
) -> None:
    table = loaded(CSV)
    replace_file(table.resource, b"A,B\n1,2\n3,4,5\n")
    failed = reload(table.resource)
    assert failed.status == "failed"
    html = client.get(page(table.resource)).content.decode()
    assert "Lần nạp gần nhất thất bại" in html and "Dòng 3" in html  # the line, named once
    assert "Bảng đã nạp trước đó vẫn đang được dùng" in html
    assert "Thọ Xuân" in html  # the previous table still answers


def test_resource_page_of_a_tabular_file_not_yet_loaded(client: Client) -> None:
    resource = Resource(dataset=DatasetFactory(), name="bang.csv", format="CSV")
    resource.upload.save("bang.csv", ContentFile(CSV), save=False)
    resource.save()
    DatastoreTable.objects.filter(resource=resource).delete()
    html = client.get(page(resource)).content.decode()
    assert "chưa được nạp vào kho dữ liệu bảng" in html


def test_resource_page_of_a_non_tabular_file(client: Client) -> None:
    resource = Resource(dataset=DatasetFactory(), name="bao-cao.pdf", format="PDF")
    resource.upload.save("bao-cao.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    resource.save()
    html = client.get(page(resource)).content.decode()
    assert "chỉ có cho tệp CSV, TSV, Excel, ODS hoặc JSON" in html


def test_polled_panel_is_one_element_so_each_swap_replaces_it(client: Client) -> None:
    table = loaded(CSV)
    DatastoreTable.objects.filter(pk=table.pk).update(status="running", phase="loading")
    html = client.get(f"{page(table.resource)}xem-truoc/trang-thai/", {"embed": "1"})
    body = html.content.decode().strip()
    assert body.startswith("<section") and body.endswith("</section>")
