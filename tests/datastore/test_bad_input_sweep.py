"""Issue #5, "Bad input", case by case: every bad file is loaded over a GOOD table through
the path the web form and the CKAN upload use (the resource's file changes, the load is
queued, the worker runs ``load_resource_task``), and every injection attempt goes through
the CKAN actions. Each one gets a clear Vietnamese message naming the problem; nothing is
half-loaded (no staging or orphan table on either engine) and the previous table still
answers ``datastore_search`` with its old rows.

Files that are odd but valid (one cell, only a header, mixed line ends, …) must load
correctly instead, replacing the good table and leaving no other table behind."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from _pytest.mark.structures import ParameterSet
from django.db import connection
from django.test import Client

from tests.datastore.factories import replace_file, resource_with_file, xlsx_bytes
from tests.datastore.test_ckan_api import call
from tests.datastore.test_ingest import _cp1258
from tinhso.catalog.models import Resource
from tinhso.datastore.models import DatastoreTable, LoadLog
from tinhso.datastore.tasks import load_resource_task

pytestmark = pytest.mark.django_db

GOOD = (
    "Tỉnh,Huyện,Năm,Dân số\n"
    "Thanh Hóa,Thọ Xuân,2023,233000\n"
    "Nghệ An,Diễn Châu,2023,290000\n"
    "Hà Tĩnh,Kỳ Anh,2022,130000\n"
).encode()
GOOD_ROWS = [
    {"_id": 1, "tinh": "Thanh Hóa", "huyen": "Thọ Xuân", "nam": 2023, "dan_so": 233000},
    {"_id": 2, "tinh": "Nghệ An", "huyen": "Diễn Châu", "nam": 2023, "dan_so": 290000},
    {"_id": 3, "tinh": "Hà Tĩnh", "huyen": "Kỳ Anh", "nam": 2022, "dan_so": 130000},
]


def _excel_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", "<" + "a" * 60_000_000 + "/>")
    return buf.getvalue()


def _ods_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<" + "a" * 60_000_000 + "/>")
    return buf.getvalue()


def _unsaved_formula_xlsx() -> bytes:
    """A workbook written by a program: openpyxl stores formulas without their result."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Dân số"
    ws.append(["Huyện", "Nam", "Nữ", "Tổng"])
    for n, name in enumerate(["Thọ Xuân", "Diễn Châu", "Kỳ Anh", "Nông Cống"], start=2):
        ws.append([name, 100 * n, 90 * n, 190 * n])  # D2…D4 are plain numbers
    ws["D5"] = "=B5+C5"  # no cached value: calamine would read an empty cell
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _wide(n: int) -> bytes:
    return (",".join(f"c{i}" for i in range(n)) + "\n" + ",".join("1" for _ in range(n))).encode()


# ------------------------------------------------------------------ refused files


@dataclass
class Bad:
    case: str
    content: bytes
    error: tuple[str, ...]  # fragments the Vietnamese error must contain
    filename: str = "moi.csv"
    line: int | None = None
    options: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)


