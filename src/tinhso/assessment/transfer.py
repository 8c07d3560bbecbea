"""Criteria sets to and from JSON and XLSX.

Both formats are parsed into one neutral structure (:class:`SetSpec`), validated as a
whole, and only then stored by :func:`tinhso.assessment.services.criteria_set_import`.
A broken tree is refused with every problem listed, and nothing is stored.

JSON (``format: tinhso.assessment.criteria/1``) nests criteria under ``children``.
XLSX has a sheet ``Bộ tiêu chí`` (key/value rows) and a sheet ``Tiêu chí`` with one row
per criterion and a ``mã cha`` column that builds the tree.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from tinhso.assessment.models import (
    CriteriaSet,
    Criterion,
    EvidenceKind,
    ScoringMethod,
    SubjectType,
)
from tinhso.assessment.scoring import ScoringError, normalised_bands, to_decimal
from tinhso.core.services import DomainError
from tinhso.core.text import nfc

FORMAT = "tinhso.assessment.criteria/1"
MAX_DEPTH = 3
MAX_IMPORT_BYTES = 2 * 1024 * 1024
SET_SHEET = "Bộ tiêu chí"
CRITERIA_SHEET = "Tiêu chí"
CRITERIA_COLUMNS = [
    ("code", "mã"),
    ("parent", "mã cha"),
    ("name", "tên tiêu chí"),
    ("max_points", "điểm tối đa"),
    ("method", "cách chấm"),
    ("target", "chỉ tiêu"),
    ("scale_levels", "số mức thang"),
    ("bands", "các khoảng (min:điểm; …)"),
    ("unit", "đơn vị tính"),
    ("evidence", "minh chứng"),
    ("evidence_note", "hướng dẫn minh chứng"),
    ("pass_min_points", "điểm tối thiểu để đạt"),
    ("provider", "nguồn tự động"),
]
SET_KEYS = [
    ("code", "mã bộ tiêu chí"),
    ("name", "tên"),
    ("year", "năm"),
    ("subject_type", "đối tượng"),
    ("max_points", "tổng điểm tối đa"),
    ("pass_min_points", "điểm tối thiểu để công nhận"),
    ("is_example", "ví dụ"),
    ("description", "mô tả"),
]


class CriteriaImportError(DomainError):
    """The file is not a valid criteria set. ``errors`` lists every problem found."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(
            _("Tệp bộ tiêu chí không hợp lệ, không có gì được lưu: %(first)s")
            % {"first": errors[0] if errors else ""}
        )
        self.errors = errors


@dataclass
class CriterionSpec:
    code: str
    name: str
    max_points: Decimal
    parent: str = ""
    method: str = ""
    target: Decimal | None = None
    scale_levels: int | None = None
    bands: list[dict[str, str]] = field(default_factory=list)
    unit: str = ""
    evidence: str = EvidenceKind.NONE
    evidence_note: str = ""
    pass_min_points: Decimal | None = None
    provider: str = ""
    children: list[CriterionSpec] = field(default_factory=list)
    depth: int = 0


@dataclass
class SetSpec:
    code: str
    name: str
    year: int
    subject_type: str
    max_points: Decimal
    pass_min_points: Decimal | None
    is_example: bool
    description: str
    roots: list[CriterionSpec]

    def walk(self) -> list[CriterionSpec]:
        out: list[CriterionSpec] = []

        def visit(node: CriterionSpec) -> None:
            out.append(node)
            for child in node.children:
                visit(child)

        for root in self.roots:
            visit(root)
        return out


# ---------------------------------------------------------------- parsing helpers


def _text(raw: Any) -> str:
    return nfc(str(raw)).strip() if raw is not None else ""


def _dec(raw: Any, label: str, errors: list[str]) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        return to_decimal(raw)
    except ScoringError:
        errors.append(label + ": " + _("“%(raw)s” không phải là một số.") % {"raw": raw})
        return None


def _int(raw: Any, label: str, errors: list[str]) -> int | None:
    value = _dec(raw, label, errors)
    if value is None:
        return None
    if value != value.to_integral_value():
        errors.append(label + ": " + _("cần một số nguyên."))
        return None
    return int(value)


