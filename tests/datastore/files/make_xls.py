"""Writes ``bao-cao-ho-ngheo.xls`` (Excel 97–2003), kept in the repository because no XLS
writer is a project dependency. Regenerate with any Python that has ``xlwt`` (1.3):

    python -m venv /tmp/xlwt && /tmp/xlwt/bin/pip install xlwt==1.3.0
    /tmp/xlwt/bin/python tests/datastore/files/make_xls.py

A report as a district sends it: a title row merged across the table, a blank row, the
header, Vietnamese text, integers, decimals and real date cells, a second sheet.
"""

import datetime as dt
from pathlib import Path

import xlwt  # type: ignore[import-not-found]

ROWS = [
    ("Xã Nghi Liên", 120, 3.5, dt.date(2024, 3, 5)),
    ("Thị trấn Đô Lương", 45, 1.25, dt.date(2024, 3, 6)),
    ("Xã Quỳnh Đôi", 230, 6.75, dt.date(2024, 3, 7)),
]


def main() -> None:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Hộ nghèo")
    sheet.write_merge(0, 0, 0, 3, "BÁO CÁO HỘ NGHÈO NĂM 2024 — HUYỆN ĐÔ LƯƠNG")
    for col, title in enumerate(["Đơn vị", "Số hộ nghèo", "Tỷ lệ (%)", "Ngày rà soát"]):
        sheet.write(2, col, title)
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for r, (name, households, rate, day) in enumerate(ROWS, start=3):
        sheet.write(r, 0, name)
        sheet.write(r, 1, households)
        sheet.write(r, 2, rate)
        sheet.write(r, 3, day, date_style)
    notes = book.add_sheet("Ghi chú")
    notes.write(0, 0, "Nguồn: Phòng Lao động - Thương binh và Xã hội")
    book.save(str(Path(__file__).with_name("bao-cao-ho-ngheo.xls")))


if __name__ == "__main__":
    main()
