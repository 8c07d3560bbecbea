"""Search: diacritics, case and prefixes ignored; facets with counts; agency and paging."""

from __future__ import annotations

import pytest

from tests.procedures.factories import make_procedure
from tinhso.procedures.models import Procedure
from tinhso.procedures.selectors import procedure_counts, procedure_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(agency_tree):
    dept = agency_tree.dept_a.code
    return {
        "birth": make_procedure(name="Đăng ký khai sinh"),
        "marriage": make_procedure(name="Đăng ký kết hôn"),
        "record": make_procedure(
            name="Cấp phiếu lý lịch tư pháp",
            field_code="tu-phap",
            field_name="Tư pháp",
            level=Procedure.Level.PROVINCE,
            agencies=[dept],
            online_level=Procedure.OnlineLevel.PARTIAL,
        ),
        "building": make_procedure(
            name="Cấp giấy phép xây dựng nhà ở riêng lẻ",
            field_code="xay-dung",
            field_name="Xây dựng",
            level=Procedure.Level.PROVINCE,
            agencies=[agency_tree.dept_b.code],
            online_level=Procedure.OnlineLevel.PARTIAL,
        ),
    }


def names(result) -> list[str]:
    return [p.name for p in result.procedures]


def test_search_without_diacritics_finds_the_field_name(catalog) -> None:
    result = procedure_search(q="ho tich")
    assert set(names(result)) == {"Đăng ký khai sinh", "Đăng ký kết hôn"}


def test_search_finds_a_phrase_inside_the_name(catalog) -> None:
    assert names(procedure_search(q="khai sinh")) == ["Đăng ký khai sinh"]


def test_search_ignores_case_and_accepts_diacritics_and_prefixes(catalog) -> None:
    assert names(procedure_search(q="LÝ LỊCH")) == ["Cấp phiếu lý lịch tư pháp"]
    assert names(procedure_search(q="giay phep xay")) == ["Cấp giấy phép xây dựng nhà ở riêng lẻ"]
    assert set(names(procedure_search(q="dang k"))) == {"Đăng ký kết hôn", "Đăng ký khai sinh"}


def test_search_by_code(catalog) -> None:
    assert names(procedure_search(q=catalog["record"].code)) == ["Cấp phiếu lý lịch tư pháp"]


def test_search_requires_every_word(catalog) -> None:
    assert procedure_search(q="khai sinh xay").count == 0


def test_names_starting_with_the_query_come_first(catalog) -> None:
    make_procedure(name="Đăng ký lại khai sinh")
    assert names(procedure_search(q="khai sinh"))[0] == "Đăng ký khai sinh"
    assert names(procedure_search(q="dang ky lai"))[0] == "Đăng ký lại khai sinh"


def test_facets_count_each_value_with_the_other_filters(catalog) -> None:
    result = procedure_search(field_code="ho-tich")
    fields = {f.value: (f.count, f.active) for f in result.facets["field"]}
    # the field facet ignores its own filter, so the other fields stay selectable
    assert fields == {"ho-tich": (2, True), "tu-phap": (1, False), "xay-dung": (1, False)}
    levels = {f.value: f.count for f in result.facets["level"]}
    assert levels == {"commune": 2}
    online = {f.value: f.count for f in result.facets["online_level"]}
    assert online == {"full": 2}
    assert result.count == 2


def test_agency_facet_and_filter(catalog, agency_tree) -> None:
    result = procedure_search()
    agencies = {f.value: f.count for f in result.facets["agency"]}
    assert agencies == {agency_tree.dept_a.code: 1, agency_tree.dept_b.code: 1}
    filtered = procedure_search(agency=agency_tree.dept_a)
    assert names(filtered) == ["Cấp phiếu lý lịch tư pháp"]


def test_a_commune_implements_every_commune_level_procedure(catalog, agency_tree) -> None:
    result = procedure_search(agency=agency_tree.commune_a)
    assert set(names(result)) == {"Đăng ký khai sinh", "Đăng ký kết hôn"}
    assert procedure_counts(agency=agency_tree.commune_a)["full_online"] == 2


def test_inactive_procedures_are_not_found(catalog) -> None:
    Procedure.objects.filter(pk=catalog["birth"].pk).update(is_active=False)
    assert procedure_search(q="khai sinh").count == 0


def test_paging(catalog) -> None:
    first = procedure_search(page=1, page_size=3)
    second = procedure_search(page=2, page_size=3)
    assert first.count == second.count == 4 and first.num_pages == 2
    assert len(first.procedures) == 3 and len(second.procedures) == 1
    assert not set(names(first)) & set(names(second))


def test_procedure_counts(catalog) -> None:
    counts = procedure_counts()
    assert counts["full_online"] == 2 and counts["partial_online"] == 2
    assert counts["online"] == 4 and counts["total"] == 4
    assert counts["integrated_national"] == 0


def test_renaming_a_field_keeps_search_in_step(catalog) -> None:
    field = catalog["birth"].field
    field.name = "Đăng ký hộ tịch và quốc tịch"
    field.save()
    assert procedure_search(q="quoc tich").count == 2