BAD = [
    Bad(
        "mixed-encodings",
        ("a,b\n" + "Thanh Hóa,1\n" * 70_000).encode() + _cp1258("Hà Nội,2\n") + b"y,3\n",
        ("lẫn bảng mã", "70002"),
        line=70_002,
    ),
    Bad(
        "wrong-encoding-chosen",  # the publisher forced UTF-8 on a Windows-1258 file
        _cp1258("Tên,Số\nHà Nội,1\nHuế,2\n"),
        ("utf-8",),
        options={"encoding": "utf-8"},
    ),
    Bad("ragged-long-row", b"a,b\n1,2\n3,4,5\n", ("Dòng 3", "nhiều hơn"), line=3),
    Bad("empty-header-row", b",,\n1,2,3\n4,5,6\n", ("tiêu đề", "dòng 2 chỉ có số")),
    Bad("no-header-row", b"1,2,3\n4,5,6\n", ("tiêu đề", "dòng 1 chỉ có số")),
    Bad("nothing-but-blank-cells", b",,\n,,\n", ("tiêu đề",)),
    Bad(
        "unclosed-quote",
        b'a,b\n1,2\n"3,4\n5,6\n7,8\n',
        ("ngoặc kép", "dòng 3"),
        line=3,
    ),
    Bad("5000-columns", _wide(5000), ("5000 cột", "1000")),
    Bad(
        "binary-named-csv",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 10,
        ("nhị phân",),
    ),
    Bad("excel-bomb", _excel_bomb(), ("bom zip",), filename="bom.xlsx"),
    Bad("ods-bomb", _ods_bomb(), ("bom zip",), filename="bom.ods"),
    Bad("excel-bomb-named-csv", _excel_bomb(), ("bom zip",), filename="bom.csv"),
    Bad(
        "xls-garbage",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
        ("Không đọc được bảng tính",),
        filename="moi.xls",
    ),
    Bad(
        "json-5000-keys",
        json.dumps([{f"c{i}": i for i in range(5000)}]).encode(),
        ("5000 cột", "1000"),
        filename="moi.json",
    ),
    Bad("zero-byte", b"", ("0 byte",)),
    Bad("nul-byte", b"a,b\n1,x\x00y\n2,z\n", ("NUL", "Dòng 2"), line=2),
    Bad(  # the publisher chose the encoding: no detection, the NUL is still named
        "nul-byte-encoding-chosen",
        b"a,b\n1,x\x00y\n2,z\n",
        ("NUL", "Dòng 2"),
        line=2,
        options={"encoding": "utf-8"},
    ),
    Bad(  # beyond the part read to detect the encoding
        "nul-byte-late",
        b"a,b\n" + b"xxxxxxxx,1\n" * 40_000 + b"y\x00z,2\n",
        ("NUL", "Dòng 40002"),
        line=40_002,
    ),
    Bad(
        "legacy-then-utf8",
        _cp1258("Tên,Số\nHà Nội,1\n") + "Huế,2\nĐà Nẵng,3\n".encode(),
        ("lẫn bảng mã", "dòng 3 viết bằng UTF-8", "dòng 1 dùng bảng mã khác"),
        line=3,
    ),
    Bad(
        "utf8-then-legacy-close-by",
        "Tên,Số\nHuế,1\nĐà Nẵng,2\n".encode() + _cp1258("Hà Nội,3\n"),
        ("lẫn bảng mã", "dòng 1 viết bằng UTF-8", "dòng 4 dùng bảng mã khác"),
        line=4,
    ),
    Bad(
        "ascii-then-mixed",
        b"a,b\n" + b"x,1\n" * 70_000 + _cp1258("Hà Nội,2\n") + "Huế,3\n".encode(),
        ("lẫn bảng mã", "dòng 70003 viết bằng UTF-8", "dòng 70002"),
        line=70_003,
    ),
    Bad(  # beyond the 256 KB that chose Windows-1258: two exports joined
        "legacy-then-utf8-late",
        _cp1258("Tên,Số\n" + "Hà Nội,1\n" * 40_000) + "Huế,2\nĐà Nẵng,3\n".encode() + b"x,4\n",
        ("lẫn bảng mã", "dòng 40002 viết bằng UTF-8", "dòng 1 dùng bảng mã khác"),
        line=40_002,
    ),
    Bad(  # a UTF-8 line made only of Latin-1 accents ("Hóa": \xc3\xb3), CRLF line ends
        "legacy-then-utf8-latin1-accents-late",
        _cp1258("Tên,Số\r\n" + "Hà Nội,1\r\n" * 40_000) + "Thanh Hóa,2\r\n".encode(),
        ("lẫn bảng mã", "dòng 40002 viết bằng UTF-8", "dòng 1 dùng bảng mã khác"),
        line=40_002,
    ),
    Bad(  # the publisher forced Windows-1258 on a UTF-8 file
        "utf8-read-as-legacy",
        "Tên,Số\nHuế,1\n".encode(),
        ("UTF-8", "cp1258"),
        line=1,
        options={"encoding": "cp1258"},
    ),
    Bad(
        "xlsx-formula-without-result",
        _unsaved_formula_xlsx(),
        ("Dân số", "công thức", "D5", "Excel", "LibreOffice"),
        filename="moi.xlsx",
        line=5,
    ),
    Bad(
        "json-nested-too-deep",
        b"[" * 100_000 + b"]" * 100_000,
        ("JSON", "lồng nhau quá sâu"),
        filename="moi.json",
    ),
    Bad(
        "impossible-type-chosen",  # the publisher made "Tên" an integer column
        "Tên,Số\n1,2\nHuế,3\n".encode(),
        ("Huế", "dòng 3"),
        options={"types": {"ten": "int"}},
    ),
    Bad(
        "sheet-too-many-cells",
        xlsx_bytes([["Tên", "Số"]] + [[f"x{i}", i] for i in range(30)]),
        ("Trang tính quá lớn", "31 dòng"),
        filename="moi.xlsx",
        settings={"DATASTORE_MAX_SHEET_CELLS": 50},
    ),
    Bad(
        "json-object",
        json.dumps({"a": 1, "b": [1, 2]}).encode(),
        ("JSON", "mảng"),
        filename="moi.json",
    ),
    Bad("json-broken", b'[{"a": 1}, {"a": ', ("JSON không hợp lệ",), filename="moi.json"),
    Bad("json-scalars", b"[1, 2, 3]", ("JSON", "mảng"), filename="moi.json"),
    Bad("zip-not-excel", b"PK\x03\x04" + b"\x00" * 200, ("nén",), filename="moi.xlsx"),
]


@pytest.fixture
def good() -> DatastoreTable:
    resource = resource_with_file(GOOD, "tot.csv")
    table = _run_worker(resource)
    assert table.status == DatastoreTable.Status.ACTIVE, table.error
    assert _records(table) == GOOD_ROWS
    return table


def _run_worker(resource: Resource) -> DatastoreTable:
    """What the worker does once the upload (form or CKAN resource_create/update) saved."""
    table = DatastoreTable.objects.get(resource=resource)
    assert table.status == DatastoreTable.Status.QUEUED  # queued by the file change
    load_resource_task.call(str(resource.pk))
    table.refresh_from_db()
    return table


