"""Vietnamese statistics tables: "no data" placeholders ("-", "…", "N/A", "x"…) and
thousands grouped with spaces (plain, no-break U+00A0, thin U+2009/U+202F) load as NULLs
and numbers on both engines, while text columns keep them as text."""

from __future__ import annotations

import pytest

from tests.datastore.factories import loaded
from tinhso.datastore.ingest.infer import PLACEHOLDERS, ColumnProfile, ColumnType, decide
from tinhso.datastore.models import DatastoreTable
from tinhso.datastore.selectors import column_summary, datastore_search

NBSP = "\u00a0"
THIN = "\u202f"
MANY = 2500  # more rows than the PostgreSQL load's sample (2,000)


def records(table: DatastoreTable) -> list[dict[str, object]]:
    result = datastore_search(table=table, limit=32000)
    ids = [f["id"] for f in result.fields]
    return [dict(zip(ids, r, strict=True)) for r in result.records]


def types(table: DatastoreTable) -> dict[str, str]:
    return {f["id"]: f["type"] for f in table.fields}


def column(table: DatastoreTable, cid: str) -> list[object]:
    return [r[cid] for r in records(table)]


# A provincial statistics table as offices export it from Excel: ";" between cells,
# comma decimals, thousands grouped with (no-break, thin) spaces, "no data" marks.
PROVINCE_CSV = "\n".join(
    [
        "Đơn vị hành chính;Dân số trung bình (người);Diện tích (km²);Ngày cập nhật;"
        "Ghi chú;Số hộ nghèo",
        f"Thành phố Huế;1{NBSP}234{NBSP}567;1 234,5;01/02/2024;Tăng;-",
        "Thị xã Hương Thủy;-;…;-;-;-",
        f"Huyện Phú Vang;98{THIN}765;N/A;…;Giảm;",
        "Huyện A Lưới;N/A;56,25;15/03/2024;Ổn định;-",
        "Huyện Phong Điền;12345;-;N/A;Không đổi; - ",
        "Huyện Quảng Điền;...;x;;Mới thành lập;-",
    ]
)


@pytest.mark.django_db
def test_province_table_loads_typed_columns_with_nulls_for_placeholders() -> None:
    table = loaded(PROVINCE_CSV.encode())
    assert table.status == DatastoreTable.Status.ACTIVE, table.error
    assert types(table) == {
        "don_vi_hanh_chinh": "text",
        "dan_so_trung_binh_nguoi": "int",
        "dien_tich_km": "numeric",
        "ngay_cap_nhat": "date",
        "ghi_chu": "text",
        "so_ho_ngheo": "text",
    }
    assert column(table, "dan_so_trung_binh_nguoi") == [1234567, None, 98765, None, 12345, None]
    assert column(table, "dien_tich_km") == [1234.5, None, None, 56.25, None, None]
    assert column(table, "ngay_cap_nhat") == [
        "2024-02-01",
        None,
        None,
        "2024-03-15",
        None,
        None,
    ]
    # A text column keeps "-" as a value; a column of nothing but marks stays text.
    assert column(table, "ghi_chu") == [
        "Tăng",
        "-",
        "Giảm",
        "Ổn định",
        "Không đổi",
        "Mới thành lập",
    ]
    assert column(table, "so_ho_ngheo") == ["-", "-", None, "-", " - ", "-"]


@pytest.mark.django_db
def test_placeholders_count_as_nulls_in_the_summary_and_the_fields() -> None:
    table = loaded(PROVINCE_CSV.encode())
    fields = {f["id"]: f for f in table.fields}
    assert fields["dan_so_trung_binh_nguoi"]["nulls"] == 3
    assert fields["dien_tich_km"]["nulls"] == 4
    summary = {c["id"]: c for c in column_summary(table)}
    assert summary["dan_so_trung_binh_nguoi"]["nulls"] == 3
    assert summary["dan_so_trung_binh_nguoi"]["min"] == 12345
    assert summary["dien_tich_km"]["nulls"] == 4
    assert summary["ngay_cap_nhat"]["nulls"] == 4
    assert summary["ghi_chu"]["nulls"] == 0


@pytest.mark.django_db
def test_filters_and_sorting_see_numbers_not_text() -> None:
    table = loaded(PROVINCE_CSV.encode())
    result = datastore_search(table=table, filters={"dan_so_trung_binh_nguoi": 98765}, limit=10)
    assert [r[1] for r in result.records] == ["Huyện Phú Vang"]
    # Sorted as numbers (as text, "56,25" would come before "1 234,5").
    result = datastore_search(table=table, sort="dien_tich_km desc", limit=10)
    ids = [f["id"] for f in result.fields]
    values = [dict(zip(ids, r, strict=True))["dien_tich_km"] for r in result.records]
    assert [v for v in values if v is not None] == [1234.5, 56.25]


