"""Loading rules that must hold on both engines, in particular where the PostgreSQL load
(COPY into a staging table, types guessed from the first rows and checked in SQL) could
diverge from reading every value in Python."""

from __future__ import annotations

import unicodedata

import pytest
from django.db import connection

from tests.datastore.factories import loaded
from tinhso.datastore.models import DatastoreTable, LoadLog
from tinhso.datastore.selectors import datastore_search

pytestmark = pytest.mark.django_db

MANY = 2500  # more rows than the PostgreSQL load's sample (2,000)


def records(table: DatastoreTable, **kw: object) -> list[dict[str, object]]:
    result = datastore_search(table=table, limit=32000, **kw)  # type: ignore[arg-type]
    ids = [f["id"] for f in result.fields]
    return [dict(zip(ids, r, strict=True)) for r in result.records]


def types(table: DatastoreTable) -> dict[str, str]:
    return {f["id"]: f["type"] for f in table.fields}


def test_quotes_inside_an_unquoted_field_are_kept_as_text() -> None:
    content = 'ten,so\nCông ty "Hoàng Long",1\n5\'6",2\n"a, b",3\nab""c,4\n'.encode()
    table = loaded(content)
    assert table.status == DatastoreTable.Status.ACTIVE, table.error
    assert [r["ten"] for r in records(table)] == [
        'Công ty "Hoàng Long"',
        "5'6\"",
        "a, b",
        'ab""c',
    ]


def test_quoted_field_spanning_lines_and_crlf_line_ends() -> None:
    content = b'a,b\r\n"d\xc3\xb2ng 1\r\nd\xc3\xb2ng 2",1\r\nx,2\r\n'
    table = loaded(content)
    rows = records(table)
    assert rows[0]["a"] == "dòng 1\r\ndòng 2" and rows[1] == {"_id": 2, "a": "x", "b": 2}


def test_blank_lines_are_skipped() -> None:
    table = loaded(b"a,b\n1,2\n\n3,4\n\n")
    assert table.status == DatastoreTable.Status.ACTIVE, table.error
    assert [r["a"] for r in records(table)] == [1, 3]


def test_trailing_empty_cells_beyond_the_header_are_dropped() -> None:
    table = loaded(b"a,b\n1,2,\n3,4,,\n")
    assert table.status == DatastoreTable.Status.ACTIVE, table.error
    assert records(table)[1] == {"_id": 2, "a": 3, "b": 4}


def test_leading_zero_after_the_first_rows_keeps_the_column_text() -> None:
    lines = ["ma,so"] + [f"{1000 + i},{i}" for i in range(MANY)] + ["0123,7"]
    table = loaded("\n".join(lines).encode())
    assert types(table) == {"ma": "text", "so": "int"}
    assert records(table)[-1]["ma"] == "0123"


def test_decimal_after_the_first_rows_widens_int_to_numeric() -> None:
    lines = ["so"] + [str(i) for i in range(MANY)] + ["2.5"]
    table = loaded("\n".join(lines).encode())
    assert types(table) == {"so": "numeric"}
    assert records(table)[-1]["so"] == 2.5


def test_thousands_groups_after_the_first_rows() -> None:
    lines = ["so"] + [str(i) for i in range(MANY)] + ['"1,234,567"']
    table = loaded("\n".join(lines).encode())
    assert types(table) == {"so": "int"}
    assert records(table)[-1]["so"] == 1234567


def test_padded_numbers_are_numbers() -> None:
    lines = ["so"] + [str(i) for i in range(MANY)] + ["  42 "]
    table = loaded("\n".join(lines).encode())
    assert types(table) == {"so": "int"}
    assert records(table)[-1]["so"] == 42


def test_time_after_the_first_rows_makes_a_timestamp() -> None:
    lines = ["ngay"] + ["05/03/2024"] * MANY + ["06/03/2024 08:30"]
    table = loaded("\n".join(lines).encode())
    assert types(table) == {"ngay": "timestamp"}
    assert records(table)[-1]["ngay"] == "2024-03-06T08:30:00"