def _replace(resource: Resource, content: bytes, filename: str = "moi.csv") -> None:
    """The publisher replaces the file; its format follows the new file's name, as the
    catalogue sets it on upload (the catalogue's own checks are bypassed, so that the
    DataStore's defences are what is tested)."""
    resource.format = filename.rsplit(".", 1)[-1].upper()
    replace_file(resource, content, filename)


def _formula_xlsx() -> bytes:
    """Text cells that a spreadsheet would run as formulas if exported as they are."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Liên kết", "Số"])
    for n, text in enumerate(['=HYPERLINK("http://example.com/x","Bấm vào")', "=1+2"], 1):
        ws.append([None, n])
        cell = ws.cell(row=n + 1, column=1)
        cell.value = text
        cell.data_type = "s"  # a string that starts with "=", not a formula
    ws.append(["an toàn", 3])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _records(table: DatastoreTable, client: Client | None = None) -> list[dict[str, Any]]:
    status, body = call(
        client or Client(), "datastore_search", resource_id=str(table.resource_id), limit=1000
    )
    assert status == 200, body
    return body["result"]["records"]


def _datastore_tables() -> list[str]:
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    return sorted(n for n in names if n.startswith("ds_"))


def _assert_only_table(table: DatastoreTable) -> None:
    """Exactly the serving table of this resource exists: no staging, no orphan."""
    prefix = f"ds_{table.resource_id.hex}_"
    mine = [n for n in _datastore_tables() if n.startswith(prefix)]
    assert mine == [table.table_name], mine
    assert not [n for n in _datastore_tables() if n.endswith("_s")]


@pytest.mark.parametrize("bad", BAD, ids=[b.case for b in BAD])
def test_bad_file_is_refused_and_the_previous_table_keeps_answering(
    client: Client, good: DatastoreTable, bad: Bad, settings: Any
) -> None:
    for name, value in bad.settings.items():
        setattr(settings, name, value)
    if bad.options:
        DatastoreTable.objects.filter(pk=good.pk).update(options=bad.options)
    _replace(good.resource, bad.content, bad.filename)
    table = _run_worker(good.resource)
    assert table.status == DatastoreTable.Status.FAILED
    for fragment in bad.error:
        assert fragment.lower() in table.error.lower(), table.error
    if bad.line is not None:
        assert table.error_line == bad.line
    log = LoadLog.objects.filter(resource=good.resource).order_by("-started_at", "-pk").first()
    assert log is not None and log.status == LoadLog.Status.FAILED
    assert log.message == table.error
    assert any(e["level"] == "error" and e["message"] == table.error for e in log.entries)
    # the previous table answers with its old rows, fields and count
    assert table.table_name == good.table_name
    assert _records(table, client) == GOOD_ROWS
    status, body = call(client, "datastore_info", resource_id=str(good.resource_id))
    assert status == 200 and body["result"]["meta"]["count"] == 3
    assert [f["id"] for f in body["result"]["fields"]] == ["tinh", "huyen", "nam", "dan_so"]
    _assert_only_table(table)


# ------------------------------------------------------------------ odd but valid files


@dataclass
class Odd:
    case: str
    content: bytes
    check: Callable[[DatastoreTable, list[dict[str, Any]]], None]
    filename: str = "moi.csv"
    warning: str = ""  # a fragment expected among the load log's warnings


def _types(table: DatastoreTable) -> dict[str, str]:
    return {f["id"]: f["type"] for f in table.fields}


def _check_one_cell(t: DatastoreTable, rows: list[dict[str, Any]]) -> None:
    assert _types(t) == {"ten": "text"}
    assert rows == [{"_id": 1, "ten": "Hà Nội"}]


def _check_header_only(t: DatastoreTable, rows: list[dict[str, Any]]) -> None:
    assert [f["id"] for f in t.fields] == ["ten", "so"]
    assert rows == [] and t.row_count == 0


def _check_line_ends(t: DatastoreTable, rows: list[dict[str, Any]]) -> None:
    assert [(r["a"], r["b"]) for r in rows] == [(1, "Huế"), (2, "Vinh"), (3, "Đà Lạt")]


def _check_bom_inside(t: DatastoreTable, rows: list[dict[str, Any]]) -> None:
    assert [f["id"] for f in t.fields] == ["ten", "so"]
    assert [(r["ten"], r["so"]) for r in rows] == [("Huế", 1), ("Vinh", 2)]


def _check_formula(t: DatastoreTable, rows: list[dict[str, Any]]) -> None:
    link = '=HYPERLINK("http://example.com/x","Bấm vào")'
    assert [r["lien_ket"] for r in rows] == [link, "=1+2", "an toàn"]
    # stored as text, and neutralised when exported for a spreadsheet
    response = Client().get(
        f"/du-lieu/{t.resource.dataset.name}/tai-nguyen/{t.resource_id}/xuat.csv"
    )
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert "'=HYPERLINK(" in text and "'=1+2" in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    response = Client().get(
        f"/du-lieu/{t.resource.dataset.name}/tai-nguyen/{t.resource_id}/xuat.xlsx"
    )
    assert response.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active  # type: ignore[attr-defined]
    column = [c.value for c in sheet["B"]]
    assert column == ["Liên kết", "'" + link, "'=1+2", "an toàn"]
    assert all(c.data_type == "s" for c in sheet["B"])


def _saved_formula_xlsx() -> bytes:
    """Formulas with their results saved, as Excel or LibreOffice write them: a number, and
    an empty-string result (``t="str"`` with an empty ``<v>``), also a shared formula."""
    content = _unsaved_formula_xlsx()
    src = zipfile.ZipFile(io.BytesIO(content))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                assert '<c r="D5"><f>B5+C5</f><v /></c>' in text
                text = (
                    text.replace(
                        '<c r="D5"><f>B5+C5</f><v /></c>', '<c r="D5"><f>B5+C5</f><v>950</v></c>'
                    )
                    .replace(
                        '<c r="D4" t="n"><v>760</v></c>',
                        '<c r="D4" t="str"><f>IF(B4&gt;0,"","?")</f><v></v></c>',
                    )
                    .replace(
                        '<c r="D3" t="n"><v>570</v></c>',
                        '<c r="D3" t="n"><f t="shared" ref="D3:D3" si="0">B3+C3</f><v>570</v></c>',
                    )
                )
                assert text.count("<f") == 3
                data = text.encode()
            out.writestr(item, data)
    return buf.getvalue()


def _check_saved_formulas(t: DatastoreTable, rows: list[dict[str, Any]]) -> None:
    assert [(r["huyen"], r["tong"]) for r in rows] == [
        ("Thọ Xuân", 380),
        ("Diễn Châu", 570),
        ("Kỳ Anh", None),
        ("Nông Cống", 950),
    ]
    assert _types(t)["tong"] == "int"


def _check_all_vietnamese_cp1258(t: DatastoreTable, rows: list[dict[str, Any]]) -> None:
    assert t.detected["encoding"] == "cp1258"
    assert [r["ten"] for r in rows[800:]] == _VI_LINES


# Every Vietnamese letter, lower and upper case, in words next to the symbols that share
# bytes with UTF-8 (» º ’ – NBSP °), in Windows-1258 and beyond the first 256 KB.
_VI_LETTERS = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
_VI_LINES = [
    f"«{w}»\xa0’{w.upper()}’ – {w}° {w.upper()}º"
    for w in (f"x{ch}n" for ch in _VI_LETTERS + _VI_LETTERS.upper())
]


def _check_json_arrays(t: DatastoreTable, rows: list[dict[str, Any]]) -> None:
    assert _types(t) == {"ten": "text", "so": "int"}
    assert [(r["ten"], r["so"]) for r in rows] == [("Huế", 1), ("Vinh", 2)]


def _check_numbers(t: DatastoreTable, rows: list[dict[str, Any]]) -> None:
    assert _types(t)["so"] == "numeric"
    assert [r["so"] for r in rows] == [1234567.89, -1.5, 0.25]


def _check_bad_date(t: DatastoreTable, rows: list[dict[str, Any]]) -> None:
    assert _types(t)["ngay"] == "text"  # not a date: 31/02 does not exist
    assert [r["ngay"] for r in rows] == ["05/03/2024", "31/02/2024"]


def _check_keyword_names(t: DatastoreTable, rows: list[dict[str, Any]]) -> None:
    labels = [f["label"] for f in t.fields]
    assert labels == ["select", "from", 'a"; DROP TABLE x; --', "Tên's"]
    assert len(rows) == 1 and rows[0]["select"] == 1 and rows[0]["from"] == "x"
    ids = [f["id"] for f in t.fields]
    # each column can be filtered and sorted by its id and by its original label
    for fid, label in zip(ids, labels, strict=True):
        value = rows[0][fid]
        for name in (fid, label):
            status, body = call(
                Client(),
                "datastore_search",
                resource_id=str(t.resource_id),
                filters={name: value},
                sort=f'"{name.replace(chr(34), chr(34) * 2)}" desc',
            )
            assert status == 200, (name, body)
            assert body["result"]["total"] == 1


def _check_long_name(t: DatastoreTable, rows: list[dict[str, Any]]) -> None:
    (f,) = t.fields
    assert len(f["id"].encode()) <= 63
    assert f["label"] == "Tên " * 60 + "cuối" or len(f["label"]) >= 200
    assert rows == [{"_id": 1, f["id"]: "x"}]


ODD: list[Any] = [
    Odd("one-column-one-row", "Tên\nHà Nội\n".encode(), _check_one_cell),
    Odd("header-only", "Tên,Số\n".encode(), _check_header_only),
    Odd("mixed-line-ends", "a,b\r\n1,Huế\n2,Vinh\r3,Đà Lạt\r\n".encode(), _check_line_ends),
    Odd("bom-in-the-middle", "Tên,Số\nHuế,1\n\ufeffVinh,2\n".encode(), _check_bom_inside),
    Odd(
        "xlsx-formula-injection",
        _formula_xlsx(),
        _check_formula,
        filename="moi.xlsx",
    ),
    Odd(
        "xlsx-formulas-with-saved-results",
        _saved_formula_xlsx(),
        _check_saved_formulas,
        filename="moi.xlsx",
    ),
    Odd(
        "cp1258-every-letter-beside-symbols",
        _cp1258(
            "Tên,Số\n"
            + f"{'Thanh Hóa Nghệ An Hà Tĩnh ' * 16},1\n" * 800  # 330 KB
            + "".join(f'"{v}",2\n' for v in _VI_LINES)
        ),
        _check_all_vietnamese_cp1258,
    ),
    Odd(
        "json-array-of-arrays",
        json.dumps([["Tên", "Số"], ["Huế", 1], ["Vinh", 2]], ensure_ascii=False).encode(),
        _check_json_arrays,
        filename="moi.json",
    ),
    Odd(
        "comma-decimals",
        b'ten;so\nA;"1.234.567,89"\nB;-1,5\nC;0,25\n',
        _check_numbers,
    ),
    Odd(
        "impossible-date",
        b"ngay,so\n05/03/2024,1\n31/02/2024,2\n",
        _check_bad_date,
        warning="31/02/2024",
    ),
    Odd(
        "sql-keyword-and-quote-names",
        'select,from,"a""; DROP TABLE x; --",Tên\'s\n1,x,y,z\n'.encode(),
        _check_keyword_names,
    ),
    Odd("300-byte-name", ("Tên " * 60 + "cuối\nx\n").encode(), _check_long_name),
]


@pytest.mark.parametrize(
    "odd", ODD, ids=[(o.values[0] if isinstance(o, ParameterSet) else o).case for o in ODD]
)
def test_odd_but_valid_file_replaces_the_table_cleanly(
    client: Client, good: DatastoreTable, odd: Odd
) -> None:
    _replace(good.resource, odd.content, odd.filename)
    table = _run_worker(good.resource)
    assert table.status == DatastoreTable.Status.ACTIVE, table.error
    assert table.table_name != good.table_name
    odd.check(table, _records(table, client))
    _assert_only_table(table)
    if odd.warning:
        log = LoadLog.objects.filter(resource=good.resource).order_by("-started_at", "-pk")[0]
        assert any(e["level"] == "warning" and odd.warning in e["message"] for e in log.entries), (
            log.entries
        )


def test_empty_and_duplicate_headers_load_with_named_columns_and_warnings(
    good: DatastoreTable,
) -> None:
    _replace(good.resource, "Tên,,Tên\nA,1,B\n".encode())
    table = _run_worker(good.resource)
    assert table.status == DatastoreTable.Status.ACTIVE, table.error
    assert [f["id"] for f in table.fields] == ["ten", "cot_2", "ten_2"]
    log = LoadLog.objects.filter(resource=good.resource).order_by("-started_at", "-pk")[0]
    warnings = [e["message"] for e in log.entries if e["level"] == "warning"]
    assert any("không có tiêu đề" in w for w in warnings), warnings
    assert any("trùng" in w for w in warnings), warnings
    _assert_only_table(table)


# ------------------------------------------------------------------ the query API

RID = "{rid}"
INJECTIONS: list[tuple[str, Any]] = [
    ("filters", {"dan_so = 1 OR 1=1 --": 1}),
    ("filters", {"dan_so": "1 OR 1=1"}),
    ("filters", {"dan_so": "1; DROP TABLE catalog_dataset"}),
    ("filters", {"huyen": {"$ne": ""}}),
    ("filters", '{"huyen": "x"} OR 1=1'),
    ("filters", ["huyen", "x"]),
    ("sort", "dan_so; DROP TABLE catalog_dataset"),
    ("sort", "dan_so desc, (SELECT 1)"),
    ("sort", "dan_so /* comment */ desc"),
    ("sort", "(SELECT password FROM core_user LIMIT 1)"),
    ("sort", "dan_so desc; --"),
    ("fields", 'huyen,"dan_so"; --'),
    ("fields", "pg_read_file('/etc/passwd')"),
    ("fields", "huyen UNION SELECT table_name FROM information_schema.tables"),
    ("fields", "*"),
    ("q", {"huyen' OR '1'='1": "x"}),
    ("q", {"huyen": {"$gt": 1}}),
    ("q", ["' OR 1=1 --"]),
    ("distinct", "true; DROP TABLE x"),
    ("limit", "1; DROP TABLE x"),
    ("limit", "-1"),
    ("limit", "1e9"),
    ("offset", "0 UNION SELECT 1"),
    ("offset", "-5"),
    ("filters", {"huyen": "Thọ\x00 Xuân"}),
    ("q", {"huyen": "\x00"}),
    ("q", "\x00"),
    ("full_text", "a\x00' OR 1=1"),
    ("offset", 10**20),  # beyond 64 bits: the engines failed (500)
    ("filters", {"dan_so": 10**30}),
    ("filters", {"dan_so": [1, -(2**63) - 1]}),
    ("q", "a" * 200_000),  # SQLite refuses LIKE patterns this long (was a 500)
    ("q", {"huyen": "x" * 5000}),
    ("full_text", "y" * 5000),
]


@pytest.mark.parametrize(
    ("param", "value"), INJECTIONS, ids=[f"{p}-{i}" for i, (p, _v) in enumerate(INJECTIONS)]
)
def test_injection_in_search_parameters_is_a_validation_error(
    client: Client, good: DatastoreTable, param: str, value: Any
) -> None:
    before = _datastore_tables()
    status, body = call(
        client, "datastore_search", resource_id=str(good.resource_id), **{param: value}
    )
    assert status == 409, body
    assert body["success"] is False
    assert body["error"]["__type"] == "Validation Error"
    assert body["help"].endswith("help_show?name=datastore_search")
    messages = body["error"][param]
    assert messages and all(isinstance(m, str) and m for m in messages)
    assert _records(good, client) == GOOD_ROWS
    assert _datastore_tables() == before


@pytest.mark.parametrize(
    "q", ["' OR 1=1 --", "%", "_", "\\", "'; DROP TABLE catalog_dataset; --", "*", "' || '"]
)
def test_text_q_is_only_ever_a_search_term(client: Client, good: DatastoreTable, q: str) -> None:
    for params in ({"q": q}, {"q": {"huyen": q}}, {"full_text": q}):
        status, body = call(client, "datastore_search", resource_id=str(good.resource_id), **params)
        assert status == 200, body
        assert body["result"]["total"] == 0, params
    assert _records(good, client) == GOOD_ROWS


SQL_REFUSED: list[tuple[str, str]] = [
    ('DELETE FROM "{rid}"', "SELECT"),
    ('UPDATE "{rid}" SET nam = 1', "SELECT"),
    ('INSERT INTO "{rid}" (nam) VALUES (1)', "SELECT"),
    ('DROP TABLE "{rid}"', "SELECT"),
    ('TRUNCATE "{rid}"', "SELECT"),
    ('SELECT * FROM "{rid}"; DROP TABLE "{rid}"', "một câu lệnh"),
    ('SELECT * FROM "{rid}"; -- comment\nDELETE FROM "{rid}"', "một câu lệnh"),
    ('SELECT * FROM "{rid}" /* ; DROP TABLE x */ WHERE 1 = 1; COMMIT', "một câu lệnh"),
    ('SELECT * FROM "{rid}" -- ; DROP TABLE x\n; SELECT 1', "một câu lệnh"),
    ('SELECT huyen FROM "{rid}" UNION SELECT tablename FROM pg_catalog.pg_tables', "DataStore"),
    ('SELECT huyen FROM "{rid}" UNION SELECT name FROM sqlite_master', "DataStore"),
    ('SELECT huyen FROM "{rid}" UNION SELECT password FROM core_user', "DataStore"),
    ('SELECT huyen FROM "{rid}" UNION SELECT usename FROM pg_user', "DataStore"),
    ("SELECT * FROM information_schema.columns", "DataStore"),
    ("SELECT pg_read_file('/etc/passwd') FROM \"{rid}\"", "pg_read_file"),
    ("SELECT pg_read_binary_file('/etc/passwd') FROM \"{rid}\"", "pg_read_binary_file"),
    ("SELECT pg_ls_dir('.') FROM \"{rid}\"", "pg_ls_dir"),
    ("SELECT lo_import('/etc/passwd') FROM \"{rid}\"", "lo_import"),
    ("SELECT lo_export(1, '/tmp/x') FROM \"{rid}\"", "lo_export"),
    ("COPY \"{rid}\" TO '/tmp/x'", "SELECT"),
    ("COPY (SELECT 1) TO PROGRAM 'id'", "SELECT"),
    ('SELECT pg_sleep(60) FROM "{rid}"', "pg_sleep"),
    ('WITH d AS (DELETE FROM "{rid}" RETURNING *) SELECT * FROM d', "DELETE"),
    ('WITH u AS (UPDATE "{rid}" SET nam = 1 RETURNING *) SELECT * FROM u', "UPDATE"),
    ('WITH i AS (INSERT INTO "{rid}" (nam) VALUES (1) RETURNING *) SELECT * FROM i', "INSERT"),
    ('SELECT * INTO bang_moi FROM "{rid}"', "INTO"),
    ("SELECT set_config('statement_timeout', '0', false) FROM \"{rid}\"", "set_config"),
    ("SELECT current_setting('data_directory') FROM \"{rid}\"", "current_setting"),
    ("SET statement_timeout = 0", "SELECT"),
    ("SELECT * FROM dblink('host=127.0.0.1', 'SELECT 1') AS t(a int)", "dblink"),
    ("SELECT dblink_exec('host=x', 'DROP TABLE y') FROM \"{rid}\"", "dblink_exec"),
    ("SELECT * FROM generate_series(1, 1000000000000)", "generate_series"),
    ('SELECT generate_series(1, 1000000000000) FROM "{rid}"', "generate_series"),
    ("SELECT load_extension('/tmp/x.so') FROM \"{rid}\"", "load_extension"),
    ('SELECT txid_current() FROM "{rid}"', "txid_current"),
    ("SELECT nextval('core_user_id_seq') FROM \"{rid}\"", "nextval"),
    ('SELECT version() FROM "{rid}"', "version"),
    ('SELECT * FROM "{rid}" FOR UPDATE', "FOR UPDATE"),
    ("ATTACH DATABASE '/tmp/x.db' AS x", "SELECT"),
    ("PRAGMA writable_schema = 1", "SELECT"),
    ("VACUUM", "SELECT"),
    ("CALL some_procedure()", "SELECT"),
    ("DO $$ BEGIN PERFORM pg_sleep(60); END $$", "SELECT"),
    ("PREPARE p AS SELECT 1; EXECUTE p", "một câu lệnh"),
    ("LISTEN x", "SELECT"),
    ("SELECT 1", "ít nhất một bảng"),
    ("SELECT * FROM \"{rid}\" WHERE huyen = 'a\x00b'", "NUL"),
    ("SELECT " + "(" * 3000 + "1" + ")" * 3000 + ' FROM "{rid}"', "lồng nhau"),
    ("SELECT 'core_user'::regclass FROM \"{rid}\"", "REGCLASS"),
    ("SELECT CAST('pg_class' AS regclass)::oid FROM \"{rid}\"", "OID"),
    ('SELECT huyen::oid FROM "{rid}"', "OID"),
    ('SELECT CAST(huyen AS pg_catalog.regproc) FROM "{rid}"', "regproc"),
]


@pytest.mark.parametrize(
    ("sql", "fragment"), SQL_REFUSED, ids=[f"sql-{i}" for i in range(len(SQL_REFUSED))]
)
def test_unsafe_search_sql_is_refused_and_nothing_changes(
    client: Client, good: DatastoreTable, sql: str, fragment: str
) -> None:
    before = _datastore_tables()
    status, body = call(client, "datastore_search_sql", sql=sql.format(rid=good.resource_id))
    assert status == 409, body
    assert body["success"] is False
    assert body["error"]["__type"] == "Validation Error"
    message = body["error"]["query"][0]
    assert fragment.lower() in message.lower(), message
    assert _records(good, client) == GOOD_ROWS
    assert _datastore_tables() == before
    # the connection is not left read-only: a write of the application still works
    DatastoreTable.objects.filter(pk=good.pk).update(error="")


def test_plain_casts_are_still_allowed(client: Client, good: DatastoreTable) -> None:
    sql = (
        f"SELECT CAST(nam AS text) AS t, dan_so::numeric / 1000 AS k, '2024-03-05'::date AS d "
        f'FROM "{good.resource_id}" ORDER BY _id LIMIT 1'
    )
    status, body = call(client, "datastore_search_sql", sql=sql)
    assert status == 200, body
    assert body["result"]["records"][0]["t"] == "2023"
    assert body["result"]["records"][0]["k"] == 233


def test_missing_sql_is_named_as_ckan_names_it(client: Client, good: DatastoreTable) -> None:
    status, body = call(client, "datastore_search_sql", sql="   ")
    assert status == 409 and body["error"]["__type"] == "Validation Error"
    assert body["error"]["sql"] == ["Thiếu giá trị"]


@pytest.mark.parametrize(
    "sql",
    [
        # a query that reads nothing slow but never ends: the statement timeout stops it
        'WITH RECURSIVE n(i) AS (SELECT MIN(_id) FROM "{rid}" UNION ALL SELECT i + 1 FROM n) '
        "SELECT COUNT(*) FROM n",
        # a cross join exploding the rows
        'SELECT COUNT(*) FROM "{rid}" a, "{rid}" b, "{rid}" c, "{rid}" d, "{rid}" e, '
        '"{rid}" f, "{rid}" g, "{rid}" h, "{rid}" i, "{rid}" j, "{rid}" k, "{rid}" l, '
        '"{rid}" m, "{rid}" n, "{rid}" o, "{rid}" p, "{rid}" q, "{rid}" r',
    ],
    ids=["recursive", "cross-join"],
)
def test_long_running_sql_hits_the_statement_timeout(
    client: Client, good: DatastoreTable, settings: Any, sql: str
) -> None:
    settings.DATASTORE_SQL_TIMEOUT_MS = 300
    status, body = call(client, "datastore_search_sql", sql=sql.format(rid=good.resource_id))
    assert status == 409, body
    assert body["error"]["__type"] == "Validation Error"
    assert "quá 0.3 giây" in body["error"]["query"][0]
    assert _records(good, client) == GOOD_ROWS
    # the session is back to normal: a plain search query runs without the timeout
    status, body = call(
        client, "datastore_search_sql", sql=f'SELECT COUNT(*) AS n FROM "{good.resource_id}"'
    )
    assert status == 200 and body["result"]["records"] == [{"n": 3}]


def test_a_write_sql_is_refused_even_if_it_slipped_past_the_parser(good: DatastoreTable) -> None:
    """The second layer on its own: the engine's read-only guard refuses a write."""
    from tinhso.datastore import sqlsafety

    sql = f'DELETE FROM "{good.table_name}"'
    with pytest.raises(sqlsafety.SqlRefused) as info:
        if connection.vendor == "postgresql":
            try:
                sqlsafety._run_postgres(sql, 10, 1000)
            except Exception as exc:  # DatabaseError, as run_sql sees it
                raise sqlsafety.SqlRefused(str(exc)) from None
        else:
            try:
                sqlsafety._run_sqlite(sql, 10, 1000, {good.table_name})
            except Exception as exc:
                raise sqlsafety.SqlRefused(str(exc)) from None
    assert info.value.errors["query"][0]
    assert _records(good) == GOOD_ROWS


