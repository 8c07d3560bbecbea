"""Near matches: a query naming the paper ("giay khai sinh") still leads to the act."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.procedures.factories import make_procedure
from tinhso.procedures.selectors import procedure_near_matches, procedure_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog() -> dict[str, object]:
    return {
        "birth": make_procedure(name="Đăng ký khai sinh"),
        "late_birth": make_procedure(name="Đăng ký lại khai sinh"),
        "fishing": make_procedure(name="Cấp giấy phép khai thác thủy sản", field_code="ns"),
        "death": make_procedure(name="Đăng ký khai tử"),
    }


def test_near_matches_keep_the_rest_of_the_query_as_a_phrase(catalog: dict) -> None:
    assert procedure_search(q="giay khai sinh").count == 0
    near = [p.name for p in procedure_near_matches(q="giay khai sinh")]
    assert near == ["Đăng ký khai sinh", "Đăng ký lại khai sinh"]  # shorter names first
    # "giấy phép khai thác" shares two words but not as the phrase "giay khai"/"khai sinh".
    assert "Cấp giấy phép khai thác thủy sản" not in near


def test_no_near_matches_for_short_queries_or_excluded_rows(catalog: dict) -> None:
    assert procedure_near_matches(q="khai sinh") == []
    birth = catalog["birth"]
    near = procedure_near_matches(q="giay khai sinh", exclude_ids=[birth.pk])  # type: ignore[attr-defined]
    assert [p.name for p in near] == ["Đăng ký lại khai sinh"]


def test_search_page_offers_near_matches_without_diacritics(client: Client, catalog: dict) -> None:
    page = client.get("/thu-tuc/", {"q": "giay khai sinh"}).content.decode()
    assert "Thủ tục gần đúng" in page
    assert "Đăng ký khai sinh" in page and "Đăng ký lại khai sinh" in page
    assert "Cấp giấy phép khai thác thủy sản" not in page
    many = [make_procedure(name=f"Đăng ký khai sinh mẫu {i}") for i in range(5)]
    full = client.get("/thu-tuc/", {"q": "dang ky khai sinh"}).content.decode()
    assert len(many) == 5 and "Thủ tục gần đúng" not in full  # enough strict hits
