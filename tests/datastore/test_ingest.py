"""Loading real-world files: encodings, delimiters, headers, types, bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.db import connection

from tests.datastore.factories import loaded, reload, replace_file, resource_with_file, xlsx_bytes
from tinhso.datastore.models import DatastoreTable, LoadLog
from tinhso.datastore.selectors import datastore_search

pytestmark = pytest.mark.django_db

VI_CSV = (
    "Mã xã,Tên xã,Dân số,Diện tích (km²),Ngày thành lập,Đạt chuẩn nông thôn mới\n"
    "16012,Xã Quảng Phú,12345,23.5,05/03/2024,có\n"
    "16013,Phường Đông Hương,8910,4.25,31/12/2020,không\n"
    "16014,Xã Hoằng Đạo,,11.75,01/01/2019,có\n"
)


def records(table: DatastoreTable, **kw: object) -> list[dict[str, object]]:
    result = datastore_search(table=table, **kw)  # type: ignore[arg-type]
    ids = [f["id"] for f in result.fields]
    return [dict(zip(ids, r, strict=True)) for r in result.records]


def types(table: DatastoreTable) -> dict[str, str]:
    return {f["id"]: f["type"] for f in table.fields}


def test_utf8_csv_is_loaded_typed_with_safe_ids_and_original_labels() -> None:
    table = loaded(VI_CSV.encode("utf-8"))
    assert table.status == DatastoreTable.Status.ACTIVE, table.error
    assert table.row_count == 3
    assert types(table) == {
        "ma_xa": "int",
        "ten_xa": "text",
        "dan_so": "int",
        "dien_tich_km": "numeric",
        "ngay_thanh_lap": "date",
        "dat_chuan_nong_thon_moi": "bool",
    }
    assert [f["label"] for f in table.fields][1] == "Tên xã"
    rows = records(table)
    assert rows[0]["ten_xa"] == "Xã Quảng Phú"
    assert rows[0]["ngay_thanh_lap"] == "2024-03-05"
    assert rows[1]["dien_tich_km"] == 4.25
    assert rows[2]["dan_so"] is None
    assert rows[1]["dat_chuan_nong_thon_moi"] is False


def test_utf8_with_bom_is_read_without_the_bom_in_the_first_header() -> None:
    table = loaded(b"\xef\xbb\xbf" + VI_CSV.encode("utf-8"))
    assert table.fields[0]["label"] == "Mã xã"
    assert table.detected["encoding"] == "utf-8-sig"


def test_utf16_file_is_decoded() -> None:
    table = loaded(VI_CSV.replace(",", "\t").encode("utf-16"), "du-lieu.tsv")
    assert table.status == DatastoreTable.Status.ACTIVE, table.error
    assert records(table)[1]["ten_xa"] == "Phường Đông Hương"


def test_windows_1258_file_comes_out_exact_and_nfc() -> None:
    raw = _cp1258(VI_CSV)
    assert raw.decode("cp1258") != VI_CSV  # tone marks are separate code points in cp1258
    table = loaded(raw)
    assert table.detected["encoding"] == "cp1258"
    names = [r["ten_xa"] for r in records(table)]
    assert names == ["Xã Quảng Phú", "Phường Đông Hương", "Xã Hoằng Đạo"]
    import unicodedata

    assert all(unicodedata.is_normalized("NFC", n) for n in names)
    assert table.fields[1]["label"] == "Tên xã"


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def _cp1258(text: str) -> bytes:
    """Encode as Windows-1258 the way Vietnamese Windows software writes it: base letter
    plus a combining tone mark where no precomposed code point exists."""
    import unicodedata

    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", ch)
            tones = [m for m in decomposed[1:] if m in TONE_MARKS]
            others = "".join(m for m in decomposed[1:] if m not in TONE_MARKS)
            base = unicodedata.normalize("NFC", decomposed[0] + others)
            out += base.encode("cp1258") + "".join(tones).encode("cp1258")
    return bytes(out)


def test_semicolon_file_with_comma_decimals_and_dmy_dates() -> None:
    content = (
        "Huyện;Sản lượng (tấn);Giá trị;Ngày báo cáo\n"
        "Thọ Xuân;1.234,5;1.234.567;05/03/2024\n"
        "Nông Cống;987,25;45.000;15/11/2023\n"
        "Như Thanh;12;7;28/02/2024\n"
    ).encode()
    table = loaded(content)
    assert table.detected["delimiter"] == ";"
    assert types(table) == {
        "huyen": "text",
        "san_luong_tan": "numeric",
        "gia_tri": "int",
        "ngay_bao_cao": "date",
    }
    rows = records(table)
    assert rows[0]["san_luong_tan"] == 1234.5
    assert rows[0]["gia_tri"] == 1234567
    assert rows[1]["ngay_bao_cao"] == "2023-11-15"


def test_dot_decimal_with_thousands_commas() -> None:
    table = loaded(b'name,amount\nA,"1,234.5"\nB,"12,000.75"\nC,3\n')
    assert types(table)["amount"] == "numeric"
    assert [r["amount"] for r in records(table)] == [1234.5, 12000.75, 3]


def test_codes_with_leading_zeros_stay_text() -> None:
    table = loaded(b"ma,ten\n00123,A\n04567,B\n")
    assert types(table)["ma"] == "text"
    assert records(table)[0]["ma"] == "00123"


def test_type_inference_reads_the_whole_column_not_a_sample() -> None:
    lines = ["so,ghi_chu"] + [f"{i},x" for i in range(1, 120_001)] + ["không rõ,x"]
    table = loaded("\n".join(lines).encode())
    assert types(table)["so"] == "text"
    assert table.row_count == 120_001


def test_invalid_date_demotes_the_column_to_text_and_is_logged() -> None:
    table = loaded(b"ngay,so\n05/03/2024,1\n31/02/2024,2\n")
    assert types(table)["ngay"] == "text"
    log = LoadLog.objects.filter(resource=table.resource).first()
    assert log is not None and any("31/02/2024" in e["message"] for e in log.entries)


def test_datetime_column() -> None:
    table = loaded(b"luc,so\n05/03/2024 08:30,1\n06/03/2024 17:05:09,2\n")
    assert types(table)["luc"] == "timestamp"
    assert records(table)[0]["luc"] == "2024-03-05T08:30:00"


def test_title_rows_are_skipped_before_the_header() -> None:
    content = (
        "UBND TỈNH THANH HÓA,,\n"
        "BÁO CÁO DÂN SỐ NĂM 2024,,\n"
        ",,\n"
        "STT,Đơn vị,Dân số\n"
        "1,Xã A,100\n"
        "2,Xã B,200\n"
    ).encode()
    table = loaded(content)
    assert [f["id"] for f in table.fields] == ["stt", "don_vi", "dan_so"]
    assert table.row_count == 2
    assert table.detected["header_rows"] == [4]


def test_multi_row_excel_header_is_merged() -> None:
    content = xlsx_bytes(
        [
            ["BÁO CÁO DÂN SỐ THEO GIỚI TÍNH", None, None, None],
            ["STT", "Đơn vị", "Dân số (người)", None],
            [None, None, "Nam", "Nữ"],
            [1, "Xã Quảng Phú", 6000, 6345],
            [2, "Phường Đông Hương", 4400, 4510],
        ],
        merges=["A1:D1", "C2:D2", "A2:A3", "B2:B3"],
    )
    table = loaded(content, "dan-so.xlsx")
    assert table.status == DatastoreTable.Status.ACTIVE, table.error
    labels = [f["label"] for f in table.fields]
    assert labels == ["STT", "Đơn vị", "Dân số (người) - Nam", "Dân số (người) - Nữ"]
    assert types(table)["dan_so_nguoi_nam"] == "int"
    assert records(table)[1]["dan_so_nguoi_nu"] == 4510


def test_excel_sheet_choice_and_typed_cells() -> None:
    content = xlsx_bytes(
        [],
        sheet="Ghi chú",
        extra_sheets={
            "Số liệu": [
                ["Ngày", "Giá trị", "Tên"],
                [dt.date(2024, 3, 5), 1.5, "Ả"],
                [dt.date(2024, 3, 6), 2, "Ẽ"],
            ]
        },
    )
    table = loaded(content, "so-lieu.xlsx")
    assert table.detected["sheet"] == "Số liệu"
    assert types(table) == {"ngay": "date", "gia_tri": "numeric", "ten": "text"}


def test_json_array_of_objects() -> None:
    table = loaded(
        '[{"tên": "Ánh", "tuổi": 30}, {"tên": "Bình", "tuổi": null, "ghi chú": "mới"}]'.encode(),
        "du-lieu.json",
    )
    assert types(table) == {"ten": "text", "tuoi": "int", "ghi_chu": "text"}
    assert records(table)[1]["ghi_chu"] == "mới"


def test_ragged_short_rows_are_padded() -> None:
    table = loaded(b"a,b,c\n1,2,3\n4,5\n")
    assert records(table)[1] == {"_id": 2, "a": 4, "b": 5, "c": None}


def test_ragged_long_row_fails_with_its_line() -> None:
    table = loaded(b"a,b\n1,2\n3,4,5\n")
    assert table.status == DatastoreTable.Status.FAILED
    assert table.error_line == 3
    assert "Dòng 3" in table.error


def test_empty_and_duplicate_headers_get_unique_ids() -> None:
    table = loaded("Tên,,Tên,tên\nA,1,B,C\n".encode())
    assert [f["id"] for f in table.fields] == ["ten", "cot_2", "ten_2", "ten_3"]
    assert [f["label"] for f in table.fields] == ["Tên", "", "Tên", "tên"]


def test_zero_byte_file_is_refused() -> None:
    table = loaded(b"")
    assert table.status == DatastoreTable.Status.FAILED
    assert "0 byte" in table.error


def test_binary_file_named_csv_is_refused() -> None:
    table = loaded(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 10)
    assert table.status == DatastoreTable.Status.FAILED
    assert "nhị phân" in table.error


def test_too_many_columns_are_refused_with_the_cap() -> None:
    header = ",".join(f"c{i}" for i in range(5000))
    table = loaded((header + "\n" + ",".join("1" for _ in range(5000)) + "\n").encode())
    assert table.status == DatastoreTable.Status.FAILED
    assert "5000 cột" in table.error and "1000" in table.error


def test_excel_bomb_is_refused(settings: object) -> None:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", "<" + "a" * 60_000_000 + "/>")
    table = loaded(buf.getvalue(), "bom.xlsx")
    assert table.status == DatastoreTable.Status.FAILED
    assert "bom zip" in table.error


def test_mixed_encoding_is_reported_with_its_line() -> None:
    content = ("a,b\n" + "Thanh Hóa,1\n" * 70_000).encode() + _cp1258("Hà Nội,2\n") + b"y,3\n"
    table = loaded(content)
    assert table.status == DatastoreTable.Status.FAILED
    assert "lẫn bảng mã" in table.error
    assert table.error_line == 70_002


@pytest.mark.parametrize("size", [1, 7, 4096])
def test_utf8_lines_in_a_legacy_file_are_found_across_chunk_boundaries(
    tmp_path: Path, size: int
) -> None:
    """The guard sees the file a chunk at a time (1 MB when loading): a letter or a line
    cut between two chunks, and a line longer than what is kept between them."""
    from tinhso.datastore.ingest.errors import LoadError
    from tinhso.datastore.ingest.textfile import Utf8Guard

    cases = [
        (_cp1258("Tên,Số\nHà Nội,1\n") + "Huế,2\n".encode(), 3, 1),
        (_cp1258("a,b\nHà,1\n") + b"x" * 200_000 + "Đà Nẵng".encode() + b"y" * 99_999, 3, 2),
    ]
    for content, utf8_line, other_line in cases:
        path = tmp_path / "f.csv"
        path.write_bytes(content)
        guard = Utf8Guard(path, "cp1258")
        with pytest.raises(LoadError) as err:
            for i in range(0, len(content), size):
                guard.feed(content[i : i + size])
            guard.feed(b"")
        assert err.value.line == utf8_line
        assert f"dòng {utf8_line} viết bằng UTF-8" in err.value.message
        assert f"dòng {other_line} dùng bảng mã khác" in err.value.message
    plain = _cp1258(VI_CSV) * 3
    guard = Utf8Guard(path, "cp1258")
    for i in range(0, len(plain), size):
        guard.feed(plain[i : i + size])
    guard.feed(b"")


def test_legacy_encoding_after_an_ascii_start_is_detected() -> None:
    content = ("a,b\n" + "x,1\n" * 70_000).encode() + _cp1258("Hà Nội,2\n")
    table = loaded(content)
    assert table.detected["encoding"] == "cp1258"
    assert records(table, offset=70_000)[0]["a"] == "Hà Nội"


def test_failed_reload_keeps_the_previous_table_serving() -> None:
    table = loaded(VI_CSV.encode())
    first_name = table.table_name
    resource = replace_file(table.resource, b"a,b\n1,2\n3,4,5\n")
    failed = reload(resource)
    assert failed.status == DatastoreTable.Status.FAILED
    assert failed.table_name == first_name
    assert records(failed)[0]["ten_xa"] == "Xã Quảng Phú"


def test_successful_reload_swaps_and_drops_the_old_table() -> None:
    table = loaded(VI_CSV.encode())
    old = table.table_name
    resource = replace_file(table.resource, b"x,y\n1,2\n")
    new = reload(resource)
    assert new.table_name != old
    assert old not in connection.introspection.table_names()
    assert [f["id"] for f in new.fields] == ["x", "y"]


def test_publisher_type_override_then_reload() -> None:
    from tinhso.datastore.services import datastore_load

    table = loaded(VI_CSV.encode())
    DatastoreTable.objects.filter(pk=table.pk).update(
        options={"types": {"ma_xa": "text", "dan_so": "numeric"}}
    )
    table = datastore_load(resource=table.resource)
    assert types(table)["ma_xa"] == "text" and types(table)["dan_so"] == "numeric"


def test_impossible_override_fails_naming_column_value_and_line() -> None:
    from tinhso.datastore.services import datastore_load

    table = loaded(VI_CSV.encode())
    DatastoreTable.objects.filter(pk=table.pk).update(options={"types": {"ten_xa": "int"}})
    table = datastore_load(resource=table.resource)
    assert table.status == DatastoreTable.Status.FAILED
    assert "Tên xã" in table.error and "Xã Quảng Phú" in table.error and table.error_line == 2


def test_load_log_records_each_attempt() -> None:
    table = loaded(VI_CSV.encode())
    reload(table.resource)
    assert (
        LoadLog.objects.filter(resource=table.resource, status=LoadLog.Status.SUCCESS).count() == 2
    )


def test_creating_a_tabular_resource_queues_a_load(
    django_capture_on_commit_callbacks: object,
) -> None:
    from unittest import mock

    with (
        mock.patch("tinhso.datastore.tasks.load_resource_task") as task,
        django_capture_on_commit_callbacks(execute=True),  # type: ignore[operator]
    ):
        resource = resource_with_file(VI_CSV.encode())
    task.enqueue.assert_called_once_with(str(resource.pk))
    assert DatastoreTable.objects.get(resource=resource).status == DatastoreTable.Status.QUEUED


def test_non_tabular_resource_is_not_queued(django_capture_on_commit_callbacks: object) -> None:
    from unittest import mock

    with (
        mock.patch("tinhso.datastore.tasks.load_resource_task") as task,
        django_capture_on_commit_callbacks(execute=True),  # type: ignore[operator]
    ):
        resource_with_file(b"%PDF-1.4", "van-ban.pdf")
    task.enqueue.assert_not_called()


def test_changing_the_file_queues_a_reload_but_a_rename_does_not(
    django_capture_on_commit_callbacks: object,
) -> None:
    from unittest import mock

    resource = resource_with_file(VI_CSV.encode())
    with mock.patch("tinhso.datastore.tasks.load_resource_task") as task:
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
            resource.name = "Tên mới"
            resource.save()
        task.enqueue.assert_not_called()
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
            replace_file(resource, b"x\n1\n")
        task.enqueue.assert_called_once_with(str(resource.pk))


def test_the_load_task_runs_through_the_task_backend(settings: object) -> None:
    from tinhso.datastore.tasks import load_resource_task

    resource = resource_with_file(VI_CSV.encode())
    result = load_resource_task.call(str(resource.pk))
    assert result == {"status": "active", "rows": 3, "error": ""}


@pytest.mark.parametrize(
    ("cells", "first"),
    [
        ('<c r="B2"><f>A2*2</f></c>', "B2"),
        ('<c r="B2"><f>A2*2</f><v/></c>', "B2"),
        ('<c r="B2" t="n"><f t="shared" si="0"/><v></v></c>', "B2"),
        ('<x:c r="B2"><x:f>A2*2</x:f></x:c>', "B2"),  # .NET writers' prefixes
        ('<c r="B2"><f>A2*2</f><v>4</v></c><c r="C2"><f>B2</f></c>', "C2"),
        ('<c r="B2" t="str"><f>""</f><v></v></c>', None),  # a saved empty string
        ('<c r="B2" t="str"><f>"a"</f><v>a</v></c><c r="C2"><v>1</v></c>', None),
        ('<c r="B2" t="inlineStr"><is><t>=A2*2</t></is></c>', None),  # text, not a formula
    ],
)
def test_formula_cells_without_a_saved_result_are_found(
    tmp_path: Path, cells: str, first: str | None
) -> None:
    import zipfile

    from tinhso.datastore.ingest.readers import first_formula_without_result

    path = tmp_path / "f.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(
            "xl/workbook.xml",
            '<workbook xmlns:r="r"><sheets><sheet name="Bìa" r:id="rId1"/>'
            '<sheet name="Số &amp; liệu" sheetId="2" r:id="rId2"/></sheets></workbook>',
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Target="/xl/worksheets/sheet2.xml"/></Relationships>',
        )
        zf.writestr("xl/worksheets/sheet1.xml", '<worksheet><c r="A1"><f>1</f></c></worksheet>')
        zf.writestr(
            "xl/worksheets/sheet2.xml",
            '<worksheet><sheetData><row r="2"><c r="A2"><v>2</v></c>' + cells + "</row>",
        )
    assert first_formula_without_result(path, "Số & liệu") == first
    assert first_formula_without_result(path, "Bìa") == "A1"