def test_integer_beyond_bigint_becomes_numeric() -> None:
    lines = ["so"] + [str(i) for i in range(MANY)] + ["123456789012345678901234"]
    table = loaded("\n".join(lines).encode())
    assert types(table)["so"] == "numeric"


def test_impossible_date_after_the_first_rows_is_logged_with_its_line() -> None:
    lines = ["ngay"] + ["05/03/2024"] * MANY + ["31/02/2024"]
    table = loaded("\n".join(lines).encode())
    assert types(table) == {"ngay": "text"}
    log = LoadLog.objects.filter(resource=table.resource).first()
    assert log is not None
    assert any(
        "31/02/2024" in e["message"] and f"dòng {MANY + 2}" in e["message"] for e in log.entries
    )


def test_decomposed_text_comes_out_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Tên\nXã Quảng Phú\nPhường Đông Hương\n")
    table = loaded(nfd.encode())
    names = [r["ten"] for r in records(table)]
    assert names == ["Xã Quảng Phú", "Phường Đông Hương"]
    assert table.fields[0]["label"] == "Tên"


def test_vietnamese_booleans_in_any_case() -> None:
    table = loaded("a\ncó\nKHÔNG\nĐúng\nsai\n".encode())
    assert types(table) == {"a": "bool"}
    assert [r["a"] for r in records(table)] == [True, False, True, False]


def test_no_staging_table_is_left_behind() -> None:
    loaded(b"a,b\n1,2\n")
    failed = loaded(b"a,b\n1,2\n3,4,5\n")
    assert failed.status == DatastoreTable.Status.FAILED
    assert not [t for t in connection.introspection.table_names() if t.endswith("_s")]


def test_balanced_two_value_columns_get_no_index_but_a_rare_value_does() -> None:
    lines = ["gioi_tinh,trang_thai,ngay"] + [
        f"{'Nam' if i % 2 else 'Nữ'},{'Hủy' if i % 50 == 0 else 'Xong'},{i % 28 + 1:02d}/03/2024"
        for i in range(200)
    ]
    table = loaded("\n".join(lines).encode())
    indexed = {f["id"]: f["indexed"] for f in table.fields}
    assert indexed == {"gioi_tinh": False, "trang_thai": True, "ngay": True}


@pytest.mark.django_db(transaction=True)
def test_a_load_outside_a_transaction_builds_its_indexes_and_vacuums() -> None:
    """The worker's path: autocommit, so PostgreSQL vacuums the table (index-only counts)
    and builds the indexes on parallel connections."""
    provinces = ["Thanh Hóa", "Nghệ An", "Hà Tĩnh"]
    lines = ["ma,tinh,ngay"] + [
        f"{i},{provinces[i % 3]},{i % 28 + 1:02d}/03/2024" for i in range(1, 3001)
    ]
    table = loaded("\n".join(lines).encode())
    assert table.status == DatastoreTable.Status.ACTIVE, table.error
    expected = {"ma", "tinh", "ngay"} if connection.vendor == "postgresql" else {"tinh", "ngay"}
    assert {f["id"] for f in table.fields if f["indexed"]} == expected
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table.table_name)
    indexed_columns = {tuple(c["columns"]) for c in constraints.values() if c["index"]}
    assert {(name,) for name in expected} <= indexed_columns
    if connection.vendor == "postgresql":
        assert ("_id",) in indexed_columns
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relallvisible FROM pg_class WHERE relname = %s", [table.table_name]
            )
            assert cursor.fetchone()[0] > 0  # vacuumed: the visibility map is set
    assert records(table, filters={"tinh": "Nghệ An"})[0]["ma"] == 1