def _bands_from_text(raw: Any) -> list[dict[str, str]]:
    """``"0:0; 5:10; 10:20"`` → ``[{"min": "0", "points": "0"}, …]``."""
    if raw is None or raw == "":
        return []
    if isinstance(raw, list):
        return [{"min": str(b["min"]), "points": str(b["points"])} for b in raw]
    out = []
    for part in str(raw).split(";"):
        part = part.strip()
        if not part:
            continue
        minimum, _sep, points = part.partition(":")
        out.append({"min": minimum.strip(), "points": points.strip()})
    return out


def _bands_to_text(bands: list[dict[str, Any]]) -> str:
    return "; ".join(f"{b['min']}:{b['points']}" for b in bands)


def _criterion_from_mapping(
    data: dict[str, Any], errors: list[str], *, where: str
) -> CriterionSpec | None:
    code = _text(data.get("code"))
    name = _text(data.get("name"))
    label = _("Tiêu chí %(code)s") % {"code": code or where}
    if not code:
        errors.append(_("%(where)s: thiếu mã tiêu chí.") % {"where": where})
    if not name:
        errors.append(label + ": " + _("thiếu tên."))
    max_points = _dec(data.get("max_points"), label, errors)
    if max_points is None:
        errors.append(label + ": " + _("thiếu điểm tối đa."))
    elif max_points <= 0:
        errors.append(label + ": " + _("điểm tối đa phải lớn hơn 0."))
    try:
        bands = _bands_from_text(data.get("bands"))
    except (KeyError, TypeError):
        errors.append(label + ": " + _("các khoảng không đúng dạng."))
        bands = []
    spec = CriterionSpec(
        code=code,
        name=name,
        max_points=max_points or Decimal(0),
        parent=_text(data.get("parent")),
        method=_text(data.get("method")),
        target=_dec(data.get("target"), label, errors),
        scale_levels=_int(data.get("scale_levels"), label, errors),
        bands=bands,
        unit=_text(data.get("unit")),
        evidence=_text(data.get("evidence")) or EvidenceKind.NONE,
        evidence_note=_text(data.get("evidence_note")),
        pass_min_points=_dec(data.get("pass_min_points"), label, errors),
        provider=_text(data.get("provider")),
    )
    return spec if code else None


def _set_from_mapping(data: dict[str, Any], errors: list[str]) -> dict[str, Any]:
    year = _int(data.get("year"), _("Năm"), errors)
    is_example = data.get("is_example", False)
    if isinstance(is_example, str):
        is_example = is_example.strip().lower() in {"1", "true", "có", "co", "x", "yes"}
    return {
        "code": _text(data.get("code")),
        "name": _text(data.get("name")),
        "year": year or 0,
        "subject_type": _text(data.get("subject_type")),
        "max_points": _dec(data.get("max_points"), _("Tổng điểm tối đa"), errors),
        "pass_min_points": _dec(data.get("pass_min_points"), _("Điểm công nhận"), errors),
        "is_example": bool(is_example),
        "description": _text(data.get("description")),
    }


# ---------------------------------------------------------------- validation


