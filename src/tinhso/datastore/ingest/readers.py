"""Readers turn a file into rows of strings: delimited text, Excel/ODS, JSON arrays.

Every reader can be iterated twice (type inference, then load) without holding the
whole table in memory, except JSON, which is parsed whole under a size cap.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import unicodedata
import zipfile
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from tinhso.datastore import conf
from tinhso.datastore.ingest import textfile
from tinhso.datastore.ingest.errors import LoadError

Chunk = list[list[str]]
TABULAR_FORMATS = ("csv", "tsv", "txt", "xlsx", "xlsm", "xls", "ods", "json")


def sniff_format(path: Path, declared: str) -> str:
    """The real format from the content; ``declared`` (extension or resource format) breaks ties."""
    declared = declared.lower().lstrip(".")
    size = path.stat().st_size
    if size == 0:
        raise LoadError(_("Tệp rỗng (0 byte): không có dữ liệu để nạp."))
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile as exc:
            raise LoadError(_("Tệp nén bị hỏng, không đọc được.")) from exc
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names:
            return "ods"
        raise LoadError(_("Tệp là một tệp nén (zip) nhưng không phải bảng tính Excel hay ODS."))
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    if declared in ("xlsx", "xlsm", "xls", "ods"):
        raise LoadError(
            _("Tệp được khai báo là %(fmt)s nhưng nội dung không phải bảng tính.")
            % {"fmt": declared.upper()}
        )
    if declared == "json":
        return "json"
    return "tsv" if declared == "tsv" else "csv"


class Reader:
    merged: list[tuple[int, int, int, int]]
    prefer_comma_decimal: bool = False
    detected: dict[str, Any]

    def chunks(self, *, skip: int, size: int) -> Iterator[tuple[Chunk, int]]:
        """Yield (rows, line number of the first row) after skipping ``skip`` rows."""
        raise NotImplementedError

    def sample(self, n: int = 60) -> Chunk:
        for rows, _line in self.chunks(skip=0, size=n):
            return rows
        return []


class CsvReader(Reader):
    def __init__(self, path: Path, *, fmt: str, options: dict[str, Any]) -> None:
        self.path = path
        self.merged = []
        if options.get("encoding"):
            self.encoding = options["encoding"]
            textfile.refuse_nul(path, self.encoding)
        else:
            self.encoding = textfile.detect_encoding(path)
        prefer = "\t" if fmt == "tsv" else None
        self.delimiter = options.get("delimiter") or textfile.sniff_delimiter(
            path, self.encoding, prefer=prefer
        )
        self.prefer_comma_decimal = self.delimiter == ";"
        self.detected = {"format": fmt, "encoding": self.encoding, "delimiter": self.delimiter}

    def chunks(self, *, skip: int, size: int) -> Iterator[tuple[Chunk, int]]:
        csv.field_size_limit(64 * 1024 * 1024)
        with textfile.open_text(self.path, self.encoding) as fh:
            reader = csv.reader(textfile.nfc_lines(fh), delimiter=self.delimiter, quotechar='"')
            try:
                for _row in islice(reader, skip):
                    pass
                last: list[str] = []
                while True:
                    line = reader.line_num + 1
                    rows = list(islice(reader, size))
                    if not rows:
                        break
                    last = rows[-1]
                    yield rows, line
            except UnicodeDecodeError as exc:
                raise LoadError(
                    _("Tệp lẫn bảng mã: có byte không hợp lệ với %(enc)s sau dòng %(line)d.")
                    % {"enc": self.encoding, "line": reader.line_num},
                    line=reader.line_num + 1,
                ) from exc
            except csv.Error as exc:
                raise LoadError(
                    _("Lỗi cú pháp CSV ở dòng %(line)d: %(err)s")
                    % {"line": reader.line_num, "err": exc},
                    line=reader.line_num,
                ) from exc
            if any("\n" in c or "\r" in c for c in last):
                self._refuse_unclosed_quote(reader.line_num, last)

    def _refuse_unclosed_quote(self, end_line: int, last: list[str]) -> None:
        """The file ended inside a quoted cell (Python's csv reader then keeps the rest
        of the file as that cell): refuse, naming the line where the quote opened.
        Checked again strictly only when the last record spans lines, which is rare."""
        with textfile.open_text(self.path, self.encoding) as fh:
            strict = csv.reader(
                textfile.nfc_lines(fh), delimiter=self.delimiter, quotechar='"', strict=True
            )
            try:
                for _row in strict:
                    pass
            except csv.Error as exc:
                if "unexpected end of data" not in str(exc):
                    return  # another irregularity the lenient reading accepts
            else:
                return
        breaks = sum(c.count("\n") for c in last) - (1 if last[-1].endswith("\n") else 0)
        start = end_line - breaks
        raise LoadError(
            _(
                "Dấu ngoặc kép mở ở dòng %(line)d không được đóng đến hết tệp: phần còn lại "
                "của tệp sẽ bị gộp vào một ô. Hãy kiểm tra dấu ngoặc kép ở dòng này."
            )
            % {"line": start},
            line=start,
        )


def cell_to_str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def check_zip_bomb(path: Path) -> None:
    """Refuse archives whose uncompressed size or ratio is beyond the limits."""
    max_total = conf.get("MAX_UNCOMPRESSED_BYTES")
    max_ratio = conf.get("MAX_COMPRESSION_RATIO")
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos) or 1
    if total > max_total or (total > 10_000_000 and total / packed > max_ratio):
        raise LoadError(
            _(
                "Bảng tính bị từ chối: giải nén ra %(mb)d MB (tỷ lệ nén %(ratio)d:1), vượt giới hạn an toàn "
                "(có thể là “bom zip”)."
            )
            % {"mb": total // 1_000_000, "ratio": total // packed}
        )


class ExcelReader(Reader):
    def __init__(self, path: Path, *, fmt: str, options: dict[str, Any]) -> None:
        from python_calamine import CalamineWorkbook

        self.path = path
        if fmt in ("xlsx", "ods"):
            check_zip_bomb(path)
        try:
            self.workbook = CalamineWorkbook.from_path(str(path))
        except Exception as exc:
            raise LoadError(
                _("Không đọc được bảng tính: %(err)s") % {"err": str(exc)[:200]}
            ) from exc
        names = list(self.workbook.sheet_names)
        if not names:
            raise LoadError(_("Bảng tính không có trang tính nào."))
        wanted = options.get("sheet")
        if wanted and wanted not in names:
            raise LoadError(
                _("Không có trang tính “%(name)s” (có: %(names)s).")
                % {"name": wanted, "names": ", ".join(names)}
            )
        self.sheet_name = wanted or self._first_with_data(names)
        sheet = self.workbook.get_sheet_by_name(self.sheet_name)
        cells = sheet.height * sheet.width
        if cells > conf.get("MAX_SHEET_CELLS"):
            raise LoadError(
                _("Trang tính quá lớn: %(rows)d dòng × %(cols)d cột, vượt giới hạn %(max)d ô.")
                % {"rows": sheet.height, "cols": sheet.width, "max": conf.get("MAX_SHEET_CELLS")}
            )
        self.width = sheet.width
        self.merged = []
        origin = sheet.start or (0, 0)
        try:
            for rng in sheet.merged_cell_ranges or []:
                (r0, c0), (r1, c1) = rng
                self.merged.append(
                    (
                        r0 - origin[0],
                        c0 - origin[1],
                        r1 - origin[0],
                        c1 - origin[1],
                    )
                )
        except Exception:  # merged ranges are a hint only (not available for every format)
            self.merged = []
        self.detected = {"format": fmt, "sheet": self.sheet_name, "sheets": names}

    def _first_with_data(self, names: list[str]) -> str:
        """The first sheet that looks like a table (at least 2 columns and 2 rows), so a
        cover or instructions sheet in front of the data is passed over; else the first
        sheet with anything in it."""
        sizes = []
        for name in names:
            sheet = self.workbook.get_sheet_by_name(name)
            sizes.append((name, sheet.height or 0, sheet.width or 0))
        for name, height, width in sizes:
            if height >= 2 and width >= 2:
                return name
        for name, height, width in sizes:
            if height and width:
                return name
        return names[0]

    def chunks(self, *, skip: int, size: int) -> Iterator[tuple[Chunk, int]]:
        sheet = self.workbook.get_sheet_by_name(self.sheet_name)
        rows = sheet.iter_rows()
        first_row = sheet.start[0] + 1 if sheet.start else 1
        for _row in islice(rows, skip):
            pass
        line = first_row + skip
        while True:
            batch = [[cell_to_str(v) for v in r] for r in islice(rows, size)]
            if not batch:
                return
            yield batch, line
            line += len(batch)


class JsonReader(Reader):
    def __init__(self, path: Path, *, fmt: str, options: dict[str, Any]) -> None:
        self.merged = []
        if path.stat().st_size > conf.get("MAX_JSON_BYTES"):
            raise LoadError(
                _("Tệp JSON lớn hơn %(mb)d MB: hãy dùng CSV cho bảng lớn.")
                % {"mb": conf.get("MAX_JSON_BYTES") // 1_000_000}
            )
        try:
            with path.open("rb") as fh:
                data = json.load(fh)
        except (ValueError, UnicodeDecodeError) as exc:
            raise LoadError(_("Tệp JSON không hợp lệ: %(err)s") % {"err": str(exc)[:200]}) from exc
        except RecursionError:  # "[[[[…" thousands deep: not a table, and a stack bomb
            raise LoadError(
                _("Tệp JSON lồng nhau quá sâu: không phải một bảng (mảng các bản ghi).")
            ) from None
        if isinstance(data, dict):
            for key in ("records", "data", "result", "rows", "items"):
                if isinstance(data.get(key), list):
                    data = data[key]
                    break
        if not isinstance(data, list):
            raise LoadError(_("Tệp JSON phải là một mảng các bản ghi (hoặc các mảng giá trị)."))
        try:
            self.rows = self._rows(data)
        except RecursionError:  # a cell holding a deeply nested value
            raise LoadError(
                _("Tệp JSON lồng nhau quá sâu: không phải một bảng (mảng các bản ghi).")
            ) from None
        self.detected = {"format": "json"}

    @staticmethod
    def _rows(data: list[Any]) -> list[list[str]]:
        rows: list[list[str]]
        if data and all(isinstance(r, dict) for r in data):
            keys: dict[str, None] = {}
            for r in data:
                for k in r:
                    keys.setdefault(str(k), None)
            names = list(keys)
            rows = [names] + [[cell_to_str(r.get(k)) for k in names] for r in data]
        elif all(isinstance(r, list) for r in data):
            rows = [[cell_to_str(v) for v in r] for r in data]
        else:
            raise LoadError(
                _("Tệp JSON phải là một mảng các đối tượng cùng dạng hoặc các mảng giá trị.")
            )
        return rows

    def chunks(self, *, skip: int, size: int) -> Iterator[tuple[Chunk, int]]:
        for start in range(skip, len(self.rows), size):
            yield self.rows[start : start + size], start + 1


def open_reader(path: Path, fmt: str, options: dict[str, Any]) -> Reader:
    if fmt in ("xlsx", "xls", "ods"):
        return ExcelReader(path, fmt=fmt, options=options)
    if fmt == "json":
        return JsonReader(path, fmt=fmt, options=options)
    return CsvReader(path, fmt=fmt, options=options)