@pytest.mark.django_db
def test_space_groups_with_a_decimal_point_in_a_comma_separated_file() -> None:
    content = "ten,gia_tri,so\nA,1 234.5,1 234 567\nB,-,…\nC,0.25,7\n"
    table = loaded(content.encode())
    assert types(table) == {"ten": "text", "gia_tri": "numeric", "so": "int"}
    assert column(table, "gia_tri") == [1234.5, None, 0.25]
    assert column(table, "so") == [1234567, None, 7]


@pytest.mark.django_db
def test_placeholders_and_space_groups_after_the_first_rows() -> None:
    lines = ["so;thap_phan;ngay"]
    lines += [f"{i};{i},5;01/02/2024" for i in range(1, MANY)]
    lines += [f"1{NBSP}234{NBSP}567;1 234,5;-", "-;…;N/A", "N/A;x;03/04/2024"]
    table = loaded("\n".join(lines).encode())
    assert table.status == DatastoreTable.Status.ACTIVE, table.error
    assert types(table) == {"so": "int", "thap_phan": "numeric", "ngay": "date"}
    rows = records(table)[-3:]
    assert [r["so"] for r in rows] == [1234567, None, None]
    assert [r["thap_phan"] for r in rows] == [1234.5, None, None]
    assert [r["ngay"] for r in rows] == [None, None, "2024-04-03"]
    assert {f["id"]: f["nulls"] for f in table.fields} == {"so": 2, "thap_phan": 2, "ngay": 2}


@pytest.mark.django_db
def test_placeholders_only_in_the_first_rows_then_numbers() -> None:
    lines = ["so,ghi_chu"] + ["-,-"] * MANY + ["42,có số liệu"]
    table = loaded("\n".join(lines).encode())
    assert types(table) == {"so": "int", "ghi_chu": "text"}
    assert records(table)[-1] == {"_id": MANY + 1, "so": 42, "ghi_chu": "có số liệu"}
    assert records(table)[0]["so"] is None


@pytest.mark.django_db
def test_a_column_of_only_placeholders_stays_text_after_the_first_rows() -> None:
    lines = ["so,chi_gach"] + [f"{i},-" for i in range(MANY)] + ["5,…"]
    table = loaded("\n".join(lines).encode())
    assert types(table) == {"so": "int", "chi_gach": "text"}
    assert column(table, "chi_gach")[-2:] == ["-", "…"]


@pytest.mark.django_db
def test_space_between_digits_that_is_not_a_thousands_group_keeps_text() -> None:
    table = loaded(b"ma\n1 2\n-\n3\n")
    assert types(table) == {"ma": "text"}
    assert column(table, "ma") == ["1 2", "-", "3"]


@pytest.mark.django_db
def test_booleans_do_not_take_placeholders() -> None:
    table = loaded("co_dien\ncó\nkhông\n-\n".encode())
    assert types(table) == {"co_dien": "text"}


@pytest.mark.django_db
def test_publisher_override_to_numbers_loads_placeholders_as_null() -> None:
    from tinhso.datastore.services import datastore_load

    table = loaded(b"ma,so\nA,1\nB,-\nC,khong ro\n")
    assert types(table)["so"] == "text"
    DatastoreTable.objects.filter(pk=table.pk).update(options={"types": {"so": "int"}})
    table = datastore_load(resource=table.resource)
    # "khong ro" is not a number: the override fails naming it, not "-".
    assert table.status == DatastoreTable.Status.FAILED
    assert "khong ro" in table.error and table.error_line == 4


@pytest.mark.django_db
def test_publisher_override_keeps_the_loose_convention() -> None:
    from tinhso.datastore.services import datastore_load

    table = loaded(f"so\n1{NBSP}234\n-\n7\n".encode())
    assert types(table) == {"so": "int"}
    DatastoreTable.objects.filter(pk=table.pk).update(options={"types": {"so": "numeric"}})
    table = datastore_load(resource=table.resource)
    assert table.status == DatastoreTable.Status.ACTIVE, table.error
    assert types(table) == {"so": "numeric"} and column(table, "so") == [1234, None, 7]


# ------------------------------------------------------------ inference alone


def infer(values: list[str], *, comma: bool = False) -> ColumnType:
    profile = ColumnProfile()
    profile.observe(values)
    return decide(profile, prefer_comma_decimal=comma)


@pytest.mark.parametrize("mark", PLACEHOLDERS)
def test_every_placeholder_is_null_in_a_number_column(mark: str) -> None:
    assert infer(["12", mark, f" {mark}\t"]) == ColumnType("int", "", loose=True)