def validate(spec: SetSpec, errors: list[str]) -> None:
    """Check the whole tree. Appends one message per problem."""
    if not spec.code:
        errors.append(_("Thiếu mã bộ tiêu chí."))
    elif not all(c.isalnum() or c in "-_" for c in spec.code) or len(spec.code) > 80:
        errors.append(_("Mã bộ tiêu chí chỉ gồm chữ không dấu, số, “-” và “_”."))
    if not spec.name:
        errors.append(_("Thiếu tên bộ tiêu chí."))
    if not 2000 <= spec.year <= 2100:
        errors.append(_("Năm đánh giá không hợp lệ."))
    if spec.subject_type not in SubjectType.values:
        errors.append(
            _("Đối tượng “%(v)s” không hợp lệ (department, district hoặc commune).")
            % {"v": spec.subject_type}
        )
    if not spec.roots:
        errors.append(_("Bộ tiêu chí chưa có trụ cột nào."))
    seen: set[str] = set()
    for node in spec.walk():
        label = _("Tiêu chí %(code)s") % {"code": node.code}
        if node.code in seen:
            errors.append(label + ": " + _("mã bị trùng."))
        seen.add(node.code)
        if len(node.code) > 20:
            errors.append(label + ": " + _("mã dài quá 20 ký tự."))
        if node.depth >= MAX_DEPTH:
            errors.append(
                label + ": " + _("cây chỉ có tối đa 3 cấp (trụ cột → chỉ số → chỉ số thành phần).")
            )
        if node.children:
            total = sum((c.max_points for c in node.children), Decimal(0))
            if total != node.max_points:
                errors.append(
                    label
                    + ": "
                    + _("điểm tối đa %(max)s khác tổng điểm các tiêu chí con %(sum)s.")
                    % {"max": node.max_points, "sum": total}
                )
            if node.method:
                errors.append(label + ": " + _("tiêu chí có tiêu chí con thì không có cách chấm."))
            continue
        if node.method not in ScoringMethod.values:
            errors.append(
                label
                + ": "
                + _("cách chấm “%(m)s” không hợp lệ (yes_no, ratio, scale, bands, manual).")
                % {"m": node.method}
            )
        if node.method == ScoringMethod.RATIO and (node.target is None or node.target <= 0):
            errors.append(label + ": " + _("cách chấm theo tỷ lệ cần chỉ tiêu lớn hơn 0."))
        if node.method == ScoringMethod.SCALE and not node.scale_levels:
            errors.append(label + ": " + _("cách chấm theo thang cần số mức lớn hơn 0."))
        if node.method == ScoringMethod.BANDS:
            try:
                bands = normalised_bands(node.bands)
            except (ScoringError, KeyError, TypeError):
                errors.append(label + ": " + _("các khoảng không đúng dạng."))
                bands = []
            if not bands:
                errors.append(label + ": " + _("cách chấm theo khoảng cần ít nhất một khoảng."))
            mins = [b[0] for b in bands]
            if len(set(mins)) != len(mins):
                errors.append(label + ": " + _("các khoảng có mức tối thiểu trùng nhau."))
            for _minimum, points in bands:
                if points > node.max_points or points < 0:
                    errors.append(
                        label
                        + ": "
                        + _("điểm của một khoảng (%(p)s) vượt quá điểm tối đa %(max)s.")
                        % {"p": points, "max": node.max_points}
                    )
        if node.evidence not in EvidenceKind.values:
            errors.append(label + ": " + _("loại minh chứng không hợp lệ."))
        if node.pass_min_points is not None and node.pass_min_points > node.max_points:
            errors.append(label + ": " + _("điểm tối thiểu để đạt vượt quá điểm tối đa."))
    total = sum((r.max_points for r in spec.roots), Decimal(0))
    if spec.max_points != total:
        errors.append(
            _("Tổng điểm tối đa của bộ (%(max)s) khác tổng điểm các trụ cột (%(sum)s).")
            % {"max": spec.max_points, "sum": total}
        )
    if spec.pass_min_points is not None:
        if spec.subject_type != SubjectType.COMMUNE:
            errors.append(_("Chỉ bộ tiêu chí cấp xã mới có điểm công nhận hoàn thành."))
        elif spec.pass_min_points > spec.max_points:
            errors.append(_("Điểm công nhận vượt quá tổng điểm tối đa."))


def _spec(meta: dict[str, Any], roots: list[CriterionSpec], errors: list[str]) -> SetSpec:
    max_points = meta["max_points"]
    if max_points is None:
        errors.append(_("Thiếu tổng điểm tối đa của bộ."))
    spec = SetSpec(
        code=meta["code"],
        name=meta["name"],
        year=meta["year"],
        subject_type=meta["subject_type"],
        max_points=max_points if max_points is not None else Decimal(0),
        pass_min_points=meta["pass_min_points"],
        is_example=meta["is_example"],
        description=meta["description"],
        roots=roots,
    )
    validate(spec, errors)
    if errors:
        raise CriteriaImportError(errors)
    return spec


