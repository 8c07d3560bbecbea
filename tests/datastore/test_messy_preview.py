"""The preview page of a messy file (Windows-1258, semicolons, booleans "Có/Không"), as a
new user uses it: chart labels and column summary in Vietnamese, filters removable one
by one, exports and the API call of the same view."""

from __future__ import annotations

import html as html_lib
import json
import re

import pytest
from django.test import Client

from tests.datastore.factories import loaded
from tests.datastore.files.make_messy import cp1258_semicolon
from tinhso.datastore.models import DatastoreTable

pytestmark = pytest.mark.django_db


@pytest.fixture
def table() -> DatastoreTable:
    t = loaded(cp1258_semicolon(), "dan-so-xa.csv")
    assert t.status == "active", t.error
    return t


def url(table: DatastoreTable, suffix: str = "xem-truoc/") -> str:
    r = table.resource
    return f"/du-lieu/{r.dataset.name}/tai-nguyen/{r.pk}/{suffix}"


def test_chart_builder_speaks_vietnamese(client: Client, table: DatastoreTable) -> None:
    html = client.get(
        url(table),
        {"bieu_do": "bar", "nhom": "dat_chuan_ntm", "gia_tri": "dan_so", "phep": "avg"},
    ).content.decode()
    # the operations are named, not "sum"/"avg"
    assert '<option value="avg" selected>Trung bình</option>' in html
    assert '<option value="sum">Tổng</option>' in html
    # the data table under the chart names the columns by their headers
    assert '<th scope="col">Đạt chuẩn NTM</th><th scope="col">Trung bình của Dân số</th>' in html
    data = json.loads(re.search(r'id="ds-chart-data">(.*?)</script>', html).group(1))
    assert sorted(data["labels"]) == ["Có", "Không"]
    assert 'data-label="Trung bình của Dân số"' in html


def test_chart_of_row_counts(client: Client, table: DatastoreTable) -> None:
    html = client.get(url(table), {"bieu_do": "pie", "nhom": "ten_don_vi"}).content.decode()
    assert '<th scope="col">Tên đơn vị</th><th scope="col">Số dòng</th>' in html


def test_column_summary_shows_booleans_in_vietnamese(client: Client, table: DatastoreTable) -> None:
    html = client.get(url(table, "xem-truoc/tom-tat/")).content.decode()
    row = re.search(r"Đạt chuẩn NTM <code>dat_chuan_ntm</code>.*?</tr>", html, re.S).group(0)
    assert "<td>Không</td><td>Có</td>" in row
    assert "False" not in row and "True" not in row


def test_each_filter_can_be_removed_alone(client: Client, table: DatastoreTable) -> None:
    response = client.get(
        url(table),
        {"f.dat_chuan_ntm": "có", "loc": "ten_don_vi", "gia_tri_loc": "Xã Nghi Liên", "page": "1"},
    )
    html = response.content.decode()
    assert "Dòng 1–1 trong 1 dòng" in html
    links = {
        html_lib.unescape(m.group(2)): html_lib.unescape(m.group(1))
        for m in re.finditer(r'<a href="([^"]*)" aria-label="(Bỏ lọc theo [^"]*)"', html)
    }
    assert set(links) == {"Bỏ lọc theo Đạt chuẩn NTM", "Bỏ lọc theo Tên đơn vị"}
    # removing the column filter keeps the other one, and the reverse
    html = client.get(url(table) + links["Bỏ lọc theo Tên đơn vị"]).content.decode()
    assert "Dòng 1–2 trong 2 dòng" in html
    html = client.get(url(table) + links["Bỏ lọc theo Đạt chuẩn NTM"]).content.decode()
    assert "Dòng 1–1 trong 1 dòng" in html and "Xã Nghi Liên" in html


