"""Procedures to and from JSON and XLSX (format reference: docs/procedures.md).

JSON: ``{"format": "tinhso.procedures/1", "procedures": [ {…}, … ]}``, one object per
procedure as :func:`tinhso.procedures.spec.procedure_snapshot` writes it. A bare list is
accepted too, and so are objects in the national catalog's shape (Vietnamese labels
such as ``"Mã thủ tục"`` or their ``MaTTHC``-style keys), mapped by
:func:`national_to_dict`.

XLSX: sheet ``Thủ tục`` (one row per procedure), ``Thành phần hồ sơ`` and ``Quy trình``
(one row per document / workflow step, tied to its procedure by the code column). The
first row of each sheet holds the column keys; a second header row with Vietnamese
labels is written for people and skipped on import.

Parsing never touches the database and never stops at the first problem: it returns
every :class:`~tinhso.procedures.spec.SpecError` it finds, each naming its row.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.models import Agency
from tinhso.core.text import fold, slugify_vi
from tinhso.procedures.models import Procedure
from tinhso.procedures.spec import (
    DOCUMENT_KEYS,
    SCALAR_KEYS,
    STEP_KEYS,
    ProcedureSpec,
    SpecError,
    default_workflow,
    procedure_snapshot,
    spec_from_dict,
)

FORMAT = "tinhso.procedures/1"
MAX_IMPORT_BYTES = 20 * 1024 * 1024
PROCEDURE_SHEET = "Thủ tục"
DOCUMENT_SHEET = "Thành phần hồ sơ"
STEP_SHEET = "Quy trình"
LABELS: dict[str, str] = {
    "code": "Mã thủ tục",
    "name": "Tên thủ tục",
    "field_code": "Mã lĩnh vực",
    "field_name": "Tên lĩnh vực",
    "level": "Cấp thực hiện (province/commune/other)",
    "agencies": "Cơ quan thực hiện (mã, cách nhau bởi ;)",
    "online_level": "Mức độ trực tuyến (information/partial/full)",
    "processing_days": "Thời hạn (ngày làm việc)",
    "fee_amount": "Phí, lệ phí (đồng)",
    "fee_timing": "Thời điểm nộp phí (none/before_receipt/before_result)",
    "fee_description": "Mô tả phí, lệ phí",
    "result_type": "Kết quả",
    "applicants": "Đối tượng thực hiện",
    "submission_methods": "Cách thức thực hiện",
    "conditions": "Yêu cầu, điều kiện",
    "steps": "Trình tự thực hiện",
    "legal_basis": "Căn cứ pháp lý",
    "national_portal_integrated": "Tích hợp Cổng DVC quốc gia (có/không)",
    "is_active": "Đang áp dụng (có/không)",
    "procedure_code": "Mã thủ tục",
    "position": "Thứ tự",
    "copies": "Số lượng",
    "is_required": "Bắt buộc (có/không)",
    "template": "Tệp mẫu (đường dẫn trong kho tệp)",
    "role": "Vai trò",
    "agency_scope": "Cơ quan xử lý (receiving/parent/specific)",
    "agency": "Mã cơ quan (khi specific)",
    "working_days": "Số ngày làm việc",
}
DOCUMENT_COLUMNS = ("procedure_code", "position", *DOCUMENT_KEYS)
STEP_COLUMNS = ("procedure_code", "position", *STEP_KEYS)

Parsed = tuple[list[tuple[ProcedureSpec, str]], list[SpecError]]


# --------------------------------------------------------------------------- export


def _export_queryset(procedures: QuerySet[Procedure] | None) -> QuerySet[Procedure]:
    qs = procedures if procedures is not None else Procedure.objects.all()
    return (
        qs.select_related("field")
        .prefetch_related("agencies", "documents", "workflow__agency")
        .order_by("code")
    )


def export_json(procedures: QuerySet[Procedure] | None = None) -> bytes:
    """All (or the given) procedures as a ``tinhso.procedures/1`` JSON document."""
    items = [procedure_snapshot(p) for p in _export_queryset(procedures)]
    document = {
        "format": FORMAT,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "count": len(items),
        "procedures": items,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, list):
        return "; ".join(value)
    return value


def export_xlsx(procedures: QuerySet[Procedure] | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    sheets = {
        PROCEDURE_SHEET: SCALAR_KEYS,
        DOCUMENT_SHEET: DOCUMENT_COLUMNS,
        STEP_SHEET: STEP_COLUMNS,
    }
    ws_by_name = {}
    for i, (title, columns) in enumerate(sheets.items()):
        ws = wb.active if i == 0 else wb.create_sheet()
        assert ws is not None
        ws.title = title
        ws.append(list(columns))
        ws.append([LABELS[c] for c in columns])
        for cell in ws[2]:
            cell.font = Font(italic=True)
        ws.freeze_panes = "A3"
        ws_by_name[title] = ws

    def append(ws: Any, row: Iterable[Any]) -> None:
        values = [_cell(v) for v in row]
        ws.append(values)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                # Text stays text: codes like 2.000530 are not numbers, and a leading
                # "=" is never run as a formula.
                cell.data_type = "s"
                cell.number_format = "@"

    for p in _export_queryset(procedures):
        snap = procedure_snapshot(p)
        append(ws_by_name[PROCEDURE_SHEET], [snap[k] for k in SCALAR_KEYS])
        for pos, d in enumerate(snap["documents"], start=1):
            append(ws_by_name[DOCUMENT_SHEET], [snap["code"], pos, *[d[k] for k in DOCUMENT_KEYS]])
        for pos, s in enumerate(snap["workflow"], start=1):
            append(ws_by_name[STEP_SHEET], [snap["code"], pos, *[s[k] for k in STEP_KEYS]])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- import


def parse_file(content: bytes, *, filename: str) -> Parsed:
    """Parse a JSON or XLSX file (chosen by its extension, then by its first bytes)."""
    if len(content) > MAX_IMPORT_BYTES:
        return [], [
            SpecError(
                "",
                _("Tệp lớn quá %(n)s MB.") % {"n": MAX_IMPORT_BYTES // (1024 * 1024)},
            )
        ]
    name = filename.lower()
    if name.endswith(".xlsx") or content[:2] == b"PK":
        return parse_xlsx(content)
    if name.endswith(".json") or content.lstrip()[:1] in (b"{", b"["):
        return parse_json(content)
    return [], [SpecError("", _("Chỉ nhận tệp JSON hoặc XLSX."))]


def parse_json(content: bytes) -> Parsed:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        return [], [SpecError("", _("JSON không hợp lệ: %(error)s") % {"error": exc})]
    if isinstance(data, dict):
        if data.get("format") not in (None, FORMAT):
            return [], [
                SpecError(
                    "format",
                    _("Định dạng %(got)s không được hỗ trợ (cần %(want)s).")
                    % {"got": data.get("format"), "want": FORMAT},
                )
            ]
        items = data.get("procedures")
    else:
        items = data
    if not isinstance(items, list):
        return [], [SpecError("procedures", _("Phải là danh sách thủ tục."))]
    parsed: list[tuple[ProcedureSpec, str]] = []
    errors: list[SpecError] = []
    agency_names = _AgencyNames()
    for i, item in enumerate(items, start=1):
        national = isinstance(item, dict) and is_national(item)
        code = ""
        if isinstance(item, dict):
            code = str(item.get("code") or _first(item, NATIONAL_KEYS["code"]) or "")
        where = _("Thủ tục thứ %(i)s") % {"i": i} + (f" ({code})" if code else "")
        if national:
            item, mapping_errors = national_to_dict(item, agency_names=agency_names, where=where)
            errors.extend(mapping_errors)
        spec, spec_errors = spec_from_dict(item, where=where)
        errors.extend(spec_errors)
        if spec is not None:
            parsed.append((spec, where))
    return parsed, errors


def _rows(ws: Any) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    rows = ws.iter_rows(values_only=True)
    try:
        header = [str(c).strip() if c is not None else "" for c in next(rows)]
    except StopIteration:
        return [], []
    out: list[tuple[int, dict[str, Any]]] = []
    for number, row in enumerate(rows, start=2):
        values = dict(zip(header, row, strict=False))
        if number == 2 and values.get(header[0]) == LABELS.get(header[0]):
            continue  # the human-readable label row
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        out.append((number, {k: v for k, v in values.items() if k}))
    return header, out


def parse_xlsx(content: bytes) -> Parsed:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        return [], [SpecError("", _("Không đọc được tệp XLSX: %(error)s") % {"error": exc})]
    errors: list[SpecError] = []
    if PROCEDURE_SHEET not in wb.sheetnames:
        return [], [SpecError("", _("Thiếu trang tính “%(name)s”.") % {"name": PROCEDURE_SHEET})]
    header, proc_rows = _rows(wb[PROCEDURE_SHEET])
    missing = [k for k in ("code", "name") if k not in header]
    if missing:
        return [], [
            SpecError(
                "",
                _("Trang “%(sheet)s” thiếu cột: %(cols)s.")
                % {"sheet": PROCEDURE_SHEET, "cols": ", ".join(missing)},
            )
        ]
    items: dict[str, dict[str, Any]] = {}
    where_of: dict[str, str] = {}
    order: list[str] = []
    for number, values in proc_rows:
        code = _text_cell(values.get("code"))
        where = _("Trang “%(sheet)s”, dòng %(row)s") % {"sheet": PROCEDURE_SHEET, "row": number}
        item = {k: _text_cell(v) if k == "code" else v for k, v in values.items()}
        item["documents"], item["workflow"] = [], []
        if code in items:
            errors.append(
                SpecError("code", _("Mã thủ tục %(code)s lặp lại.") % {"code": code}, where)
            )
            continue
        items[code] = item
        where_of[code] = where
        order.append(code)
    sub_rows: dict[tuple[str, str, int], int] = {}
    for sheet, key, columns in (
        (DOCUMENT_SHEET, "documents", DOCUMENT_KEYS),
        (STEP_SHEET, "workflow", STEP_KEYS),
    ):
        if sheet not in wb.sheetnames:
            continue
        _h, rows = _rows(wb[sheet])
        for number, values in sorted(rows, key=lambda r: (_position(r[1]), r[0])):
            code = _text_cell(values.get("procedure_code"))
            if code not in items:
                errors.append(
                    SpecError(
                        "procedure_code",
                        _("Không có thủ tục mã “%(code)s” trong trang “%(sheet)s”.")
                        % {"code": code, "sheet": PROCEDURE_SHEET},
                        _("Trang “%(sheet)s”, dòng %(row)s") % {"sheet": sheet, "row": number},
                    )
                )
                continue
            items[code][key].append({c: values.get(c) for c in columns})
            sub_rows[(code, key, len(items[code][key]))] = number
    parsed: list[tuple[ProcedureSpec, str]] = []
    for code in order:
        spec, spec_errors = spec_from_dict(items[code], where=where_of[code])
        for e in spec_errors:
            match = re.match(r"^(documents|workflow)\[(\d+)\]\.(.+)$", e.field)
            if match and (code, match[1], int(match[2])) in sub_rows:
                sheet = DOCUMENT_SHEET if match[1] == "documents" else STEP_SHEET
                row = sub_rows[(code, match[1], int(match[2]))]
                e = SpecError(
                    match[3],
                    e.message,
                    _("Trang “%(sheet)s”, dòng %(row)s") % {"sheet": sheet, "row": row},
                )
            errors.append(e)
        if spec is not None:
            parsed.append((spec, where_of[code]))
    return parsed, errors


def _position(values: dict[str, Any]) -> int:
    try:
        return int(values.get("position") or 0)
    except (TypeError, ValueError):
        return 0


def _text_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


# --------------------------------------------------------------------------- national catalog

# The national catalog (Cơ sở dữ liệu quốc gia về thủ tục hành chính) publishes each
# procedure under these headings; both the Vietnamese labels and PascalCase keys without
# diacritics are accepted. See docs/procedures.md for the mapping and its limits.
NATIONAL_KEYS: dict[str, tuple[str, ...]] = {
    "code": ("Mã thủ tục", "MaTTHC", "MaThuTuc"),
    "name": ("Tên thủ tục", "TenTTHC", "TenThuTuc"),
    "field_code": ("Mã lĩnh vực", "MaLinhVuc"),
    "field_name": ("Lĩnh vực", "LinhVuc", "TenLinhVuc"),
    "level": ("Cấp thực hiện", "CapThucHien"),
    "agencies": ("Cơ quan thực hiện", "CoQuanThucHien"),
    "online_level": ("Mức độ", "MucDo", "MucDoDVC"),
    "processing_days": ("Thời hạn giải quyết", "ThoiHanGiaiQuyet"),
    "fees": ("Phí, lệ phí", "Phí", "Lệ phí", "PhiLePhi", "LePhi"),
    "documents": ("Thành phần hồ sơ", "ThanhPhanHoSo"),
    "steps": ("Trình tự thực hiện", "TrinhTuThucHien"),
    "submission_methods": ("Cách thức thực hiện", "CachThucHien"),
    "applicants": ("Đối tượng thực hiện", "DoiTuongThucHien"),
    "conditions": ("Yêu cầu, điều kiện thực hiện", "YeuCauDieuKien"),
    "legal_basis": ("Căn cứ pháp lý", "CanCuPhapLy"),
    "result_type": ("Kết quả thực hiện", "KetQuaThucHien"),
}
DOCUMENT_NAME_KEYS = ("Tên giấy tờ", "TenGiayTo", "Tên thành phần hồ sơ", "name")
DOCUMENT_COPIES_KEYS = ("Số lượng", "SoLuong", "SoBan", "copies")


def is_national(item: dict[str, Any]) -> bool:
    return any(k in item for k in NATIONAL_KEYS["code"])


def _first(item: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if key in item and item[key] not in (None, ""):
            return item[key]
    return None


def _joined(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(str(v) for v in value if v not in (None, ""))
    return "" if value is None else str(value)


class _AgencyNames:
    """Agency lookup by code or by name (diacritics and case ignored), loaded once."""

    def __init__(self) -> None:
        self._by_key: dict[str, str] | None = None

    def code_for(self, text: str) -> str | None:
        if self._by_key is None:
            self._by_key = {}
            for code, name, short in Agency.objects.values_list("code", "name", "short_name"):
                self._by_key[code.casefold()] = code
                self._by_key[fold(name)] = code
                if short:
                    self._by_key.setdefault(fold(short), code)
        return self._by_key.get(text.casefold()) or self._by_key.get(fold(text))


def national_to_dict(
    item: dict[str, Any], *, agency_names: _AgencyNames | None = None, where: str = ""
) -> tuple[dict[str, Any], list[SpecError]]:
    """Map a national-catalog procedure object to this platform's procedure object."""
    names = agency_names or _AgencyNames()
    errors: list[SpecError] = []
    field_name = _joined(_first(item, NATIONAL_KEYS["field_name"]))
    field_code = _joined(_first(item, NATIONAL_KEYS["field_code"])) or slugify_vi(
        field_name, max_length=50
    )
    level_text = fold(_joined(_first(item, NATIONAL_KEYS["level"])))
    if "tinh" in level_text:
        level = Procedure.Level.PROVINCE
    elif "xa" in level_text:
        level = Procedure.Level.COMMUNE
    else:
        level = Procedure.Level.OTHER
    online_text = fold(_joined(_first(item, NATIONAL_KEYS["online_level"])))
    if "toan trinh" in online_text or online_text.strip() in {"4", "muc do 4"}:
        online = Procedure.OnlineLevel.FULL
    elif "mot phan" in online_text or online_text.strip() in {"3", "muc do 3"}:
        online = Procedure.OnlineLevel.PARTIAL
    else:
        online = Procedure.OnlineLevel.INFORMATION
    days_text = _joined(_first(item, NATIONAL_KEYS["processing_days"]))
    days_match = re.search(r"\d+", days_text)
    fees_text = _joined(_first(item, NATIONAL_KEYS["fees"]))
    fee_amount = 0
    fee_match = re.search(r"(\d[\d.]*)\s*(?:đ|đồng|VNĐ|VND)", fees_text, re.IGNORECASE)
    if fee_match:
        fee_amount = int(fee_match[1].replace(".", ""))
    agencies_raw = _first(item, NATIONAL_KEYS["agencies"]) or []
    agency_texts = (
        [str(a) for a in agencies_raw]
        if isinstance(agencies_raw, list)
        else [a for a in re.split(r"[;\n]+", str(agencies_raw)) if a.strip()]
    )
    agencies: list[str] = []
    if level != Procedure.Level.COMMUNE:
        for text in agency_texts:
            code = names.code_for(text.strip())
            if code is None:
                errors.append(
                    SpecError(
                        "Cơ quan thực hiện",
                        _("Không nhận ra cơ quan “%(name)s”.") % {"name": text.strip()},
                        where,
                    )
                )
            else:
                agencies.append(code)
    documents: list[dict[str, Any]] = []
    for doc in _first(item, NATIONAL_KEYS["documents"]) or []:
        if isinstance(doc, str):
            documents.append({"name": doc})
        elif isinstance(doc, dict):
            documents.append(
                {
                    "name": _joined(_first(doc, DOCUMENT_NAME_KEYS)),
                    "copies": _joined(_first(doc, DOCUMENT_COPIES_KEYS)),
                }
            )
    processing_days = int(days_match[0]) if days_match else 0
    return {
        "code": _joined(_first(item, NATIONAL_KEYS["code"])).strip(),
        "name": _joined(_first(item, NATIONAL_KEYS["name"])),
        "field_code": field_code,
        "field_name": field_name,
        "level": level,
        "agencies": agencies,
        "online_level": online,
        "processing_days": processing_days,
        "fee_amount": fee_amount,
        "fee_timing": "before_receipt" if fee_amount else "none",
        "fee_description": fees_text,
        "result_type": _joined(_first(item, NATIONAL_KEYS["result_type"]))[:500],
        "applicants": _joined(_first(item, NATIONAL_KEYS["applicants"])),
        "submission_methods": _joined(_first(item, NATIONAL_KEYS["submission_methods"])),
        "conditions": _joined(_first(item, NATIONAL_KEYS["conditions"])),
        "steps": _joined(_first(item, NATIONAL_KEYS["steps"])),
        "legal_basis": _joined(_first(item, NATIONAL_KEYS["legal_basis"])),
        "documents": documents,
        "workflow": [
            {**s.__dict__, "working_days": str(s.working_days)}
            for s in default_workflow(processing_days)
        ],
    }, errors