# ---------------------------------------------------------------- JSON


def parse_json(raw: bytes | str) -> SetSpec:
    errors: list[str] = []
    if isinstance(raw, bytes):
        if len(raw) > MAX_IMPORT_BYTES:
            raise CriteriaImportError([_("Tệp quá lớn (tối đa 2 MB).")])
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CriteriaImportError([_("Tệp JSON phải dùng mã UTF-8.")]) from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise CriteriaImportError(
            [_("Tệp không phải JSON hợp lệ (dòng %(line)s).") % {"line": exc.lineno}]
        ) from None
    if not isinstance(data, dict):
        raise CriteriaImportError([_("Tệp JSON phải là một đối tượng bộ tiêu chí.")])
    if data.get("format") not in (None, FORMAT):
        errors.append(_("Định dạng “%(f)s” không được hỗ trợ.") % {"f": data.get("format")})
    meta = _set_from_mapping(data, errors)

    def build(items: Any, depth: int, where: str) -> list[CriterionSpec]:
        if not isinstance(items, list):
            errors.append(_("%(where)s: “children” phải là một danh sách.") % {"where": where})
            return []
        out = []
        for i, item in enumerate(items, start=1):
            here = f"{where}/{i}"
            if not isinstance(item, dict):
                errors.append(_("%(where)s: mỗi tiêu chí phải là một đối tượng.") % {"where": here})
                continue
            node = _criterion_from_mapping(item, errors, where=here)
            if node is None:
                continue
            node.depth = depth
            node.children = build(item.get("children", []), depth + 1, node.code)
            out.append(node)
        return out

    roots = build(data.get("criteria", []), 0, "criteria")
    return _spec(meta, roots, errors)


def _criterion_dict(c: Criterion, children: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"code": c.code, "name": c.name, "max_points": str(c.max_points)}
    if children:
        out["children"] = children
        return out
    out["method"] = c.method
    if c.target is not None:
        out["target"] = str(c.target.normalize())
    if c.scale_levels:
        out["scale_levels"] = c.scale_levels
    if c.bands:
        out["bands"] = c.bands
    for key in ("unit", "evidence_note", "provider"):
        if getattr(c, key):
            out[key] = getattr(c, key)
    out["evidence"] = c.evidence
    if c.pass_min_points is not None:
        out["pass_min_points"] = str(c.pass_min_points)
    return out


def export_dict(criteria_set: CriteriaSet) -> dict[str, Any]:
    nodes = list(criteria_set.criteria.order_by("position"))
    by_parent: dict[int | None, list[Criterion]] = {}
    for n in nodes:
        by_parent.setdefault(n.parent_id, []).append(n)

    def tree(parent_id: int | None) -> list[dict[str, Any]]:
        return [_criterion_dict(c, tree(c.pk)) for c in by_parent.get(parent_id, [])]

    return {
        "format": FORMAT,
        "code": criteria_set.code,
        "name": criteria_set.name,
        "year": criteria_set.year,
        "subject_type": criteria_set.subject_type,
        "max_points": str(criteria_set.max_points),
        "pass_min_points": (
            str(criteria_set.pass_min_points) if criteria_set.pass_min_points is not None else None
        ),
        "is_example": criteria_set.is_example,
        "description": criteria_set.description,
        "criteria": tree(None),
    }


def export_json(criteria_set: CriteriaSet) -> bytes:
    return json.dumps(export_dict(criteria_set), ensure_ascii=False, indent=2).encode("utf-8")


# ---------------------------------------------------------------- XLSX