def test_exports_and_api_call_of_a_filtered_view_agree(
    client: Client, table: DatastoreTable
) -> None:
    view = {"f.dat_chuan_ntm": "có", "sort": "dan_so", "dir": "desc"}
    html = client.get(url(table), view).content.decode()
    api = html_lib.unescape(re.search(r'id="ds-api-url"[^>]*value="([^"]*)"', html).group(1))
    api_body = client.get(api.replace("http://testserver", "")).json()
    assert api_body["success"] is True
    names = [r["ten_don_vi"] for r in api_body["result"]["records"]]
    assert names == ["Xã Quỳnh Đôi", "Xã Nghi Liên"]
    csv_text = b"".join(client.get(url(table, "xuat.csv"), view).streaming_content).decode()
    assert csv_text.startswith("\ufeff_id,Mã xã,Tên đơn vị,Dân số")
    assert [line.split(",")[2] for line in csv_text.splitlines()[1:]] == names
    assert csv_text.splitlines()[1].split(",")[1] == "01003"  # the code keeps its zero
    records = json.loads(b"".join(client.get(url(table, "xuat.json"), view).streaming_content))
    assert [r["ten_don_vi"] for r in records] == names
    assert records[0]["dien_tich_km2"] == 1237.5


def test_resource_page_shows_boolean_ranges_in_vietnamese(
    client: Client, table: DatastoreTable
) -> None:
    client.get(url(table, "xem-truoc/tom-tat/"))  # computes and caches the summary
    html = client.get(url(table, "")).content.decode()
    assert "<td>Không</td><td>Có</td>" in html


def _publisher(client: Client, table: DatastoreTable) -> None:
    from tests.catalog.factories import OrganizationMemberFactory
    from tests.core.factories import UserFactory

    user = UserFactory()
    OrganizationMemberFactory(organization=table.resource.dataset.organization, user=user)
    client.force_login(user)


def test_a_failed_load_can_be_fixed_from_the_preview_page(client: Client) -> None:
    from tests.datastore.factories import resource_with_file
    from tinhso.datastore.services import datastore_load
    from tinhso.datastore.tasks import load_resource_task

    # A file whose delimiter was forced wrong (","): one column, then a long row fails.
    resource = resource_with_file("Xã;Số hộ\nA;1\nB;2\nC,D,E;3\n".encode(), "ho.csv")
    DatastoreTable.objects.filter(resource=resource).update(
        options={"delimiter": ",", "header_row": 1}
    )
    table = datastore_load(resource=resource)
    assert table.status == "failed" and "Dòng 4" in table.error
    _publisher(client, table)
    # the resource page leads the publisher to the form
    panel = client.get(url(table, "")).content.decode()
    assert f'href="{url(table)}#ds-options"' in panel
    html = client.get(url(table)).content.decode()
    assert 'id="ds-options">Cho người xuất bản' in html  # the form, although nothing loaded
    assert '<select id="ds-delimiter" name="delimiter">' in html
    assert '<option value="," selected>,</option>' in html
    assert 'name="header_row" inputmode="numeric" pattern="[0-9]*" value="1"' in html
    # back to automatic detection: empty header row, empty delimiter and encoding
    response = client.post(
        url(table, "xem-truoc/tuy-chon/"), {"header_row": "", "delimiter": "", "encoding": ""}
    )
    assert response.status_code == 302
    table.refresh_from_db()
    assert table.options == {}, table.options
    load_resource_task.call(str(resource.pk))
    table.refresh_from_db()
    assert table.status == "active", table.error
    assert [f["id"] for f in table.fields] == ["xa", "so_ho"] and table.row_count == 3
    # forcing an encoding and a delimiter from the form is kept
    client.post(url(table, "xem-truoc/tuy-chon/"), {"encoding": "cp1258", "delimiter": ";"})
    table.refresh_from_db()
    assert table.options == {"encoding": "cp1258", "delimiter": ";"}
    html = client.get(url(table)).content.decode()
    assert '<option value="cp1258" selected>Windows-1258</option>' in html


def test_a_header_row_that_is_not_a_number_is_refused(
    client: Client, table: DatastoreTable
) -> None:
    _publisher(client, table)
    response = client.post(url(table, "xem-truoc/tuy-chon/"), {"header_row": "hai"}, follow=True)
    assert "Dòng tiêu đề phải là một số từ 1 đến 60." in response.content.decode()
    table.refresh_from_db()
    assert "header_row" not in table.options


