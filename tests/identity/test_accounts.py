"""Citizen self-registration and linking an ID number to an account."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.core.factories import PASSWORD, UserFactory
from tests.identity.factories import resident
from tinhso.core.models import User
from tinhso.identity import services
from tinhso.identity.models import IdentityVerification, PersonalDataAccess

pytestmark = pytest.mark.django_db

BORN = dt.date(1992, 11, 20)


@pytest.fixture
def person():  # type: ignore[no-untyped-def]
    return resident(name="Phạm Thị Hương", born=BORN, serial=777)


def form(person, **overrides: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    data = {
        "username": "huong.pham",
        "password": PASSWORD,
        "citizen_id": person.citizen_id,
        "full_name": "phạm  thị hương",  # case and spacing do not matter, diacritics do
        "date_of_birth": "20/11/1992",
        "phone": "0912 345 678",
        "email": "huong@example.vn",
    }
    data.update(overrides)
    return data


def test_registration_verified_against_registry_creates_a_linked_account(
    client: Client, person
) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/tai-khoan/dang-ky/", form(person))
    assert response.status_code == 302
    user = User.objects.get(username="huong.pham")
    assert user.citizen_id == person.citizen_id
    assert user.full_name == "Phạm Thị Hương"  # the registry's spelling
    assert user.phone == "0912345678"
    assert user.check_password(PASSWORD)
    assert IdentityVerification.objects.get(user=user).method == "registration"
    assert PersonalDataAccess.objects.get().purpose == "account_verification"
    # Signed in: the ID page shows the masked number.
    page = client.get("/tai-khoan/dinh-danh/")
    assert person.citizen_id[:6] + "******" in page.content.decode()


def test_registration_with_a_wrong_birth_date_is_refused_and_changes_nothing(
    client: Client, person
) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/tai-khoan/dang-ky/", form(person, date_of_birth="21/11/1992"))
    assert response.status_code == 400
    assert "không khớp" in response.content.decode()
    assert not User.objects.filter(username="huong.pham").exists()
    # The look-up itself is still in the access log.
    assert PersonalDataAccess.objects.count() == 1


def test_registration_with_an_invalid_number_names_the_problem(client: Client, person) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/tai-khoan/dang-ky/", form(person, citizen_id="003192000777"))
    assert response.status_code == 400
    assert "Mã tỉnh" in response.content.decode()
    assert not User.objects.filter(username="huong.pham").exists()


def test_registration_refuses_a_birth_year_that_contradicts_the_number(
    client: Client, person
) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/tai-khoan/dang-ky/", form(person, date_of_birth="20/11/1993"))
    assert response.status_code == 400
    assert "năm sinh 1992" in response.content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_registration_refuses_a_number_already_linked(client: Client, person) -> None:  # type: ignore[no-untyped-def]
    UserFactory(username="nguoi-khac", citizen_id=person.citizen_id)
    response = client.post("/tai-khoan/dang-ky/", form(person))
    assert response.status_code == 400
    assert "tài khoản khác" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("username", "a b", "Tên đăng nhập"),
        ("phone", "12345", "điện thoại"),
        ("email", "khong-phai-email", "thư điện tử"),
        ("password", "123", "Mật khẩu"),
    ],
)
def test_registration_field_errors_are_in_vietnamese(
    client: Client, person, field: str, value: str, fragment: str
) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/tai-khoan/dang-ky/", form(person, **{field: value}))
    assert response.status_code == 400
    assert fragment in response.content.decode()
    assert not User.objects.filter(username="huong.pham").exists()


def test_link_page_verifies_and_links_the_number(client: Client, person) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory(username="huong2")
    client.force_login(user)
    response = client.post(
        "/tai-khoan/dinh-danh/",
        {
            "citizen_id": person.citizen_id,
            "full_name": "Phạm Thị Hương",
            "date_of_birth": "1992-11-20",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.citizen_id == person.citizen_id
    assert IdentityVerification.objects.get(user=user).method == "account_link"


def test_link_page_refuses_a_wrong_name(client: Client, person) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory(username="huong3")
    client.force_login(user)
    response = client.post(
        "/tai-khoan/dinh-danh/",
        {
            "citizen_id": person.citizen_id,
            "full_name": "Phạm Thị Hường",
            "date_of_birth": "1992-11-20",
        },
    )
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.citizen_id is None


def test_link_page_needs_sign_in(client: Client) -> None:
    response = client.get("/tai-khoan/dinh-danh/")
    assert response.status_code == 302
    assert "/dang-nhap/" in response["Location"]


def test_unlink_removes_the_number(client: Client, person) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory(username="huong4", citizen_id=person.citizen_id)
    client.force_login(user)
    assert client.post("/tai-khoan/dinh-danh/bo-lien-ket/").status_code == 302
    user.refresh_from_db()
    assert user.citizen_id is None


def test_repeated_failed_verifications_are_slowed_down(person) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory(username="doan-mo")
    for day in range(1, services.MAX_ATTEMPTS_PER_HOUR + 1):
        with pytest.raises(services.DomainError) as exc:
            services.citizen_id_link(
                user=user,
                citizen_id=person.citizen_id,
                full_name="Phạm Thị Hương",
                date_of_birth=dt.date(1992, 1, day),
            )
        assert "không khớp" in exc.value.message
    with pytest.raises(services.DomainError) as exc:
        services.citizen_id_link(
            user=user, citizen_id=person.citizen_id, full_name="Phạm Thị Hương", date_of_birth=BORN
        )
    assert "quá nhiều lần" in exc.value.message


def test_login_page_links_to_registration_and_account_page_to_the_id_page(client: Client) -> None:
    assert "/tai-khoan/dang-ky/" in client.get("/tai-khoan/dang-nhap/").content.decode()
    client.force_login(UserFactory(username="ai-do"))
    assert "/tai-khoan/dinh-danh/" in client.get("/tai-khoan/").content.decode()