def parse_xlsx(raw: bytes) -> SetSpec:
    from openpyxl import load_workbook

    if len(raw) > MAX_IMPORT_BYTES:
        raise CriteriaImportError([_("Tệp quá lớn (tối đa 2 MB).")])
    if not raw.startswith(b"PK\x03\x04"):
        raise CriteriaImportError([_("Tệp không phải bảng tính XLSX.")])
    try:
        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:
        raise CriteriaImportError([_("Không đọc được tệp XLSX.")]) from None
    if SET_SHEET not in wb.sheetnames or CRITERIA_SHEET not in wb.sheetnames:
        raise CriteriaImportError(
            [
                _("Tệp XLSX cần hai trang tính “%(a)s” và “%(b)s”.")
                % {"a": SET_SHEET, "b": CRITERIA_SHEET}
            ]
        )
    errors: list[str] = []
    label_to_key = {label: key for key, label in SET_KEYS}
    meta_raw: dict[str, Any] = {}
    for row in wb[SET_SHEET].iter_rows(values_only=True):
        if not row or row[0] is None:
            continue
        key = label_to_key.get(_text(row[0]), _text(row[0]))
        meta_raw[key] = row[1] if len(row) > 1 else None
    meta = _set_from_mapping(meta_raw, errors)

    rows = wb[CRITERIA_SHEET].iter_rows(values_only=True)
    header = [_text(h) for h in next(rows, ())]
    col_to_key = {label: key for key, label in CRITERIA_COLUMNS}
    keys = [col_to_key.get(h, h) for h in header]
    if "code" not in keys or "max_points" not in keys:
        raise CriteriaImportError([_("Trang “Tiêu chí” thiếu cột “mã” hoặc “điểm tối đa”.")])
    nodes: list[CriterionSpec] = []
    for line, row in enumerate(rows, start=2):
        if not row or all(v is None or v == "" for v in row):
            continue
        data = dict(zip(keys, row, strict=False))
        node = _criterion_from_mapping(data, errors, where=_("dòng %(n)s") % {"n": line})
        if node is not None:
            nodes.append(node)
    wb.close()
    roots = _tree_from_parents(nodes, errors)
    return _spec(meta, roots, errors)


def _tree_from_parents(nodes: list[CriterionSpec], errors: list[str]) -> list[CriterionSpec]:
    by_code: dict[str, CriterionSpec] = {}
    for n in nodes:
        if n.code in by_code:
            errors.append(_("Tiêu chí %(code)s: mã bị trùng.") % {"code": n.code})
        by_code[n.code] = n
    roots: list[CriterionSpec] = []
    for n in nodes:
        if not n.parent:
            roots.append(n)
        elif n.parent not in by_code:
            errors.append(
                _("Tiêu chí %(code)s: không có tiêu chí cha mã %(parent)s.")
                % {"code": n.code, "parent": n.parent}
            )
        else:
            by_code[n.parent].children.append(n)
    # Depths, and nodes never reached from a root (a cycle: A under B under A).
    reached: set[str] = set()

    def visit(node: CriterionSpec, depth: int) -> None:
        if node.code in reached:
            return
        reached.add(node.code)
        node.depth = depth
        for child in node.children:
            visit(child, depth + 1)

    for r in roots:
        visit(r, 0)
    for n in nodes:
        if n.code not in reached and n.parent in by_code:
            errors.append(
                _("Tiêu chí %(code)s: cây tiêu chí bị vòng (tiêu chí là cha của chính nó).")
                % {"code": n.code}
            )
    return roots


def export_xlsx(criteria_set: CriteriaSet) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SET_SHEET
    data = export_dict(criteria_set)
    for key, label in SET_KEYS:
        value = data.get(key)
        if isinstance(value, bool):
            value = "có" if value else "không"
        ws.append([label, value])
    ws.column_dimensions["A"].width = 32
    ws.column_dimensions["B"].width = 60
    wc = wb.create_sheet(CRITERIA_SHEET)
    wc.append([label for _key, label in CRITERIA_COLUMNS])
    for cell in wc[1]:
        cell.font = Font(bold=True)
    for c in criteria_set.criteria.select_related("parent").order_by("position"):
        wc.append(
            [
                c.code,
                c.parent.code if c.parent else "",
                c.name,
                float(c.max_points),
                c.method,
                float(c.target) if c.target is not None else None,
                c.scale_levels,
                _bands_to_text(c.bands) if c.bands else "",
                c.unit,
                c.evidence if c.is_leaf else "",
                c.evidence_note,
                float(c.pass_min_points) if c.pass_min_points is not None else None,
                c.provider,
            ]
        )
    wc.column_dimensions["C"].width = 70
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