def test_saving_the_form_overrides_only_the_columns_given_a_type(
    client: Client, table: DatastoreTable
) -> None:
    _publisher(client, table)
    html = client.get(url(table)).content.decode()
    assert '<option value="" selected>Tự phát hiện (hiện là: số nguyên)</option>' in html
    form = {f"type.{f['id']}": "" for f in table.fields}
    client.post(url(table, "xem-truoc/tuy-chon/"), {**form, "type.ma_xa": "int", "header_row": ""})
    table.refresh_from_db()
    assert table.options == {"types": {"ma_xa": "int"}}
    html = client.get(url(table)).content.decode()
    assert '<option value="int" selected>' in html
    # and back to inference
    client.post(url(table, "xem-truoc/tuy-chon/"), {**form, "header_row": ""})
    table.refresh_from_db()
    assert table.options == {}


@pytest.mark.parametrize(
    ("column", "typed", "found"),
    [
        ("dien_tich_km2", "1237,5", "Xã Quỳnh Đôi"),  # as the table shows it
        ("dien_tich_km2", "1.237,5", "Xã Quỳnh Đôi"),
        ("dien_tich_km2", "1237.5", "Xã Quỳnh Đôi"),
        ("dan_so", "15.345", "Xã Quỳnh Đôi"),
        ("dan_so", "15345", "Xã Quỳnh Đôi"),
    ],
)
def test_numbers_typed_the_vietnamese_way_filter_the_preview(
    client: Client, table: DatastoreTable, column: str, typed: str, found: str
) -> None:
    html = client.get(url(table), {"loc": column, "gia_tri_loc": typed}).content.decode()
    assert "Dòng 1–1 trong 1 dòng" in html, typed
    assert found in html


def test_a_bad_filter_value_is_explained_without_the_parameter_name(
    client: Client, table: DatastoreTable
) -> None:
    html = client.get(url(table), {"loc": "dan_so", "gia_tri_loc": "nhiều"}).content.decode()
    assert (
        '<p class="ds-error" role="alert">Giá trị “nhiều” không hợp lệ cho cột “dan_so” (kiểu int).</p>'
        in html
    )


def test_dates_are_shown_day_first_and_filter_back(client: Client, table: DatastoreTable) -> None:
    html = client.get(url(table)).content.decode()
    assert "<td>04/03/2024</td>" in html and "2024-03-04" not in html.split("<tbody>")[1]
    html = client.get(url(table), {"loc": "ngay_cap_nhat", "gia_tri_loc": "04/03/2024"}).content
    assert "Dòng 1–1 trong 1 dòng" in html.decode()
    # the resource page's first rows too
    assert "<td>01/03/2024</td>" in client.get(url(table, "")).content.decode()


def test_summary_shows_date_ranges_day_first(client: Client, table: DatastoreTable) -> None:
    html = client.get(url(table, "xem-truoc/tom-tat/")).content.decode()
    assert "<td>01/03/2024</td><td>05/03/2024</td>" in html


def test_a_failed_load_names_its_line_once(client: Client) -> None:
    from tests.datastore.factories import resource_with_file
    from tinhso.datastore.services import datastore_load

    table = datastore_load(resource=resource_with_file("Xã,Số hộ\nA,1\nB,2,3\n".encode()))
    html = client.get(url(table, "")).content.decode()
    assert "Dòng 3 có 3 ô" in html and "(dòng 3)" not in html


def test_a_page_beyond_the_end_shows_the_last_page(client: Client, table: DatastoreTable) -> None:
    html = client.get(url(table), {"per": "2", "page": "999"}).content.decode()
    assert "Dòng 5–5 trong 5 dòng" in html and "Trang 3 / 3" in html
    html = client.get(url(table), {"per": "2", "page": "2", "loc": "dan_so", "gia_tri_loc": "x"})
    assert "Dòng 1–2 trong 5 dòng" in html.content.decode()  # the error shows page 1