@pytest.mark.django_db(transaction=True)
def test_guesses_checked_while_the_table_is_written_outside_a_transaction() -> None:
    """The worker's path on PostgreSQL checks the guessed types on a second connection
    while the typed table is written; values after the sample that the casts alone would
    accept (a leading zero, padding, a thousands group) still decide the column type,
    and a value that fits its pattern but does not exist is logged with its line."""
    lines = ["ma,so,tien,ngay,dem"] + [
        f"{1000 + i},{i},{i}.5,{i % 28 + 1:02d}/03/2024,{i}" for i in range(MANY)
    ]
    lines += ['0123, 7 ,"1,234.5",31/02/2024,8', "4567,9,2.5,01/04/2024,9"]
    table = loaded("\n".join(lines).encode())
    assert table.status == DatastoreTable.Status.ACTIVE, table.error
    assert types(table) == {
        "ma": "text",
        "so": "int",
        "tien": "numeric",
        "ngay": "text",
        "dem": "int",
    }
    rows = records(table)
    assert rows[-2]["ma"] == "0123"
    assert rows[-2]["so"] == 7
    assert rows[-2]["tien"] in ("1234.5", 1234.5)
    assert rows[-2]["ngay"] == "31/02/2024"
    log = LoadLog.objects.filter(resource=table.resource).first()
    assert log is not None
    assert any(
        "31/02/2024" in e["message"] and f"dòng {MANY + 2}" in e["message"] for e in log.entries
    )
    assert not [t for t in connection.introspection.table_names() if t.endswith("_s")]


@pytest.mark.parametrize(
    ("last", "passes", "expected"),
    [
        ("9999,31/12/2024", 1, {"ma": "int", "ngay": "date"}),  # the guesses hold: one pass
        ("0123,31/12/2024", 2, {"ma": "text", "ngay": "date"}),  # a later value changes a type
        # a later value fits the pattern but does not convert: the column is demoted when
        # the second pass meets it, and the table written once more (as before)
        ("9999,31/02/2024", 3, {"ma": "int", "ngay": "text"}),
    ],
)
def test_sqlite_reads_the_file_again_only_when_the_first_rows_guessed_wrong(
    monkeypatch: pytest.MonkeyPatch, last: str, passes: int, expected: dict[str, str]
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the PostgreSQL load stages the text once (pgload)")
    from tinhso.datastore.ingest.readers import CsvReader

    reads: list[int] = []
    original = CsvReader.chunks

    def counting(self: CsvReader, *, skip: int, size: int):  # type: ignore[no-untyped-def]
        if size > 60:  # not the header sample
            reads.append(size)
        return original(self, skip=skip, size=size)

    monkeypatch.setattr(CsvReader, "chunks", counting)
    lines = ["ma,ngay"] + [f"{1000 + i},{i % 28 + 1:02d}/03/2024" for i in range(MANY)] + [last]
    table = loaded("\n".join(lines).encode())
    assert table.status == DatastoreTable.Status.ACTIVE, table.error
    assert types(table) == expected
    assert len(reads) == passes
    rows = records(table)
    assert len(rows) == MANY + 1
    assert rows[0]["ma"] in (1000, "1000")
    assert str(rows[-1]["ma"]) == last.split(",")[0]


def test_sqlite_index_builds_leave_the_connection_settings_as_they_were() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's PRAGMA threads")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA threads")
        before = cursor.fetchone()[0]
    table = loaded(b"tinh,so\nThanh H\xc3\xb3a,1\nNgh\xe1\xbb\x87 An,2\n")
    assert table.status == DatastoreTable.Status.ACTIVE, table.error
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA threads")
        assert cursor.fetchone()[0] == before


def test_a_file_with_a_header_and_no_rows_loads_an_empty_table() -> None:
    table = loaded("Mã,Tên\n".encode())
    assert table.status == DatastoreTable.Status.ACTIVE, table.error
    assert table.row_count == 0
    assert [f["id"] for f in table.fields] == ["ma", "ten"]
    assert records(table) == []