PAGE_ATTEMPTS: list[dict[str, str]] = [
    {"f.dan_so": "1 OR 1=1"},
    {"f.dan_so": str(10**30)},
    {"f.huyen": "Thọ\x00 Xuân"},
    {"q": "a" * 5000},
    {"sort": "dan_so; DROP TABLE x", "dir": "desc"},
    {"loc": "huyen' OR '1'='1", "gia_tri_loc": "x"},
    {"page": str(10**30), "per": "-5"},
    {"bieu_do": "bar", "nhom": "(SELECT 1)", "phep": "sum; DROP TABLE x"},
]


@pytest.mark.parametrize("params", PAGE_ATTEMPTS, ids=[str(i) for i in range(len(PAGE_ATTEMPTS))])
def test_hostile_preview_and_export_urls_answer_without_changing_anything(
    client: Client, good: DatastoreTable, params: dict[str, str]
) -> None:
    base = f"/du-lieu/{good.resource.dataset.name}/tai-nguyen/{good.resource_id}/"
    response = client.get(base + "xem-truoc/", params)
    assert response.status_code == 200
    response = client.get(base + "xuat.csv", params)
    assert response.status_code in (200, 400)
    if response.status_code == 400:  # the reason, in Vietnamese
        assert response.content.decode() and "Error" not in response.content.decode()
    else:
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert _records(good, client) == GOOD_ROWS
    _assert_only_table(good)


