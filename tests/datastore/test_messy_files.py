"""Messy real-world files uploaded as a publisher would — through the web form and
through the CKAN API with a token (as the ``ckanapi`` client sends them) — then loaded by
the task the worker runs, and read back through CKAN's ``datastore_search``: exact NFC
Vietnamese text and correctly typed columns, or a clear error naming the problem."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.catalog.factories import DatasetFactory, OrganizationMemberFactory
from tests.core.factories import UserFactory
from tests.datastore.files.make_messy import Messy, messy_files, tcvn3_like, vni_like
from tests.datastore.test_ckan_api import call
from tinhso.catalog.models import Dataset, Resource
from tinhso.core.services import token_create
from tinhso.datastore.ingest.errors import LoadError
from tinhso.datastore.ingest.textfile import detect_encoding
from tinhso.datastore.models import DatastoreTable
from tinhso.datastore.selectors import CKAN_TYPE_NAMES
from tinhso.datastore.tasks import load_resource_task

pytestmark = pytest.mark.django_db

MESSY = messy_files()
# The catalogue itself refuses these at upload, before the DataStore sees them.
REFUSED_AT_UPLOAD = {
    "rong.csv": "rỗng",
    "nhi-phan.csv": "nhị phân",
    # The upload checks (core.uploads) already refuse a decompression bomb.
    "bom.xlsx": "tệp nén độc hại",
}


@pytest.fixture
def publisher() -> tuple[Any, Dataset]:
    user = UserFactory()
    dataset = DatasetFactory()
    OrganizationMemberFactory(organization=dataset.organization, user=user)
    return user, dataset


def _run_worker(resource: Resource) -> DatastoreTable:
    table = DatastoreTable.objects.get(resource=resource)
    assert table.status == DatastoreTable.Status.QUEUED
    load_resource_task.call(str(resource.pk))  # what `tinhso worker` runs
    table.refresh_from_db()
    return table


def _check_loaded(client: Client, item: Messy, resource: Resource) -> None:
    table = _run_worker(resource)
    rid = str(resource.pk)
    if item.error:
        assert table.status == DatastoreTable.Status.FAILED
        assert item.error in table.error, table.error
        # A CKAN client is told why there is no data.
        status, body = call(client, "datastore_search", resource_id=rid)
        assert status == 404 and body["success"] is False
        assert body["error"]["__type"] == "Not Found Error"
        assert item.error in body["error"]["message"]
        return
    assert table.status == DatastoreTable.Status.ACTIVE, table.error
    status, body = call(client, "datastore_info", resource_id=rid)
    assert status == 200, body
    types = {f["id"]: f["type"] for f in body["result"]["fields"]}
    # the load's types under the names CKAN reports (int → int8, the others unchanged)
    assert {k: types.get(k) for k in item.types} == {
        k: CKAN_TYPE_NAMES.get(v, v) for k, v in item.types.items()
    }
    status, body = call(client, "datastore_search", resource_id=rid, limit=100)
    assert status == 200, body
    result = body["result"]
    if item.rows is not None:
        assert result["total"] == item.rows
    for col, i, value in item.cells:
        assert result["records"][i][col] == value, (col, i)
    for record in result["records"]:
        for value in record.values():
            if isinstance(value, str):
                assert unicodedata.is_normalized("NFC", value)


@pytest.mark.parametrize("item", MESSY, ids=[m.filename for m in MESSY])
def test_messy_file_uploaded_through_the_publisher_form(
    client: Client,
    publisher: tuple[Any, Dataset],
    item: Messy,
    django_capture_on_commit_callbacks: Any,
) -> None:
    user, dataset = publisher
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/du-lieu/{dataset.name}/tai-nguyen/them/",
            {"name": item.filename, "upload": SimpleUploadedFile(item.filename, item.content)},
        )
    if item.filename in REFUSED_AT_UPLOAD:
        assert response.status_code == 400
        assert REFUSED_AT_UPLOAD[item.filename] in response.content.decode()
        assert not Resource.objects.filter(dataset=dataset).exists()
        return
    assert response.status_code == 302, response.content.decode()[:2000]
    resource = Resource.objects.get(dataset=dataset)
    client.logout()  # the data is public: read it as anyone
    _check_loaded(client, item, resource)


@pytest.mark.parametrize("item", MESSY, ids=[m.filename for m in MESSY])
def test_messy_file_uploaded_through_the_ckan_api(
    client: Client,
    publisher: tuple[Any, Dataset],
    item: Messy,
    django_capture_on_commit_callbacks: Any,
) -> None:
    user, dataset = publisher
    _token, key = token_create(user=user, name="ckanapi")
    with django_capture_on_commit_callbacks(execute=True):
        # ckanapi sends an upload as multipart/form-data with the other fields as values
        response = client.post(
            "/api/3/action/resource_create",
            {
                "package_id": dataset.name,
                "name": item.filename,
                "upload": SimpleUploadedFile(item.filename, item.content),
            },
            HTTP_AUTHORIZATION=key,
        )
    body = response.json()
    if item.filename in REFUSED_AT_UPLOAD:
        assert response.status_code == 409 and body["success"] is False
        assert body["error"]["__type"] == "Validation Error"
        assert REFUSED_AT_UPLOAD[item.filename] in json.dumps(body, ensure_ascii=False)
        return
    assert response.status_code == 200, body
    resource = Resource.objects.get(pk=body["result"]["id"])
    _check_loaded(client, item, resource)


def test_real_windows_1258_text_is_not_mistaken_for_a_font_encoding(tmp_path: Any) -> None:
    from tests.datastore.files.make_messy import COMMUNES, to_cp1258

    words = (
        "Thuở xưa, xuân về trên quê hương; khuê các, tuyên truyền, quyết định, thuế, "
        "khuyến nông, huyện Quỳnh Lưu, Nghĩa Đàn, ủy ban, Thị trấn Đô Lương"
    )
    text = "Tên,Ghi chú\n" + "".join(f"{c},{words}\n" for c in COMMUNES) * 20
    path = tmp_path / "cp1258.csv"
    path.write_bytes(to_cp1258(text))
    assert detect_encoding(path) == "cp1258"


@pytest.mark.parametrize(
    ("content", "font"), [(vni_like(), "VNI"), (tcvn3_like(), "TCVN3")], ids=["vni", "tcvn3"]
)
def test_font_encodings_are_named_even_in_a_short_file(
    tmp_path: Any, content: bytes, font: str
) -> None:
    path = tmp_path / "cu.csv"
    path.write_bytes(content[:200])
    with pytest.raises(LoadError) as info:
        detect_encoding(path)
    assert font in info.value.message


def test_a_cover_sheet_in_front_of_the_data_is_passed_over() -> None:
    from tests.datastore.factories import loaded
    from tests.datastore.files.make_messy import xlsx_bytes

    workbook = xlsx_bytes(
        [["HƯỚNG DẪN SỬ DỤNG"], ["Số liệu ở trang tính “Số liệu”."], ["Đơn vị tính: người"]],
        sheet="Hướng dẫn",
        extra_sheets={"Số liệu": [["Xã", "Dân số"], ["Xã Nghi Liên", 1200], ["Xã Kỳ Sơn", 800]]},
    )
    table = loaded(workbook, "bao-cao.xlsx")
    assert table.status == "active", table.error
    assert table.detected["sheet"] == "Số liệu"
    assert table.detected["sheets"] == ["Hướng dẫn", "Số liệu"]  # the other stays choosable
    assert [(f["id"], f["type"]) for f in table.fields] == [("xa", "text"), ("dan_so", "int")]
