"""CKAN Action API v3: envelope, errors, status codes and the read actions."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from tests.catalog.ckan_helpers import Portal, build_portal, call
from tests.catalog.factories import DatasetFactory
from tinhso.catalog import ckan_api

CKAN_DATASET_KEYS = {
    "id", "name", "title", "notes", "url", "version", "state", "private", "type", "license_id",
    "license_title", "license_url", "isopen", "author", "author_email", "maintainer",
    "maintainer_email", "owner_org", "organization", "groups", "tags", "resources",
    "num_resources", "num_tags", "extras", "metadata_created", "metadata_modified",
    "creator_user_id", "relationships_as_object", "relationships_as_subject",
}  # fmt: skip
CKAN_RESOURCE_KEYS = {
    "id", "package_id", "name", "description", "url", "format", "mimetype", "size", "hash",
    "position", "created", "last_modified", "metadata_modified", "url_type", "state",
}  # fmt: skip
CKAN_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?$")


@pytest.fixture
def portal(agency_tree) -> Portal:  # type: ignore[no-untyped-def]
    return build_portal(agency_tree)


def result(client: Client, action: str, data: dict | None = None, **kwargs: object) -> object:
    status, body = call(client, action, data, **kwargs)  # type: ignore[arg-type]
    assert status == 200, body
    assert body["success"] is True
    return body["result"]


def search(client: Client, **params: object) -> dict:
    return result(client, "package_search", params)  # type: ignore[return-value]


def names_of(found: dict) -> list[str]:
    return [d["name"] for d in found["results"]]


# --- envelope, routes, errors ------------------------------------------------------------


def test_envelope_has_help_success_and_result(client: Client, portal: Portal) -> None:
    status, body = call(client, "package_list")
    assert status == 200
    assert set(body) == {"help", "success", "result"}
    assert body["help"] == "http://testserver/api/3/action/help_show?name=package_list"
    assert body["success"] is True


def test_unversioned_action_route_works(client: Client, portal: Portal) -> None:
    status, body = call(client, "package_list", base="/api/action/")
    assert status == 200 and body["result"] == ["benh-vien", "dan-so-thanh-hoa"]


def test_api_root_reports_version(client: Client, db: None) -> None:
    assert client.get("/api/3").json() == {"version": 3}
    assert client.get("/api/").json() == {"version": 1}


def test_util_status_answers_like_status_show(client: Client, db: None) -> None:
    assert client.get("/api/util/status").json()["ckan_version"] == ckan_api.CKAN_VERSION


def test_unknown_action_is_400_with_ckans_bare_message(client: Client, db: None) -> None:
    response = client.get("/api/3/action/package_explode")
    assert response.status_code == 400
    message = response.json()
    assert isinstance(message, str)
    assert "package_explode" in message


def test_write_action_by_get_is_400(client: Client, portal: Portal) -> None:
    response = client.get("/api/3/action/package_create", {"name": "x"})
    assert response.status_code == 400
    assert "POST" in response.json()


def test_other_http_methods_are_refused(client: Client, db: None) -> None:
    assert client.put("/api/3/action/package_list").status_code == 405


def test_malformed_json_body_is_400(client: Client, db: None) -> None:
    response = client.post(
        "/api/3/action/package_search", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert isinstance(response.json(), str)


def test_json_body_that_is_not_an_object_is_400(client: Client, db: None) -> None:
    response = client.post(
        "/api/3/action/package_search", "[1, 2]", content_type="application/json"
    )
    assert response.status_code == 400


def test_read_action_answers_post_with_json_body(client: Client, portal: Portal) -> None:
    status, body = call(client, "package_show", {"id": "benh-vien"}, method="post")
    assert status == 200 and body["result"]["name"] == "benh-vien"


def test_read_action_answers_form_encoded_post(client: Client, portal: Portal) -> None:
    response = client.post("/api/3/action/package_show", {"id": "benh-vien"})
    assert response.status_code == 200
    assert response.json()["result"]["name"] == "benh-vien"


def test_jsonp_callback_is_ignored(client: Client, portal: Portal) -> None:
    response = client.get("/api/3/action/package_list", {"callback": "steal"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert not response.content.startswith(b"steal")
    assert json.loads(response.content)["success"] is True


def test_error_type_stays_english_under_any_language(client: Client, db: None) -> None:
    status, body = call(client, "package_show", {"id": "khong-co"}, HTTP_ACCEPT_LANGUAGE="en")
    assert status == 404
    assert body["error"]["__type"] == "Not Found Error"


def test_internal_error_is_500_with_ckan_envelope(
    client: Client, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(context: object, data: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setitem(ckan_api.ACTIONS, "site_read", ckan_api.Action("site_read", explode, True))
    status, body = call(client, "site_read")
    assert status == 500
    assert body["success"] is False and body["error"]["__type"] == "Internal Server Error"
    assert "boom" not in json.dumps(body)


# --- status, help, licences, tags --------------------------------------------------------


def test_status_show_reports_a_ckan_version_clients_accept(client: Client, db: None) -> None:
    status = result(client, "status_show")
    assert status["ckan_version"] == "2.10.4"  # type: ignore[index]
    assert status["site_url"] == "http://testserver"  # type: ignore[index]
    assert status["locale_default"] == "vi"  # type: ignore[index]
    assert "site_title" in status and "extensions" in status  # type: ignore[operator]
    assert ("datastore" in status["extensions"]) == ("datastore_search" in ckan_api.ACTIONS)  # type: ignore[index]


def test_help_show_returns_the_action_docs(client: Client, db: None) -> None:
    text = result(client, "help_show", {"name": "package_search"})
    assert isinstance(text, str) and "fq" in text


def test_help_show_unknown_action_is_404(client: Client, db: None) -> None:
    status, body = call(client, "help_show", {"name": "nope"})
    assert status == 404 and body["error"]["__type"] == "Not Found Error"


def test_every_action_has_help(db: None) -> None:
    for action in ckan_api.ACTIONS.values():
        assert action.help, action.name


def test_license_list_returns_ckan_licence_dicts(client: Client, db: None) -> None:
    licences = result(client, "license_list")
    by_id = {lic["id"]: lic for lic in licences}  # type: ignore[attr-defined]
    assert {"CC-BY-4.0", "CC0-1.0", "ODbL-1.0", "ODC-BY-1.0"} <= set(by_id)
    assert by_id["CC-BY-4.0"]["title"] and by_id["CC-BY-4.0"]["is_okd_compliant"] is True


def test_tag_list_lists_tags_of_public_datasets_only(client: Client, portal: Portal) -> None:
    DatasetFactory(
        organization=portal.org_a, name="bi-mat", title="Bí mật", private=True, tags=["mật"]
    )
    assert result(client, "tag_list") == ["dân số", "thống kê", "y tế"]


def test_tag_list_query_is_diacritics_insensitive(client: Client, portal: Portal) -> None:
    assert result(client, "tag_list", {"query": "dan"}) == ["dân số"]


def test_tag_list_all_fields_returns_dicts(client: Client, portal: Portal) -> None:
    tags = result(client, "tag_list", {"all_fields": "true"})
    assert {"id", "name", "vocabulary_id"} <= set(tags[0])  # type: ignore[index]


def test_tag_list_unknown_vocabulary_is_404(client: Client, portal: Portal) -> None:
    status, _ = call(client, "tag_list", {"vocabulary_id": "countries"})
    assert status == 404


# --- package_list, current_package_list_with_resources -----------------------------------


def test_package_list_returns_public_active_names_sorted(client: Client, portal: Portal) -> None:
    assert result(client, "package_list") == ["benh-vien", "dan-so-thanh-hoa"]


def test_package_list_pages_with_limit_and_offset(client: Client, portal: Portal) -> None:
    assert result(client, "package_list", {"limit": 1, "offset": 1}) == ["dan-so-thanh-hoa"]


@pytest.mark.parametrize("value", ["abc", "-1", "1.5"])
def test_package_list_bad_limit_is_409_validation_error(
    client: Client, db: None, value: str
) -> None:
    status, body = call(client, "package_list", {"limit": value})
    assert status == 409
    assert body["error"]["__type"] == "Validation Error" and "limit" in body["error"]


def test_current_package_list_with_resources_newest_first(client: Client, portal: Portal) -> None:
    found = result(client, "current_package_list_with_resources", {"limit": 10})
    assert [d["name"] for d in found] == ["benh-vien", "dan-so-thanh-hoa"]  # type: ignore[attr-defined]
    assert found[1]["resources"][0]["format"] == "CSV"  # type: ignore[index]


# --- package_show, resource_show ---------------------------------------------------------


def test_package_show_by_name_and_by_id(client: Client, portal: Portal) -> None:
    by_name = result(client, "package_show", {"id": "dan-so-thanh-hoa"})
    by_id = result(client, "package_show", {"id": str(portal.census.pk)})
    assert by_name == by_id


def test_package_show_dict_has_the_keys_ckan_clients_read(client: Client, portal: Portal) -> None:
    pkg = result(client, "package_show", {"id": "dan-so-thanh-hoa"})
    assert isinstance(pkg, dict)
    assert set(pkg) >= CKAN_DATASET_KEYS
    assert pkg["type"] == "dataset" and pkg["state"] == "active" and pkg["private"] is False
    assert pkg["organization"]["name"] == "so-tu-phap"
    assert pkg["organization"]["is_organization"] is True
    assert pkg["owner_org"] == str(portal.org_a.pk)
    assert [g["name"] for g in pkg["groups"]] == ["dan-cu"]
    assert {t["name"] for t in pkg["tags"]} == {"dân số", "thống kê"}
    assert pkg["num_tags"] == 2 and pkg["num_resources"] == 1
    assert pkg["license_id"] == "CC-BY-4.0" and pkg["isopen"] is True
    assert CKAN_TIMESTAMP.match(pkg["metadata_created"])
    assert CKAN_TIMESTAMP.match(pkg["metadata_modified"])
    resource = pkg["resources"][0]
    assert set(resource) >= CKAN_RESOURCE_KEYS
    assert (
        resource["package_id"] == pkg["id"] and resource["url"] == "https://example.vn/dan-so.csv"
    )
    extras = {e["key"]: e["value"] for e in pkg["extras"]}
    assert extras == {"frequency": "ANNUAL", "nguon": "Cục Thống kê"}


def test_package_show_unknown_is_404(client: Client, portal: Portal) -> None:
    status, body = call(client, "package_show", {"id": "khong-ton-tai"})
    assert status == 404
    assert body["success"] is False and body["error"]["__type"] == "Not Found Error"


def test_package_show_without_id_is_409(client: Client, portal: Portal) -> None:
    status, body = call(client, "package_show")
    assert status == 409 and body["error"]["id"]


def test_package_show_private_dataset_is_403_for_anonymous(client: Client, portal: Portal) -> None:
    status, body = call(client, "package_show", {"id": "ngan-sach-noi-bo"})
    assert status == 403
    assert body["error"]["__type"] == "Authorization Error"
    assert "Ngân sách" not in json.dumps(body, ensure_ascii=False)


def test_package_show_private_dataset_with_members_token(client: Client, portal: Portal) -> None:
    pkg = result(client, "package_show", {"id": "ngan-sach-noi-bo"}, token=portal.publisher_token)
    assert pkg["private"] is True  # type: ignore[index]


def test_package_show_private_dataset_with_outsiders_token_is_403(
    client: Client, portal: Portal
) -> None:
    status, _ = call(
        client, "package_show", {"id": "ngan-sach-noi-bo"}, token=portal.outsider_token
    )
    assert status == 403


def test_bearer_token_and_ckan_api_key_header_are_accepted(client: Client, portal: Portal) -> None:
    bearer = f"Bearer {portal.publisher_token}"
    assert call(client, "package_show", {"id": "ngan-sach-noi-bo"}, token=bearer)[0] == 200
    status, _ = call(
        client,
        "package_show",
        {"id": "ngan-sach-noi-bo"},
        HTTP_X_CKAN_API_KEY=portal.publisher_token,
    )
    assert status == 200


def test_session_login_is_honoured_for_get_reads(client: Client, portal: Portal) -> None:
    client.force_login(portal.publisher)
    assert call(client, "package_show", {"id": "ngan-sach-noi-bo"})[0] == 200


def test_package_show_draft_is_403_and_deleted_is_404_for_anonymous(
    client: Client, portal: Portal
) -> None:
    assert call(client, "package_show", {"id": "du-thao"})[0] == 403
    assert call(client, "package_show", {"id": "da-xoa"})[0] == 404


def test_resource_show(client: Client, portal: Portal) -> None:
    resource = portal.census.resources.get()
    found = result(client, "resource_show", {"id": str(resource.pk)})
    assert found["name"] == "Dân số theo xã" and found["package_id"] == str(portal.census.pk)  # type: ignore[index]


def test_resource_show_unknown_or_malformed_id_is_404(client: Client, portal: Portal) -> None:
    assert call(client, "resource_show", {"id": "00000000-0000-0000-0000-000000000000"})[0] == 404
    assert call(client, "resource_show", {"id": "not-a-uuid"})[0] == 404


def test_resource_show_of_private_dataset_is_403(client: Client, portal: Portal) -> None:
    from tests.catalog.factories import ResourceFactory

    resource = ResourceFactory(dataset=portal.budget)
    assert call(client, "resource_show", {"id": str(resource.pk)})[0] == 403


# --- package_search ----------------------------------------------------------------------


def test_search_without_parameters_returns_public_datasets(client: Client, portal: Portal) -> None:
    found = search(client)
    assert found["count"] == 2
    assert set(found) == {"count", "results", "facets", "search_facets", "sort"}
    assert found["sort"] == "score desc, metadata_modified desc"
    assert found["facets"] == {} and found["search_facets"] == {}


def test_search_free_text_is_diacritics_insensitive(client: Client, portal: Portal) -> None:
    assert names_of(search(client, q="thanh hoa")) == ["dan-so-thanh-hoa"]
    assert names_of(search(client, q="THANH HOÁ")) == ["dan-so-thanh-hoa"]
    assert names_of(search(client, q="dan so"))[0] == "dan-so-thanh-hoa"


def test_search_q_accepts_fielded_terms(client: Client, portal: Portal) -> None:
    assert names_of(search(client, q='tags:"y tế"')) == ["benh-vien"]
    assert search(client, q="*:*")["count"] == 2


def test_search_fq_field_terms_and_boolean_operators(client: Client, portal: Portal) -> None:
    assert names_of(search(client, fq="organization:so-y-te")) == ["benh-vien"]
    assert names_of(search(client, fq='+tags:"dân số" +res_format:CSV')) == ["dan-so-thanh-hoa"]
    found = search(client, fq="(groups:y-te OR groups:dan-cu) AND NOT license_id:CC0-1.0")
    assert names_of(found) == ["dan-so-thanh-hoa"]


def test_search_fq_list(client: Client, portal: Portal) -> None:
    found = result(
        client,
        "package_search",
        {"fq_list": ["organization:so-tu-phap", "res_format:csv"]},
        method="post",
    )
    assert names_of(found) == ["dan-so-thanh-hoa"]  # type: ignore[arg-type]


def test_search_sort_by_name(client: Client, portal: Portal) -> None:
    assert names_of(search(client, sort="name asc")) == ["benh-vien", "dan-so-thanh-hoa"]
    assert names_of(search(client, sort="name desc")) == ["dan-so-thanh-hoa", "benh-vien"]


def test_search_rows_and_start_page_through_results(client: Client, portal: Portal) -> None:
    first = search(client, sort="name asc", rows=1, start=0)
    second = search(client, sort="name asc", rows=1, start=1)
    assert first["count"] == second["count"] == 2
    assert names_of(first) + names_of(second) == ["benh-vien", "dan-so-thanh-hoa"]


def test_search_rows_zero_returns_count_only(client: Client, portal: Portal) -> None:
    found = search(client, rows=0)
    assert found["count"] == 2 and found["results"] == []


def test_search_rows_above_the_cap_are_lowered_to_it_as_ckan_does(
    client: Client, portal: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ckan_api, "ROWS_MAX", 1)
    found = search(client, rows=5000)
    assert found["count"] == 2 and len(found["results"]) == 1


@pytest.mark.parametrize("params", [{"rows": "many"}, {"rows": "-5"}, {"start": "x"}])
def test_search_bad_rows_or_start_is_409(client: Client, portal: Portal, params: dict) -> None:
    status, body = call(client, "package_search", params)
    assert status == 409
    assert body["error"]["__type"] == "Validation Error"
    assert set(params) <= set(body["error"])


@pytest.mark.parametrize("sort", ["name", "name sideways", "popularity desc", "name asc,"])
def test_search_malformed_sort_is_400_search_query_error(
    client: Client, portal: Portal, sort: str
) -> None:
    status, body = call(client, "package_search", {"sort": sort})
    assert status == 400
    assert body["success"] is False
    assert body["error"]["__type"] == "Search Query Error"
    assert body["error"]["message"]


@pytest.mark.parametrize("fq", ["tags:", "(tags:a", 'tags:"a', "colour:red", "tags:[a TO b]"])
def test_search_malformed_fq_is_400_search_query_error(
    client: Client, portal: Portal, fq: str
) -> None:
    status, body = call(client, "package_search", {"fq": fq})
    assert status == 400
    assert body["error"]["__type"] == "Search Query Error"


def test_search_result_dicts_take_a_fixed_number_of_queries(
    client: Client, portal: Portal, django_assert_max_num_queries: Any
) -> None:
    from tests.catalog.factories import ResourceFactory

    for n in range(15):
        dataset = DatasetFactory(
            organization=portal.org_b, name=f"them-{n}", title=f"Thêm {n}", tags=[f"t{n}"]
        )
        ResourceFactory(dataset=dataset)
    with django_assert_max_num_queries(25):
        found = search(client, rows=100, **{"facet.field": '["tags", "organization"]'})
    assert found["count"] == 17 and len(found["results"]) == 17


def test_site_read_is_true(client: Client, db: None) -> None:
    assert result(client, "site_read") is True


def test_search_unknown_parameter_is_400(client: Client, portal: Portal) -> None:
    status, body = call(client, "package_search", {"qq": "x"})
    assert status == 400 and body["error"]["__type"] == "Search Query Error"


def test_search_facets_in_both_ckan_shapes(client: Client, portal: Portal) -> None:
    found = search(client, **{"facet.field": '["organization", "license_id", "tags"]'})
    assert found["facets"]["organization"] == {"so-tu-phap": 1, "so-y-te": 1}
    assert found["facets"]["tags"] == {"dân số": 1, "thống kê": 1, "y tế": 1}
    org_facet = found["search_facets"]["organization"]
    assert org_facet["title"] == "organization"
    assert {"name": "so-y-te", "display_name": "Sở Y tế", "count": 1} in org_facet["items"]
    licences = {i["name"]: i["display_name"] for i in found["search_facets"]["license_id"]["items"]}
    assert licences["CC0-1.0"] == "Creative Commons CCZero"


def test_search_facets_are_computed_with_the_query(client: Client, portal: Portal) -> None:
    found = search(client, q="benh vien", **{"facet.field": '["organization"]'})
    assert found["facets"]["organization"] == {"so-y-te": 1}


def test_search_facet_limit_and_mincount(client: Client, portal: Portal) -> None:
    found = search(client, **{"facet.field": '["tags"]', "facet.limit": 1})
    assert len(found["facets"]["tags"]) == 1
    found = search(client, **{"facet.field": '["tags"]', "facet.mincount": 2})
    assert found["facets"]["tags"] == {}


def test_search_facet_false_skips_facets(client: Client, portal: Portal) -> None:
    found = search(client, facet="false", **{"facet.field": '["tags"]'})
    assert found["facets"] == {}


def test_search_facet_field_must_be_a_json_list(client: Client, portal: Portal) -> None:
    status, body = call(client, "package_search", {"facet.field": "[tags"})
    assert status == 409 and "facet.field" in body["error"]


def test_search_include_private_only_for_members(client: Client, portal: Portal) -> None:
    anonymous = search(client, include_private="true")
    assert "ngan-sach-noi-bo" not in names_of(anonymous)
    member = result(
        client, "package_search", {"include_private": "true"}, token=portal.publisher_token
    )
    assert "ngan-sach-noi-bo" in names_of(member)  # type: ignore[arg-type]
    outsider = result(
        client, "package_search", {"include_private": "true"}, token=portal.outsider_token
    )
    assert "ngan-sach-noi-bo" not in names_of(outsider)  # type: ignore[arg-type]


def test_search_include_drafts_for_members(client: Client, portal: Portal) -> None:
    member = result(
        client, "package_search", {"include_drafts": "true"}, token=portal.publisher_token
    )
    assert "du-thao" in names_of(member)  # type: ignore[arg-type]
    assert "du-thao" not in names_of(search(client, include_drafts="true"))


def test_search_never_returns_deleted_datasets(client: Client, portal: Portal) -> None:
    found = result(
        client,
        "package_search",
        {"include_drafts": "true", "include_private": "true"},
        token=portal.publisher_token,
    )
    assert "da-xoa" not in names_of(found)  # type: ignore[arg-type]


def test_search_fl_returns_only_the_asked_keys(client: Client, portal: Portal) -> None:
    found = search(client, fl="id,name", sort="name asc")
    assert found["results"][0] == {"id": str(portal.hospitals.pk), "name": "benh-vien"}


def test_search_results_are_full_dataset_dicts(client: Client, portal: Portal) -> None:
    found = search(client, q="thanh hoa")
    assert set(found["results"][0]) >= CKAN_DATASET_KEYS


# --- organizations and groups ------------------------------------------------------------


def test_organization_list_names_by_title(client: Client, portal: Portal) -> None:
    assert result(client, "organization_list") == ["so-tu-phap", "so-y-te"]


def test_organization_list_all_fields_with_package_count(client: Client, portal: Portal) -> None:
    orgs = result(client, "organization_list", {"all_fields": "true"})
    by_name = {o["name"]: o for o in orgs}  # type: ignore[attr-defined]
    assert by_name["so-tu-phap"]["package_count"] == 1  # public only for anonymous
    assert by_name["so-tu-phap"]["title"] == "Sở Tư pháp"
    assert by_name["so-tu-phap"]["is_organization"] is True


def test_organization_list_sort_and_paging(client: Client, portal: Portal) -> None:
    assert result(client, "organization_list", {"sort": "name desc"}) == ["so-y-te", "so-tu-phap"]
    assert result(client, "organization_list", {"limit": 1, "offset": 1}) == ["so-y-te"]


def test_organization_list_invalid_sort_is_409(client: Client, portal: Portal) -> None:
    status, body = call(client, "organization_list", {"sort": "colour asc"})
    assert status == 409 and body["error"]["__type"] == "Validation Error"


def test_organization_show_with_datasets(client: Client, portal: Portal) -> None:
    org = result(client, "organization_show", {"id": "so-y-te", "include_datasets": "true"})
    assert org["package_count"] == 1  # type: ignore[index]
    assert [p["name"] for p in org["packages"]] == ["benh-vien"]  # type: ignore[index]


def test_organization_show_by_id_counts_private_for_members(client: Client, portal: Portal) -> None:
    org = result(
        client, "organization_show", {"id": str(portal.org_a.pk)}, token=portal.publisher_token
    )
    assert org["package_count"] == 2  # type: ignore[index]


def test_organization_show_unknown_is_404(client: Client, portal: Portal) -> None:
    assert call(client, "organization_show", {"id": "khong-co"})[0] == 404
    assert call(client, "organization_show", {"id": "y-te"})[0] == 404  # a group, not an org


def test_group_list_and_show(client: Client, portal: Portal) -> None:
    assert result(client, "group_list") == ["dan-cu", "y-te"]
    groups = result(client, "group_list", {"all_fields": "true", "sort": "name desc"})
    assert [g["name"] for g in groups] == ["y-te", "dan-cu"]  # type: ignore[attr-defined]
    assert groups[0]["is_organization"] is False  # type: ignore[index]
    group = result(client, "group_show", {"id": "dan-cu", "include_datasets": "true"})
    assert [p["name"] for p in group["packages"]] == ["dan-so-thanh-hoa"]  # type: ignore[index]


def test_group_show_unknown_is_404(client: Client, portal: Portal) -> None:
    assert call(client, "group_show", {"id": "so-y-te"})[0] == 404


def test_organization_list_for_user_lists_editable_organizations(
    client: Client, portal: Portal
) -> None:
    orgs = result(client, "organization_list_for_user", token=portal.publisher_token)
    assert [o["name"] for o in orgs] == ["so-tu-phap"]  # type: ignore[attr-defined]
    assert result(client, "organization_list_for_user") == []