NATIVE_ATTEMPTS: list[dict[str, str]] = [
    {"filters": '{"dan_so = 1 OR 1=1 --": 1}'},
    {"filters": '{"dan_so": "1; DROP TABLE catalog_dataset"}'},
    {"filters": '{"huyen": "x"'},
    {"filters": '{"dan_so": 1000000000000000000000000000000}'},
    {"q": "{\"huyen' OR '1'='1\": \"x\"}"},
    {"q": "x" * 5000},
    {"sort": "dan_so; DROP TABLE x"},
    {"fields": "pg_read_file('/etc/passwd')"},
    {"offset": str(10**20)},
    {"offset": "-1"},
    {"limit": "1; DROP TABLE x"},
]


@pytest.mark.parametrize(
    "params", NATIVE_ATTEMPTS, ids=[str(i) for i in range(len(NATIVE_ATTEMPTS))]
)
def test_injection_through_the_native_api_is_refused_with_a_message(
    client: Client, good: DatastoreTable, params: dict[str, str]
) -> None:
    response = client.get(f"/api/v1/datastore/{good.resource_id}/records", params)
    assert 400 <= response.status_code < 500, response.content[:500]
    assert response.json()  # a JSON error body, not an HTML error page
    assert _records(good, client) == GOOD_ROWS


