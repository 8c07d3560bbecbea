"""Messy, real-world-like government tables, as bytes, for the DataStore tests and for
trying the demo by hand:

    .venv/bin/python -m tests.datastore.files.make_messy /tmp/messy

writes every file of ``MESSY`` into the folder. Each entry says what a correct load
gives (the exact NFC text of a cell, the column types) or the error it must name.
"""

from __future__ import annotations

import io
import json
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Communes of a province with every Vietnamese diacritic family (NFC).
COMMUNES = ["Phường Hưng Bình", "Xã Nghi Liên", "Thị trấn Đô Lương", "Xã Quỳnh Đôi", "Xã Kỳ Sơn"]


def xlsx_bytes(
    rows: list[list[Any]],
    *,
    merges: list[str] | None = None,
    sheet: str = "Sheet1",
    extra_sheets: dict[str, list[list[Any]]] | None = None,
) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    for m in merges or []:
        ws.merge_cells(m)
    for name, data in (extra_sheets or {}).items():
        other = wb.create_sheet(name)
        for r in data:
            other.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def to_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: precomposed â ă ê ô ơ ư đ, tone marks as separate
    combining characters (Python's codec only maps characters one to one)."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", ch)
        for mark in marks:  # â ă ê ô ơ ư keep their shape mark; the tone stays apart
            joined = unicodedata.normalize("NFC", base + mark)
            if len(joined) == 1 and joined.encode("cp1258", errors="replace") != b"?":
                base = joined
                marks.remove(mark)
                break
        out += (base + "".join(marks)).encode("cp1258")
    return bytes(out)


def cp1258_semicolon() -> bytes:
    """Excel "CSV (dấu chấm phẩy)" on a Vietnamese Windows: Windows-1258, ``;``,
    ``1.234,5`` numbers, ``dd/mm/yyyy`` dates, CRLF."""
    lines = ["Mã xã;Tên đơn vị;Dân số;Diện tích (km²);Ngày cập nhật;Đạt chuẩn NTM"]
    for i, name in enumerate(COMMUNES):
        people = f"{12_345 + i * 1000:,}".replace(",", ".")
        area = f"{1234.5 + i:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
        lines.append(
            f"0{1000 + i};{name};{people};{area};0{i + 1}/03/2024;{'Có' if i % 2 else 'Không'}"
        )
    text = "\r\n".join(lines) + "\r\n"
    # "km²" has no Windows-1258 byte: a real file would say km2.
    return to_cp1258(text.replace("km²", "km2"))


def utf16_tsv() -> bytes:
    """Excel's "Unicode Text" export: UTF-16 LE with BOM, tab separated."""
    lines = ["STT\tHọ và tên\tNgày sinh\tĐiểm"]
    names = ["Nguyễn Thị Ánh", "Trần Văn Đức", "Lê Hoàng Yến", "Phạm Quốc Hưng"]
    for i, name in enumerate(names, 1):
        lines.append(f"{i}\t{name}\t{i + 10:02d}/0{i}/2001\t{7 + i / 4}")
    return ("\r\n".join(lines) + "\r\n").encode("utf-16")


def utf8_bom() -> bytes:
    """UTF-8 with BOM, comma separated, dot decimals with thousands commas, quotes."""
    rows = [
        "Tỉnh/Thành,Doanh thu (triệu đồng),Ghi chú",
        'Nghệ An,"1,234,567.89","Công ty ""Hoàng Long"", chi nhánh Vinh"',
        'Hà Tĩnh,"987,654.5",Tăng trưởng ổn định',
        'Thanh Hoá,"12,000",',
    ]
    return "\ufeff".encode() + ("\n".join(rows) + "\n").encode()


def nfd_utf8() -> bytes:
    """UTF-8 text in decomposed form (as saved by some macOS tools)."""
    text = "Đơn vị,Số hộ nghèo\nXã Nghĩa Đàn,120\nHuyện Quế Phong,1.045\n"
    return unicodedata.normalize("NFD", text).encode()


def vni_like() -> bytes:
    """Text typed with the VNI font encoding (bytes of VNI-Windows, read as cp1252)."""
    line = "Teân ñôn vò,Soá daân\n" + "Xaõ Nghi Lieân,1200\n" * 40
    return line.encode("cp1252")


# TCVN3 (ABC) bytes of the letters used below.
_TCVN3 = {"ê": 0xAA, "đ": 0xAE, "ơ": 0xAC, "ị": 0xDE, "ă": 0xA8, "ã": 0xB7, "â": 0xA9}


def tcvn3_like() -> bytes:
    """Text typed with the TCVN3 (ABC) font encoding, e.g. ".VnTime" spreadsheets."""
    text = "Tên đơn vị,Năm\n" + "Xã Nghi Liên,2024\nXã Quỳnh Đôi,2023\n" * 5
    text = text.replace("ỳ", "y").replace("Đ", "D").replace("ô", "o")
    return bytes(_TCVN3.get(ch, ord(ch)) for ch in text)


def xlsx_title_rows_merged_header() -> bytes:
    """A report sheet: two title rows, a blank row, a two-row merged header, a second sheet."""
    rows: list[list[Any]] = [
        ["ỦY BAN NHÂN DÂN TỈNH NGHỆ AN", None, None, None],
        ["BÁO CÁO DÂN SỐ THEO GIỚI TÍNH NĂM 2024", None, None, None],
        [None, None, None, None],
        ["Đơn vị hành chính", "Dân số (người)", None, "Tỷ lệ nữ (%)"],
        [None, "Nam", "Nữ", None],
    ]
    for i, name in enumerate(COMMUNES):
        rows.append([name, 5000 + i, 5100 + i, round(50.5 + i / 10, 2)])
    return xlsx_bytes(
        rows,
        merges=["A1:D1", "A2:D2", "B4:C4", "A4:A5", "D4:D5"],
        sheet="Dân số",
        extra_sheets={"Ghi chú": [["Nguồn", "Cục Thống kê Nghệ An"]]},
    )


def ods_bytes(rows: list[list[Any]], sheet: str = "Trang 1") -> bytes:
    """A minimal OpenDocument spreadsheet (what LibreOffice saves), built by hand."""
    from xml.sax.saxutils import escape, quoteattr

    cells = []
    for row in rows:
        out = []
        for v in row:
            if isinstance(v, int | float) and not isinstance(v, bool):
                out.append(
                    f'<table:table-cell office:value-type="float" office:value="{v}">'
                    f"<text:p>{v}</text:p></table:table-cell>"
                )
            else:
                out.append(
                    f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}'
                    "</text:p></table:table-cell>"
                )
        cells.append("<table:table-row>" + "".join(out) + "</table:table-row>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet><table:table table:name={quoteattr(sheet)}>"
        + "".join(cells)
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def ods_simple() -> bytes:
    rows: list[list[Any]] = [["Huyện", "Số trường", "Tỷ lệ kiên cố hoá"]]
    rows += [[name, 10 + i, 0.75 + i / 100] for i, name in enumerate(COMMUNES)]
    return ods_bytes(rows, sheet="Trường học")


def json_array() -> bytes:
    records = [
        {"ma_ho_so": "000.00.12.H40-240305-0001", "Thủ tục": "Cấp giấy phép xây dựng",
         "Ngày nhận": "2024-03-05", "Đúng hạn": True, "Phí (đồng)": 150000},
        {"ma_ho_so": "000.00.12.H40-240306-0002", "Thủ tục": "Đăng ký khai sinh",
         "Ngày nhận": "2024-03-06", "Đúng hạn": False, "Phí (đồng)": 0},
    ]  # fmt: skip
    return json.dumps(records, ensure_ascii=False).encode()


def ragged() -> bytes:
    return "Xã,Số hộ,Ghi chú\nXã Nghi Liên,12\nXã Kỳ Sơn,30,Miền núi\n\nXã Quỳnh Đôi\n".encode()


def empty_duplicate_headers() -> bytes:
    return "Tên,,Tên,Số lượng,Số lượng\nA,1,B,2,3\nC,4,D,5,6\n".encode()


def ragged_long_row() -> bytes:
    return "Xã,Số hộ\nXã Nghi Liên,12\nXã Kỳ Sơn,30,thừa một ô\n".encode()


def binary_named_csv() -> bytes:
    return bytes(range(256)) * 40


def wide(columns: int = 5000) -> bytes:
    header = ",".join(f"Cột {i}" for i in range(columns))
    row = ",".join(str(i) for i in range(columns))
    return f"{header}\n{row}\n".encode()


def excel_bomb(mb: int = 60) -> bytes:
    """An XLSX whose sheet XML inflates to ``mb`` MB from a few dozen KB."""
    good = xlsx_bytes([["a", "b"], [1, 2]])
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(buf, "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b" " * (mb * 1_000_000) + b"</sheetData>")
            out.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return buf.getvalue()


@dataclass
class Messy:
    filename: str
    content: bytes
    # id -> type of the columns a correct load gives (a subset is enough)
    types: dict[str, str] = field(default_factory=dict)
    # (column id, row index from 0, exact value as datastore_search returns it)
    cells: list[tuple[str, int, Any]] = field(default_factory=list)
    rows: int | None = None
    # a refused file: words the error must contain
    error: str = ""


def messy_files() -> list[Messy]:
    return [
        Messy(
            "dan-so-xa-cp1258.csv",
            cp1258_semicolon(),
            types={
                "ma_xa": "text",
                "ten_don_vi": "text",
                "dan_so": "int",
                "dien_tich_km2": "numeric",
                "ngay_cap_nhat": "date",
                "dat_chuan_ntm": "bool",
            },
            cells=[
                ("ten_don_vi", 2, "Thị trấn Đô Lương"),
                ("ma_xa", 0, "01000"),
                ("dan_so", 1, 13345),
                ("dien_tich_km2", 0, 1234.5),
                ("ngay_cap_nhat", 0, "2024-03-01"),
                ("dat_chuan_ntm", 1, True),
            ],
            rows=5,
        ),
        Messy(
            "hoc-sinh-utf16.tsv",
            utf16_tsv(),
            types={"stt": "int", "ho_va_ten": "text", "ngay_sinh": "date", "diem": "numeric"},
            cells=[
                ("ho_va_ten", 1, "Trần Văn Đức"),
                ("ngay_sinh", 0, "2001-01-11"),
                ("diem", 3, 8),
            ],
            rows=4,
        ),
        Messy(
            "doanh-thu-bom.csv",
            utf8_bom(),
            types={"tinh_thanh": "text", "doanh_thu_trieu_dong": "numeric", "ghi_chu": "text"},
            cells=[
                ("tinh_thanh", 0, "Nghệ An"),
                ("doanh_thu_trieu_dong", 0, 1234567.89),
                ("ghi_chu", 0, 'Công ty "Hoàng Long", chi nhánh Vinh'),
                ("doanh_thu_trieu_dong", 2, 12000),
            ],
            rows=3,
        ),
        Messy(
            "ho-ngheo-nfd.csv",
            nfd_utf8(),
            types={"don_vi": "text"},
            cells=[("don_vi", 0, _nfc("Xã Nghĩa Đàn")), ("don_vi", 1, "Huyện Quế Phong")],
            rows=2,
        ),
        Messy("vni.csv", vni_like(), error="VNI"),
        Messy("tcvn3.csv", tcvn3_like(), error="TCVN3"),
        Messy(
            "bao-cao-dan-so.xlsx",
            xlsx_title_rows_merged_header(),
            types={
                "don_vi_hanh_chinh": "text",
                "dan_so_nguoi_nam": "int",
                "dan_so_nguoi_nu": "int",
                "ty_le_nu": "numeric",
            },
            cells=[("don_vi_hanh_chinh", 3, "Xã Quỳnh Đôi"), ("dan_so_nguoi_nu", 0, 5100)],
            rows=5,
        ),
        Messy(
            "bao-cao-ho-ngheo.xls",  # Excel 97-2003, written by make_xls.py
            Path(__file__).with_name("bao-cao-ho-ngheo.xls").read_bytes(),
            types={
                "don_vi": "text",
                "so_ho_ngheo": "int",
                "ty_le": "numeric",
                "ngay_ra_soat": "date",
            },
            cells=[
                ("don_vi", 1, "Thị trấn Đô Lương"),
                ("ty_le", 2, 6.75),
                ("ngay_ra_soat", 0, "2024-03-05"),
                ("so_ho_ngheo", 2, 230),
            ],
            rows=3,
        ),
        Messy(
            "truong-hoc.ods",
            ods_simple(),
            types={"huyen": "text", "so_truong": "int", "ty_le_kien_co_hoa": "numeric"},
            cells=[("huyen", 4, "Xã Kỳ Sơn"), ("so_truong", 4, 14)],
            rows=5,
        ),
        Messy(
            "ho-so.json",
            json_array(),
            types={
                "ma_ho_so": "text",
                "thu_tuc": "text",
                "ngay_nhan": "date",
                "dung_han": "bool",
                "phi_dong": "int",
            },
            cells=[("thu_tuc", 1, "Đăng ký khai sinh"), ("dung_han", 0, True)],
            rows=2,
        ),
        Messy(
            "ragged.csv",
            ragged(),
            types={"xa": "text", "so_ho": "int", "ghi_chu": "text"},
            cells=[("ghi_chu", 0, None), ("so_ho", 2, None), ("xa", 2, "Xã Quỳnh Đôi")],
            rows=3,
        ),
        Messy(
            "tieu-de-trung.csv",
            empty_duplicate_headers(),
            types={
                "ten": "text",
                "cot_2": "int",
                "ten_2": "text",
                "so_luong": "int",
                "so_luong_2": "int",
            },
            rows=2,
        ),
        Messy("thua-o.csv", ragged_long_row(), error="3"),
        Messy("rong.csv", b"", error="0 byte"),
        Messy("nhi-phan.csv", binary_named_csv(), error="nhị phân"),
        Messy("rat-rong.csv", wide(), error="5000"),
        Messy("bom.xlsx", excel_bomb(), error="bom zip"),
    ]


def main(folder: str) -> None:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for item in messy_files():
        (out / item.filename).write_bytes(item.content)
        print(out / item.filename, len(item.content))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "messy")
