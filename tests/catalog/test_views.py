"""Public and publisher pages of the catalog."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.catalog.factories import (
    DatasetFactory,
    GroupFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    ResourceFactory,
)
from tests.core.factories import UserFactory
from tinhso.catalog import services
from tinhso.catalog.models import Dataset, Organization, OrganizationMember, Resource
from tinhso.core.models import User

pytestmark = pytest.mark.django_db

CSV = "mã,tên,dân số\n1,Hạc Thành,120000\n2,Sầm Sơn,110000\n".encode()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def org() -> Organization:
    return OrganizationFactory(name="so-y-te", title="Sở Y tế")


@pytest.fixture
def editor(org: Organization) -> User:
    member = OrganizationMemberFactory(
        organization=org, user=UserFactory(username="bientap"), capacity="editor"
    )
    return member.user


@pytest.fixture
def org_admin(org: Organization) -> User:
    member = OrganizationMemberFactory(
        organization=org, user=UserFactory(username="quantri.to.chuc"), capacity="admin"
    )
    return member.user


@pytest.fixture
def outsider() -> User:
    return UserFactory(username="nguoi.ngoai")


def titles(response) -> list[str]:  # type: ignore[no-untyped-def]
    return re.findall(r'<h3><a href="[^"]*">([^<]*)</a></h3>', response.content.decode())


# --------------------------------------------------------------------------- search


def test_search_without_diacritics_finds_vietnamese_title(
    client: Client, org: Organization
) -> None:
    DatasetFactory(organization=org, title="Dân số theo xã, phường", name="dan-so")
    DatasetFactory(organization=org, title="Trường học các cấp", name="truong-hoc")
    response = client.get(reverse("catalog:search"), {"q": "dan so"})
    assert response.status_code == 200
    assert titles(response) == ["Dân số theo xã, phường"]


def test_search_with_diacritics_and_case_finds_the_same(client: Client, org: Organization) -> None:
    DatasetFactory(organization=org, title="Dân số theo xã, phường", name="dan-so")
    response = client.get(reverse("catalog:search"), {"q": "DÂN SỐ"})
    assert titles(response) == ["Dân số theo xã, phường"]


def test_search_shows_facets_with_counts(client: Client, org: Organization) -> None:
    group = GroupFactory(name="y-te", title="Y tế")
    DatasetFactory(organization=org, groups=[group.name], tags=["tiêm chủng"])
    DatasetFactory(organization=org, groups=[group.name])
    html = client.get(reverse("catalog:search")).content.decode()
    assert "Lĩnh vực" in html and "Tổ chức" in html
    assert re.search(r"<span>Y tế</span> <span class=\"facet-count\">2</span>", html)
    assert re.search(r"<span>Sở Y tế</span> <span class=\"facet-count\">2</span>", html)
    assert re.search(r"<span>tiêm chủng</span> <span class=\"facet-count\">1</span>", html)


def test_search_facet_filter_shows_removable_chip(client: Client, org: Organization) -> None:
    DatasetFactory(organization=org, title="Có từ khoá", tags=["ocop"])
    DatasetFactory(organization=org, title="Không có")
    response = client.get(reverse("catalog:search"), {"tu-khoa": "ocop", "q": "co"})
    assert titles(response) == ["Có từ khoá"]
    html = response.content.decode()
    chip = re.search(r'<a class="chip" href="([^"]*)">Từ khoá: ocop', html)
    assert chip is not None
    assert "tu-khoa" not in chip.group(1) and "q=co" in chip.group(1)


def test_search_pages_with_trang(client: Client, org: Organization) -> None:
    for i in range(23):
        DatasetFactory(organization=org, title=f"Bộ dữ liệu số {i:02d}")
    first = client.get(reverse("catalog:search"), {"sap-xep": "ten"})
    second = client.get(reverse("catalog:search"), {"sap-xep": "ten", "trang": "2"})
    assert len(titles(first)) == 20
    assert len(titles(second)) == 3
    assert titles(first)[0] == "Bộ dữ liệu số 00"
    assert "trang=2" in first.content.decode()
    assert "23 bộ dữ liệu" in first.content.decode()


def test_search_empty_state_explains(client: Client, org: Organization) -> None:
    DatasetFactory(organization=org, title="Dân số")
    html = client.get(reverse("catalog:search"), {"q": "khongcogiday"}).content.decode()
    assert "Không tìm thấy bộ dữ liệu nào." in html


def test_search_ignores_unknown_sort_and_bad_page(client: Client, org: Organization) -> None:
    DatasetFactory(organization=org, title="Dân số")
    response = client.get(reverse("catalog:search"), {"sap-xep": "xyz", "trang": "abc"})
    assert response.status_code == 200
    assert titles(response) == ["Dân số"]


def test_search_htmx_request_gets_results_fragment(client: Client, org: Organization) -> None:
    DatasetFactory(organization=org, title="Dân số")
    response = client.get(reverse("catalog:search"), {"q": "dan"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="ket-qua"')
    assert "<html" not in html


def test_search_hides_private_and_draft_from_anonymous(client: Client, org: Organization) -> None:
    DatasetFactory(organization=org, title="Công khai")
    DatasetFactory(organization=org, title="Riêng tư", private=True)
    DatasetFactory(organization=org, title="Nháp", state="draft")
    assert titles(client.get(reverse("catalog:search"))) == ["Công khai"]


# --------------------------------------------------------------------------- dataset page


def test_dataset_page_shows_metadata_resources_api_and_citation(
    client: Client, org: Organization
) -> None:
    group = GroupFactory(name="y-te", title="Y tế")
    dataset = DatasetFactory(
        organization=org,
        name="tiem-chung",
        title="Tiêm chủng mở rộng",
        notes="**Số trẻ** được tiêm <script>alert(1)</script>",
        groups=[group.name],
        tags=["tiêm chủng"],
        version="2024.1",
        maintainer="Phòng Nghiệp vụ",
        maintainer_email="nghiepvu@example.vn",
        frequency="ANNUAL",
        extras={"Nguồn": "Báo cáo"},
    )
    ResourceFactory(dataset=dataset, name="Bảng số liệu", url="https://example.vn/a.csv")
    html = client.get(reverse("catalog:dataset", kwargs={"name": dataset.name})).content.decode()
    assert "<h1>Tiêm chủng mở rộng</h1>" in html
    assert "<strong>Số trẻ</strong>" in html and "<script>alert" not in html
    assert "Bảng số liệu" in html and "tai-ve/" in html
    assert "/api/3/action/package_show?id=tiem-chung" in html
    assert "/dataset/tiem-chung.ttl" in html and "/dataset/tiem-chung.jsonld" in html
    assert "Sở Y tế (" in html and "Truy cập ngày" in html  # citation
    assert "Phòng Nghiệp vụ" in html and "Hằng năm" in html and "Báo cáo" in html


def test_private_dataset_is_404_for_anonymous(client: Client, org: Organization) -> None:
    dataset = DatasetFactory(organization=org, private=True)
    assert client.get(reverse("catalog:dataset", kwargs={"name": dataset.name})).status_code == 404


def test_draft_and_deleted_datasets_are_404_for_anonymous(
    client: Client, org: Organization
) -> None:
    draft = DatasetFactory(organization=org, state="draft")
    deleted = DatasetFactory(organization=org)
    services.dataset_delete(user=None, dataset=deleted, check_permission=False)
    for d in (draft, deleted):
        assert client.get(reverse("catalog:dataset", kwargs={"name": d.name})).status_code == 404


def test_private_dataset_is_shown_to_organization_member(
    client: Client, org: Organization, editor: User
) -> None:
    dataset = DatasetFactory(organization=org, private=True, title="Riêng tư")
    client.force_login(editor)
    response = client.get(reverse("catalog:dataset", kwargs={"name": dataset.name}))
    assert response.status_code == 200
    assert "Riêng tư — chỉ thành viên tổ chức xem được" in response.content.decode()


def test_resource_download_serves_upload_as_attachment(client: Client, org: Organization) -> None:
    dataset = DatasetFactory(organization=org)
    resource = ResourceFactory(
        dataset=dataset, url="", upload=SimpleUploadedFile("dan-so.csv", CSV, "text/csv")
    )
    url = reverse(
        "catalog:resource_download", kwargs={"name": dataset.name, "resource_id": resource.pk}
    )
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="dan-so.csv"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == CSV


def test_resource_download_redirects_for_url_resources(client: Client, org: Organization) -> None:
    resource = ResourceFactory(
        dataset=DatasetFactory(organization=org), url="https://example.vn/x.csv"
    )
    url = reverse(
        "catalog:resource_download",
        kwargs={"name": resource.dataset.name, "resource_id": resource.pk},
    )
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == "https://example.vn/x.csv"


def test_resource_download_of_private_dataset_is_404_for_anonymous(
    client: Client, org: Organization
) -> None:
    resource = ResourceFactory(dataset=DatasetFactory(organization=org, private=True))
    url = reverse(
        "catalog:resource_download",
        kwargs={"name": resource.dataset.name, "resource_id": resource.pk},
    )
    assert client.get(url).status_code == 404


def test_resource_page_has_preview_placeholder_and_download(
    client: Client, org: Organization
) -> None:
    resource = ResourceFactory(dataset=DatasetFactory(organization=org), name="Bảng A")
    url = reverse(
        "catalog:resource", kwargs={"name": resource.dataset.name, "resource_id": resource.pk}
    )
    html = client.get(url).content.decode()
    assert 'id="xem-truoc-khung"' in html and "tai-ve/" in html and "Bảng A" in html


def test_history_lists_revisions_and_diff_shows_changed_title(
    client: Client, org: Organization
) -> None:
    dataset = DatasetFactory(organization=org, title="Tên cũ", notes="dòng một\ndòng hai")
    services.dataset_patch(
        user=None,
        dataset=dataset,
        check_permission=False,
        title="Tên mới",
        notes="dòng một\ndòng ba",
    )
    history = client.get(reverse("catalog:dataset_history", kwargs={"name": dataset.name}))
    assert history.status_code == 200
    assert "cập nhật bộ dữ liệu" in history.content.decode()
    diff = client.get(reverse("catalog:dataset_diff", kwargs={"name": dataset.name}), {"den": 2})
    html = diff.content.decode()
    assert "Tên cũ" in html and "Tên mới" in html
    assert "dòng hai</del>" in html and "dòng ba</ins>" in html


def test_history_of_private_dataset_is_404_for_anonymous(client: Client, org: Organization) -> None:
    dataset = DatasetFactory(organization=org, private=True)
    url = reverse("catalog:dataset_history", kwargs={"name": dataset.name})
    assert client.get(url).status_code == 404


# --------------------------------------------------------------------------- organizations, groups, home


def test_organization_and_group_pages_list_their_datasets(
    client: Client, org: Organization
) -> None:
    group = GroupFactory(name="giao-duc", title="Giáo dục")
    DatasetFactory(organization=org, title="Trường học", groups=[group.name])
    DatasetFactory(title="Của tổ chức khác")
    org_page = client.get(reverse("catalog:organization", kwargs={"name": org.name}))
    assert titles(org_page) == ["Trường học"]
    group_page = client.get(reverse("catalog:group", kwargs={"name": group.name}))
    assert titles(group_page) == ["Trường học"]
    assert "Giáo dục" in client.get(reverse("catalog:groups")).content.decode()
    assert "Sở Y tế" in client.get(reverse("catalog:organizations")).content.decode()


def test_home_page_shows_domains_with_dataset_counts(client: Client, org: Organization) -> None:
    group = GroupFactory(name="du-lich", title="Du lịch")
    GroupFactory(name="y-te", title="Y tế")
    DatasetFactory(organization=org, groups=[group.name])
    DatasetFactory(organization=org, groups=[group.name])
    html = client.get(reverse("core:home")).content.decode()
    assert re.search(r"<span>Du lịch</span> <span class=\"domain-count\">2", html)
    assert re.search(r"<span>Y tế</span> <span class=\"domain-count\">0", html)
    assert "Dữ liệu mở trong 2 lĩnh vực" in html


# --------------------------------------------------------------------------- publisher


def dataset_post(**overrides: str) -> dict[str, str]:
    data = {
        "title": "Danh sách nhà thuốc",
        "name": "",
        "notes": "Nhà thuốc được cấp phép.",
        "tags": "dược, nhà thuốc",
        "license": "CC-BY-4.0",
        "frequency": "MONTHLY",
        "form_token": "token-1",
        "extras-TOTAL_FORMS": "2",
        "extras-INITIAL_FORMS": "0",
        "extras-MIN_NUM_FORMS": "0",
        "extras-MAX_NUM_FORMS": "50",
        "extras-0-key": "Nguồn",
        "extras-0-value": "Sở Y tế",
        "extras-1-key": "",
        "extras-1-value": "",
    }
    data.update(overrides)
    return data


def test_dashboard_requires_login(client: Client) -> None:
    response = client.get(reverse("catalog:dashboard"))
    assert response.status_code == 302 and "dang-nhap" in response["Location"]


def test_dashboard_lists_the_users_organization_datasets(
    client: Client, org: Organization, editor: User
) -> None:
    DatasetFactory(organization=org, title="Bản nháp của tôi", state="draft")
    DatasetFactory(title="Của người khác")
    client.force_login(editor)
    html = client.get(reverse("catalog:dashboard")).content.decode()
    assert "Bản nháp của tôi" in html and "Của người khác" not in html


def test_publisher_creates_a_draft_dataset(client: Client, org: Organization, editor: User) -> None:
    client.force_login(editor)
    response = client.post(
        reverse("catalog:dataset_new"),
        dataset_post(organization=str(org.pk), action="draft"),
    )
    dataset = Dataset.objects.get(name="danh-sach-nha-thuoc")
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:resource_new", kwargs={"name": dataset.name})
    assert dataset.state == Dataset.State.DRAFT
    assert dataset.organization == org
    assert sorted(t.name for t in dataset.tags.all()) == ["dược", "nhà thuốc"]
    assert dataset.extras == {"Nguồn": "Sở Y tế"}
    assert dataset.license_id == "CC-BY-4.0"


def test_double_submitted_create_makes_one_dataset(
    client: Client, org: Organization, editor: User
) -> None:
    client.force_login(editor)
    data = dataset_post(organization=str(org.pk), action="publish")
    first = client.post(reverse("catalog:dataset_new"), data)
    second = client.post(reverse("catalog:dataset_new"), data)
    assert Dataset.objects.filter(title="Danh sách nhà thuốc").count() == 1
    assert first.status_code == 302 and second.status_code == 302
    assert second["Location"] == reverse("catalog:dataset", kwargs={"name": "danh-sach-nha-thuoc"})


def test_create_with_taken_name_shows_vietnamese_error_with_400(
    client: Client, org: Organization, editor: User
) -> None:
    DatasetFactory(organization=org, name="nha-thuoc")
    client.force_login(editor)
    response = client.post(
        reverse("catalog:dataset_new"),
        dataset_post(organization=str(org.pk), name="nha-thuoc", form_token="other"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_name_error"' in html
    assert re.search(r'<input[^>]*aria-describedby="[^"]*id_name_error[^"]*"', html) or re.search(
        r'<input[^>]*aria-invalid="true"[^>]*name="name"', html
    )
    assert "Danh sách nhà thuốc" in html  # the user's input is kept
    assert Dataset.objects.filter(title="Danh sách nhà thuốc").count() == 0


def test_create_without_title_is_refused_in_vietnamese(
    client: Client, org: Organization, editor: User
) -> None:
    client.force_login(editor)
    response = client.post(
        reverse("catalog:dataset_new"), dataset_post(organization=str(org.pk), title="")
    )
    assert response.status_code == 400
    assert "Vui lòng sửa các lỗi sau" in response.content.decode()
    assert not Dataset.objects.exists()


def test_user_without_organization_cannot_create(client: Client, outsider: User) -> None:
    client.force_login(outsider)
    assert client.get(reverse("catalog:dataset_new")).status_code == 403


def test_publisher_cannot_create_in_another_organization(
    client: Client, org: Organization, editor: User
) -> None:
    other = OrganizationFactory(name="so-khac")
    client.force_login(editor)
    response = client.post(reverse("catalog:dataset_new"), dataset_post(organization=str(other.pk)))
    assert response.status_code == 400  # not a choice of the form
    assert not Dataset.objects.exists()


def test_publisher_edits_and_publishes_a_draft(
    client: Client, org: Organization, editor: User
) -> None:
    dataset = DatasetFactory(organization=org, state="draft", title="Cũ")
    client.force_login(editor)
    url = reverse("catalog:dataset_edit", kwargs={"name": dataset.name})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        dataset_post(organization=str(org.pk), title="Mới", name=dataset.name, action="publish"),
    )
    assert response.status_code == 302
    dataset.refresh_from_db()
    assert dataset.title == "Mới" and dataset.state == Dataset.State.ACTIVE


def test_publish_button_publishes(client: Client, org: Organization, editor: User) -> None:
    dataset = DatasetFactory(organization=org, state="draft")
    client.force_login(editor)
    client.post(reverse("catalog:dataset_publish", kwargs={"name": dataset.name}))
    dataset.refresh_from_db()
    assert dataset.state == Dataset.State.ACTIVE


def test_publisher_deletes_and_restores(client: Client, org: Organization, editor: User) -> None:
    dataset = DatasetFactory(organization=org)
    client.force_login(editor)
    client.post(reverse("catalog:dataset_delete", kwargs={"name": dataset.name}))
    dataset.refresh_from_db()
    assert dataset.state == Dataset.State.DELETED
    # the editor still sees it (to restore it), the public does not
    assert client.get(reverse("catalog:dataset", kwargs={"name": dataset.name})).status_code == 200
    client.post(reverse("catalog:dataset_restore", kwargs={"name": dataset.name}))
    dataset.refresh_from_db()
    assert dataset.state == Dataset.State.ACTIVE


def test_non_member_gets_403_on_public_dataset_edit(
    client: Client, org: Organization, outsider: User
) -> None:
    dataset = DatasetFactory(organization=org, title="Không đổi")
    client.force_login(outsider)
    url = reverse("catalog:dataset_edit", kwargs={"name": dataset.name})
    assert client.get(url).status_code == 403
    assert client.post(url, dataset_post(organization=str(org.pk))).status_code == 403
    assert (
        client.post(reverse("catalog:dataset_delete", kwargs={"name": dataset.name})).status_code
        == 403
    )
    dataset.refresh_from_db()
    assert dataset.title == "Không đổi" and dataset.state == Dataset.State.ACTIVE


def test_every_publisher_view_answers_403_with_the_reason_to_a_reader(
    client: Client, org: Organization, outsider: User
) -> None:
    dataset = DatasetFactory(organization=org, title="Không đổi")
    resource = ResourceFactory(dataset=dataset, name="Bảng 1")
    client.force_login(outsider)
    by_name = {"name": dataset.name}
    by_resource = {"name": dataset.name, "resource_id": resource.pk}
    calls = [
        ("get", reverse("catalog:dataset_edit", kwargs=by_name)),
        ("get", reverse("catalog:dataset_delete", kwargs=by_name)),
        ("post", reverse("catalog:dataset_publish", kwargs=by_name)),
        ("post", reverse("catalog:dataset_restore", kwargs=by_name)),
        ("get", reverse("catalog:resource_new", kwargs=by_name)),
        ("post", reverse("catalog:resource_new", kwargs=by_name)),
        ("get", reverse("catalog:resource_edit", kwargs=by_resource)),
        ("post", reverse("catalog:resource_edit", kwargs=by_resource)),
        ("post", reverse("catalog:resource_delete", kwargs=by_resource)),
        ("post", reverse("catalog:resource_move", kwargs=by_resource)),
    ]
    for method, url in calls:
        response = getattr(client, method)(url, {"name": "x", "url": "https://a.vn/x.csv"})
        assert response.status_code == 403, url
        assert "Bạn không có quyền sửa bộ dữ liệu này." in response.content.decode(), url
    resource.refresh_from_db()
    dataset.refresh_from_db()
    assert resource.name == "Bảng 1" and dataset.title == "Không đổi"
    assert dataset.state == Dataset.State.ACTIVE


def test_non_member_gets_404_on_private_dataset_edit(
    client: Client, org: Organization, outsider: User
) -> None:
    dataset = DatasetFactory(organization=org, private=True)
    client.force_login(outsider)
    assert (
        client.get(reverse("catalog:dataset_edit", kwargs={"name": dataset.name})).status_code
        == 404
    )


def test_post_without_csrf_token_is_refused(org: Organization, editor: User) -> None:
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(editor)
    response = csrf_client.post(
        reverse("catalog:dataset_new"), dataset_post(organization=str(org.pk))
    )
    assert response.status_code == 403
    assert not Dataset.objects.exists()


def test_publisher_uploads_a_csv_resource(client: Client, org: Organization, editor: User) -> None:
    dataset = DatasetFactory(organization=org)
    client.force_login(editor)
    response = client.post(
        reverse("catalog:resource_new", kwargs={"name": dataset.name}),
        {"name": "Dân số", "upload": SimpleUploadedFile("dan-so.csv", CSV, "text/csv")},
    )
    assert response.status_code == 302
    resource = Resource.objects.get(dataset=dataset)
    assert resource.format == "CSV" and resource.size == len(CSV) and resource.upload


def test_disguised_upload_is_refused_with_field_error(
    client: Client, org: Organization, editor: User
) -> None:
    dataset = DatasetFactory(organization=org)
    client.force_login(editor)
    response = client.post(
        reverse("catalog:resource_new", kwargs={"name": dataset.name}),
        {"name": "Giả CSV", "upload": SimpleUploadedFile("bang.csv", PNG, "text/csv")},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_upload_error"' in html
    assert re.search(r'<input[^>]*aria-describedby="[^"]*id_upload_error', html)
    assert 'value="Giả CSV"' in html  # the user's input is kept
    assert not Resource.objects.filter(dataset=dataset).exists()


def test_resource_form_needs_a_file_or_url(client: Client, org: Organization, editor: User) -> None:
    dataset = DatasetFactory(organization=org)
    client.force_login(editor)
    response = client.post(
        reverse("catalog:resource_new", kwargs={"name": dataset.name}), {"name": "x"}
    )
    assert response.status_code == 400
    assert "Hãy chọn một tệp để tải lên hoặc nhập đường dẫn." in response.content.decode()


def test_publisher_edits_and_deletes_a_resource(
    client: Client, org: Organization, editor: User
) -> None:
    resource = ResourceFactory(dataset=DatasetFactory(organization=org), name="Cũ")
    kwargs = {"name": resource.dataset.name, "resource_id": resource.pk}
    client.force_login(editor)
    client.post(
        reverse("catalog:resource_edit", kwargs=kwargs), {"name": "Mới", "url": resource.url}
    )
    resource.refresh_from_db()
    assert resource.name == "Mới"
    client.post(reverse("catalog:resource_delete", kwargs=kwargs))
    assert not Resource.objects.filter(pk=resource.pk).exists()


def test_resources_reorder_with_buttons(client: Client, org: Organization, editor: User) -> None:
    dataset = DatasetFactory(organization=org)
    first = ResourceFactory(dataset=dataset, name="Một")
    second = ResourceFactory(dataset=dataset, name="Hai")
    client.force_login(editor)
    url = reverse("catalog:resource_move", kwargs={"name": dataset.name, "resource_id": first.pk})
    response = client.post(url, {"huong": "xuong"})
    assert response.status_code == 302
    assert list(dataset.resources.order_by("position").values_list("pk", flat=True)) == [
        second.pk,
        first.pk,
    ]
    fragment = client.post(url, {"huong": "len"}, HTTP_HX_REQUEST="true")
    assert fragment.content.decode().lstrip().startswith('<ol id="tai-nguyen-ds"')
    assert list(dataset.resources.order_by("position").values_list("pk", flat=True)) == [
        first.pk,
        second.pk,
    ]


def test_non_member_cannot_reorder_resources(
    client: Client, org: Organization, outsider: User
) -> None:
    dataset = DatasetFactory(organization=org)
    first = ResourceFactory(dataset=dataset)
    ResourceFactory(dataset=dataset)
    client.force_login(outsider)
    url = reverse("catalog:resource_move", kwargs={"name": dataset.name, "resource_id": first.pk})
    assert client.post(url, {"huong": "xuong"}).status_code == 403


# --------------------------------------------------------------------------- membership


def test_org_admin_adds_changes_and_removes_a_member(
    client: Client, org: Organization, org_admin: User
) -> None:
    newcomer = UserFactory(username="canbo.moi")
    client.force_login(org_admin)
    url = reverse("catalog:organization_members", kwargs={"name": org.name})
    assert client.get(url).status_code == 200
    response = client.post(url, {"username": "canbo.moi", "capacity": "editor"})
    assert response.status_code == 302
    member = OrganizationMember.objects.get(organization=org, user=newcomer)
    assert member.capacity == "editor"
    change = reverse(
        "catalog:organization_member_change", kwargs={"name": org.name, "member_id": member.pk}
    )
    client.post(change, {"action": "change", "capacity": "member"})
    member.refresh_from_db()
    assert member.capacity == "member"
    client.post(change, {"action": "remove"})
    assert not OrganizationMember.objects.filter(pk=member.pk).exists()


def test_adding_unknown_username_shows_error(
    client: Client, org: Organization, org_admin: User
) -> None:
    client.force_login(org_admin)
    url = reverse("catalog:organization_members", kwargs={"name": org.name})
    response = client.post(url, {"username": "khong.ton.tai", "capacity": "editor"})
    assert response.status_code == 400
    assert "Không có người dùng nào với tên đăng nhập" in response.content.decode()


def test_last_admin_cannot_be_removed(client: Client, org: Organization, org_admin: User) -> None:
    member = OrganizationMember.objects.get(organization=org, user=org_admin)
    client.force_login(org_admin)
    change = reverse(
        "catalog:organization_member_change", kwargs={"name": org.name, "member_id": member.pk}
    )
    client.post(change, {"action": "remove"})
    assert OrganizationMember.objects.filter(pk=member.pk).exists()


def test_editor_cannot_manage_members(client: Client, org: Organization, editor: User) -> None:
    client.force_login(editor)
    url = reverse("catalog:organization_members", kwargs={"name": org.name})
    assert client.get(url).status_code == 403
    assert client.post(url, {"username": "bientap", "capacity": "admin"}).status_code == 403
    assert OrganizationMember.objects.get(organization=org, user=editor).capacity == "editor"


def test_outsider_gets_404_on_membership_page(
    client: Client, org: Organization, outsider: User
) -> None:
    client.force_login(outsider)
    url = reverse("catalog:organization_members", kwargs={"name": org.name})
    assert client.get(url).status_code == 404


def test_english_search_page_is_served_under_en(client: Client, org: Organization) -> None:
    DatasetFactory(organization=org, title="Dân số")
    response = client.get("/en/du-lieu/", {"q": "dan so"})
    assert response.status_code == 200
    assert titles(response) == ["Dân số"]
