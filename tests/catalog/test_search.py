"""Search: diacritics, prefixes, boosting, facets, visibility, sort and paging on both engines."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Q

from tests.catalog.factories import (
    DatasetFactory,
    GroupFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    ResourceFactory,
)
from tests.core.factories import UserFactory
from tinhso.catalog import search, services
from tinhso.catalog.models import Dataset, SearchEntry
from tinhso.catalog.selectors import dataset_search

pytestmark = pytest.mark.django_db


def names(result: object) -> list[str]:
    return [d.name for d in result.datasets]  # type: ignore[attr-defined]


def test_search_without_diacritics_finds_vietnamese_title() -> None:
    DatasetFactory(title="Dân số tỉnh Thanh Hóa năm 2024", name="dan-so")
    DatasetFactory(title="Giáo dục phổ thông", name="giao-duc")
    assert names(dataset_search(user=None, q="dan so")) == ["dan-so"]
    assert dataset_search(user=None, q="thanh hoa").count == 1
    assert dataset_search(user=None, q="THANH HÓA").count == 1


def test_d_with_stroke_matches_plain_d_both_ways() -> None:
    DatasetFactory(title="Du lịch Đà Nẵng", name="da-nang")
    DatasetFactory(title="Dạ hội", name="da-hoi")
    assert sorted(names(dataset_search(user=None, q="da nang"))) == ["da-nang"]
    assert sorted(names(dataset_search(user=None, q="Đà"))) == ["da-hoi", "da-nang"]


def test_decomposed_unicode_query_matches() -> None:
    DatasetFactory(title="Bệnh viện đa khoa", name="benh-vien")
    assert dataset_search(user=None, q="Be\u0323nh vie\u0323\u0302n").count == 1


def test_every_word_is_a_prefix_and_all_must_match() -> None:
    DatasetFactory(title="Thống kê dân số", name="aa")
    DatasetFactory(title="Thống kê giáo dục", name="bb")
    assert dataset_search(user=None, q="thon k").count == 2
    assert names(dataset_search(user=None, q="thong da")) == ["aa"]
    assert dataset_search(user=None, q="thong xyz").count == 0


def test_title_match_ranks_above_description_match() -> None:
    DatasetFactory(
        title="Danh mục trường học", name="trong-mo-ta", notes="Có số liệu về bệnh viện tuyến tỉnh."
    )
    DatasetFactory(title="Bệnh viện tuyến tỉnh", name="trong-tieu-de", notes="Danh sách.")
    assert names(dataset_search(user=None, q="benh vien")) == ["trong-tieu-de", "trong-mo-ta"]


def test_whole_words_and_phrases_rank_above_prefix_only_matches() -> None:
    DatasetFactory(title="Tài khoản định danh điện tử: số lượng", name="dinh-danh")
    DatasetFactory(title="Dân số, diện tích và mật độ dân số theo xã", name="dan-so")
    DatasetFactory(title="Số dân tộc thiểu số theo xã", name="so-dan")
    assert names(dataset_search(user=None, q="dan so")) == ["dan-so", "so-dan", "dinh-danh"]
    DatasetFactory(title="Tổ chức hành nghề luật sư", name="luat-su")
    DatasetFactory(title="Sản lượng lúa theo xã", name="san-luong-lua")
    assert names(dataset_search(user=None, q="lua"))[0] == "san-luong-lua"
    # the boost changes the order only, never the set of matches
    assert dataset_search(user=None, q="lua").count == 2


def test_tags_groups_and_resource_names_are_searchable() -> None:
    GroupFactory(name="moi-truong", title="Môi trường")
    d = DatasetFactory(title="Bộ A", name="bo-a", tags=["Chất lượng nước"], groups=["moi-truong"])
    ResourceFactory(dataset=d, name="Quan trắc không khí", url="https://x.vn/a.csv")
    assert dataset_search(user=None, q="chat luong nuoc").count == 1
    assert dataset_search(user=None, q="moi truong").count == 1
    assert dataset_search(user=None, q="quan trac khong khi").count == 1


def test_facets_are_counted_over_the_query_matches() -> None:
    GroupFactory(name="y-te", title="Y tế")
    GroupFactory(name="giao-duc", title="Giáo dục")
    org = OrganizationFactory(name="so-y-te", title="Sở Y tế")
    a = DatasetFactory(title="Bệnh viện 1", organization=org, groups=["y-te"], tags=["bệnh viện"])
    DatasetFactory(title="Bệnh viện 2", organization=org, groups=["y-te", "giao-duc"])
    DatasetFactory(title="Trường học", groups=["giao-duc"], license_id="CC0-1.0")
    ResourceFactory(dataset=a, url="https://x.vn/a.xlsx", format="xlsx")
    result = dataset_search(user=None, q="benh vien")
    assert result.count == 2
    facets = {f: {i.name: i.count for i in items} for f, items in result.facets.items()}
    assert facets["groups"] == {"y-te": 2, "giao-duc": 1}
    assert facets["organization"] == {"so-y-te": 2}
    assert facets["tags"] == {"bệnh viện": 1}
    assert facets["res_format"] == {"XLSX": 1}
    assert facets["license_id"] == {"CC-BY-4.0": 2}
    groups = result.facets["groups"]
    assert [(i.name, i.display_name) for i in groups] == [
        ("y-te", "Y tế"),
        ("giao-duc", "Giáo dục"),
    ]
    assert result.facets["license_id"][0].display_name == "Creative Commons Attribution"


def test_facet_limit_and_mincount() -> None:
    for i, tags in enumerate([["a1", "b1"], ["a1"], ["a1", "c1"]]):
        DatasetFactory(name=f"d{i}", tags=tags)
    result = dataset_search(user=None, facet_fields=["tags"], facet_limit=2)
    assert [(i.name, i.count) for i in result.facets["tags"]] == [("a1", 3), ("b1", 1)]
    result = dataset_search(user=None, facet_fields=["tags"], facet_mincount=2)
    assert [i.name for i in result.facets["tags"]] == ["a1"]
    assert len(dataset_search(user=None, facet_fields=["tags"], facet_limit=-1).facets["tags"]) == 3


def test_filters_on_facet_fields_with_or_and_not() -> None:
    GroupFactory(name="y-te", title="Y tế")
    DatasetFactory(name="a1", tags=["x1"], groups=["y-te"])
    DatasetFactory(name="b1", tags=["x2"])
    DatasetFactory(name="c1", tags=["x1", "x2"], license_id="CC0-1.0")
    assert sorted(names(dataset_search(user=None, filters=Q(tags__name="x1")))) == ["a1", "c1"]
    either = Q(tags__name="x1") | Q(groups__name="y-te")
    assert dataset_search(user=None, filters=either).count == 2
    assert names(dataset_search(user=None, filters=~Q(tags__name="x1"))) == ["b1"]
    assert names(dataset_search(user=None, filters=Q(license_id="CC0-1.0"))) == ["c1"]
    both = Q(tags__name="x1") & Q(tags__name="x2")
    assert names(dataset_search(user=None, filters=both)) == ["c1"]
    assert names(dataset_search(user=None, filters=Q(name="b1"))) == ["b1"]
    assert dataset_search(user=None, filters=Q(title__icontains="nghiệm")).count == 3


def test_filters_and_facets_agree_with_the_page() -> None:
    org = OrganizationFactory(name="so-a")
    for i in range(3):
        DatasetFactory(name=f"a{i}", organization=org)
    DatasetFactory(name="khac")
    result = dataset_search(user=None, filters=Q(organization__name="so-a"), rows=2)
    assert result.count == 3
    assert len(result.datasets) == 2
    assert [i.count for i in result.facets["organization"]] == [3]


def test_private_datasets_are_visible_only_to_readers_of_the_organization() -> None:
    org = OrganizationFactory(name="so-rieng")
    DatasetFactory(name="rieng-tu", title="Dữ liệu riêng", organization=org, private=True)
    DatasetFactory(name="cong-khai", title="Dữ liệu chung", organization=org)
    member = UserFactory()
    OrganizationMemberFactory(organization=org, user=member)
    stranger = UserFactory()
    assert names(dataset_search(user=None, q="du lieu", include_private=True)) == ["cong-khai"]
    assert dataset_search(user=stranger, q="du lieu", include_private=True).count == 1
    assert dataset_search(user=member, q="du lieu").count == 1
    assert dataset_search(user=member, q="du lieu", include_private=True).count == 2


def test_officer_of_the_agency_or_above_reads_private_datasets(agency_tree: object) -> None:
    tree = agency_tree
    org = services.organization_for_agency(agency=tree.dept_a)  # type: ignore[attr-defined]
    DatasetFactory(name="rieng", organization=org, private=True)
    officer_elsewhere = tree.officer_b  # type: ignore[attr-defined]
    assert dataset_search(user=tree.dept_officer, include_private=True).count == 1  # type: ignore[attr-defined]
    assert dataset_search(user=tree.province_admin, include_private=True).count == 1  # type: ignore[attr-defined]
    assert dataset_search(user=officer_elsewhere, include_private=True).count == 0
    assert dataset_search(user=tree.citizen, include_private=True).count == 0  # type: ignore[attr-defined]


def test_drafts_only_with_include_drafts_for_readers_and_deleted_never() -> None:
    org = OrganizationFactory()
    member = UserFactory()
    OrganizationMemberFactory(organization=org, user=member)
    DatasetFactory(name="nhap", organization=org, state=Dataset.State.DRAFT)
    gone = DatasetFactory(name="da-xoa", organization=org)
    services.dataset_delete(user=None, dataset=gone, check_permission=False)
    assert dataset_search(user=member).count == 0
    assert names(dataset_search(user=member, include_drafts=True)) == ["nhap"]
    assert dataset_search(user=None, include_drafts=True).count == 0
    assert (
        dataset_search(user=member, q="da xoa", include_drafts=True, include_private=True).count
        == 0
    )


def test_sorts_and_paging() -> None:
    base = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    for i, title in enumerate(["Bò", "Ăn uống", "Cá"]):
        DatasetFactory(name=f"s{i}", title=title, metadata_modified=base + dt.timedelta(days=i))
    assert names(dataset_search(user=None, sort="metadata_modified desc")) == ["s2", "s1", "s0"]
    assert names(dataset_search(user=None, sort="metadata_modified asc")) == ["s0", "s1", "s2"]
    # Folded titles: "an uong" < "bo" < "ca".
    assert names(dataset_search(user=None, sort="title_string asc")) == ["s1", "s0", "s2"]
    assert names(dataset_search(user=None, sort="name desc")) == ["s2", "s1", "s0"]
    page = dataset_search(user=None, sort="name asc", start=1, rows=1)
    assert (page.count, names(page)) == (3, ["s1"])
    assert dataset_search(user=None, start=10).datasets == []
    assert dataset_search(user=None, rows=0).datasets == []


def test_relevance_without_query_falls_back_to_most_recent() -> None:
    base = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    DatasetFactory(name="cu", metadata_modified=base)
    DatasetFactory(name="moi", metadata_modified=base + dt.timedelta(days=1))
    assert names(dataset_search(user=None)) == ["moi", "cu"]


def test_unknown_sort_or_facet_field_raises_value_error() -> None:
    with pytest.raises(ValueError):
        dataset_search(user=None, sort="title desc; drop table")
    with pytest.raises(ValueError):
        dataset_search(user=None, facet_fields=["state"])


def test_punctuation_only_query_matches_everything() -> None:
    DatasetFactory()
    assert dataset_search(user=None, q='"*()^').count == 1


def test_results_have_related_objects_prefetched(django_assert_max_num_queries: object) -> None:
    for i in range(5):
        d = DatasetFactory(name=f"p{i}", tags=["t1", "t2"])
        ResourceFactory(dataset=d)
    result = dataset_search(user=None)
    assert len(result.dataset_ids) == 5
    datasets = result.datasets  # loaded on first use, with their relations
    with django_assert_max_num_queries(0):  # type: ignore[operator]
        assert result.datasets is datasets
        for d in datasets:
            _ = (d.organization.title, d.license, list(d.tags.all()), list(d.resources.all()))
            _ = list(d.groups.all())


def _match_rows() -> dict[int, tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, body::text, title::text FROM catalog_searchmatch")
        return {pk: (body, title) for pk, body, title in cursor.fetchall()}


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgres_match_table_follows_entries_through_writes_and_reindex() -> None:
    d = DatasetFactory(title="Dân số Thanh Hóa", name="dan-so")
    DatasetFactory(title="Giáo dục", name="giao-duc", notes="trường học")
    entry = SearchEntry.objects.get(dataset=d)
    rows = _match_rows()
    assert set(rows) == set(SearchEntry.objects.values_list("pk", flat=True))
    assert rows[entry.pk][1] == "'dan' 'hoa' 'so' 'thanh'"  # title lexemes, no positions
    services.dataset_patch(user=None, dataset=d, check_permission=False, title="Y tế")
    assert _match_rows()[entry.pk][1] == "'te' 'y'"
    assert search.text_match_ids(["y", "te"], title_only=True) == [entry.pk]
    assert search.text_match_ids(["truong"]) != []
    SearchEntry.objects.filter(pk=entry.pk).delete()
    assert entry.pk not in _match_rows()
    search.rebuild()
    assert set(_match_rows()) == set(SearchEntry.objects.values_list("pk", flat=True))
    assert len(_match_rows()) == 2


def test_index_follows_updates_and_reindex_rebuilds_everything() -> None:
    d = DatasetFactory(title="Tên cũ", name="ten")
    services.dataset_patch(user=None, dataset=d, check_permission=False, title="Tên mới hoàn toàn")
    assert dataset_search(user=None, q="cu").count == 0
    assert dataset_search(user=None, q="hoan toan").count == 1
    SearchEntry.objects.all().delete()  # index lost (e.g. rows removed with raw SQL)
    assert not SearchEntry.objects.exists()
    report = search.rebuild()
    assert report.count == 1
    assert SearchEntry.objects.count() == 1
    assert dataset_search(user=None, q="hoan toan").count == 1


def test_facet_cache_reloads_after_another_write() -> None:
    DatasetFactory(name="mot", tags=["chung"])
    assert dataset_search(user=None, facet_fields=["tags"]).facets["tags"][0].count == 1
    DatasetFactory(name="hai", tags=["chung"])
    assert dataset_search(user=None, facet_fields=["tags"]).facets["tags"][0].count == 2


def test_rebuild_writes_the_same_rows_as_incremental_indexing() -> None:
    from tests.core.factories import AdministrativeUnitFactory

    GroupFactory(name="y-te", title="Y tế", title_en="Health")
    AdministrativeUnitFactory(code="97002", name="Phường Đông Thọ")
    d = DatasetFactory(
        title="Bệnh viện Đa khoa",
        notes="Giường bệnh, **bác sĩ**.",
        tags=["Y tế", "Bệnh viện"],
        groups=["y-te"],
        spatial=["97002"],
        author="Sở Y tế",
    )
    ResourceFactory(dataset=d, name="Danh sách giường", url="https://x.vn/a.xlsx", format="XLSX")

    def snapshot() -> tuple[object, ...]:
        entry = SearchEntry.objects.get(dataset=d)
        facets = sorted(entry.facets.values_list("field", "value"))
        return (entry.text_title, entry.text_body, entry.sort_title, entry.state, facets)

    before = snapshot()
    search.rebuild()
    assert snapshot() == before
    assert "phuong dong tho" in before[1]  # type: ignore[operator]
    assert dataset_search(user=None, q="giuong benh dong tho").count == 1


def test_large_match_sets_rank_title_matches_first_then_by_recency(monkeypatch: object) -> None:
    from tinhso.catalog import selectors

    monkeypatch.setattr(selectors, "RANK_LIMIT", 0)  # type: ignore[attr-defined]
    base = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    DatasetFactory(name="mo-ta-moi", title="Khác", notes="bệnh viện", metadata_modified=base)
    DatasetFactory(name="tieu-de-cu", title="Bệnh viện A", metadata_modified=base)
    DatasetFactory(
        name="tieu-de-moi", title="Bệnh viện B", metadata_modified=base + dt.timedelta(days=2)
    )
    DatasetFactory(
        name="mo-ta-cu",
        title="Khác nữa",
        notes="bệnh viện",
        metadata_modified=base - dt.timedelta(1),
    )
    expected = ["tieu-de-moi", "tieu-de-cu", "mo-ta-moi", "mo-ta-cu"]
    assert names(dataset_search(user=None, q="benh vien", rows=10)) == expected
    pages = [names(dataset_search(user=None, q="benh vien", start=i, rows=1)) for i in range(4)]
    assert [p[0] for p in pages] == expected
    assert names(dataset_search(user=None, q="benh vien", start=1, rows=2)) == expected[1:3]
    for start, rows in [(0, 1), (1, 2), (2, 1), (3, 1), (0, 3), (2, 5), (4, 1)]:
        search.clear_text_cache()  # each page as a process that never saw the query
        found = names(dataset_search(user=None, q="benh vien", start=start, rows=rows))
        assert found == expected[start : start + rows]
    search.clear_text_cache()
    assert names(dataset_search(user=None, q="khac", start=0, rows=10)) == ["mo-ta-moi", "mo-ta-cu"]
    assert names(dataset_search(user=None, q="nua", rows=10)) == ["mo-ta-cu"]
    # Words found only in descriptions: no title tier.
    DatasetFactory(name="mo-ta-ba", title="Một", notes="vien phi", metadata_modified=base)
    search.clear_text_cache()
    assert names(dataset_search(user=None, q="vien phi", start=0, rows=5)) == ["mo-ta-ba"]


@pytest.mark.parametrize("sparse_max", [0, 64])
def test_facets_and_filters_agree_for_bitmaps_and_id_lists(
    monkeypatch: object, sparse_max: int
) -> None:
    monkeypatch.setattr(search, "SPARSE_MAX", sparse_max)  # type: ignore[attr-defined]
    search._facet_index.generation = -1  # force a reload with this representation
    for i in range(6):
        DatasetFactory(name=f"f{i}", tags=["chung"] + (["le"] if i % 2 else []))
    result = dataset_search(user=None, facet_fields=["tags"], facet_limit=1)
    assert [(i.name, i.count) for i in result.facets["tags"]] == [("chung", 6)]
    result = dataset_search(user=None, filters=Q(tags__name="le"), facet_fields=["tags"])
    assert [(i.name, i.count) for i in result.facets["tags"]] == [("chung", 3), ("le", 3)]
    services.dataset_patch(
        user=None, dataset=Dataset.objects.get(name="f1"), check_permission=False, tags=["chung"]
    )
    result = dataset_search(user=None, facet_fields=["tags"], facet_limit=-1)
    assert [(i.name, i.count) for i in result.facets["tags"]] == [("chung", 6), ("le", 2)]
    assert dataset_search(user=None, facet_fields=["tags"], facet_limit=0).facets["tags"] == []