@pytest.mark.parametrize("mark", PLACEHOLDERS)
def test_a_column_of_one_placeholder_stays_text(mark: str) -> None:
    assert infer([mark, "", mark]).type == "text"


def test_clean_columns_are_not_loose() -> None:
    assert infer(["1", "2"]) == ColumnType("int")
    assert infer(["1,234", "5"]) == ColumnType("int", "gc")
    assert infer(["01/02/2024", ""]) == ColumnType("date", "dmy")


def test_the_one_point_ambiguity_rules_are_unchanged_with_placeholders() -> None:
    assert infer(["1.234", "-"]) == ColumnType("numeric", "gc", loose=True)
    assert infer(["1.234", "-"], comma=True) == ColumnType("int", "gd", loose=True)


def test_space_groups_in_either_convention() -> None:
    assert infer(["1 234 567"]).type == "int"
    assert infer(["1 234,5"]) == ColumnType("numeric", "gd", loose=True)
    assert infer(["1 234.5"]) == ColumnType("numeric", "gc", loose=True)
    assert infer(["1 234,567.5"]).type == "text"  # mixed marks in one value
    assert infer(["0 123"]).type == "text"  # a leading zero: a code, not a number


def test_dates_with_an_empty_or_placeholder_first_value_in_a_chunk() -> None:
    assert infer(["", "01/02/2024"]) == ColumnType("date", "dmy")
    assert infer(["…", "01/02/2024 08:30"]) == ColumnType("timestamp", "dmy", loose=True)


@pytest.mark.django_db
def test_placeholders_without_space_groups_in_the_first_rows() -> None:
    # PostgreSQL: the sample's loose guesses are cast directly (no full-pattern check).
    content = "ten,so,ty_le,ngay\nA,12,0.5,01/02/2024\nB,-,…,-\nC,5,N/A,x\nD,NA,2.25,03/04/2024\n"
    table = loaded(content.encode())
    assert types(table) == {"ten": "text", "so": "int", "ty_le": "numeric", "ngay": "date"}
    assert column(table, "so") == [12, None, 5, None]
    assert column(table, "ty_le") == [0.5, None, None, 2.25]
    assert column(table, "ngay") == ["2024-02-01", None, None, "2024-04-03"]


TRICKY_TAILS = [
    [f"1{NBSP}234{NBSP}567", "-"],
    ["1 2"],
    ["1 234,5"],
    ["1 234.5", "…"],
    ["1 234,567.5"],
    ["123 456 789 012 345 678 901"],
    ["0 123"],
    ["-", "x", "N/A"],
    ["1 234 56"],
    [" 1 234 ", "\t-\t"],
]


@pytest.mark.django_db
@pytest.mark.parametrize("tail", TRICKY_TAILS, ids=range(len(TRICKY_TAILS)))
def test_both_engines_agree_with_the_python_inference(tail: list[str]) -> None:
    """Values after the PostgreSQL sample go through its SQL checks; the type must be the
    one infer.py gives over the whole column, and the values those of its converter."""
    from tinhso.datastore.ingest.infer import make_converter

    values = [str(i) for i in range(1, MANY)] + tail
    expected = infer(values)
    table = loaded(("so\n" + "\n".join(f'"{v}"' for v in values)).encode())
    assert types(table) == {"so": expected.type}
    loaded_tail = column(table, "so")[-len(tail) :]
    converted = make_converter(expected, target="sqlite")(tail)
    if expected.type == "int":
        converted = [None if v is None else int(v) for v in converted]
    elif expected.type == "numeric":
        converted = [None if v is None else float(v) for v in converted]
    assert loaded_tail == converted


@pytest.mark.django_db
def test_a_date_column_whose_chunk_starts_empty_or_with_mixed_separators_is_dates() -> None:
    # The date patterns once tied every value of a chunk to the first one's separator
    # and failed after an empty first value: both engines read this column as text.
    table = loaded(b"so,ngay\n1,\n2,01/02/2024\n3,-\n4,05-06-2024\n")
    assert types(table) == {"so": "int", "ngay": "date"}
    assert column(table, "ngay") == [None, "2024-02-01", None, "2024-06-05"]


@pytest.mark.django_db
def test_publisher_override_of_a_text_column_counts_placeholders_as_nulls() -> None:
    from tinhso.datastore.services import datastore_load

    table = loaded(b"ma,so\nA,0123\nB,-\nC,5\nD,\n")
    assert types(table)["so"] == "text"  # a leading zero
    DatastoreTable.objects.filter(pk=table.pk).update(options={"types": {"so": "int"}})
    table = datastore_load(resource=table.resource)
    assert table.status == DatastoreTable.Status.ACTIVE, table.error
    assert column(table, "so") == [123, None, 5, None]
    assert {f["id"]: f["nulls"] for f in table.fields}["so"] == 2
