"""Readers turn a file into rows of strings: delimited text, Excel/ODS, JSON arrays.

Every reader can be iterated twice (type inference, then load) without holding the
whole table in memory, except JSON, which is parsed whole under a size cap.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import posixpath
import re
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
        # Detection chose the encoding from the start of the file: UTF-8 lines further on
        # (two exports joined) must not load as mojibake ("Huế" → "Huáº¿").
        self.guard = textfile.single_byte_legacy(self.encoding)
        self.detected = {"format": fmt, "encoding": self.encoding, "delimiter": self.delimiter}

    def chunks(self, *, skip: int, size: int) -> Iterator[tuple[Chunk, int]]:
        csv.field_size_limit(64 * 1024 * 1024)
        with textfile.open_text(self.path, self.encoding, guard=self.guard) as fh:
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


# A cell holding a formula and no saved result: ``<c r="C5"><f>A5*2</f></c>``, also with an
# empty ``<v/>`` (openpyxl) or a shared formula ``<f t="shared" si="0"/>``; any namespace
# prefix (``<x:c>``, .NET writers). ``<v></v>`` with ``t="str"`` is a saved empty string.
_NO_RESULT = re.compile(
    rb"<(?:\w+:)?c(\s[^>]*)?>\s*"
    rb"<(?:\w+:)?f\b[^>]*?(?:/>|>[^<]*</(?:\w+:)?f>)\s*"
    rb"(<(?:\w+:)?v\s*/>|<(?:\w+:)?v\s*>\s*</(?:\w+:)?v>)?\s*"
    rb"</(?:\w+:)?c>"
)
_ATTRIBUTE = re.compile(rb"""([\w:]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_XLSX_OVERLAP = 64 * 1024  # a cell cut between two chunks is whole in the next window


_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\s([^>]*)>")
_RELATIONSHIP_TAG = re.compile(rb"<(?:\w+:)?Relationship\s([^>]*)>")


def _attributes(raw: bytes) -> dict[str, str]:
    """The attributes of a start tag, by local name (``r:id`` → ``id``), unescaped."""
    return {
        k.rsplit(b":", 1)[-1].decode("ascii", "replace"): html.unescape(
            (v if v is not None else w).decode("utf-8", "replace")
        )
        for k, v, w in _ATTRIBUTE.findall(raw)
    }


def _sheet_part(zf: zipfile.ZipFile, sheet_name: str) -> str | None:
    """The path inside the XLSX of the worksheet named ``sheet_name`` (the workbook and
    its relationships are small files, read with regular expressions: no XML parser,
    so no entity expansion)."""
    try:
        workbook = zf.read("xl/workbook.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    sheets = (_attributes(m.group(1)) for m in _SHEET_TAG.finditer(workbook))
    rel_id = next((a.get("id") for a in sheets if a.get("name") == sheet_name), None)
    for m in _RELATIONSHIP_TAG.finditer(rels):
        attrs = _attributes(m.group(1))
        if rel_id is not None and attrs.get("Id") == rel_id:
            target = attrs.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else "xl/" + target
            return posixpath.normpath(path)
    return None


def _formula_from(data: bytes, pos: int) -> int:
    """Where to run ``_NO_RESULT`` from: the tag before the first ``<f``/``<x:f`` at or
    after ``pos`` (the cell's start tag), or -1 when ``data`` has no formula there. Two
    ``bytes.find`` (GB/s) spare the regular expression the sheets without formulas."""
    found = [i for tag in (b"<f", b":f") if (i := data.find(tag, pos)) >= 0]
    if not found:
        return -1
    i = min(found)
    if data[i : i + 1] == b":":
        i = data.rfind(b"<", 0, i)
    return max(pos, data.rfind(b"<", 0, max(i, 0)), 0)


def first_formula_without_result(path: Path, sheet_name: str) -> str | None:
    """The reference ("C5") of the first formula cell of the XLSX sheet that has no saved
    result, or None. Tools that write workbooks without a spreadsheet engine (openpyxl,
    some exporters) leave the result to be computed when Excel opens the file; every
    reader, python-calamine included, then sees an empty cell. The sheet's XML is
    scanned as it is decompressed (one regular expression per MB)."""
    try:
        with zipfile.ZipFile(path) as zf:
            part = _sheet_part(zf, sheet_name)
            if part is None or part not in zf.namelist():
                return None
            with zf.open(part) as fh:
                carry = b""
                while chunk := fh.read(1 << 20):
                    data = carry + chunk
                    pos = _formula_from(data, 0)
                    while pos >= 0 and (m := _NO_RESULT.search(data, pos)):
                        attrs = _attributes(m.group(1) or b"")
                        if m.group(2) and b"v>" in m.group(2) and attrs.get("t") == "str":
                            pos = _formula_from(data, m.end())  # a saved empty string
                            continue
                        return attrs.get("r") or "?"
                    carry = data[-_XLSX_OVERLAP:]
    except (zipfile.BadZipFile, OSError, RuntimeError):
        return None  # calamine has read the file; this check is not the place to fail it
    return None


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
        if fmt == "xlsx":
            self._refuse_formulas_without_result()
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

    def _refuse_formulas_without_result(self) -> None:
        cell = first_formula_without_result(self.path, self.sheet_name)
        if cell is None:
            return
        row = re.search(r"[0-9]+", cell)
        raise LoadError(
            _(
                "Trang tính “%(sheet)s” có ô công thức chưa được tính kết quả (ô đầu tiên: "
                "%(cell)s): tệp được tạo bởi một chương trình không lưu kết quả công thức, nên "
                "các ô này sẽ bị nạp thành ô trống. Hãy mở tệp bằng Excel hoặc LibreOffice, "
                "lưu lại (để các công thức được tính) rồi tải lên lại."
            )
            % {"sheet": self.sheet_name, "cell": cell},
            line=int(row.group()) if row else None,
        )

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
