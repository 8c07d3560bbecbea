"""The CKAN DataStore actions through /api/3/action/, answering like CKAN."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tests.catalog.factories import DatasetFactory, OrganizationMemberFactory
from tests.core.factories import UserFactory
from tests.datastore.factories import loaded
from tinhso.core.services import token_create
from tinhso.datastore.models import DatastoreTable

pytestmark = pytest.mark.django_db

CSV = (
    "Tỉnh,Huyện,Năm,Dân số,Tỷ lệ,Ngày cập nhật\n"
    "Thanh Hóa,Thọ Xuân,2023,233000,1.5,05/03/2024\n"
    "Thanh Hóa,Nông Cống,2023,187000,0.9,06/03/2024\n"
    "Nghệ An,Diễn Châu,2023,290000,1.1,07/03/2024\n"
    "Nghệ An,Quỳnh Lưu,2022,280000,,08/03/2024\n"
).encode()


@pytest.fixture
def table() -> DatastoreTable:
    t = loaded(CSV)
    assert t.status == "active", t.error
    return t


def call(
    client: Client, action: str, verb: str = "get", token: str = "", **params: Any
) -> tuple[int, dict[str, Any]]:
    url = f"/api/3/action/{action}"
    headers = {"HTTP_AUTHORIZATION": token} if token else {}
    if verb == "get":
        data = {k: (json.dumps(v) if isinstance(v, dict | list) else v) for k, v in params.items()}
        response = client.get(url, data, **headers)
    else:
        response = client.post(url, json.dumps(params), content_type="application/json", **headers)
    return response.status_code, response.json()


def test_datastore_search_answers_with_the_ckan_envelope(
    client: Client, table: DatastoreTable
) -> None:
    status, body = call(client, "datastore_search", resource_id=str(table.resource_id))
    assert status == 200 and body["success"] is True
    assert body["help"].endswith("help_show?name=datastore_search")
    result = body["result"]
    assert result["total"] == 4
    assert result["fields"][0] == {"id": "_id", "type": "int"}
    # PostgreSQL's name for the (bigint) column, as CKAN reports it; "_id" is "int" in CKAN
    assert {"id": "dan_so", "type": "int8", "info": {"label": "Dân số"}} in result["fields"]
    assert result["records"][0]["huyen"] == "Thọ Xuân"
    assert result["_links"]["next"].startswith("/api/3/action/datastore_search?")
    assert "offset=100" in result["_links"]["next"]


def test_the_api_action_alias_works(client: Client, table: DatastoreTable) -> None:
    response = client.get("/api/action/datastore_search", {"resource_id": str(table.resource_id)})
    assert response.status_code == 200 and response.json()["result"]["total"] == 4


def test_filters_sort_fields_limit_offset(client: Client, table: DatastoreTable) -> None:
    status, body = call(
        client,
        "datastore_search",
        resource_id=str(table.resource_id),
        filters={"tinh": "Thanh Hóa"},
        sort="dan_so desc",
        fields="huyen,dan_so",
        limit=1,
        offset=1,
    )
    assert status == 200, body
    result = body["result"]
    assert result["total"] == 2
    assert result["records"] == [{"huyen": "Nông Cống", "dan_so": 187000}]
    assert [f["id"] for f in result["fields"]] == ["huyen", "dan_so"]


def test_filters_accept_lists_and_original_labels(client: Client, table: DatastoreTable) -> None:
    _status, body = call(
        client,
        "datastore_search",
        verb="post",
        resource_id=str(table.resource_id),
        filters={"Huyện": ["Thọ Xuân", "Quỳnh Lưu"]},
    )
    assert body["result"]["total"] == 2


def test_q_text_and_per_field(client: Client, table: DatastoreTable) -> None:
    _s, body = call(client, "datastore_search", resource_id=str(table.resource_id), q="châu")
    assert [r["huyen"] for r in body["result"]["records"]] == ["Diễn Châu"]
    _s, body = call(
        client, "datastore_search", resource_id=str(table.resource_id), q={"huyen": "Nông"}
    )
    assert [r["huyen"] for r in body["result"]["records"]] == ["Nông Cống"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("nong cong", ["Nông Cống"]),
        ("NÔNG CỐNG", ["Nông Cống"]),
        ("dien", ["Diễn Châu"]),
        ("nghe an", ["Diễn Châu", "Quỳnh Lưu"]),
        ("quynh luu", ["Quỳnh Lưu"]),
        ("thanh hoa", ["Thọ Xuân", "Nông Cống"]),
        ("tho xuan", ["Thọ Xuân"]),
        ("100%", []),
        ("n_ng", []),
    ],
)
def test_q_ignores_case_and_diacritics(
    client: Client, table: DatastoreTable, q: str, expected: list[str]
) -> None:
    _s, body = call(client, "datastore_search", resource_id=str(table.resource_id), q=q)
    assert [r["huyen"] for r in body["result"]["records"]] == expected
    assert body["result"]["total"] == len(expected)


def test_q_per_field_ignores_diacritics(client: Client, table: DatastoreTable) -> None:
    _s, body = call(
        client, "datastore_search", resource_id=str(table.resource_id), q={"tinh": "hoa"}
    )
    assert [r["huyen"] for r in body["result"]["records"]] == ["Thọ Xuân", "Nông Cống"]
    _s, body = call(
        client, "datastore_search", resource_id=str(table.resource_id), q={"huyen": "hoa"}
    )
    assert body["result"]["records"] == []


def test_distinct(client: Client, table: DatastoreTable) -> None:
    _s, body = call(
        client,
        "datastore_search",
        resource_id=str(table.resource_id),
        fields=["tinh"],
        distinct="true",
        sort="tinh",
    )
    assert body["result"]["records"] == [{"tinh": "Nghệ An"}, {"tinh": "Thanh Hóa"}]
    assert body["result"]["total"] == 2


def test_records_format_lists_csv_tsv(client: Client, table: DatastoreTable) -> None:
    rid = str(table.resource_id)
    _s, body = call(
        client,
        "datastore_search",
        resource_id=rid,
        records_format="lists",
        fields="huyen,nam",
        limit=1,
    )
    assert body["result"]["records"] == [["Thọ Xuân", 2023]]
    _s, body = call(
        client,
        "datastore_search",
        resource_id=rid,
        records_format="csv",
        fields="huyen,nam",
        limit=2,
    )
    assert body["result"]["records"] == "Thọ Xuân,2023\nNông Cống,2023\n"
    _s, body = call(
        client,
        "datastore_search",
        resource_id=rid,
        records_format="tsv",
        fields="huyen,nam",
        limit=1,
    )
    assert body["result"]["records"] == "Thọ Xuân\t2023\n"


def test_include_total_false_omits_total(client: Client, table: DatastoreTable) -> None:
    _s, body = call(
        client, "datastore_search", resource_id=str(table.resource_id), include_total="false"
    )
    assert "total" not in body["result"]


def test_total_is_exact_whatever_the_estimation_threshold(
    client: Client, table: DatastoreTable
) -> None:
    rid = str(table.resource_id)
    _s, body = call(client, "datastore_search", resource_id=rid, total_estimation_threshold=1)
    result = body["result"]
    assert result["total"] == table.row_count and result["total_was_estimated"] is False
    assert result["total_estimation_threshold"] == 1
    _s, body = call(
        client,
        "datastore_search",
        resource_id=rid,
        filters=json.dumps({"huyen": "Thọ Xuân"}),
        total_estimation_threshold=0,
    )
    assert body["result"]["total"] == 1 and body["result"]["total_was_estimated"] is False
    status, body = call(client, "datastore_search", resource_id=rid, total_estimation_threshold=-5)
    assert status == 409 and "total_estimation_threshold" in body["error"]


def test_limit_above_the_cap_is_lowered_to_the_cap(client: Client, table: DatastoreTable) -> None:
    # as CKAN's limit_to_configured_maximum validator does
    status, body = call(client, "datastore_search", resource_id=str(table.resource_id), limit=32001)
    assert status == 200 and body["result"]["limit"] == 32000
    status, body = call(client, "datastore_search", resource_id=str(table.resource_id), limit=-1)
    assert status == 409
    assert body["error"]["__type"] == "Validation Error" and "limit" in body["error"]


def test_unknown_resource_is_404(client: Client) -> None:
    status, body = call(
        client, "datastore_search", resource_id="00000000-0000-0000-0000-000000000000"
    )
    assert status == 404 and body["error"]["__type"] == "Not Found Error"


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("sort", "dan_so; DROP TABLE catalog_dataset"),
        ("sort", "dan_so desc, (SELECT 1)"),
        ("sort", '"dan_so" desc nulls first'),
        ("fields", 'huyen,"dan_so"; --'),
        ("fields", "pg_read_file('/etc/passwd')"),
        ("filters", {"dan_so = 1 OR 1=1 --": "x"}),
        ("filters", {"dan_so": "1 OR 1=1"}),
        ("filters", {"huyen": {"$gt": 1}}),
        ("q", {"huyen' OR '1'='1": "x"}),
    ],
)
def test_sql_injection_in_parameters_gets_a_validation_error(
    client: Client, table: DatastoreTable, param: str, value: Any
) -> None:
    status, body = call(
        client, "datastore_search", resource_id=str(table.resource_id), **{param: value}
    )
    assert status == 409, body
    assert body["success"] is False and body["error"]["__type"] == "Validation Error"
    assert param in body["error"]
    status, body = call(client, "datastore_search", resource_id=str(table.resource_id))
    assert body["result"]["total"] == 4  # nothing changed


def test_q_with_sql_is_just_text(client: Client, table: DatastoreTable) -> None:
    status, body = call(
        client, "datastore_search", resource_id=str(table.resource_id), q="' OR 1=1 --"
    )
    assert status == 200 and body["result"]["total"] == 0


def test_private_dataset_table_is_refused_to_anonymous(client: Client) -> None:
    # 403 as CKAN's check_access and the catalogue's resource_show answer for it
    t = loaded(CSV, dataset=DatasetFactory(private=True))
    for action in ("datastore_search", "datastore_info"):
        status, body = call(client, action, resource_id=str(t.resource_id))
        assert status == 403 and body["error"]["__type"] == "Authorization Error", body
        assert str(t.resource_id) in body["error"]["message"]
        assert "records" not in body and "result" not in body
    status, body = call(client, "datastore_search_sql", sql=f'SELECT * FROM "{t.resource_id}"')
    assert status == 409 and "quyền" in body["error"]["query"][0]


def test_datastore_info(client: Client, table: DatastoreTable) -> None:
    status, body = call(client, "datastore_info", resource_id=str(table.resource_id))
    assert status == 200
    assert body["result"]["meta"]["count"] == 4
    ty_le = next(f for f in body["result"]["fields"] if f["id"] == "ty_le")
    assert ty_le["type"] == "numeric" and ty_le["info"] == {"label": "Tỷ lệ"}
    assert ty_le["schema"]["is_index"] is True


# ---------------------------------------------------------------- datastore_search_sql


def test_search_sql_select_with_aggregate(client: Client, table: DatastoreTable) -> None:
    sql = f'SELECT tinh, SUM(dan_so) AS tong FROM "{table.resource_id}" GROUP BY tinh ORDER BY tinh'
    status, body = call(client, "datastore_search_sql", sql=sql)
    assert status == 200, body
    assert body["result"]["records"] == [
        {"tinh": "Nghệ An", "tong": 570000},
        {"tinh": "Thanh Hóa", "tong": 420000},
    ]
    assert [f["id"] for f in body["result"]["fields"]] == ["tinh", "tong"]


def test_search_sql_allows_cte_join_and_ilike(client: Client, table: DatastoreTable) -> None:
    rid = table.resource_id
    sql = (
        f"WITH t AS (SELECT * FROM \"{rid}\" WHERE huyen ILIKE '%châu%') "
        f'SELECT a.huyen, b.nam FROM t a JOIN "{rid}" b ON a._id = b._id'
    )
    status, body = call(client, "datastore_search_sql", sql=sql)
    assert status == 200, body
    assert body["result"]["records"] == [{"huyen": "Diễn Châu", "nam": 2023}]


@pytest.mark.parametrize(
    ("sql", "fragment"),
    [
        ('DELETE FROM "{rid}"', "SELECT"),
        ('UPDATE "{rid}" SET nam = 1', "SELECT"),
        ('DROP TABLE "{rid}"', "SELECT"),
        ('SELECT 1; DROP TABLE "{rid}"', "một câu lệnh"),
        ('SELECT * FROM "{rid}"; SELECT 1', "một câu lệnh"),
        ("SELECT pg_read_file('/etc/passwd')", "pg_read_file"),
        ("SELECT lo_import('/etc/passwd')", "lo_import"),
        ('SELECT pg_sleep(10) FROM "{rid}"', "pg_sleep"),
        ("SELECT * FROM pg_catalog.pg_user", "DataStore"),
        ("SELECT * FROM core_user", "DataStore"),
        ("SELECT * FROM sqlite_master", "DataStore"),
        ("SELECT * FROM information_schema.tables", "DataStore"),
        ('SELECT * INTO copy FROM "{rid}"', "INTO"),
        ('SELECT * FROM "{rid}" FOR UPDATE', "FOR UPDATE"),
        ("SELECT * FROM generate_series(1, 100000000)", "generate_series"),
        ('SELECT * FROM "{rid}" WHERE huyen IN (SELECT username FROM core_user)', "DataStore"),
        ("COPY (SELECT 1) TO '/tmp/x'", "SELECT"),
        ("SELECT 1", "ít nhất một bảng"),
        ("SELEC * FROM x", "SQL"),
    ],
)
def test_unsafe_sql_is_refused(
    client: Client, table: DatastoreTable, sql: str, fragment: str
) -> None:
    status, body = call(client, "datastore_search_sql", sql=sql.format(rid=table.resource_id))
    assert status == 409, body
    assert body["error"]["__type"] == "Validation Error"
    assert fragment in body["error"]["query"][0]
    _s, body = call(client, "datastore_search", resource_id=str(table.resource_id))
    assert body["result"]["total"] == 4


def test_long_running_sql_is_stopped(client: Client, table: DatastoreTable, settings: Any) -> None:
    settings.DATASTORE_SQL_TIMEOUT_MS = 200
    rid = table.resource_id
    sql = (
        f'WITH RECURSIVE n(i) AS (SELECT MIN(_id) FROM "{rid}" UNION ALL SELECT i + 1 FROM n) '
        f"SELECT COUNT(*) FROM n"
    )
    status, body = call(client, "datastore_search_sql", sql=sql)
    assert status == 409, body
    assert "quá" in body["error"]["query"][0]


def test_search_sql_is_truncated_at_the_row_cap(
    client: Client, table: DatastoreTable, settings: Any
) -> None:
    settings.DATASTORE_SEARCH_ROWS_MAX = 2
    _s, body = call(client, "datastore_search_sql", sql=f'SELECT huyen FROM "{table.resource_id}"')
    assert len(body["result"]["records"]) == 2 and body["result"]["records_truncated"] is True


# ---------------------------------------------------------------- writes with tokens


@pytest.fixture
def editor_token(table: DatastoreTable) -> str:
    user = UserFactory()
    OrganizationMemberFactory(organization=table.resource.dataset.organization, user=user)
    _token, key = token_create(user=user, name="thử")
    return key


def test_writes_need_a_token(client: Client, table: DatastoreTable) -> None:
    status, body = call(client, "datastore_delete", verb="post", resource_id=str(table.resource_id))
    assert status == 403 and body["error"]["__type"] == "Authorization Error"


def test_writes_by_a_non_member_are_refused(client: Client, table: DatastoreTable) -> None:
    _t, key = token_create(user=UserFactory(), name="khác")
    status, _body = call(
        client,
        "datastore_upsert",
        verb="post",
        token=key,
        resource_id=str(table.resource_id),
        records=[{"huyen": "X"}],
        method="insert",
    )
    assert status == 403


def test_create_upsert_delete_cycle(
    client: Client, table: DatastoreTable, editor_token: str
) -> None:
    from tinhso.catalog.models import Resource

    other = Resource.objects.create(
        dataset=table.resource.dataset, name="API", url="https://example.vn/api", format="API"
    )
    rid = str(other.pk)
    status, body = call(
        client,
        "datastore_create",
        verb="post",
        token=editor_token,
        resource_id=rid,
        fields=[
            {"id": "ma", "type": "text"},
            {"id": "Số lượng", "type": "int4"},
            {"id": "ngày", "type": "date"},
        ],
        primary_key="ma",
        records=[{"ma": "A", "Số lượng": 1, "ngày": "2024-03-05"}],
    )
    assert status == 200, body
    status, body = call(
        client,
        "datastore_upsert",
        verb="post",
        token=editor_token,
        resource_id=rid,
        records=[{"ma": "A", "Số lượng": 5}, {"ma": "B", "Số lượng": 2}],
        method="upsert",
    )
    assert status == 200, body
    _s, body = call(client, "datastore_search", resource_id=rid, sort="ma")
    assert [(r["ma"], r["Số lượng"], r["ngày"]) for r in body["result"]["records"]] == [
        ("A", 5, "2024-03-05"),
        ("B", 2, None),
    ]
    status, body = call(
        client,
        "datastore_upsert",
        verb="post",
        token=editor_token,
        resource_id=rid,
        records=[{"ma": "C", "Số lượng": "nhiều"}],
        method="insert",
    )
    assert status == 409 and "records" in body["error"]
    status, _body = call(
        client,
        "datastore_delete",
        verb="post",
        token=editor_token,
        resource_id=rid,
        filters={"ma": "A"},
    )
    assert status == 200
    _s, body = call(client, "datastore_search", resource_id=rid)
    assert body["result"]["total"] == 1
    status, _body = call(
        client, "datastore_delete", verb="post", token=editor_token, resource_id=rid
    )
    assert status == 200
    status, _body = call(client, "datastore_search", resource_id=rid)
    assert status == 404


def test_create_rejects_unsafe_field_ids(
    client: Client, table: DatastoreTable, editor_token: str
) -> None:
    from tinhso.catalog.models import Resource

    other = Resource.objects.create(
        dataset=table.resource.dataset, name="API", url="https://example.vn/api", format="API"
    )
    status, body = call(
        client,
        "datastore_create",
        verb="post",
        token=editor_token,
        resource_id=str(other.pk),
        fields=[{"id": 'x"; DROP TABLE core_user; --', "type": "text"}],
    )
    assert status == 409 and "fields" in body["error"]
