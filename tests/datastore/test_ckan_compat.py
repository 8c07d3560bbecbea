"""Details of the CKAN DataStore answers that a CKAN client relies on, found by trying the
demo as a new user (messages, column names of datastore_search_sql, error shapes)."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from tests.datastore.factories import loaded, resource_with_file
from tests.datastore.test_ckan_api import CSV, call
from tinhso.datastore.models import DatastoreTable
from tinhso.datastore.services import datastore_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def table() -> DatastoreTable:
    t = loaded(CSV)
    assert t.status == "active", t.error
    return t


def test_unknown_resource_message_says_not_found_once(client: Client) -> None:
    rid = str(uuid.uuid4())
    status, body = call(client, "datastore_search", resource_id=rid)
    assert status == 404
    assert body["error"] == {
        "__type": "Not Found Error",
        "message": f"Không tìm thấy: tài nguyên “{rid}”",
    }


def test_search_of_a_failed_load_names_the_load_error(client: Client) -> None:
    resource = resource_with_file("Xã,Số hộ\nA,1\nB,2,3\n".encode())
    table = datastore_load(resource=resource)
    assert table.status == "failed"
    for action in ("datastore_search", "datastore_info"):
        status, body = call(client, action, resource_id=str(resource.pk))
        assert status == 404
        message = body["error"]["message"]
        assert "lần nạp gần nhất thất bại" in message and "Dòng 3" in message


def test_search_while_queued_says_to_come_back(client: Client) -> None:
    resource = resource_with_file(b"a,b\n1,2\n")
    DatastoreTable.objects.update_or_create(
        resource=resource, defaults={"status": DatastoreTable.Status.QUEUED}
    )
    status, body = call(client, "datastore_search", resource_id=str(resource.pk))
    assert status == 404 and "đang được nạp" in body["error"]["message"]


def test_sql_output_columns_are_named_as_postgresql_names_them(
    client: Client, table: DatastoreTable
) -> None:
    sql = (
        f'SELECT tinh, sum(dan_so), count(*), max(nam)::text, 1 FROM "{table.resource_id}" '
        "GROUP BY tinh ORDER BY tinh"
    )
    status, body = call(client, "datastore_search_sql", sql=sql)
    assert status == 200, body
    result = body["result"]
    assert [f["id"] for f in result["fields"]] == ["tinh", "sum", "count", "max", "?column?"]
    assert result["records"][0] == {
        "tinh": "Nghệ An",
        "sum": 570000,
        "count": 2,
        "max": "2023",
        "?column?": 1,
    }
    assert result["sql"] == sql


def test_sql_that_is_not_a_statement_gets_a_syntax_message(
    client: Client, table: DatastoreTable
) -> None:
    status, body = call(client, "datastore_search_sql", sql="SELEC nonsense")
    assert status == 409
    assert body["error"]["__type"] == "Validation Error"
    assert "phải bắt đầu bằng SELECT hoặc WITH" in body["error"]["query"][0]


def test_refused_function_is_named_as_written(client: Client, table: DatastoreTable) -> None:
    status, body = call(
        client, "datastore_search_sql", sql=f'SELECT version() FROM "{table.resource_id}"'
    )
    assert status == 409
    assert body["error"]["query"] == ["Hàm version không được phép trong datastore_search_sql."]


def test_full_text_searches_every_column_numbers_included(
    client: Client, table: DatastoreTable
) -> None:
    rid = str(table.resource_id)
    status, body = call(client, "datastore_search", resource_id=rid, full_text="290000")
    assert status == 200, body
    assert [r["huyen"] for r in body["result"]["records"]] == ["Diễn Châu"]
    assert body["result"]["full_text"] == "290000"
    # a text q does the same, as in CKAN ("it'll search on all fields on each row")
    status, body = call(client, "datastore_search", resource_id=rid, q="290000")
    assert [r["huyen"] for r in body["result"]["records"]] == ["Diễn Châu"]
    status, body = call(client, "datastore_search", resource_id=rid, q="2022")
    assert [r["huyen"] for r in body["result"]["records"]] == ["Quỳnh Lưu"]
    status, body = call(client, "datastore_search", resource_id=rid, full_text="nong cong")
    assert [r["huyen"] for r in body["result"]["records"]] == ["Nông Cống"]


def test_unknown_search_parameters_are_refused_as_ckan_does(
    client: Client, table: DatastoreTable
) -> None:
    status, body = call(
        client, "datastore_search", resource_id=str(table.resource_id), filter={"tinh": "x"}
    )
    assert status == 409
    assert body["error"]["__type"] == "Validation Error"
    assert "filter" in body["error"]["__junk"][0]
    # the parameters CKAN accepts without tinhso needing them are still accepted
    status, body = call(
        client,
        "datastore_search",
        resource_id=str(table.resource_id),
        plain="false",
        language="simple",
        q="nghe",
    )
    assert status == 200 and body["result"]["total"] == 2


def test_inserting_a_duplicate_primary_key_is_a_validation_error(
    client: Client, table: DatastoreTable
) -> None:
    from tests.catalog.factories import OrganizationMemberFactory
    from tests.core.factories import UserFactory
    from tinhso.catalog.models import Resource
    from tinhso.core.services import token_create

    user = UserFactory()
    OrganizationMemberFactory(organization=table.resource.dataset.organization, user=user)
    _token, key = token_create(user=user, name="thử")
    other = Resource.objects.create(
        dataset=table.resource.dataset, name="API", url="https://example.vn/api", format="API"
    )
    rid = str(other.pk)
    status, body = call(
        client,
        "datastore_create",
        verb="post",
        token=key,
        resource_id=rid,
        fields=[{"id": "ma", "type": "text"}, {"id": "so", "type": "int"}],
        primary_key=["ma"],
        records=[{"ma": "X1", "so": 1}],
    )
    assert status == 200, body
    status, body = call(
        client,
        "datastore_upsert",
        verb="post",
        token=key,
        resource_id=rid,
        method="insert",
        records=[{"ma": "X1", "so": 2}],
    )
    assert status == 409, body
    assert body["error"]["__type"] == "Validation Error"
    assert "ma = X1" in body["error"]["records"][0]
    status, body = call(
        client,
        "datastore_create",
        verb="post",
        token=key,
        resource_id=rid,
        records=[{"ma": "X2", "so": 1}, {"ma": "X2", "so": 2}],
    )
    assert status == 409, body
    assert "trùng khoá chính (ma)" in body["error"]["records"][0]
    status, body = call(client, "datastore_search", resource_id=rid)
    assert [(r["ma"], r["so"]) for r in body["result"]["records"]] == [("X1", 1)]


def test_sql_columns_keep_their_field_types_on_both_engines(client: Client) -> None:
    t = loaded(
        "Xã,Ngày,Đạt,Tỷ lệ\nXã Nghi Liên,05/03/2024,có,1.5\nXã Kỳ Sơn,06/03/2024,không,2\n".encode()
    )
    assert [f["type"] for f in t.fields] == ["text", "date", "bool", "numeric"]
    sql = (
        f'SELECT d.xa, ngay, dat AS dat_chuan, ty_le, count(*) AS dat FROM "{t.resource_id}" d '
        "GROUP BY d.xa, ngay, dat, ty_le ORDER BY ngay"
    )
    status, body = call(client, "datastore_search_sql", sql=sql)
    assert status == 200, body
    result = body["result"]
    assert [(f["id"], f["type"]) for f in result["fields"]] == [
        ("xa", "text"),
        ("ngay", "date"),
        ("dat_chuan", "bool"),
        ("ty_le", "numeric"),
        ("dat", "int8"),  # an expression named like a column is not that column
    ]
    assert result["records"][0] == {
        "xa": "Xã Nghi Liên",
        "ngay": "2024-03-05",
        "dat_chuan": True,
        "ty_le": 1.5,
        "dat": 1,
    }


def test_table_metadata_lists_the_readable_tables(client: Client, table: DatastoreTable) -> None:
    from tests.catalog.factories import DatasetFactory

    hidden = loaded(CSV, dataset=DatasetFactory(private=True))
    status, body = call(client, "datastore_search", resource_id="_table_metadata")
    assert status == 200, body
    result = body["result"]
    names = [r["name"] for r in result["records"]]
    assert str(table.resource_id) in names
    assert str(hidden.resource_id) not in names  # private: not for anonymous
    assert result["total"] == len(names)
    assert [f["id"] for f in result["fields"]] == ["_id", "name", "alias_of", "oid"]


@pytest.mark.parametrize(
    "expr", ["repeat(tinh, 500000000)", "repeat('x', nam)", "repeat('x', 1001)"]
)
def test_repeat_cannot_fill_the_memory(client: Client, table: DatastoreTable, expr: str) -> None:
    status, body = call(
        client, "datastore_search_sql", sql=f'SELECT {expr} FROM "{table.resource_id}"'
    )
    assert status == 409
    assert "repeat() chỉ được dùng với số lần là một số không quá 1.000." in body["error"]["query"]


def test_small_repeat_is_allowed_on_postgresql(client: Client, table: DatastoreTable) -> None:
    from django.db import connection

    status, body = call(
        client,
        "datastore_search_sql",
        sql=f"""SELECT repeat('*', 3) AS sao FROM "{table.resource_id}" LIMIT 1""",
    )
    if connection.vendor == "postgresql":
        assert status == 200 and body["result"]["records"] == [{"sao": "***"}]
    else:  # SQLite has no repeat(): refused by its authorizer, saying so
        assert status == 409 and body["error"]["query"] == [
            "Hàm repeat không dùng được với cơ sở dữ liệu SQLite của máy chủ này."
        ]


def test_distinct_sorted_by_a_column_not_returned_is_a_validation_error(
    client: Client, table: DatastoreTable
) -> None:
    rid = str(table.resource_id)
    status, body = call(
        client, "datastore_search", resource_id=rid, distinct=True, fields="tinh", sort="dan_so"
    )
    assert status == 409, body
    assert "distinct" in body["error"]["sort"][0] and "dan_so" in body["error"]["sort"][0]
    status, body = call(
        client, "datastore_search", resource_id=rid, distinct=True, fields="tinh", sort="tinh desc"
    )
    assert status == 200
    assert body["result"]["records"] == [{"tinh": "Thanh Hóa"}, {"tinh": "Nghệ An"}]


@pytest.mark.parametrize("param", ["limit", "offset"])
def test_a_non_integer_limit_or_offset_is_named(
    client: Client, table: DatastoreTable, param: str
) -> None:
    status, body = call(
        client, "datastore_search", resource_id=str(table.resource_id), **{param: "abc"}
    )
    assert status == 409 and body["error"][param] == [f"{param} phải là số nguyên."]
