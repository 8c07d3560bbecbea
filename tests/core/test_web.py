"""Web pages: languages, error pages, CSRF, sign-in and password reset, 413, admin."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client

from tests.conftest import AgencyTree
from tests.core.factories import PASSWORD, UserFactory
from tinhso.core.models import ApiToken

pytestmark = pytest.mark.django_db


def html_lang(response: object) -> str:
    match = re.search(r'<html[^>]*\blang="([^"]+)"', response.content.decode())  # type: ignore[attr-defined]
    assert match, "no <html lang>"
    return match.group(1)


def test_home_is_vietnamese(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert html_lang(response) == "vi"
    assert response["Content-Language"] == "vi"
    html = response.content.decode()
    assert "Dữ liệu mở" in html
    assert "Bỏ qua, đến nội dung chính" in html  # skip link


def test_home_ignores_accept_language_without_prefix(client: Client) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert html_lang(response) == "vi"


def test_english_home_is_under_en(client: Client) -> None:
    response = client.get("/en/")
    assert response.status_code == 200
    assert html_lang(response) == "en"
    assert response["Content-Language"] == "en"


def test_unknown_language_prefix_gets_a_vietnamese_404_page(client: Client) -> None:
    response = client.get("/xx/")
    assert response.status_code == 404
    assert html_lang(response) == "vi"
    assert "Không tìm thấy trang" in response.content.decode()


def test_unknown_page_gets_the_vietnamese_404_page(client: Client) -> None:
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()
    assert 'href="/"' in response.content.decode() or "Về trang chủ" in response.content.decode()


def test_english_404_page_under_en(client: Client) -> None:
    response = client.get("/en/khong-co-trang-nay/")
    assert response.status_code == 404
    assert html_lang(response) == "en"


@pytest.mark.urls("tests.core.error_urls")
def test_permission_denied_gets_the_vietnamese_403_page(client: Client) -> None:
    response = client.get("/thu-loi/403/")
    assert response.status_code == 403
    assert html_lang(response) == "vi"
    assert "Không có quyền truy cập" in response.content.decode()


@pytest.mark.urls("tests.core.error_urls")
def test_bad_request_gets_the_vietnamese_400_page(client: Client) -> None:
    response = client.get("/thu-loi/400/")
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()


@pytest.mark.urls("tests.core.error_urls")
def test_server_error_gets_the_vietnamese_500_page(client: Client) -> None:
    client.raise_request_exception = False
    response = client.get("/thu-loi/500/")
    assert response.status_code == 500
    html = response.content.decode()
    assert html_lang(response) == "vi"
    assert "Lỗi hệ thống" in html
    assert "lỗi thử nghiệm" not in html  # no internals leak to the page


@pytest.mark.urls("tests.core.error_urls")
def test_server_error_in_the_api_is_json(client: Client) -> None:
    client.raise_request_exception = False
    response = client.get("/api/v1/thu-loi/500/")
    assert response.status_code == 500
    assert response.json()["detail"]


def test_csrf_failure_gets_a_clear_vietnamese_page(agency_tree: AgencyTree) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(agency_tree.officer_a)
    response = client.post("/tai-khoan/khoa-api/", {"name": "x"})
    assert response.status_code == 403
    assert "Phiên làm việc đã hết hạn" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_login_and_logout(client: Client, agency_tree: AgencyTree) -> None:
    user = agency_tree.officer_a
    page = client.get("/tai-khoan/dang-nhap/")
    assert page.status_code == 200
    assert html_lang(page) == "vi"
    response = client.post(
        "/tai-khoan/dang-nhap/", {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/tai-khoan/").status_code == 200
    response = client.post("/tai-khoan/dang-xuat/")
    assert response.status_code == 302
    assert client.get("/tai-khoan/").status_code == 302


def test_wrong_password_is_refused_in_vietnamese(client: Client, agency_tree: AgencyTree) -> None:
    response = client.post(
        "/tai-khoan/dang-nhap/", {"username": agency_tree.officer_a.username, "password": "sai"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "mật khẩu" in response.content.decode().lower()


def test_login_redirects_back_to_next(client: Client, agency_tree: AgencyTree) -> None:
    code = agency_tree.commune_a.code
    response = client.post(
        f"/tai-khoan/dang-nhap/?next=/co-quan/{code}/",
        {"username": agency_tree.officer_a.username, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/co-quan/{code}/"


def test_login_does_not_redirect_off_site(client: Client, agency_tree: AgencyTree) -> None:
    response = client.post(
        "/tai-khoan/dang-nhap/?next=https://evil.example/",
        {"username": agency_tree.officer_a.username, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_expired_session_asks_to_sign_in_again(client: Client, agency_tree: AgencyTree) -> None:
    start = dt.datetime(2027, 3, 3, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        client.post(
            "/tai-khoan/dang-nhap/",
            {"username": agency_tree.officer_a.username, "password": PASSWORD},
        )
        assert client.get("/tai-khoan/").status_code == 200
    with time_machine.travel(start + dt.timedelta(hours=9), tick=False):
        response = client.get("/tai-khoan/")
    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/")


def test_password_reset_mail_contains_a_working_link(client: Client) -> None:
    user = UserFactory(email="can.bo@example.vn")
    response = client.post("/tai-khoan/quen-mat-khau/", {"email": "can.bo@example.vn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["can.bo@example.vn"]
    link = re.search(r"https?://[^/\s]+(/tai-khoan/dat-lai/[^\s]+/)", message.body)
    assert link, message.body
    response = client.get(link.group(1), follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    new_password = "Mat-khau-moi-Thanh-Hoa-2027"
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)
    # The link works once only.
    again = client.get(link.group(1), follow=True)
    assert "new_password1" not in again.content.decode()


def test_password_reset_for_an_unknown_email_sends_nothing(client: Client) -> None:
    response = client.post("/tai-khoan/quen-mat-khau/", {"email": "khong.co@example.vn"})
    assert response.status_code == 302  # same answer: no account enumeration
    assert mail.outbox == []


def test_oversized_request_body_is_413_and_stores_nothing(
    client: Client, agency_tree: AgencyTree, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.MAX_REQUEST_BYTES = 2048
    client.force_login(agency_tree.officer_a)
    response = client.post("/tai-khoan/khoa-api/", {"name": "x" * 5000})
    assert response.status_code == 413
    html = response.content.decode()
    assert "Dữ liệu gửi lên quá lớn" in html
    assert html_lang(response) == "vi"
    assert not ApiToken.objects.exists()
    small = client.post("/tai-khoan/khoa-api/", {"name": "nhỏ"})
    assert small.status_code == 200
    assert ApiToken.objects.count() == 1


def test_oversized_api_request_is_413_json(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MAX_REQUEST_BYTES = 2048
    response = client.post(
        "/api/v1/me", data="{" + '"a": 1,' * 1000 + "}", content_type="application/json"
    )
    assert response.status_code == 413
    assert "2048" in response.json()["detail"]


def test_admin_is_reachable_in_vietnamese_for_the_demo_administrator(
    client: Client, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from tinhso.demo.core_data import build_core, demo_passwords

    settings.VAR_DIR = tmp_path
    build_core()
    passwords = demo_passwords()
    assert client.login(username="quantri", password=passwords["quantri"])
    response = client.get("/quan-tri/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html_lang(response) == "vi"
    assert "Quản trị hệ thống" in html
    assert "Cơ quan" in html or "cơ quan" in html
    agencies = client.get("/quan-tri/core/agency/?q=Thanh+Hoa")
    assert agencies.status_code == 200
    assert "Ủy ban nhân dân tỉnh Thanh Hóa" in agencies.content.decode()


def test_admin_refuses_a_non_staff_officer(client: Client, agency_tree: AgencyTree) -> None:
    client.force_login(agency_tree.officer_a)
    response = client.get("/quan-tri/")
    assert response.status_code == 302
    assert "/quan-tri/login/" in response["Location"]


def test_form_fields_too_large_to_parse_are_413_not_400(
    client: Client, agency_tree: AgencyTree, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client.force_login(agency_tree.officer_a)
    response = client.post("/tai-khoan/khoa-api/", {"name": "x" * 5000})
    assert response.status_code == 413
    assert "Dữ liệu gửi lên quá lớn" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_413_page_follows_the_url_language(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MAX_REQUEST_BYTES = 2048
    body = {"name": "x" * 5000}
    vietnamese = client.post("/tai-khoan/khoa-api/", body, HTTP_ACCEPT_LANGUAGE="en")
    assert vietnamese.status_code == 413
    assert html_lang(vietnamese) == "vi"
    english = client.post("/en/tai-khoan/khoa-api/", body)
    assert english.status_code == 413
    assert html_lang(english) == "en"
    api = client.post(
        "/api/v1/me", data="x" * 5000, content_type="text/plain", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert api.status_code == 413
    assert api["Content-Type"].startswith("application/json")
