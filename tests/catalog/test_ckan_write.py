"""CKAN Action API v3 write actions: tokens, validation errors, atomicity, uploads."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.catalog.ckan_helpers import Portal, build_portal, call
from tinhso.catalog.models import Activity, Dataset, Resource

CSV = "xã,dân số\nHạc Thành,12000\nSầm Sơn,8000\n".encode()


@pytest.fixture
def portal(agency_tree) -> Portal:  # type: ignore[no-untyped-def]
    return build_portal(agency_tree)


def new_dataset(**extra: Any) -> dict[str, Any]:
    return {
        "name": "chat-luong-nuoc",
        "title": "Chất lượng nước sông Mã",
        "owner_org": "so-tu-phap",
        "notes": "Kết quả quan trắc **hằng tháng**.",
        "license_id": "CC-BY-4.0",
        "tags": [{"name": "môi trường"}, {"name": "nước"}],
        "groups": [{"name": "dan-cu"}],
        **extra,
    }


def post(client: Client, action: str, data: dict[str, Any], token: str | None) -> tuple[int, Any]:
    return call(client, action, data, token=token, method="post")


def upload(client: Client, token: str, **fields: Any) -> tuple[int, Any]:
    response = client.post("/api/3/action/resource_create", fields, HTTP_AUTHORIZATION=token)
    return response.status_code, json.loads(response.content)


# --- authorization -----------------------------------------------------------------------


def test_write_without_token_is_403(client: Client, portal: Portal) -> None:
    status, body = post(client, "package_create", new_dataset(), None)
    assert status == 403
    assert body["success"] is False and body["error"]["__type"] == "Authorization Error"
    assert not Dataset.objects.filter(name="chat-luong-nuoc").exists()


def test_write_with_unknown_token_is_403(client: Client, portal: Portal) -> None:
    status, _ = post(client, "package_create", new_dataset(), "tsk_not-a-real-key")
    assert status == 403


def test_browser_session_cannot_write_without_token(client: Client, portal: Portal) -> None:
    client.force_login(portal.publisher)
    status, _ = post(client, "package_create", new_dataset(), None)
    assert status == 403
    assert not Dataset.objects.filter(name="chat-luong-nuoc").exists()


def test_write_into_another_organization_is_403(client: Client, portal: Portal) -> None:
    status, body = post(
        client, "package_create", new_dataset(owner_org="so-y-te"), portal.publisher_token
    )
    assert status == 403 and body["error"]["__type"] == "Authorization Error"


def test_token_of_a_non_member_cannot_delete(client: Client, portal: Portal) -> None:
    status, _ = post(client, "package_delete", {"id": "dan-so-thanh-hoa"}, portal.outsider_token)
    assert status == 403
    assert Dataset.objects.get(name="dan-so-thanh-hoa").state == "active"


# --- package_create ----------------------------------------------------------------------


def test_package_create_returns_the_new_package(client: Client, portal: Portal) -> None:
    status, body = post(client, "package_create", new_dataset(), portal.publisher_token)
    assert status == 200, body
    pkg = body["result"]
    assert pkg["name"] == "chat-luong-nuoc" and pkg["owner_org"] == str(portal.org_a.pk)
    assert {t["name"] for t in pkg["tags"]} == {"môi trường", "nước"}
    assert [g["name"] for g in pkg["groups"]] == ["dan-cu"]
    assert pkg["creator_user_id"] == str(portal.publisher.pk)
    dataset = Dataset.objects.get(name="chat-luong-nuoc")
    assert dataset.notes == "Kết quả quan trắc **hằng tháng**."
    assert Activity.objects.filter(dataset=dataset, user=portal.publisher).count() == 1


def test_package_create_accepts_bearer_tokens(client: Client, portal: Portal) -> None:
    status, _ = post(client, "package_create", new_dataset(), f"Bearer {portal.publisher_token}")
    assert status == 200


def test_package_create_title_defaults_to_the_name(client: Client, portal: Portal) -> None:
    data = new_dataset()
    del data["title"]
    status, body = post(client, "package_create", data, portal.publisher_token)
    assert status == 200 and body["result"]["title"] == "chat-luong-nuoc"


def test_package_create_maps_coverage_extras_to_fields(client: Client, portal: Portal) -> None:
    data = new_dataset(
        extras=[
            {"key": "frequency", "value": "MONTHLY"},
            {"key": "temporal_start", "value": "2020-01-01"},
            {"key": "temporal_end", "value": "2024-12-31"},
            {"key": "nguon", "value": "Trạm quan trắc"},
        ]
    )
    status, body = post(client, "package_create", data, portal.publisher_token)
    assert status == 200, body
    dataset = Dataset.objects.get(name="chat-luong-nuoc")
    assert dataset.frequency == "MONTHLY"
    assert str(dataset.temporal_start) == "2020-01-01" and str(dataset.temporal_end) == "2024-12-31"
    assert dataset.extras == {"nguon": "Trạm quan trắc"}
    extras = {e["key"]: e["value"] for e in body["result"]["extras"]}
    assert extras["frequency"] == "MONTHLY" and extras["nguon"] == "Trạm quan trắc"


def test_package_create_with_inline_resources(client: Client, portal: Portal) -> None:
    data = new_dataset(
        resources=[
            {"url": "https://example.vn/nuoc-2024.csv", "name": "Năm 2024"},
            {"url": "https://example.vn/nuoc-2023.xlsx", "name": "Năm 2023"},
        ]
    )
    status, body = post(client, "package_create", data, portal.publisher_token)
    assert status == 200, body
    resources = body["result"]["resources"]
    assert [r["name"] for r in resources] == ["Năm 2024", "Năm 2023"]
    assert [r["format"] for r in resources] == ["CSV", "XLSX"]


def test_package_create_form_encoded(client: Client, portal: Portal) -> None:
    response = client.post(
        "/api/3/action/package_create",
        {"name": "bieu-mau", "title": "Biểu mẫu", "owner_org": "so-tu-phap", "tag_string": "a,b"},
        HTTP_AUTHORIZATION=portal.publisher_token,
    )
    assert response.status_code == 200, response.content
    assert {t["name"] for t in response.json()["result"]["tags"]} == {"a", "b"}


def test_package_create_invalid_licence_is_409_with_field_error(
    client: Client, portal: Portal
) -> None:
    status, body = post(
        client, "package_create", new_dataset(license_id="khong-co"), portal.publisher_token
    )
    assert status == 409
    assert body["error"]["__type"] == "Validation Error"
    assert body["error"]["license_id"]
    assert not Dataset.objects.filter(name="chat-luong-nuoc").exists()


def test_package_create_accepts_ckan_legacy_licence_ids(client: Client, portal: Portal) -> None:
    status, body = post(
        client, "package_create", new_dataset(license_id="cc-by"), portal.publisher_token
    )
    assert status == 200 and body["result"]["license_id"] == "CC-BY-4.0"


@pytest.mark.parametrize("owner_org", ["khong-co", "", None])
def test_package_create_invalid_organization_is_409(
    client: Client, portal: Portal, owner_org: str | None
) -> None:
    status, body = post(
        client, "package_create", new_dataset(owner_org=owner_org), portal.publisher_token
    )
    assert status == 409 and body["error"]["owner_org"]
    assert not Dataset.objects.filter(name="chat-luong-nuoc").exists()


def test_package_create_without_owner_org_is_409(client: Client, portal: Portal) -> None:
    data = new_dataset()
    del data["owner_org"]
    status, body = post(client, "package_create", data, portal.publisher_token)
    assert status == 409 and body["error"]["owner_org"]


def test_package_create_reports_every_field_error_at_once(client: Client, portal: Portal) -> None:
    data = new_dataset(name="Tên Sai!", license_id="khong-co", groups=[{"name": "khong-co"}])
    status, body = post(client, "package_create", data, portal.publisher_token)
    assert status == 409
    assert {"name", "license_id", "groups"} <= set(body["error"])
    assert all(isinstance(m, str) for m in body["error"]["name"])


def test_package_create_duplicate_name_is_409(client: Client, portal: Portal) -> None:
    status, body = post(
        client, "package_create", new_dataset(name="dan-so-thanh-hoa"), portal.publisher_token
    )
    assert status == 409 and body["error"]["name"]


def test_package_create_bad_inline_resource_stores_nothing(client: Client, portal: Portal) -> None:
    data = new_dataset(
        resources=[{"url": "https://example.vn/a.csv"}, {"url": "javascript:alert(1)"}]
    )
    status, body = post(client, "package_create", data, portal.publisher_token)
    assert status == 409
    assert body["error"]["resources"][0] == {}
    assert body["error"]["resources"][1]["url"]
    assert not Dataset.objects.filter(name="chat-luong-nuoc").exists()
    assert not Resource.objects.filter(url="https://example.vn/a.csv").exists()


# --- package_update, package_patch, package_delete ---------------------------------------


def test_package_update_replaces_omitted_fields(client: Client, portal: Portal) -> None:
    status, body = post(
        client,
        "package_update",
        {"id": "dan-so-thanh-hoa", "title": "Dân số 2025", "tags": [{"name": "dân số"}]},
        portal.publisher_token,
    )
    assert status == 200, body
    pkg = body["result"]
    assert pkg["title"] == "Dân số 2025"
    assert pkg["notes"] == "" and pkg["license_id"] == "" and pkg["groups"] == []
    assert [t["name"] for t in pkg["tags"]] == ["dân số"]
    assert pkg["num_resources"] == 1  # resources omitted: kept


def test_package_update_with_resources_replaces_them(client: Client, portal: Portal) -> None:
    pkg = call(client, "package_show", {"id": "dan-so-thanh-hoa"})[1]["result"]
    pkg["resources"] = [
        {**pkg["resources"][0], "name": "Đổi tên"},
        {"url": "https://example.vn/moi.json", "name": "Mới"},
    ]
    status, body = post(client, "package_update", pkg, portal.publisher_token)
    assert status == 200, body
    resources = body["result"]["resources"]
    assert [r["name"] for r in resources] == ["Đổi tên", "Mới"]
    assert resources[0]["id"] == pkg["resources"][0]["id"]


def test_package_show_output_round_trips_through_package_update(
    client: Client, portal: Portal
) -> None:
    before = call(client, "package_show", {"id": "dan-so-thanh-hoa"})[1]["result"]
    status, body = post(client, "package_update", before, portal.publisher_token)
    assert status == 200, body
    after = body["result"]
    for key in ("name", "title", "notes", "license_id", "owner_org", "tags", "groups", "extras"):
        assert after[key] == before[key], key
    assert [r["id"] for r in after["resources"]] == [r["id"] for r in before["resources"]]
    assert after["metadata_modified"] > before["metadata_modified"]


def test_package_update_unknown_dataset_is_404(client: Client, portal: Portal) -> None:
    status, _ = post(
        client, "package_update", {"id": "khong-co", "title": "x"}, portal.publisher_token
    )
    assert status == 404


def test_package_patch_changes_only_the_given_fields(client: Client, portal: Portal) -> None:
    status, body = post(
        client,
        "package_patch",
        {"id": "dan-so-thanh-hoa", "title": "Tiêu đề mới"},
        portal.publisher_token,
    )
    assert status == 200, body
    pkg = body["result"]
    assert pkg["title"] == "Tiêu đề mới"
    assert pkg["notes"] == "Số dân theo **xã**, phường." and pkg["license_id"] == "CC-BY-4.0"
    assert len(pkg["tags"]) == 2


def test_package_patch_invalid_licence_changes_nothing(client: Client, portal: Portal) -> None:
    status, body = post(
        client,
        "package_patch",
        {"id": "dan-so-thanh-hoa", "title": "Không lưu", "license_id": "khong-co"},
        portal.publisher_token,
    )
    assert status == 409 and body["error"]["license_id"]
    assert Dataset.objects.get(name="dan-so-thanh-hoa").title == "Dân số Thanh Hóa năm 2024"


def test_package_delete_soft_deletes(client: Client, portal: Portal) -> None:
    status, body = post(
        client, "package_delete", {"id": "dan-so-thanh-hoa"}, portal.publisher_token
    )
    assert status == 200 and body["result"] is None
    assert Dataset.objects.get(name="dan-so-thanh-hoa").state == "deleted"
    assert call(client, "package_show", {"id": "dan-so-thanh-hoa"})[0] == 404
    assert "dan-so-thanh-hoa" not in call(client, "package_list")[1]["result"]


# --- resources ---------------------------------------------------------------------------


def test_resource_create_with_url(client: Client, portal: Portal) -> None:
    status, body = post(
        client,
        "resource_create",
        {"package_id": "dan-so-thanh-hoa", "url": "https://example.vn/x.json", "name": "JSON"},
        portal.publisher_token,
    )
    assert status == 200, body
    assert body["result"]["format"] == "JSON" and body["result"]["position"] == 1
    assert body["result"]["url_type"] is None


def test_resource_create_with_multipart_upload(client: Client, portal: Portal) -> None:
    status, body = upload(
        client,
        portal.publisher_token,
        package_id="dan-so-thanh-hoa",
        name="Dân số theo xã (tệp)",
        upload=SimpleUploadedFile("dan-so.csv", CSV, content_type="text/csv"),
    )
    assert status == 200, body
    resource = body["result"]
    assert resource["url_type"] == "upload"
    assert resource["url"].startswith("http://testserver/")
    assert resource["size"] == len(CSV) and len(resource["hash"]) == 64
    assert resource["format"] == "CSV"
    download = client.get(resource["url"].removeprefix("http://testserver"))
    assert download.status_code == 200


def test_resource_create_disguised_upload_is_409(client: Client, portal: Portal) -> None:
    status, body = upload(
        client,
        portal.publisher_token,
        package_id="dan-so-thanh-hoa",
        upload=SimpleUploadedFile("bang.csv", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200),
    )
    assert status == 409 and body["error"]["upload"]
    assert portal.census.resources.count() == 1


def test_resource_create_oversized_upload_is_409(
    client: Client, portal: Portal, settings: Any
) -> None:
    settings.CATALOG_MAX_UPLOAD_BYTES = 10
    status, body = upload(
        client,
        portal.publisher_token,
        package_id="dan-so-thanh-hoa",
        upload=SimpleUploadedFile("dan-so.csv", CSV),
    )
    assert status == 409 and body["error"]["upload"]
    assert portal.census.resources.count() == 1


def test_resource_create_needs_url_or_upload(client: Client, portal: Portal) -> None:
    status, body = post(
        client, "resource_create", {"package_id": "dan-so-thanh-hoa"}, portal.publisher_token
    )
    assert status == 409 and body["error"]["url"]


def test_resource_create_unknown_dataset_is_404(client: Client, portal: Portal) -> None:
    status, _ = post(
        client,
        "resource_create",
        {"package_id": "khong-co", "url": "https://x.vn/a"},
        portal.publisher_token,
    )
    assert status == 404


def test_resource_create_without_package_id_is_409(client: Client, portal: Portal) -> None:
    status, body = post(
        client, "resource_create", {"url": "https://x.vn/a"}, portal.publisher_token
    )
    assert status == 409 and body["error"]["package_id"]


def test_resource_update_replaces_metadata(client: Client, portal: Portal) -> None:
    resource = portal.census.resources.get()
    status, body = post(
        client,
        "resource_update",
        {"id": str(resource.pk), "url": "https://example.vn/moi.csv", "name": "Mới"},
        portal.publisher_token,
    )
    assert status == 200, body
    assert body["result"]["url"] == "https://example.vn/moi.csv" and body["result"]["name"] == "Mới"


def test_resource_update_keeps_an_uploaded_file_on_round_trip(
    client: Client, portal: Portal
) -> None:
    _, created = upload(
        client,
        portal.publisher_token,
        package_id="dan-so-thanh-hoa",
        upload=SimpleUploadedFile("dan-so.csv", CSV),
    )
    shown = created["result"]
    status, body = post(
        client, "resource_update", {**shown, "description": "Mô tả"}, portal.publisher_token
    )
    assert status == 200, body
    assert body["result"]["url_type"] == "upload" and body["result"]["description"] == "Mô tả"
    assert Resource.objects.get(pk=shown["id"]).upload


def test_resource_patch_changes_only_the_given_fields(client: Client, portal: Portal) -> None:
    resource = portal.census.resources.get()
    status, body = post(
        client,
        "resource_patch",
        {"id": str(resource.pk), "description": "Ghi chú"},
        portal.publisher_token,
    )
    assert status == 200, body
    assert body["result"]["name"] == "Dân số theo xã" and body["result"]["description"] == "Ghi chú"


def test_resource_delete(client: Client, portal: Portal) -> None:
    resource = portal.census.resources.get()
    status, body = post(client, "resource_delete", {"id": str(resource.pk)}, portal.publisher_token)
    assert status == 200 and body["result"] is None
    assert not Resource.objects.filter(pk=resource.pk).exists()


def test_resource_delete_by_outsider_is_403(client: Client, portal: Portal) -> None:
    resource = portal.census.resources.get()
    status, _ = post(client, "resource_delete", {"id": str(resource.pk)}, portal.outsider_token)
    assert status == 403
    assert Resource.objects.filter(pk=resource.pk).exists()
