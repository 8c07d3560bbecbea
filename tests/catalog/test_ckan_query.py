"""CKAN q/fq/sort parsing (tinhso.catalog.ckan_query): syntax, dates, and filters on real data."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.catalog.ckan_helpers import Portal, build_portal
from tests.catalog.factories import DatasetFactory
from tinhso.catalog.ckan_query import (
    BoolNode,
    NotNode,
    SearchQueryError,
    Term,
    compile_query,
    parse,
    parse_datetime,
    parse_sort,
)
from tinhso.catalog.selectors import dataset_search


@pytest.fixture
def portal(agency_tree) -> Portal:  # type: ignore[no-untyped-def]
    return build_portal(agency_tree)


def names(fq: str, q: str = "") -> set[str]:
    """Public datasets matching, through the selector the CKAN API uses."""
    compiled = compile_query(q, fq)
    result = dataset_search(
        user=None, q=compiled.text, filters=compiled.filters, rows=100, facet_fields=()
    )
    return {d.name for d in result.datasets}


# --- syntax ------------------------------------------------------------------------------


def test_parse_field_value_term() -> None:
    assert parse("tags:economy") == Term("tags", "economy")


def test_parse_quoted_value_keeps_spaces_and_diacritics() -> None:
    node = parse('tags:"dân số"')
    assert isinstance(node, Term)
    assert (node.field, node.value, node.kind) == ("tags", "dân số", "phrase")


def test_parse_implicit_and_with_plus_and_minus_prefixes() -> None:
    node = parse("+organization:a -tags:b")
    assert isinstance(node, BoolNode) and node.op == "and"
    assert node.children[0] == Term("organization", "a")
    assert node.children[1] == NotNode(Term("tags", "b"))


def test_parse_or_binds_looser_than_and() -> None:
    node = parse("tags:a AND tags:b OR tags:c")
    assert isinstance(node, BoolNode) and node.op == "or"
    assert isinstance(node.children[0], BoolNode) and node.children[0].op == "and"


def test_parse_field_group_distributes_the_field() -> None:
    node = parse("tags:(a OR b)")
    assert node == BoolNode("or", [Term("tags", "a"), Term("tags", "b")])


def test_parse_range_with_exclusive_upper_bound() -> None:
    node = parse("metadata_modified:[2024-01-01T00:00:00Z TO NOW}")
    assert isinstance(node, Term) and node.kind == "range"
    assert (node.low, node.high, node.include_low, node.include_high) == (
        "2024-01-01T00:00:00Z",
        "NOW",
        True,
        False,
    )


def test_parse_value_may_contain_colons() -> None:
    assert parse("url:https://example.vn/a") == Term("url", "https://example.vn/a")


def test_parse_hyphen_inside_a_word_is_not_negation() -> None:
    assert parse("name:dan-so") == Term("name", "dan-so")


def test_parse_empty_query_is_none() -> None:
    assert parse("") is None
    assert parse('""') is None


@pytest.mark.parametrize(
    "text",
    ["tags:", "(tags:a", "tags:a)", 'tags:"a', "AND tags:a", "tags:[a TO", "tags:[a b]", ":a"],
)
def test_parse_malformed_query_raises_search_query_error(text: str) -> None:
    with pytest.raises(SearchQueryError):
        parse(text)


def test_parse_refuses_very_deep_nesting() -> None:
    with pytest.raises(SearchQueryError):
        parse("(" * 50 + "a" + ")" * 50)


# --- dates -------------------------------------------------------------------------------


def test_parse_datetime_reads_ckan_harvester_timestamps_as_utc() -> None:
    value = parse_datetime("2024-05-01T10:00:00.123456Z")
    assert value == dt.datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=dt.UTC)


def test_parse_datetime_without_zone_is_utc() -> None:
    assert parse_datetime("2024-05-01") == dt.datetime(2024, 5, 1, tzinfo=dt.UTC)


def test_parse_datetime_converts_offsets() -> None:
    assert parse_datetime("2024-05-01T10:00:00+07:00") == dt.datetime(2024, 5, 1, 3, tzinfo=dt.UTC)


def test_parse_datetime_applies_solr_date_math() -> None:
    now = dt.datetime(2024, 3, 31, 15, 30, tzinfo=dt.UTC)
    assert parse_datetime("NOW-1DAY", now=now) == dt.datetime(2024, 3, 30, 15, 30, tzinfo=dt.UTC)
    assert parse_datetime("NOW/DAY", now=now) == dt.datetime(2024, 3, 31, tzinfo=dt.UTC)
    assert parse_datetime("NOW-1MONTH", now=now) == dt.datetime(2024, 2, 29, 15, 30, tzinfo=dt.UTC)


def test_parse_datetime_rejects_garbage() -> None:
    with pytest.raises(SearchQueryError):
        parse_datetime("yesterday")


# --- sort --------------------------------------------------------------------------------


def test_parse_sort_default_is_relevance() -> None:
    assert parse_sort(None) == "score desc"
    assert parse_sort("score desc, metadata_modified desc") == "score desc"


def test_parse_sort_maps_ckan_sorts() -> None:
    assert parse_sort("title_string asc") == "title_string asc"
    assert parse_sort("metadata_modified desc") == "metadata_modified desc"
    assert parse_sort("name DESC") == "name desc"


def test_parse_sort_by_id_for_harvesters_uses_a_stable_unique_order() -> None:
    assert parse_sort("id asc") == "name asc"


@pytest.mark.parametrize("sort", ["name", "name sideways", "foo asc", "name asc extra"])
def test_parse_sort_rejects_malformed_or_unknown_sorts(sort: str) -> None:
    with pytest.raises(SearchQueryError):
        parse_sort(sort)


# --- compiled filters on real data -------------------------------------------------------


def test_compile_splits_free_text_from_fielded_terms(portal: Portal) -> None:
    compiled = compile_query("dân số tags:x", "")
    assert compiled.text == "dân số"
    assert compiled.filters is not None


def test_compile_q_typed_by_a_person_is_taken_as_words_when_it_does_not_parse(
    portal: Portal,
) -> None:
    assert compile_query('dân số (2024 "').text == 'dân số (2024 "'
    with pytest.raises(SearchQueryError):
        compile_query("tags:(a")
    with pytest.raises(SearchQueryError):
        compile_query("", "(a")


def test_compile_free_text_or_field_is_refused(portal: Portal) -> None:
    with pytest.raises(SearchQueryError):
        compile_query("water OR tags:x")


def test_filter_by_tag_with_quoted_vietnamese_value(portal: Portal) -> None:
    assert names('tags:"dân số"') == {"dan-so-thanh-hoa"}


def test_filter_by_organization_name_and_owner_org_id(portal: Portal) -> None:
    assert names("organization:so-y-te") == {"benh-vien"}
    assert names(f"owner_org:{portal.org_a.pk}") == {"dan-so-thanh-hoa"}


def test_filter_two_tags_means_both_tags(portal: Portal) -> None:
    assert names('tags:"dân số" AND tags:"thống kê"') == {"dan-so-thanh-hoa"}
    assert names('tags:"dân số" AND tags:"y tế"') == set()


def test_filter_or_and_not(portal: Portal) -> None:
    assert names('tags:"y tế" OR organization:so-tu-phap') == {"benh-vien", "dan-so-thanh-hoa"}
    assert names("-organization:so-tu-phap") == {"benh-vien"}
    assert names("NOT groups:y-te") == {"dan-so-thanh-hoa"}
    assert names("*:* -res_format:xlsx") == {"dan-so-thanh-hoa"}


def test_filter_res_format_is_case_insensitive(portal: Portal) -> None:
    assert names("res_format:csv") == {"dan-so-thanh-hoa"}


def test_filter_license_and_name_prefix(portal: Portal) -> None:
    assert names("license_id:CC0-1.0") == {"benh-vien"}
    assert names("name:dan-*") == {"dan-so-thanh-hoa"}


def test_filter_title_is_diacritics_insensitive(portal: Portal) -> None:
    assert names("title:thanh hoa") == {"dan-so-thanh-hoa"}


def test_filter_extras_and_frequency(portal: Portal) -> None:
    assert names('extras_nguon:"Cục Thống kê"') == {"dan-so-thanh-hoa"}
    assert names("frequency:ANNUAL") == {"dan-so-thanh-hoa"}


def test_filter_num_resources_range(portal: Portal) -> None:
    DatasetFactory(organization=portal.org_b, name="khong-tep", title="Không có tệp")
    assert names("num_resources:[1 TO *]") == {"dan-so-thanh-hoa", "benh-vien"}
    assert names("num_resources:0") == {"khong-tep"}


def test_filter_metadata_modified_range(portal: Portal) -> None:
    DatasetFactory(
        organization=portal.org_b,
        name="cu",
        title="Dữ liệu cũ",
        metadata_created=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        metadata_modified=dt.datetime(2020, 1, 2, tzinfo=dt.UTC),
    )
    assert names("metadata_modified:[* TO 2021-01-01T00:00:00Z]") == {"cu"}
    assert "cu" not in names("metadata_modified:[2021-01-01T00:00:00.000000Z TO *]")


def test_filter_unknown_field_raises(portal: Portal) -> None:
    with pytest.raises(SearchQueryError):
        compile_query("", "colour:red")


def test_filter_range_on_a_tag_raises(portal: Portal) -> None:
    with pytest.raises(SearchQueryError):
        compile_query("", "tags:[a TO b]")


def test_filter_private_must_be_boolean(portal: Portal) -> None:
    with pytest.raises(SearchQueryError):
        compile_query("", "private:maybe")