@pytest.mark.parametrize(
    ("sql", "fragment"),
    [s for s in SQL_REFUSED if s[0]][:: len(SQL_REFUSED) // 12 or 1],
)
def test_unsafe_sql_through_the_native_api_is_refused(
    client: Client, good: DatastoreTable, sql: str, fragment: str
) -> None:
    response = client.post(
        "/api/v1/datastore/sql",
        json.dumps({"sql": sql.format(rid=good.resource_id)}),
        content_type="application/json",
    )
    assert 400 <= response.status_code < 500, response.content[:500]
    assert fragment.lower() in json.dumps(response.json(), ensure_ascii=False).lower()
    assert _records(good, client) == GOOD_ROWS


@pytest.mark.parametrize(
    "record",
    [
        {"dan_so": 10**30},
        {"nam": -(2**63) - 1},
        {"huyen": "Thọ\x00Xuân"},
        {"tinh": "x", "khong_co": 1},
        {"dan_so": "1; DROP TABLE catalog_dataset"},
    ],
    ids=["int-overflow", "int-underflow", "nul", "unknown-column", "injection"],
)
def test_api_write_of_a_bad_record_is_refused_and_nothing_changes(
    client: Client, good: DatastoreTable, record: dict[str, Any]
) -> None:
    from tests.catalog.factories import OrganizationMemberFactory
    from tests.core.factories import UserFactory
    from tinhso.core.services import token_create

    user = UserFactory()
    OrganizationMemberFactory(organization=good.resource.dataset.organization, user=user)
    _token, key = token_create(user=user, name="thử")
    status, body = call(
        client,
        "datastore_upsert",
        "post",
        token=key,
        resource_id=str(good.resource_id),
        method="insert",
        force=True,  # the table comes from the resource's file (read-only without force)
        records=[{"tinh": "Nghệ An", "huyen": "Vinh", "nam": 2024, "dan_so": 1}, record],
    )
    assert status == 409, body
    assert body["error"]["__type"] == "Validation Error"
    assert "Bản ghi 1" in body["error"]["records"][0]
    assert _records(good, client) == GOOD_ROWS  # the valid first record was not kept either
