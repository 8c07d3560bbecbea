"""The shapes of the CKAN DataStore answers, key by key against CKAN 2.10/2.11
(ckanext/datastore/logic/action.py and backend/postgres.py), on both engines."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client

from tests.catalog.factories import OrganizationMemberFactory
from tests.core.factories import UserFactory
from tests.datastore.factories import loaded
from tests.datastore.test_ckan_api import CSV, call
from tinhso.catalog.models import Resource
from tinhso.core.services import token_create
from tinhso.datastore.models import DatastoreTable

pytestmark = pytest.mark.django_db

SCHEMA_KEYS = {"native_type", "notnull", "index_name", "is_index", "uniquekey"}


@pytest.fixture
def table() -> DatastoreTable:
    t = loaded(CSV)
    assert t.status == "active", t.error
    return t


@pytest.fixture
def editor_token(table: DatastoreTable) -> str:
    user = UserFactory()
    OrganizationMemberFactory(organization=table.resource.dataset.organization, user=user)
    _token, key = token_create(user=user, name="thử")
    return key


def _api_resource(table: DatastoreTable) -> str:
    other = Resource.objects.create(
        dataset=table.resource.dataset, name="API", url="https://example.vn/api", format="API"
    )
    return str(other.pk)


# ------------------------------------------------------------------------ datastore_info


def test_info_meta_has_ckans_keys_with_sizes(client: Client, table: DatastoreTable) -> None:
    status, body = call(client, "datastore_info", id=str(table.resource_id))
    assert status == 200, body
    meta = body["result"]["meta"]
    assert {"id", "count", "table_type", "aliases", "size", "idx_size", "db_size"} <= set(meta)
    assert meta["id"] == str(table.resource_id) and meta["count"] == 4
    assert meta["table_type"] == "BASE TABLE" and meta["aliases"] == []
    assert meta["db_size"] > 0
    if connection.vendor == "postgresql":  # SQLite builds without dbstat answer null
        assert meta["size"] > 0 and meta["idx_size"] > 0


def test_info_fields_carry_the_database_schema(client: Client, table: DatastoreTable) -> None:
    status, body = call(client, "datastore_info", resource_id=str(table.resource_id))
    assert status == 200, body
    fields = {f["id"]: f for f in body["result"]["fields"]}
    assert "_id" not in fields  # CKAN leaves out the "_"-prefixed columns
    assert list(fields) == [f["id"] for f in table.fields]
    for f in fields.values():
        assert set(f["schema"]) == SCHEMA_KEYS, f
    dan_so = fields["dan_so"]
    assert dan_so["type"] == "int8" and dan_so["info"] == {"label": "Dân số"}
    assert dan_so["schema"]["native_type"] == (
        "bigint" if connection.vendor == "postgresql" else "INTEGER"
    )
    assert dan_so["schema"]["notnull"] is False and dan_so["schema"]["uniquekey"] is False
    indexed = [f for f in table.fields if f.get("indexed")]
    assert indexed, table.fields
    for f in table.fields:
        schema = fields[f["id"]]["schema"]
        assert schema["is_index"] is bool(f.get("indexed")), f
        assert (schema["index_name"] is not None) is bool(f.get("indexed"))


def test_info_primary_key_columns_are_unique_keys(
    client: Client, table: DatastoreTable, editor_token: str
) -> None:
    rid = _api_resource(table)
    status, body = call(
        client,
        "datastore_create",
        verb="post",
        token=editor_token,
        resource_id=rid,
        fields=[{"id": "ma", "type": "text"}, {"id": "so", "type": "int"}],
        primary_key=["ma"],
        indexes=["so"],
    )
    assert status == 200, body
    _s, body = call(client, "datastore_info", id=rid)
    fields = {f["id"]: f["schema"] for f in body["result"]["fields"]}
    assert fields["ma"]["uniquekey"] is True and fields["ma"]["is_index"] is True
    assert fields["so"]["uniquekey"] is False and fields["so"]["is_index"] is True
    assert "info" not in body["result"]["fields"][0]  # no data dictionary given


# ---------------------------------------------------------------------- datastore_search


def test_links_of_a_post_keep_its_filters(client: Client, table: DatastoreTable) -> None:
    # ckanapi and Frictionless follow _links.next to page; a POST's JSON filters must
    # survive in it, or the second page would be of the unfiltered table.
    rid = str(table.resource_id)
    status, body = call(
        client,
        "datastore_search",
        verb="post",
        resource_id=rid,
        filters={"tinh": "Nghệ An"},
        q={"huyen": "q"},
        fields=["huyen", "tinh"],
        limit=1,
        include_total=False,
    )
    assert status == 200, body
    first = body["result"]
    assert [r["huyen"] for r in first["records"]] == ["Quỳnh Lưu"]
    link = first["_links"]["next"]
    query = parse_qs(urlsplit(link).query)
    assert query["offset"] == ["1"] and query["include_total"] == ["false"]
    assert json.loads(query["filters"][0]) == {"tinh": "Nghệ An"}
    response = client.get(link)
    assert response.status_code == 200, response.content
    assert response.json()["result"]["records"] == []  # only one row matches q and filters
    status, body = call(
        client, "datastore_search", verb="post", resource_id=rid, filters={"tinh": "Nghệ An"}
    )
    everything = body["result"]
    assert everything["total"] == 2
    _s, body = call(
        client,
        "datastore_search",
        verb="post",
        resource_id=rid,
        filters={"tinh": "Nghệ An"},
        limit=1,
    )
    second = client.get(body["result"]["_links"]["next"]).json()["result"]
    assert second["records"] == everything["records"][1:]
    assert "prev" in second["_links"] and "prev" not in body["result"]["_links"]


def test_links_follow_the_path_the_client_called(client: Client, table: DatastoreTable) -> None:
    response = client.get("/api/action/datastore_search", {"resource_id": str(table.resource_id)})
    links = response.json()["result"]["_links"]
    assert links["start"].startswith("/api/action/datastore_search?")
    assert links["next"].startswith("/api/action/datastore_search?")


def test_search_echoes_the_validated_parameters(client: Client, table: DatastoreTable) -> None:
    status, body = call(
        client,
        "datastore_search",
        resource_id=str(table.resource_id),
        q="thanh",
        plain="false",
        language="simple",
        distinct="true",
        fields="tinh",
    )
    assert status == 200, body
    result = body["result"]
    assert result["plain"] is False and result["language"] == "simple"
    assert result["distinct"] is True and result["q"] == "thanh"
    assert result["records_format"] == "objects" and result["include_total"] is True
    assert result["total_estimation_threshold"] is None and result["limit"] == 100
    assert result["fields"] == [{"id": "tinh", "type": "text", "info": {"label": "Tỉnh"}}]


# ---------------------------------------------------------------------- datastore_upsert


def test_upsert_dry_run_checks_but_keeps_nothing(
    client: Client, table: DatastoreTable, editor_token: str
) -> None:
    rid = _api_resource(table)
    status, body = call(
        client,
        "datastore_create",
        verb="post",
        token=editor_token,
        resource_id=rid,
        fields=[{"id": "ma", "type": "text"}, {"id": "so", "type": "int"}],
        primary_key="ma",
        records=[{"ma": "A", "so": 1}],
    )
    assert status == 200, body
    status, body = call(
        client,
        "datastore_upsert",
        verb="post",
        token=editor_token,
        resource_id=rid,
        method="upsert",
        dry_run=True,
        records=[{"ma": "A", "so": 5}, {"ma": "B", "so": 2}],
    )
    assert status == 200, body
    assert body["result"]["dry_run"] is True
    _s, body = call(client, "datastore_search", resource_id=rid)
    assert body["result"]["total"] == 1
    assert [(r["ma"], r["so"]) for r in body["result"]["records"]] == [("A", 1)]
    assert DatastoreTable.objects.get(resource_id=rid).row_count == 1
    # a bad record is still refused as without dry_run
    status, body = call(
        client,
        "datastore_upsert",
        verb="post",
        token=editor_token,
        resource_id=rid,
        method="insert",
        dry_run="true",
        records=[{"ma": "C", "so": "nhiều"}],
    )
    assert status == 409 and "records" in body["error"]


# ------------------------------------------------------------- datastore_active on resources


def _datastore_active(client: Client, resource_id: str, dataset_name: str) -> set[bool]:
    """datastore_active of the resource as resource_show, package_show and package_search
    answer it."""
    seen = set()
    _s, body = call(client, "resource_show", id=resource_id)
    seen.add(body["result"]["datastore_active"])
    for action, params in (
        ("package_show", {"id": dataset_name}),
        ("package_search", {"fq": f"name:{dataset_name}"}),
    ):
        _s, body = call(client, action, **params)
        result = body["result"]
        dataset = result if action == "package_show" else result["results"][0]
        seen.update(r["datastore_active"] for r in dataset["resources"] if r["id"] == resource_id)
    return seen


def test_resources_say_whether_the_datastore_answers_for_them(
    client: Client, table: DatastoreTable, editor_token: str
) -> None:
    dataset = table.resource.dataset
    assert _datastore_active(client, str(table.resource_id), dataset.name) == {True}
    rid = _api_resource(table)
    assert _datastore_active(client, rid, dataset.name) == {False}
    status, body = call(
        client,
        "datastore_create",
        verb="post",
        token=editor_token,
        resource_id=rid,
        fields=[{"id": "ma", "type": "text"}],
    )
    assert status == 200, body
    assert _datastore_active(client, rid, dataset.name) == {True}
    status, body = call(
        client, "datastore_delete", verb="post", token=editor_token, resource_id=rid
    )
    assert status == 200, body
    assert _datastore_active(client, rid, dataset.name) == {False}


# ---------------------------------------------------------------------- datastore_create


def test_create_with_a_resource_dict_as_frictionless_writes(
    client: Client, table: DatastoreTable, editor_token: str
) -> None:
    # frictionless-py's CKAN storage: datastore_create(resource={package_id, name}, fields,
    # primary_key), then package_show to find it by name, datastore_search limit=0 for its
    # schema, and datastore_upsert(method=insert).
    dataset = table.resource.dataset
    status, body = call(
        client,
        "datastore_create",
        verb="post",
        token=editor_token,
        resource={"package_id": dataset.name, "name": "bang-moi", "format": "csv"},
        fields=[{"id": "ma", "type": "text"}, {"id": "so", "type": "int"}],
        primary_key=["ma"],
    )
    assert status == 200, body
    result = body["result"]
    rid = result["resource_id"]
    assert result["resource"]["id"] == rid and result["resource"]["package_id"] == str(dataset.pk)
    _s, body = call(client, "package_show", id=dataset.name)
    created = next(r for r in body["result"]["resources"] if r["name"] == "bang-moi")
    assert created["id"] == rid and created["datastore_active"] is True
    assert created["format"] == "CSV" and f"/tai-nguyen/{rid}/xem-truoc/" in created["url"]
    _s, body = call(client, "datastore_search", resource_id=rid, limit=0)
    assert [f["id"] for f in body["result"]["fields"]] == ["_id", "ma", "so"]
    status, body = call(
        client,
        "datastore_upsert",
        verb="post",
        token=editor_token,
        resource_id=rid,
        method="insert",
        records=[{"ma": "A", "so": 1}],
    )
    assert status == 200, body
    table_row = DatastoreTable.objects.get(resource_id=rid)
    assert table_row.row_count == 1 and table_row.status == "active"


def test_create_with_a_resource_dict_keeps_nothing_when_refused(
    client: Client, table: DatastoreTable, editor_token: str
) -> None:
    dataset = table.resource.dataset
    before = Resource.objects.filter(dataset=dataset).count()
    cases = [
        ({"resource": {"package_id": dataset.name}, "fields": [{"id": "_x"}]}, "fields"),
        ({"resource": {"package_id": dataset.name, "url": "https://a.vn/x.csv"}}, "resource"),
        ({"resource": {"package_id": dataset.name}, "resource_id": str(table.pk)}, "resource"),
        ({"fields": [{"id": "a"}]}, "resource_id"),
    ]
    for params, key in cases:
        status, body = call(client, "datastore_create", verb="post", token=editor_token, **params)
        assert status == 409, (params, body)
        assert body["error"]["__type"] == "Validation Error" and key in body["error"], body
    assert Resource.objects.filter(dataset=dataset).count() == before
    _t, key = token_create(user=UserFactory(), name="khác")
    status, body = call(
        client,
        "datastore_create",
        verb="post",
        token=key,
        resource={"package_id": dataset.name, "name": "x"},
        fields=[{"id": "a"}],
    )
    assert status == 403 and body["error"]["__type"] == "Authorization Error"
    assert Resource.objects.filter(dataset=dataset).count() == before


def test_deleted_dataset_table_is_not_found_and_private_writes_are_refused(
    client: Client,
) -> None:
    from tests.catalog.factories import DatasetFactory
    from tinhso.catalog.models import Dataset

    private = loaded(CSV, dataset=DatasetFactory(private=True))
    _t, key = token_create(user=UserFactory(), name="khác")
    status, body = call(
        client,
        "datastore_upsert",
        verb="post",
        token=key,
        resource_id=str(private.resource_id),
        records=[{"huyen": "X"}],
        method="insert",
    )
    assert status == 403 and body["error"]["__type"] == "Authorization Error"
    gone = loaded(CSV)
    Dataset.objects.filter(pk=gone.resource.dataset_id).update(state=Dataset.State.DELETED)
    status, body = call(client, "datastore_search", resource_id=str(gone.resource_id))
    assert status == 404 and body["error"]["__type"] == "Not Found Error"


def test_writes_into_a_table_loaded_from_the_file_need_force(
    client: Client, table: DatastoreTable, editor_token: str
) -> None:
    rid = str(table.resource_id)
    record = {"tinh": "Nghệ An", "huyen": "Vinh", "nam": 2024, "dan_so": 1}
    writes: list[tuple[str, dict[str, object]]] = [
        ("datastore_upsert", {"method": "insert", "records": [record]}),
        ("datastore_create", {"records": [record]}),
        ("datastore_delete", {"filters": {"huyen": "Thọ Xuân"}}),
        ("datastore_delete", {}),
    ]
    for action, params in writes:
        status, body = call(
            client, action, verb="post", token=editor_token, resource_id=rid, **params
        )
        assert status == 409, (action, body)
        assert list(body["error"]) == ["__type", "read-only"], body
    _s, body = call(client, "datastore_search", resource_id=rid)
    assert body["result"]["total"] == 4  # nothing was written
    status, body = call(
        client,
        "datastore_upsert",
        verb="post",
        token=editor_token,
        resource_id=rid,
        method="insert",
        records=[record],
        force="true",
    )
    assert status == 200, body
    _s, body = call(client, "datastore_search", resource_id=rid)
    assert body["result"]["total"] == 5
    # a non-member is refused for lack of rights before the read-only check, as in CKAN
    _t, key = token_create(user=UserFactory(), name="khác")
    status, body = call(client, "datastore_delete", verb="post", token=key, resource_id=rid)
    assert status == 403


def test_records_delete_keeps_the_table(
    client: Client, table: DatastoreTable, editor_token: str
) -> None:
    rid = _api_resource(table)
    status, body = call(
        client,
        "datastore_create",
        verb="post",
        token=editor_token,
        resource_id=rid,
        fields=[{"id": "ma", "type": "text"}],
        records=[{"ma": "A"}, {"ma": "B"}],
    )
    assert status == 200, body
    status, body = call(
        client, "datastore_records_delete", verb="post", token=editor_token, resource_id=rid
    )
    assert status == 409 and "filters" in body["error"]
    status, body = call(
        client,
        "datastore_records_delete",
        verb="post",
        token=editor_token,
        resource_id=rid,
        filters={"ma": "A"},
    )
    assert status == 200 and body["result"]["filters"] == {"ma": "A"}
    status, body = call(
        client,
        "datastore_records_delete",
        verb="post",
        token=editor_token,
        resource_id=rid,
        filters={},
    )
    assert status == 200, body
    status, body = call(client, "datastore_search", resource_id=rid)
    assert status == 200 and body["result"]["total"] == 0
    assert [f["id"] for f in body["result"]["fields"]] == ["_id", "ma"]


def test_unknown_parameters_of_the_other_actions_are_refused_as_junk(
    client: Client, table: DatastoreTable, editor_token: str
) -> None:
    rid = _api_resource(table)
    status, body = call(
        client,
        "datastore_create",
        verb="post",
        token=editor_token,
        resource_id=rid,
        fields=[{"id": "ma", "type": "text"}],
        force=True,
        calculate_record_count=False,
    )
    assert status == 200, body
    cases = [
        ("datastore_info", "get", {"resource_id": rid, "include_meta": "true", "x": "1"}, "x"),
        ("datastore_create", "post", {"resource_id": rid, "record": [{"ma": "A"}]}, "record"),
        ("datastore_upsert", "post", {"resource_id": rid, "record": [{"ma": "A"}]}, "record"),
        ("datastore_delete", "post", {"resource_id": rid, "filter": {"ma": "A"}}, "filter"),
    ]
    for action, verb, params, name in cases:
        status, body = call(client, action, verb=verb, token=editor_token, **params)
        assert status == 409, (action, body)
        assert list(body["error"]) == ["__type", "__junk"], body
        assert body["error"]["__junk"][0].endswith(f": {name}."), body
    status, body = call(client, "datastore_search", resource_id=rid)
    assert status == 200 and body["result"]["total"] == 0  # nothing was written or dropped
    # CKAN answers an upsert without records as a no-op
    status, body = call(
        client, "datastore_upsert", verb="post", token=editor_token, resource_id=rid
    )
    assert status == 200 and body["result"] == {"resource_id": rid, "method": "upsert"}


def test_info_without_meta_or_schema(client: Client, table: DatastoreTable) -> None:
    # CKAN 2.11's flags, which its own data dictionary form uses
    rid = str(table.resource_id)
    status, body = call(
        client, "datastore_info", id=rid, include_meta="false", include_fields_schema="false"
    )
    assert status == 200, body
    assert "meta" not in body["result"]
    assert body["result"]["fields"][0] == {"id": "tinh", "type": "text", "info": {"label": "Tỉnh"}}
    assert not any("schema" in f for f in body["result"]["fields"])
    _s, body = call(client, "datastore_info", id=rid, include_meta="false")
    assert "meta" not in body["result"] and "schema" in body["result"]["fields"][0]
    status, body = call(client, "datastore_info", id=rid, include_meta="peut-être")
    assert status == 409 and "include_meta" in body["error"]
