"""Demo builder for the open-data catalog: 195 public datasets in 15 domains (lĩnh vực),
plus a few drafts and one private dataset, each with a real tabular resource (CSV or XLSX)
generated deterministically (seeded ``random``) from the province's real communes/wards.

Everything is written through the catalog services (``user=None, check_permission=False``)
so revisions, the activity stream and the search index are right. Idempotent and fast:
datasets are identified by their names; a second run finds them all and returns at once.
Synthetic figures only; no personal data (people's names are generated).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from tinhso.catalog import services
from tinhso.catalog.models import Dataset, Group, Organization
from tinhso.core.models import AdministrativeUnit, Agency
from tinhso.core.text import slugify_vi
from tinhso.demo.core_data import DEPARTMENTS, department_code

THEME = "http://publications.europa.eu/resource/authority/data-theme/"
NOW_YEAR = 2025  # demo data describe 2023–2025 (fixed so output does not depend on the clock)
MONTHS = [f"Tháng {m}" for m in range(1, 13)]


@dataclass(frozen=True)
class Domain:
    name: str
    title: str
    title_en: str
    theme: str
    department: str  # default publisher (key of core_data.DEPARTMENTS)
    description: str


DOMAINS: tuple[Domain, ...] = (
    Domain("nong-nghiep", "Nông nghiệp", "Agriculture", "AGRI", "nong-nghiep",
           "Trồng trọt, chăn nuôi, thủy sản, lâm nghiệp, thủy lợi, sản phẩm OCOP và nông thôn mới."),
    Domain("y-te", "Y tế", "Health", "HEAL", "y-te",
           "Cơ sở khám chữa bệnh, y tế dự phòng, tiêm chủng, bảo hiểm y tế, an toàn thực phẩm."),
    Domain("giao-duc", "Giáo dục và đào tạo", "Education", "EDUC", "giao-duc",
           "Trường học, học sinh, giáo viên, tuyển sinh, thi cử và giáo dục nghề nghiệp."),
    Domain("giao-thong", "Giao thông vận tải", "Transport", "TRAN", "xay-dung",
           "Đường bộ, cầu, bến xe, xe buýt, cảng biển, cảng hàng không, an toàn giao thông."),
    Domain("du-lich", "Du lịch", "Tourism", "ECON", "van-hoa",
           "Khách du lịch, cơ sở lưu trú, điểm du lịch, lữ hành, lễ hội và làng nghề."),
    Domain("moi-truong", "Tài nguyên và môi trường", "Environment", "ENVI", "nong-nghiep",
           "Đất đai, khoáng sản, nước, không khí, chất thải, khí tượng và thiên tai."),
    Domain("tai-chinh", "Tài chính", "Finance", "ECON", "tai-chinh",
           "Ngân sách địa phương, thu chi, giá cả, tài sản công và đầu tư công."),
    Domain("ke-hoach-dau-tu", "Kế hoạch và đầu tư", "Planning and investment", "ECON", "tai-chinh",
           "Doanh nghiệp, dự án đầu tư, chỉ tiêu kinh tế - xã hội, năng lực cạnh tranh."),
    Domain("cong-thuong", "Công thương", "Industry and trade", "ECON", "cong-thuong",
           "Sản xuất công nghiệp, thương mại, xuất khẩu, chợ, siêu thị, năng lượng."),
    Domain("van-hoa-the-thao", "Văn hóa và thể thao", "Culture and sports", "EDUC", "van-hoa",
           "Di tích, di sản, thư viện, thiết chế văn hóa, thể thao thành tích cao và phong trào."),
    Domain("lao-dong-xa-hoi", "Lao động và xã hội", "Labour and social affairs", "SOCI", "noi-vu",
           "Việc làm, giảm nghèo, người có công, bảo trợ xã hội, bảo hiểm xã hội."),
    Domain("xay-dung", "Xây dựng", "Construction", "REGI", "xay-dung",
           "Quy hoạch, cấp phép xây dựng, nhà ở, đô thị, vật liệu xây dựng, cấp thoát nước."),
    Domain("thong-tin-truyen-thong", "Thông tin và truyền thông", "Information and communications",
           "TECH", "khcn",
           "Viễn thông, Internet, bưu chính, báo chí, dịch vụ công trực tuyến, chuyển đổi số."),
    Domain("khoa-hoc-cong-nghe", "Khoa học và công nghệ", "Science and technology", "TECH", "khcn",
           "Nhiệm vụ khoa học, sở hữu trí tuệ, tiêu chuẩn đo lường chất lượng, đổi mới sáng tạo."),
    Domain("noi-vu-tu-phap", "Nội vụ và tư pháp", "Home affairs and justice", "JUST", "tu-phap",
           "Tổ chức bộ máy, công chức, thi đua khen thưởng, hộ tịch, công chứng, trợ giúp pháp lý."),
)  # fmt: skip

# --------------------------------------------------------------------------- context


@dataclass
class Commune:
    code: str
    name: str  # "Phường Hạc Thành"
    short: str  # "Hạc Thành"
    kind: str  # "Xã", "Phường", "Đặc khu"
    urban: bool


@dataclass
class Ctx:
    province: str
    communes: list[Commune]
    agencies: list[str] = field(default_factory=list)  # department names


SURNAMES = ["Nguyễn", "Lê", "Trịnh", "Lê", "Hoàng", "Phạm", "Đỗ", "Vũ", "Bùi", "Mai", "Lường", "Hà", "Cầm", "Trần", "Ngô", "Đặng"]  # fmt: skip
MIDDLE_M = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Công", "Đình", "Ngọc"]
MIDDLE_F = ["Thị", "Thu", "Ngọc", "Thanh", "Phương", "Hồng", "Diệu"]
GIVEN_M = ["Anh", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phong", "Quân", "Sơn", "Thắng", "Tuấn", "Việt"]  # fmt: skip
GIVEN_F = ["An", "Chi", "Dung", "Hà", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Phương", "Thảo", "Trang", "Yến"]  # fmt: skip
COMPANY_WORDS = ["Hoàng Long", "Lam Sơn", "Sông Mã", "Phú Thành", "Hợp Lực", "Đông Á", "Bình Minh", "Thành Công", "Nghi Sơn", "Hàm Rồng", "Tân Phát", "Trường Xuân", "An Phú", "Việt Thanh", "Hưng Thịnh"]  # fmt: skip


def person(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_M)} {rng.choice(GIVEN_M)}"
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_F)} {rng.choice(GIVEN_F)}"


def company(rng: random.Random, kind: str = "Công ty TNHH") -> str:
    return f"{kind} {rng.choice(COMPANY_WORDS)} {rng.choice(['', 'Thanh Hóa', 'Xanh', 'Việt', 'Group'])}".strip()


def phone(rng: random.Random) -> str:
    return f"0237 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"


# --------------------------------------------------------------------------- column specs

Value = Any
Maker = Callable[[random.Random, Ctx, dict[str, Value], int], Value]


@dataclass(frozen=True)
class Col:
    name: str
    desc: str
    make: Maker
    kind: str = "số"  # shown in the data dictionary: số, văn bản, ngày, mã


def num(lo: float, hi: float, *, urban: float = 1.0, dec: int = 0) -> Maker:
    """A number in [lo, hi]; multiplied by ``urban`` for wards (phường)."""

    def make(rng: random.Random, ctx: Ctx, row: dict[str, Value], i: int) -> Value:
        factor = urban if row.get("_urban") else 1.0
        value = rng.uniform(lo, hi) * factor
        return round(value, dec) if dec else round(value)

    return make


def pct(numerator: str, denominator: str, dec: int = 1) -> Maker:
    def make(rng: random.Random, ctx: Ctx, row: dict[str, Value], i: int) -> Value:
        den = row.get(denominator) or 0
        return round(100 * (row.get(numerator) or 0) / den, dec) if den else 0

    return make


def share(of: str, lo: float, hi: float) -> Maker:
    """A part of another column (between lo and hi of it)."""

    def make(rng: random.Random, ctx: Ctx, row: dict[str, Value], i: int) -> Value:
        return round((row.get(of) or 0) * rng.uniform(lo, hi))

    return make


def ratio(a: str, b: str, dec: int = 1, factor: float = 1.0) -> Maker:
    def make(rng: random.Random, ctx: Ctx, row: dict[str, Value], i: int) -> Value:
        den = row.get(b) or 0
        return round(factor * (row.get(a) or 0) / den, dec) if den else 0

    return make


def formula(compute: Callable[[dict[str, Value]], float], dec: int = 0) -> Maker:
    """A value computed from the row's earlier columns."""

    def make(rng: random.Random, ctx: Ctx, row: dict[str, Value], i: int) -> Value:
        value = compute(row)
        return round(value, dec) if dec else round(value)

    return make


def choice(*options: Value, weights: Sequence[float] | None = None) -> Maker:
    def make(rng: random.Random, ctx: Ctx, row: dict[str, Value], i: int) -> Value:
        return rng.choices(options, weights=weights)[0] if weights else rng.choice(options)

    return make


def commune_name() -> Maker:
    def make(rng: random.Random, ctx: Ctx, row: dict[str, Value], i: int) -> Value:
        return row["_commune"].name

    return make


def pattern(template: str, **pools: Sequence[str]) -> Maker:
    """A text from a template: {xa} = commune short name, {n} = row number, {ten} = person,
    {cty} = company, other keys from ``pools``."""

    def make(rng: random.Random, ctx: Ctx, row: dict[str, Value], i: int) -> Value:
        values: dict[str, Any] = {k: rng.choice(v) for k, v in pools.items()}
        values.update(xa=row["_commune"].short, n=i + 1, ten=person(rng), cty=company(rng))
        return template.format(**values)

    return make


def seq(prefix: str, width: int = 4) -> Maker:
    def make(rng: random.Random, ctx: Ctx, row: dict[str, Value], i: int) -> Value:
        return f"{prefix}{i + 1:0{width}d}"

    return make


def date_in(year: int, year_to: int | None = None) -> Maker:
    def make(rng: random.Random, ctx: Ctx, row: dict[str, Value], i: int) -> Value:
        start = dt.date(year, 1, 1)
        end = dt.date(year_to or year, 12, 31)
        return (start + dt.timedelta(days=rng.randint(0, (end - start).days))).isoformat()

    return make


def person_name() -> Maker:
    return lambda rng, ctx, row, i: person(rng)


def phone_number() -> Maker:
    return lambda rng, ctx, row, i: phone(rng)


def C(name: str, desc: str, make: Maker, kind: str = "số") -> Col:
    return Col(name, desc, make, kind)


def T(name: str, desc: str, make: Maker) -> Col:
    return Col(name, desc, make, "văn bản")


def code_col() -> Col:
    return Col("Mã ĐVHC", "Mã đơn vị hành chính cấp xã (Tổng cục Thống kê)", lambda r, c, row, i: row["_commune"].code, "mã")  # fmt: skip


def commune_col() -> Col:
    return Col("Xã, phường", "Tên xã, phường, đặc khu", commune_name(), "văn bản")


# --------------------------------------------------------------------------- table shapes


@dataclass(frozen=True)
class Table:
    shape: str  # "commune", "list", "monthly", "weekly", "daily", "rows"
    cols: tuple[Col, ...]
    n: int = 0  # list: number of rows
    labels: tuple[str, ...] = ()  # rows: fixed row labels; monthly/daily: categories
    label_name: str = "Nội dung"
    season: str = ""  # monthly shapes: "summer" (tourism), "tet", ""


def _season_factor(season: str, month: int) -> float:
    if season == "summer":
        return [0.4, 0.6, 0.7, 0.9, 1.3, 1.9, 2.2, 1.8, 0.8, 0.6, 0.5, 0.6][month - 1]
    if season == "tet":
        return [1.3, 1.5, 0.9, 0.9, 0.95, 1.0, 1.0, 1.0, 1.0, 1.05, 1.1, 1.25][month - 1]
    if season == "rain":
        return [0.2, 0.3, 0.5, 0.8, 1.4, 1.6, 1.8, 2.3, 2.5, 1.6, 0.6, 0.3][month - 1]
    return 1.0 + 0.08 * ((month % 5) - 2) / 2


def build_rows(table: Table, rng: random.Random, ctx: Ctx, year: int) -> tuple[list[str], list[list[Value]]]:  # fmt: skip
    header: list[str] = []
    frames: list[dict[str, Value]] = []
    if table.shape == "commune":
        header = ["Mã ĐVHC", "Xã, phường", "Loại đơn vị"]
        for c in ctx.communes:
            frames.append({"_commune": c, "_urban": c.urban, "Mã ĐVHC": c.code, "Xã, phường": c.name, "Loại đơn vị": c.kind})  # fmt: skip
    elif table.shape == "list":
        for _i in range(table.n):
            c = rng.choice(ctx.communes)
            frames.append({"_commune": c, "_urban": c.urban})
    elif table.shape in {"monthly", "weekly", "daily"}:
        if table.shape == "monthly":
            periods = [(f"{m:02d}/{year}", m) for m in range(1, 13)]
            header = ["Kỳ"]
        elif table.shape == "weekly":
            periods = [(f"Tuần {w:02d}/{year}", (w - 1) * 12 // 52 + 1) for w in range(1, 53)]
            header = ["Tuần"]
        else:
            start = dt.date(year, 1, 1)
            days = (dt.date(year, 12, 31) - start).days + 1
            if year == NOW_YEAR:
                days = 273  # to the end of September
            periods = [((start + dt.timedelta(days=d)).isoformat(), (start + dt.timedelta(days=d)).month) for d in range(days)]  # fmt: skip
            header = ["Ngày"]
        labels = table.labels or ("",)
        if table.labels:
            header.append(table.label_name)
        for label, month in periods:
            for cat in labels:
                frame: dict[str, Value] = {"_commune": ctx.communes[0], "_urban": False, header[0]: label}  # fmt: skip
                frame["_factor"] = _season_factor(table.season, month)
                if table.labels:
                    frame[table.label_name] = cat
                frames.append(frame)
    elif table.shape == "rows":
        header = [table.label_name]
        for label in table.labels:
            frames.append({"_commune": ctx.communes[0], "_urban": False, table.label_name: label})
    header += [c.name for c in table.cols if c.name not in header]
    for i, frame in enumerate(frames):
        for col in table.cols:
            if (
                col.name in frame
                and table.shape == "commune"
                and col.name in {"Mã ĐVHC", "Xã, phường"}
            ):
                continue
            value = col.make(rng, ctx, frame, i)
            factor = frame.get("_factor")
            if (
                factor
                and isinstance(value, int | float)
                and not isinstance(value, bool)
                and col.kind == "số*"
            ):
                value = (
                    round(value * factor, 1) if isinstance(value, float) else int(value * factor)
                )
            frame[col.name] = value
    rows = [[frame.get(h, "") for h in header] for frame in frames]
    return header, rows


def SC(name: str, desc: str, lo: float, hi: float, dec: int = 0) -> Col:
    """A seasonal number column (multiplied by the month's factor)."""
    return Col(name, desc, num(lo, hi, dec=dec), "số*")


# --------------------------------------------------------------------------- dataset specs


@dataclass(frozen=True)
class Spec:
    domain: str
    title: str
    intro: str
    table: Table
    tags: tuple[str, ...]
    frequency: str = "ANNUAL"
    year: int = 2024
    fmt: str = "csv"
    department: str | None = None
    licence: str = "CC-BY-4.0"
    state: str = "active"
    private: bool = False

    @property
    def name(self) -> str:
        return slugify_vi(self.title, max_length=90)


def commune_table(*cols: Col) -> Table:
    return Table("commune", cols)


def list_table(n: int, *cols: Col) -> Table:
    return Table("list", cols, n=n)


def monthly(*cols: Col, labels: Sequence[str] = (), label_name: str = "Nội dung", season: str = "") -> Table:  # fmt: skip
    return Table("monthly", cols, labels=tuple(labels), label_name=label_name, season=season)


def weekly(*cols: Col, labels: Sequence[str] = (), label_name: str = "Nội dung", season: str = "") -> Table:  # fmt: skip
    return Table("weekly", cols, labels=tuple(labels), label_name=label_name, season=season)


def daily(*cols: Col, labels: Sequence[str] = (), label_name: str = "Trạm") -> Table:
    return Table("daily", cols, labels=tuple(labels), label_name=label_name)


def rows_table(label_name: str, labels: Sequence[str], *cols: Col) -> Table:
    return Table("rows", cols, labels=tuple(labels), label_name=label_name)


POP = C("Dân số (người)", "Dân số trung bình", num(9000, 32000, urban=1.6))
OCOP_PRODUCTS = ["Nem chua", "Bánh gai", "Nước mắm", "Chè lam", "Mật ong rừng", "Gạo thơm", "Rượu men lá", "Miến dong", "Mắm tép", "Cam Vân Du", "Bưởi Luận Văn", "Dầu lạc", "Tương", "Chè xanh", "Giò bò", "Chả tôm", "Cá mè nướng", "Hương trầm", "Thảm cói", "Mây tre đan"]  # fmt: skip
SCHOOL_LEVELS = ["Mầm non", "Tiểu học", "THCS", "THPT", "Tiểu học và THCS"]
DEPARTMENT_NAMES = [name for (_n, name, _s) in DEPARTMENTS.values()]
STATIONS_AIR = ["Trạm Hạc Thành", "Trạm Nghi Sơn", "Trạm Bỉm Sơn", "Trạm Sầm Sơn"]
STATIONS_MET = ["Thanh Hóa", "Bái Thượng", "Hồi Xuân", "Như Xuân", "Tĩnh Gia", "Yên Định"]
GOODS = ["Gạo tẻ thường (kg)", "Thịt lợn hơi (kg)", "Thịt bò thăn (kg)", "Gà ta (kg)", "Trứng gà (chục)", "Cá trắm (kg)", "Đường trắng (kg)", "Dầu ăn (lít)", "Xăng RON95 (lít)", "Dầu diesel (lít)", "Gas 12 kg (bình)", "Xi măng PCB40 (tấn)", "Thép xây dựng (kg)"]  # fmt: skip
AGRI_GOODS = ["Lúa tẻ (kg)", "Ngô hạt (kg)", "Sắn tươi (kg)", "Mía cây (tấn)", "Lạc vỏ (kg)", "Lợn hơi (kg)", "Bò hơi (kg)", "Gà lông màu (kg)", "Tôm thẻ (kg)", "Cam (kg)", "Bưởi (quả)"]  # fmt: skip
BUILD_MATERIALS = ["Xi măng PCB30 (tấn)", "Xi măng PCB40 (tấn)", "Thép D10 (kg)", "Thép D16 (kg)", "Cát vàng (m³)", "Cát đen (m³)", "Đá 1x2 (m³)", "Gạch tuynel 2 lỗ (viên)", "Nhựa đường (tấn)", "Bê tông thương phẩm M250 (m³)"]  # fmt: skip
BUDGET_REVENUE = ["Thu nội địa", "Thu từ doanh nghiệp nhà nước trung ương", "Thu từ doanh nghiệp nhà nước địa phương", "Thu từ doanh nghiệp có vốn đầu tư nước ngoài", "Thu từ khu vực ngoài quốc doanh", "Thuế thu nhập cá nhân", "Lệ phí trước bạ", "Thu tiền sử dụng đất", "Thu xổ số kiến thiết", "Thu từ dầu thô", "Thu từ hoạt động xuất nhập khẩu", "Thu viện trợ"]  # fmt: skip
BUDGET_SPENDING = ["Chi đầu tư phát triển", "Chi thường xuyên", "Chi sự nghiệp giáo dục - đào tạo", "Chi sự nghiệp y tế", "Chi sự nghiệp khoa học và công nghệ", "Chi sự nghiệp văn hóa thông tin", "Chi sự nghiệp môi trường", "Chi sự nghiệp kinh tế", "Chi quản lý hành chính", "Chi bảo đảm xã hội", "Chi quốc phòng, an ninh", "Dự phòng ngân sách", "Chi trả nợ lãi"]  # fmt: skip
SECTORS = ["Nông, lâm nghiệp và thủy sản", "Công nghiệp chế biến, chế tạo", "Xây dựng", "Bán buôn, bán lẻ", "Vận tải, kho bãi", "Dịch vụ lưu trú và ăn uống", "Thông tin và truyền thông", "Tài chính, ngân hàng", "Kinh doanh bất động sản", "Hoạt động chuyên môn, khoa học công nghệ", "Giáo dục và đào tạo", "Y tế và trợ giúp xã hội"]  # fmt: skip
INDUSTRY_PRODUCTS = ["Xi măng (nghìn tấn)", "Sản phẩm lọc hóa dầu (nghìn tấn)", "Thép cán (nghìn tấn)", "Đường kính (nghìn tấn)", "Quần áo may sẵn (triệu cái)", "Giày dép (triệu đôi)", "Điện sản xuất (triệu kWh)", "Bia (triệu lít)", "Thủy sản chế biến (tấn)", "Gạch xây (triệu viên)"]  # fmt: skip
EXPORTS = ["Hàng dệt may", "Giày dép", "Sản phẩm hóa dầu", "Xi măng, clinker", "Thủy sản", "Sản phẩm gỗ", "Linh kiện điện tử", "Sắt thép", "Hàng thủ công mỹ nghệ", "Nông sản", "Bóng đèn, dây điện", "Tinh bột sắn"]  # fmt: skip
EDU_LEVELS = ["Nhà trẻ", "Mẫu giáo", "Tiểu học", "Trung học cơ sở", "Trung học phổ thông", "Giáo dục thường xuyên"]  # fmt: skip
VEHICLES = ["Ô tô con", "Ô tô khách", "Ô tô tải", "Xe đầu kéo", "Rơ moóc, sơ mi rơ moóc"]
KTXH = ["Tốc độ tăng GRDP (%)", "GRDP bình quân đầu người (triệu đồng)", "Tỷ trọng nông nghiệp trong GRDP (%)", "Tỷ trọng công nghiệp - xây dựng (%)", "Tỷ trọng dịch vụ (%)", "Tổng vốn đầu tư toàn xã hội (nghìn tỷ đồng)", "Thu ngân sách nhà nước (nghìn tỷ đồng)", "Kim ngạch xuất khẩu (triệu USD)", "Tỷ lệ đô thị hóa (%)", "Tỷ lệ hộ nghèo (%)", "Tỷ lệ lao động qua đào tạo (%)", "Tỷ lệ che phủ rừng (%)", "Tỷ lệ xã đạt chuẩn nông thôn mới (%)", "Số bác sĩ trên vạn dân", "Tỷ lệ người dân tham gia BHYT (%)"]  # fmt: skip
PCI_INDEX = ["Gia nhập thị trường", "Tiếp cận đất đai", "Tính minh bạch", "Chi phí thời gian", "Chi phí không chính thức", "Cạnh tranh bình đẳng", "Tính năng động của chính quyền", "Dịch vụ hỗ trợ doanh nghiệp", "Đào tạo lao động", "Thiết chế pháp lý và an ninh trật tự"]  # fmt: skip
QUARTERS = ["Quý I/2023", "Quý II/2023", "Quý III/2023", "Quý IV/2023", "Quý I/2024", "Quý II/2024", "Quý III/2024", "Quý IV/2024", "Quý I/2025", "Quý II/2025", "Quý III/2025"]  # fmt: skip
YEARS = [str(y) for y in range(2016, 2025)]
POWER = ["Nông, lâm nghiệp, thủy sản", "Công nghiệp, xây dựng", "Thương nghiệp, khách sạn, nhà hàng", "Quản lý và tiêu dùng dân cư", "Hoạt động khác"]  # fmt: skip
FEES = ["Lệ phí trước bạ nhà đất", "Lệ phí trước bạ ô tô, xe máy", "Phí tham quan di tích", "Phí bảo vệ môi trường đối với khai thác khoáng sản", "Lệ phí cấp giấy phép xây dựng", "Phí thẩm định cấp quyền sử dụng đất", "Lệ phí hộ tịch", "Phí sử dụng công trình kết cấu hạ tầng cửa khẩu cảng biển", "Phí thẩm định hồ sơ cấp giấy chứng nhận", "Lệ phí đăng ký kinh doanh"]  # fmt: skip
CONSTRUCTION_TYPES = ["Nhà ở riêng lẻ", "Công trình dân dụng", "Công trình công nghiệp", "Công trình giao thông", "Công trình nông nghiệp và PTNT", "Công trình hạ tầng kỹ thuật"]  # fmt: skip
DVC_AGENCIES = ["Sở Tư pháp", "Sở Xây dựng", "Sở Tài chính", "Sở Nông nghiệp và Môi trường", "Sở Y tế", "Sở Giáo dục và Đào tạo", "Sở Công Thương", "Sở Nội vụ", "UBND cấp xã"]  # fmt: skip
MEDICAL_SERVICES = ["Khám bệnh tại bệnh viện hạng I", "Khám bệnh tại bệnh viện hạng II", "Khám bệnh tại trạm y tế xã", "Ngày giường nội khoa hạng I", "Ngày giường hồi sức tích cực", "Siêu âm", "Chụp X-quang số hóa 1 phim", "Chụp CT 64 dãy", "Xét nghiệm công thức máu", "Nội soi dạ dày", "Điện tim thường", "Đo mật độ xương"]  # fmt: skip


def _d(
    domain: str,
    title: str,
    intro: str,
    table: Table,
    tags: Sequence[str],
    **kw: Any,
) -> Spec:
    return Spec(domain, title, intro, table, tuple(tags), **kw)


def _commune_pop_cols() -> tuple[Col, ...]:
    return (
        C("Diện tích (km²)", "Diện tích tự nhiên", num(18, 160, urban=0.35, dec=2)),
        C("Dân số (người)", "Dân số trung bình năm", num(9000, 32000, urban=1.6)),
        C("Nam", "Dân số nam", share("Dân số (người)", 0.485, 0.505)),
        C("Số hộ", "Số hộ gia đình", share("Dân số (người)", 0.24, 0.29)),
        C(
            "Mật độ (người/km²)",
            "Dân số chia diện tích",
            ratio("Dân số (người)", "Diện tích (km²)", 0),
        ),
    )


def specs() -> list[Spec]:
    """The demo datasets, in a fixed order (195 public + drafts + one private)."""
    out: list[Spec] = []
    add = out.append

    # ---- Nông nghiệp
    for year in (2023, 2024):
        add(_d("nong-nghiep", f"Diện tích, năng suất, sản lượng lúa theo xã, phường năm {year}",
               "Diện tích gieo cấy, năng suất và sản lượng lúa cả năm (vụ Đông Xuân và vụ Mùa) của từng xã, phường.",
               commune_table(C("Diện tích lúa Đông Xuân (ha)", "Diện tích gieo cấy vụ Đông Xuân", num(150, 900, urban=0.2)),
                             C("Diện tích lúa Mùa (ha)", "Diện tích gieo cấy vụ Mùa", num(120, 850, urban=0.2)),
                             C("Năng suất (tạ/ha)", "Năng suất bình quân cả năm", num(55, 68, dec=1)),
                             C("Sản lượng (tấn)", "Sản lượng lúa cả năm", formula(lambda r: (r["Diện tích lúa Đông Xuân (ha)"] + r["Diện tích lúa Mùa (ha)"]) * r["Năng suất (tạ/ha)"] / 10))),
               ["lúa", "trồng trọt", "sản lượng", "xã phường"], year=year, fmt="xlsx" if year == 2024 else "csv"))  # fmt: skip
    add(_d("nong-nghiep", "Sản phẩm OCOP được công nhận",
           "Danh sách sản phẩm thuộc Chương trình Mỗi xã một sản phẩm (OCOP) đã được công nhận 3, 4, 5 sao.",
           list_table(152, T("Tên sản phẩm", "Tên thương mại của sản phẩm", pattern("{p} {xa}", p=OCOP_PRODUCTS)),
                      T("Chủ thể", "Hợp tác xã, doanh nghiệp hoặc hộ sản xuất", pattern("{k} {xa}", k=["HTX Nông nghiệp", "Tổ hợp tác", "Công ty TNHH", "Hộ kinh doanh", "HTX Dịch vụ"])),
                      commune_col(),
                      T("Nhóm sản phẩm", "Theo Bộ tiêu chí OCOP", choice("Thực phẩm", "Đồ uống", "Thảo dược", "Thủ công mỹ nghệ", "Dịch vụ du lịch cộng đồng")),
                      C("Hạng sao", "Số sao được công nhận", choice(3, 3, 3, 4, 4, 5)),
                      C("Năm công nhận", "Năm có quyết định công nhận", num(2019, 2025))),
           ["OCOP", "sản phẩm", "nông sản", "làng nghề"], frequency="QUARTERLY"))  # fmt: skip
    add(_d("nong-nghiep", "Đàn gia súc, gia cầm theo xã, phường năm 2024",
           "Số lượng đàn trâu, bò, lợn và gia cầm tại thời điểm 01/10/2024.",
           commune_table(C("Trâu (con)", "Tổng đàn trâu", num(100, 1600, urban=0.1)), C("Bò (con)", "Tổng đàn bò", num(300, 3200, urban=0.1)),
                         C("Lợn (con)", "Tổng đàn lợn", num(1500, 14000, urban=0.2)), C("Gia cầm (nghìn con)", "Gà, vịt, ngan, ngỗng", num(20, 160, urban=0.2, dec=1))),
           ["chăn nuôi", "gia súc", "gia cầm"]))  # fmt: skip
    add(_d("nong-nghiep", "Diện tích trồng mía và sắn theo xã năm 2024",
           "Diện tích và sản lượng hai cây nguyên liệu chính phục vụ nhà máy đường và tinh bột sắn.",
           commune_table(C("Mía (ha)", "Diện tích mía", num(0, 420, urban=0.05)), C("Sản lượng mía (tấn)", "Sản lượng mía cây", formula(lambda r: r["Mía (ha)"] * 62)),
                         C("Sắn (ha)", "Diện tích sắn", num(0, 300, urban=0.05)), C("Sản lượng sắn (tấn)", "Sản lượng sắn tươi", formula(lambda r: r["Sắn (ha)"] * 18))),
           ["mía", "sắn", "cây công nghiệp"]))  # fmt: skip
    add(_d("nong-nghiep", "Giá nông sản tại chợ đầu mối hằng tháng năm 2024",
           "Giá bán buôn bình quân một số nông sản chủ yếu, thu thập ngày 15 hằng tháng.",
           monthly(SC("Giá bình quân (đồng)", "Giá bán buôn bình quân", 8000, 95000), labels=AGRI_GOODS, label_name="Mặt hàng", season="tet"),
           ["giá cả", "nông sản", "thị trường"], frequency="MONTHLY"))  # fmt: skip
    add(_d("nong-nghiep", "Hợp tác xã nông nghiệp đang hoạt động",
           "Danh sách hợp tác xã nông nghiệp đang hoạt động, lĩnh vực và số thành viên.",
           list_table(640, T("Tên hợp tác xã", "Tên đăng ký", pattern("HTX {k} {xa}", k=["dịch vụ nông nghiệp", "nông nghiệp", "chăn nuôi", "thủy sản", "rau an toàn"])),
                      commune_col(), C("Số thành viên", "Thành viên chính thức", num(7, 1200)),
                      C("Năm thành lập", "Năm đăng ký", num(1997, 2024)),
                      T("Xếp loại", "Kết quả đánh giá năm 2024", choice("Tốt", "Khá", "Trung bình", "Yếu", weights=[3, 4, 2, 1]))),
           ["hợp tác xã", "kinh tế tập thể"], department="nong-nghiep"))  # fmt: skip
    add(_d("nong-nghiep", "Sản lượng thủy sản khai thác và nuôi trồng theo tháng năm 2024",
           "Sản lượng thủy sản theo tháng, chia khai thác biển, khai thác nội địa và nuôi trồng.",
           monthly(SC("Khai thác biển (tấn)", "", 6000, 11000), SC("Khai thác nội địa (tấn)", "", 250, 450), SC("Nuôi trồng (tấn)", "", 3000, 6500), season="summer"),
           ["thủy sản", "khai thác", "nuôi trồng"], frequency="MONTHLY"))  # fmt: skip
    add(_d("nong-nghiep", "Cơ sở giết mổ gia súc, gia cầm được cấp phép",
           "Cơ sở giết mổ tập trung đủ điều kiện vệ sinh thú y.",
           list_table(86, T("Tên cơ sở", "", pattern("Cơ sở giết mổ {xa} {n}")), commune_col(),
                      T("Loại", "", choice("Gia súc", "Gia cầm", "Gia súc và gia cầm")), C("Công suất (con/ngày)", "", num(20, 800)),
                      T("Số giấy chứng nhận", "", seq("GM-", 3))),
           ["thú y", "giết mổ", "an toàn thực phẩm"]))  # fmt: skip
    add(_d("nong-nghiep", "Công trình thủy lợi: hồ chứa và trạm bơm",
           "Hồ chứa nước, đập dâng và trạm bơm do tỉnh quản lý, năng lực tưới tiêu.",
           list_table(610, T("Tên công trình", "", pattern("{k} {xa}", k=["Hồ", "Trạm bơm", "Đập"])), commune_col(),
                      T("Loại", "", choice("Hồ chứa", "Trạm bơm", "Đập dâng", weights=[5, 4, 1])),
                      C("Dung tích / lưu lượng", "Triệu m³ (hồ) hoặc m³/h (trạm bơm)", num(0.2, 40, dec=2)),
                      C("Diện tích tưới (ha)", "", num(20, 3500)), C("Năm xây dựng", "", num(1965, 2022))),
           ["thủy lợi", "hồ chứa", "tưới tiêu"]))  # fmt: skip
    add(_d("nong-nghiep", "Xã đạt chuẩn nông thôn mới",
           "Tình trạng đạt chuẩn nông thôn mới, nâng cao, kiểu mẫu của các xã.",
           commune_table(T("Mức đạt", "", choice("Nông thôn mới", "Nông thôn mới nâng cao", "Nông thôn mới kiểu mẫu", "Chưa đạt", weights=[5, 3, 1, 1])),
                         C("Năm đạt chuẩn", "", num(2014, 2024)), C("Số tiêu chí đạt", "Trên 19 tiêu chí", num(15, 19))),
           ["nông thôn mới", "xã"], frequency="ANNUAL"))  # fmt: skip
    add(_d("nong-nghiep", "Tiến độ gieo cấy vụ Đông Xuân theo tuần năm 2025",
           "Diện tích lúa vụ Đông Xuân đã gieo cấy cộng dồn theo tuần.",
           weekly(SC("Diện tích gieo cấy cộng dồn (ha)", "", 900, 2100), SC("Diện tích bị sâu bệnh (ha)", "", 10, 300)),
           ["lúa", "mùa vụ", "Đông Xuân"], frequency="WEEKLY", year=2025))  # fmt: skip
    add(_d("nong-nghiep", "Diện tích cây ăn quả tập trung theo xã năm 2024",
           "Vùng trồng cam, bưởi, dứa, chuối tập trung và sản lượng.",
           commune_table(C("Cam (ha)", "", num(0, 150, urban=0.1)), C("Bưởi (ha)", "", num(0, 120, urban=0.1)), C("Dứa (ha)", "", num(0, 90, urban=0.05)),
                         C("Chuối (ha)", "", num(0, 80, urban=0.1))),
           ["cây ăn quả", "trồng trọt"], fmt="xlsx"))  # fmt: skip

    # ---- Y tế
    add(_d("y-te", "Cơ sở khám bệnh, chữa bệnh",
           "Bệnh viện, trung tâm y tế, phòng khám đa khoa công lập và tư nhân.",
           list_table(230, T("Tên cơ sở", "", pattern("{k} {xa}", k=["Bệnh viện đa khoa", "Phòng khám đa khoa", "Trung tâm Y tế", "Bệnh viện Y học cổ truyền", "Phòng khám chuyên khoa"])),
                      commune_col(), T("Hình thức", "", choice("Công lập", "Tư nhân", weights=[3, 2])),
                      C("Số giường bệnh", "", num(0, 900)), C("Số bác sĩ", "", num(2, 260)), T("Điện thoại", "", phone_number())),
           ["bệnh viện", "phòng khám", "cơ sở y tế"], frequency="IRREG"))  # fmt: skip
    add(_d("y-te", "Trạm y tế xã, phường: nhân lực và giường bệnh",
           "Nhân lực, giường bệnh và tình trạng đạt Bộ tiêu chí quốc gia về y tế xã.",
           commune_table(C("Bác sĩ", "", num(0, 3)), C("Y sĩ, điều dưỡng, hộ sinh", "", num(3, 9)), C("Giường bệnh", "", num(3, 10)),
                         T("Đạt tiêu chí quốc gia", "", choice("Có", "Có", "Có", "Không"))),
           ["trạm y tế", "nhân lực y tế"]))  # fmt: skip
    for year in (2023, 2024):
        add(_d("y-te", f"Tỷ lệ tiêm chủng mở rộng theo xã năm {year}",
               "Số trẻ dưới 1 tuổi được tiêm đủ các loại vắc xin trong Chương trình tiêm chủng mở rộng.",
               commune_table(C("Trẻ dưới 1 tuổi", "", num(90, 520, urban=1.5)), C("Tiêm chủng đầy đủ", "", share("Trẻ dưới 1 tuổi", 0.9, 1.0)),
                             C("Tỷ lệ (%)", "", pct("Tiêm chủng đầy đủ", "Trẻ dưới 1 tuổi"))),
               ["tiêm chủng", "trẻ em", "y tế dự phòng"], year=year))  # fmt: skip
    add(_d("y-te", "Người tham gia bảo hiểm y tế theo xã năm 2024",
           "Số người có thẻ bảo hiểm y tế và tỷ lệ bao phủ so với dân số.",
           commune_table(POP, C("Có thẻ BHYT", "", share("Dân số (người)", 0.86, 0.97)), C("Tỷ lệ bao phủ (%)", "", pct("Có thẻ BHYT", "Dân số (người)"))),
           ["bảo hiểm y tế", "an sinh xã hội"]))  # fmt: skip
    add(_d("y-te", "Nhà thuốc và quầy thuốc được cấp phép",
           "Cơ sở bán lẻ thuốc có giấy chứng nhận đủ điều kiện kinh doanh dược.",
           list_table(1450, T("Tên cơ sở", "", pattern("{k} {xa} {n}", k=["Nhà thuốc", "Quầy thuốc"])), commune_col(),
                      T("Người phụ trách chuyên môn", "", person_name()), T("Số giấy chứng nhận", "", seq("GCN-DUOC-")), T("Ngày cấp", "", date_in(2018, 2025))),
           ["dược", "nhà thuốc"], frequency="MONTHLY"))  # fmt: skip
    add(_d("y-te", "Số ca mắc sốt xuất huyết theo tháng năm 2024",
           "Số ca mắc và số ổ dịch sốt xuất huyết được ghi nhận hằng tháng.",
           monthly(SC("Số ca mắc", "", 8, 160), SC("Số ổ dịch", "", 0, 12), C("Tử vong", "", num(0, 0.4)), season="rain"),
           ["dịch bệnh", "sốt xuất huyết"], frequency="MONTHLY"))  # fmt: skip
    add(_d("y-te", "Lượt khám chữa bệnh tại bệnh viện tuyến tỉnh theo tháng năm 2024",
           "Lượt khám, điều trị nội trú, ngoại trú tại các bệnh viện tuyến tỉnh.",
           monthly(SC("Lượt khám", "", 60000, 95000), SC("Điều trị nội trú", "", 9000, 14000), SC("Phẫu thuật", "", 2500, 4200), season="tet"),
           ["khám chữa bệnh", "bệnh viện"], frequency="MONTHLY"))  # fmt: skip
    add(_d("y-te", "Số trẻ sinh và tỷ số giới tính khi sinh theo xã năm 2024",
           "Số trẻ sinh ra sống trong năm và tỷ số giới tính khi sinh (số bé trai trên 100 bé gái).",
           commune_table(C("Trẻ sinh ra sống", "", num(110, 600, urban=1.5)), C("Bé trai", "", share("Trẻ sinh ra sống", 0.5, 0.55)),
                         C("Tỷ số giới tính", "", formula(lambda r: 100 * r["Bé trai"] / max(1, r["Trẻ sinh ra sống"] - r["Bé trai"]), dec=1))),
           ["dân số", "sinh đẻ", "giới tính"]))  # fmt: skip
    add(_d("y-te", "Cơ sở kinh doanh thực phẩm được cấp giấy chứng nhận an toàn",
           "Cơ sở sản xuất, kinh doanh thực phẩm có giấy chứng nhận đủ điều kiện an toàn thực phẩm.",
           list_table(980, T("Tên cơ sở", "", pattern("{k} {xa} {n}", k=["Cơ sở sản xuất", "Bếp ăn tập thể", "Nhà hàng", "Cơ sở chế biến"])), commune_col(),
                      T("Loại hình", "", choice("Sản xuất", "Kinh doanh", "Dịch vụ ăn uống")), T("Ngày cấp", "", date_in(2022, 2025)), T("Hiệu lực đến", "", date_in(2025, 2028))),
           ["an toàn thực phẩm"], frequency="MONTHLY"))  # fmt: skip
    add(_d("y-te", "Hồ sơ sức khỏe điện tử theo xã, phường",
           "Số người dân đã được lập hồ sơ sức khỏe điện tử và tỷ lệ trên dân số.",
           commune_table(POP, C("Đã lập hồ sơ", "", share("Dân số (người)", 0.7, 0.99)), C("Tỷ lệ (%)", "", pct("Đã lập hồ sơ", "Dân số (người)"))),
           ["hồ sơ sức khỏe", "chuyển đổi số", "y tế số"], frequency="QUARTERLY"))  # fmt: skip
    add(_d("y-te", "Giá dịch vụ khám chữa bệnh tại cơ sở công lập",
           "Mức giá một số dịch vụ khám bệnh, ngày giường, kỹ thuật áp dụng cho người không có thẻ BHYT.",
           rows_table("Dịch vụ", MEDICAL_SERVICES, C("Giá (đồng)", "", num(30000, 2600000)), T("Căn cứ", "", choice("Nghị quyết HĐND tỉnh", "Thông tư Bộ Y tế"))),
           ["giá dịch vụ", "khám chữa bệnh"], frequency="IRREG"))  # fmt: skip
    add(_d("y-te", "Dân số, diện tích và mật độ dân số theo xã, phường năm 2024",
           "Dân số trung bình, số hộ, diện tích tự nhiên và mật độ dân số của từng xã, phường, đặc khu (công tác dân số thuộc ngành y tế từ năm 2025).",
           commune_table(*_commune_pop_cols()),
           ["dân số", "mật độ dân số", "xã phường", "thống kê"], frequency="ANNUAL", fmt="xlsx"))  # fmt: skip

    # ---- Giáo dục
    add(_d("giao-duc", "Danh sách trường học các cấp",
           "Trường mầm non, tiểu học, trung học cơ sở, trung học phổ thông: địa chỉ, quy mô và chuẩn quốc gia.",
           list_table(1900, T("Mã trường", "", seq("TH38-")), T("Tên trường", "", pattern("Trường {c} {xa}", c=SCHOOL_LEVELS)), commune_col(),
                      T("Loại hình", "", choice("Công lập", "Tư thục", weights=[12, 1])), C("Số lớp", "", num(6, 48)),
                      C("Số học sinh", "", num(150, 1800)), C("Số giáo viên", "", num(12, 95)),
                      T("Đạt chuẩn quốc gia", "", choice("Mức độ 1", "Mức độ 2", "Chưa đạt", weights=[5, 3, 2]))),
           ["trường học", "giáo dục", "học sinh"], frequency="ANNUAL", fmt="xlsx"))  # fmt: skip
    for school_year, y in (("2023–2024", 2023), ("2024–2025", 2024)):
        add(_d("giao-duc", f"Quy mô học sinh, lớp học, giáo viên theo cấp học năm học {school_year}",
               "Số trường, lớp, học sinh và giáo viên theo cấp học đầu năm học.",
               rows_table("Cấp học", EDU_LEVELS, C("Số trường", "", num(40, 700)), C("Số lớp", "", num(900, 14000)),
                          C("Số học sinh", "", num(25000, 330000)), C("Số giáo viên", "", num(1500, 17000))),
               ["học sinh", "giáo viên", "năm học"], year=y))  # fmt: skip
    for year in (2024, 2025):
        add(_d("giao-duc", f"Kết quả tuyển sinh vào lớp 10 THPT năm {year}",
               "Chỉ tiêu, số thí sinh đăng ký và điểm chuẩn vào lớp 10 các trường THPT công lập.",
               list_table(108, T("Trường", "", pattern("Trường THPT {xa}")), commune_col(), C("Chỉ tiêu", "", num(270, 720)),
                          C("Số đăng ký", "", num(250, 1100)), C("Điểm chuẩn", "", num(14, 42, dec=2))),
               ["tuyển sinh", "lớp 10", "THPT"], year=year))  # fmt: skip
    add(_d("giao-duc", "Kết quả thi tốt nghiệp THPT theo trường năm 2024",
           "Số thí sinh dự thi, tỷ lệ tốt nghiệp và điểm trung bình các môn.",
           list_table(120, T("Trường", "", pattern("Trường THPT {xa}")), C("Thí sinh dự thi", "", num(180, 720)),
                      C("Tỷ lệ tốt nghiệp (%)", "", num(95, 100, dec=2)), C("Điểm trung bình", "", num(5.6, 7.8, dec=2))),
           ["thi tốt nghiệp", "THPT"]))  # fmt: skip
    add(_d("giao-duc", "Trường đạt chuẩn quốc gia theo xã",
           "Số trường đạt chuẩn quốc gia theo cấp học tại từng xã, phường.",
           commune_table(C("Mầm non", "", num(0, 3)), C("Tiểu học", "", num(0, 3)), C("THCS", "", num(0, 2)), C("THPT", "", num(0, 1))),
           ["chuẩn quốc gia", "trường học"]))  # fmt: skip
    add(_d("giao-duc", "Cơ sở giáo dục nghề nghiệp",
           "Trường cao đẳng, trung cấp và trung tâm giáo dục nghề nghiệp.",
           list_table(64, T("Tên cơ sở", "", pattern("{k} {xa}", k=["Trường Cao đẳng nghề", "Trường Trung cấp", "Trung tâm GDNN-GDTX"])), commune_col(),
                      C("Quy mô tuyển sinh (người/năm)", "", num(200, 4500)), T("Ngành đào tạo chính", "", choice("Cơ khí", "Điện - điện tử", "May mặc", "Du lịch - khách sạn", "Công nghệ thông tin", "Nông nghiệp"))),
           ["giáo dục nghề nghiệp", "đào tạo nghề"]))  # fmt: skip
    add(_d("giao-duc", "Trung tâm học tập cộng đồng",
           "Trung tâm học tập cộng đồng tại xã, phường và số lớp chuyên đề đã mở.",
           commune_table(C("Số lớp chuyên đề", "", num(4, 40)), C("Lượt người học", "", num(300, 4000)), T("Xếp loại", "", choice("Tốt", "Khá", "Trung bình"))),
           ["học tập suốt đời", "cộng đồng"]))  # fmt: skip
    add(_d("giao-duc", "Tỷ lệ trẻ em đến trường theo độ tuổi và xã năm 2024",
           "Tỷ lệ huy động trẻ 5 tuổi, 6–10 tuổi, 11–14 tuổi đến trường.",
           commune_table(C("Trẻ 5 tuổi đến trường (%)", "", num(98, 100, dec=1)), C("Trẻ 6–10 tuổi (%)", "", num(98.5, 100, dec=1)), C("Trẻ 11–14 tuổi (%)", "", num(95, 100, dec=1))),
           ["phổ cập giáo dục", "trẻ em"]))  # fmt: skip
    add(_d("giao-duc", "Học sinh đạt giải học sinh giỏi cấp tỉnh năm 2024",
           "Số giải theo trường và môn thi trong kỳ thi học sinh giỏi lớp 12 cấp tỉnh.",
           list_table(420, T("Trường", "", pattern("Trường THPT {xa}")), T("Môn thi", "", choice("Toán", "Ngữ văn", "Tiếng Anh", "Vật lý", "Hóa học", "Sinh học", "Lịch sử", "Địa lý", "Tin học")),
                      T("Giải", "", choice("Nhất", "Nhì", "Ba", "Khuyến khích", weights=[1, 3, 5, 6]))),
           ["học sinh giỏi", "thi cử"]))  # fmt: skip
    add(_d("giao-duc", "Phòng học kiên cố theo xã",
           "Số phòng học kiên cố, bán kiên cố và tạm theo xã, phường.",
           commune_table(C("Phòng kiên cố", "", num(40, 160, urban=1.4)), C("Bán kiên cố", "", num(0, 20)), C("Phòng tạm, mượn", "", num(0, 4))),
           ["cơ sở vật chất", "phòng học"]))  # fmt: skip
    add(_d("giao-duc", "Bếp ăn bán trú tại trường vùng cao",
           "Trường có học sinh bán trú ở các xã miền núi: số học sinh bán trú và suất ăn.",
           list_table(180, T("Trường", "", pattern("Trường PTDT bán trú {c} {xa}", c=["Tiểu học", "THCS"])), commune_col(),
                      C("Học sinh bán trú", "", num(60, 480)), C("Mức hỗ trợ (đồng/tháng)", "", choice(936000, 1170000, 1404000))),
           ["bán trú", "miền núi", "dân tộc thiểu số"], department="giao-duc"))  # fmt: skip

    # ---- Giao thông vận tải
    add(_d("giao-thong", "Danh mục tuyến đường tỉnh",
           "Các tuyến đường tỉnh: điểm đầu, điểm cuối, chiều dài và kết cấu mặt đường.",
           list_table(74, T("Số hiệu", "", seq("ĐT.5", 2)), T("Điểm đầu", "", pattern("{xa}")), T("Điểm cuối", "", pattern("{xa}")),
                      C("Chiều dài (km)", "", num(6, 95, dec=1)), T("Cấp đường", "", choice("III", "IV", "V", "VI")),
                      T("Kết cấu mặt", "", choice("Bê tông nhựa", "Láng nhựa", "Bê tông xi măng"))),
           ["đường tỉnh", "hạ tầng giao thông"], frequency="ANNUAL"))  # fmt: skip
    add(_d("giao-thong", "Tuyến xe buýt nội tỉnh",
           "Tuyến xe buýt đang khai thác: lộ trình, chiều dài, giờ hoạt động và tần suất.",
           list_table(22, T("Số hiệu tuyến", "", seq("", 2)), T("Lộ trình", "", pattern("{xa} – {p}", p=["Hạc Thành", "Sầm Sơn", "Nghi Sơn", "Bỉm Sơn"])),
                      C("Chiều dài (km)", "", num(18, 95, dec=1)), T("Giờ hoạt động", "", choice("05:00–19:00", "05:30–18:30", "06:00–20:00")),
                      C("Tần suất (phút/chuyến)", "", choice(15, 20, 30, 45))),
           ["xe buýt", "vận tải hành khách"]))  # fmt: skip
    for year in (2023, 2024):
        add(_d("giao-thong", f"Tai nạn giao thông theo tháng năm {year}",
               "Số vụ tai nạn giao thông, số người chết và bị thương theo tháng.",
               monthly(SC("Số vụ", "", 30, 70), SC("Số người chết", "", 12, 40), SC("Số người bị thương", "", 20, 60), season="tet"),
               ["tai nạn giao thông", "an toàn giao thông"], frequency="MONTHLY", year=year))  # fmt: skip
    add(_d("giao-thong", "Cầu trên các tuyến đường tỉnh",
           "Danh mục cầu: lý trình, chiều dài, tải trọng và tình trạng kỹ thuật.",
           list_table(380, T("Tên cầu", "", pattern("Cầu {xa} {n}")), commune_col(), C("Chiều dài (m)", "", num(8, 420, dec=1)),
                      C("Tải trọng (tấn)", "", choice(10, 13, 18, 30, 40)), T("Tình trạng", "", choice("Tốt", "Trung bình", "Yếu", weights=[6, 3, 1]))),
           ["cầu", "hạ tầng giao thông"]))  # fmt: skip
    add(_d("giao-thong", "Bến xe khách và tuyến vận tải cố định",
           "Bến xe khách và số tuyến vận tải hành khách cố định đang khai thác.",
           list_table(28, T("Tên bến xe", "", pattern("Bến xe {xa}")), commune_col(), T("Loại bến", "", choice("Loại 1", "Loại 2", "Loại 3", "Loại 4")),
                      C("Số tuyến cố định", "", num(5, 180)), C("Lượt xe xuất bến/ngày", "", num(20, 420))),
           ["bến xe", "vận tải"]))  # fmt: skip
    add(_d("giao-thong", "Phương tiện đăng kiểm theo tháng năm 2024",
           "Lượt phương tiện cơ giới đường bộ được kiểm định theo loại xe.",
           monthly(SC("Lượt kiểm định", "", 1500, 9000), labels=VEHICLES, label_name="Loại phương tiện"),
           ["đăng kiểm", "phương tiện"], frequency="MONTHLY", fmt="xlsx"))  # fmt: skip
    add(_d("giao-thong", "Lượng hành khách qua Cảng hàng không Thọ Xuân theo tháng năm 2024",
           "Lượt hành khách đi, đến và số chuyến bay.",
           monthly(SC("Hành khách đi", "", 40000, 70000), SC("Hành khách đến", "", 40000, 70000), SC("Số chuyến bay", "", 300, 520), season="summer"),
           ["hàng không", "hành khách"], frequency="MONTHLY"))  # fmt: skip
    add(_d("giao-thong", "Hàng hóa thông qua cảng biển Nghi Sơn theo tháng năm 2024",
           "Khối lượng hàng hóa xuất, nhập, nội địa thông qua cảng (nghìn tấn).",
           monthly(SC("Xuất khẩu (nghìn tấn)", "", 700, 1300), SC("Nhập khẩu (nghìn tấn)", "", 1100, 1900), SC("Nội địa (nghìn tấn)", "", 1200, 2100), C("Lượt tàu", "", num(280, 420))),
           ["cảng biển", "hàng hải", "logistics"], frequency="MONTHLY"))  # fmt: skip
    add(_d("giao-thong", "Giấy phép lái xe cấp mới theo tháng năm 2024",
           "Số giấy phép lái xe cấp mới theo hạng.",
           monthly(SC("Số giấy phép", "", 200, 5000), labels=["A1", "A2", "B1", "B2", "C", "D", "E"], label_name="Hạng"),
           ["giấy phép lái xe", "sát hạch"], frequency="MONTHLY"))  # fmt: skip
    add(_d("giao-thong", "Điểm đen tai nạn giao thông",
           "Vị trí thường xảy ra tai nạn và biện pháp khắc phục.",
           list_table(36, T("Vị trí", "", pattern("Km{n}+{m}, {r}", m=["100", "250", "500", "750"], r=["QL1A", "QL45", "QL47", "QL217", "ĐT.506", "ĐT.513"])), commune_col(),
                      C("Số vụ 3 năm gần nhất", "", num(3, 14)), T("Biện pháp", "", choice("Lắp đèn tín hiệu", "Gờ giảm tốc", "Mở rộng nút giao", "Cắm biển cảnh báo"))),
           ["điểm đen", "an toàn giao thông"]))  # fmt: skip
    add(_d("giao-thong", "Đường giao thông nông thôn được cứng hóa theo xã",
           "Chiều dài đường trục xã, liên thôn, ngõ xóm và tỷ lệ đã được cứng hóa.",
           commune_table(C("Tổng chiều dài (km)", "", num(20, 140, urban=0.6, dec=1)), C("Đã cứng hóa (km)", "", share("Tổng chiều dài (km)", 0.7, 1.0)),
                         C("Tỷ lệ (%)", "", pct("Đã cứng hóa (km)", "Tổng chiều dài (km)"))),
           ["giao thông nông thôn", "nông thôn mới"]))  # fmt: skip
    add(_d("giao-thong", "Trạm dừng nghỉ và trạm thu phí",
           "Trạm dừng nghỉ trên quốc lộ, cao tốc và trạm thu phí đường bộ.",
           list_table(14, T("Tên trạm", "", pattern("Trạm {k} {xa}", k=["dừng nghỉ", "thu phí"])), commune_col(), T("Tuyến", "", choice("Cao tốc Bắc – Nam", "QL1A", "QL45", "QL47"))),
           ["trạm dừng nghỉ", "cao tốc"], frequency="IRREG"))  # fmt: skip

    # ---- Du lịch
    for year in (2023, 2024, 2025):
        add(_d("du-lich", f"Khách du lịch và doanh thu theo tháng năm {year}",
               "Lượt khách nội địa, quốc tế, công suất buồng phòng và tổng thu từ du lịch.",
               monthly(SC("Khách nội địa (lượt)", "", 600000, 1100000), SC("Khách quốc tế (lượt)", "", 8000, 22000),
                       SC("Tổng thu (tỷ đồng)", "", 900, 1700), C("Công suất phòng (%)", "", num(35, 80, dec=1)), season="summer"),
               ["du lịch", "khách du lịch", "doanh thu"], frequency="MONTHLY", year=year, fmt="xlsx" if year == 2024 else "csv"))  # fmt: skip
    add(_d("du-lich", "Cơ sở lưu trú du lịch",
           "Khách sạn, nhà nghỉ, homestay đã được xếp hạng hoặc công nhận đạt tiêu chuẩn.",
           list_table(1250, T("Tên cơ sở", "", pattern("{k} {w} {n}", k=["Khách sạn", "Nhà nghỉ", "Homestay", "Resort"], w=COMPANY_WORDS)), commune_col(),
                      T("Hạng", "", choice("5 sao", "4 sao", "3 sao", "2 sao", "1 sao", "Đạt chuẩn", weights=[1, 3, 6, 10, 8, 20])), C("Số buồng", "", num(6, 320)), T("Điện thoại", "", phone_number())),
           ["lưu trú", "khách sạn", "du lịch"], frequency="QUARTERLY"))  # fmt: skip
    add(_d("du-lich", "Điểm du lịch được công nhận",
           "Điểm du lịch được UBND tỉnh công nhận và loại hình du lịch.",
           list_table(48, T("Tên điểm", "", pattern("Điểm du lịch {xa}")), commune_col(),
                      T("Loại hình", "", choice("Biển", "Sinh thái", "Văn hóa - tâm linh", "Cộng đồng", "Lịch sử")), C("Năm công nhận", "", num(2016, 2025))),
           ["điểm du lịch", "du lịch"]))  # fmt: skip
    add(_d("du-lich", "Doanh nghiệp lữ hành",
           "Doanh nghiệp kinh doanh dịch vụ lữ hành nội địa và quốc tế.",
           list_table(96, T("Tên doanh nghiệp", "", pattern("{cty}")), commune_col(), T("Loại giấy phép", "", choice("Nội địa", "Quốc tế", weights=[3, 1])), T("Số giấy phép", "", seq("38-", 3))),
           ["lữ hành", "doanh nghiệp"]))  # fmt: skip
    add(_d("du-lich", "Khách lưu trú tại Sầm Sơn theo tuần năm 2024",
           "Lượt khách lưu trú tại các cơ sở ở khu du lịch biển Sầm Sơn theo tuần.",
           weekly(SC("Lượt khách lưu trú", "", 15000, 90000), season="summer"),
           ["Sầm Sơn", "du lịch biển"], frequency="WEEKLY"))  # fmt: skip
    add(_d("du-lich", "Hướng dẫn viên du lịch được cấp thẻ",
           "Số thẻ hướng dẫn viên theo loại và ngoại ngữ sử dụng.",
           list_table(320, T("Số thẻ", "", seq("138", 6)), T("Loại thẻ", "", choice("Nội địa", "Quốc tế", "Tại điểm")),
                      T("Ngoại ngữ", "", choice("", "Tiếng Anh", "Tiếng Trung", "Tiếng Hàn", "Tiếng Pháp")), T("Hết hạn", "", date_in(2025, 2030))),
           ["hướng dẫn viên", "du lịch"]))  # fmt: skip
    add(_d("du-lich", "Lễ hội truyền thống trong năm",
           "Lễ hội truyền thống tiêu biểu: thời gian, địa điểm và quy mô.",
           list_table(64, T("Tên lễ hội", "", pattern("Lễ hội {k} {xa}", k=["đền", "làng", "cầu ngư", "Mường"])), commune_col(),
                      T("Thời gian (âm lịch)", "", pattern("{d} tháng {m}", d=["Mùng 6", "Mùng 10", "15", "Rằm"], m=["Giêng", "Hai", "Ba", "Tám"])),
                      T("Quy mô", "", choice("Cấp tỉnh", "Cấp xã", weights=[1, 4]))),
           ["lễ hội", "văn hóa", "du lịch"], frequency="ANNUAL"))  # fmt: skip
    add(_d("du-lich", "Làng nghề và làng nghề truyền thống",
           "Làng nghề được công nhận, nghề chính và số hộ tham gia.",
           list_table(72, T("Tên làng nghề", "", pattern("Làng nghề {p} {xa}", p=["mây tre đan", "chiếu cói", "bánh gai", "nem chua", "đá mỹ nghệ", "rèn", "nước mắm"])), commune_col(),
                      C("Số hộ tham gia", "", num(30, 600)), C("Năm công nhận", "", num(2005, 2024))),
           ["làng nghề", "thủ công mỹ nghệ"]))  # fmt: skip
    add(_d("du-lich", "Nhà hàng đạt chuẩn phục vụ khách du lịch",
           "Cơ sở ăn uống đạt tiêu chuẩn phục vụ khách du lịch.",
           list_table(140, T("Tên nhà hàng", "", pattern("Nhà hàng {w} {xa}", w=COMPANY_WORDS)), commune_col(), C("Số chỗ", "", num(40, 800))),
           ["nhà hàng", "ẩm thực"]))  # fmt: skip
    add(_d("du-lich", "Bãi tắm biển và chất lượng nước",
           "Kết quả quan trắc chất lượng nước tại các bãi tắm trong mùa du lịch.",
           list_table(60, T("Bãi tắm", "", choice("Sầm Sơn", "Hải Tiến", "Hải Hòa", "Quảng Lợi", "Nam Sầm Sơn", "Hải Bình")), T("Ngày quan trắc", "", date_in(2024)),
                      C("Coliform (MPN/100ml)", "", num(50, 900)), T("Đánh giá", "", choice("Đạt", "Đạt", "Đạt", "Cảnh báo"))),
           ["biển", "chất lượng nước", "du lịch"], frequency="MONTHLY"))  # fmt: skip
    add(_d("du-lich", "Điểm du lịch cộng đồng vùng cao",
           "Bản, làng làm du lịch cộng đồng ở các xã miền núi.",
           list_table(30, T("Bản, làng", "", pattern("Bản {b}, {xa}", b=["Mường", "Kho Mường", "Hang", "Ẳng", "Poom Cọong", "Năng Cát"])), commune_col(),
                      C("Số homestay", "", num(2, 25)), C("Khách năm 2024 (lượt)", "", num(800, 30000))),
           ["du lịch cộng đồng", "miền núi"]))  # fmt: skip

    # ---- Tài nguyên và môi trường
    for year in (2024, 2025):
        add(_d("moi-truong", f"Chất lượng không khí tại trạm quan trắc tự động năm {year}",
               "Giá trị trung bình ngày của bụi PM2.5, PM10 và chỉ số chất lượng không khí (VN_AQI).",
               daily(C("PM2.5 (µg/m³)", "", num(8, 75, dec=1)), C("PM10 (µg/m³)", "", num(15, 120, dec=1)), C("VN_AQI", "", num(25, 160)), labels=STATIONS_AIR),
               ["không khí", "quan trắc", "môi trường"], frequency="DAILY", year=year))  # fmt: skip
    add(_d("moi-truong", "Thu gom chất thải rắn sinh hoạt theo xã năm 2024",
           "Khối lượng chất thải rắn sinh hoạt phát sinh, được thu gom và tỷ lệ thu gom.",
           commune_table(C("Phát sinh (tấn/ngày)", "", num(5, 45, urban=2.0, dec=1)), C("Thu gom (tấn/ngày)", "", share("Phát sinh (tấn/ngày)", 0.75, 1.0)),
                         C("Tỷ lệ thu gom (%)", "", pct("Thu gom (tấn/ngày)", "Phát sinh (tấn/ngày)"))),
           ["rác thải", "môi trường"]))  # fmt: skip
    add(_d("moi-truong", "Diện tích rừng và tỷ lệ che phủ theo xã năm 2024",
           "Diện tích rừng tự nhiên, rừng trồng và tỷ lệ che phủ rừng.",
           commune_table(C("Rừng tự nhiên (ha)", "", num(0, 9000, urban=0.01)), C("Rừng trồng (ha)", "", num(0, 4000, urban=0.05)),
                         C("Tỷ lệ che phủ (%)", "", num(5, 85, urban=0.2, dec=1))),
           ["rừng", "lâm nghiệp"], department="nong-nghiep", fmt="xlsx"))  # fmt: skip
    add(_d("moi-truong", "Lượng mưa và nhiệt độ theo tháng tại các trạm khí tượng năm 2024",
           "Tổng lượng mưa, nhiệt độ trung bình và số giờ nắng theo tháng.",
           monthly(SC("Lượng mưa (mm)", "", 10, 190, dec=1), C("Nhiệt độ TB (°C)", "", num(16, 30, dec=1)), C("Số giờ nắng", "", num(40, 220)),
                   labels=STATIONS_MET, label_name="Trạm", season="rain"),
           ["khí tượng", "thời tiết", "lượng mưa"], frequency="MONTHLY"))  # fmt: skip
    add(_d("moi-truong", "Mực nước các hồ chứa lớn theo tuần năm 2024",
           "Mực nước (m) và dung tích hiện tại so với thiết kế của các hồ chứa lớn.",
           weekly(C("Mực nước (m)", "", num(20, 48, dec=2)), C("Dung tích so với thiết kế (%)", "", num(35, 100, dec=1)), labels=["Hồ Cửa Đạt", "Hồ Sông Mực", "Hồ Yên Mỹ", "Hồ Hao Hao"], label_name="Hồ chứa"),
           ["hồ chứa", "tài nguyên nước"], frequency="WEEKLY"))  # fmt: skip
    add(_d("moi-truong", "Cơ sở phát sinh chất thải nguy hại",
           "Chủ nguồn thải chất thải nguy hại đã đăng ký và khối lượng phát sinh.",
           list_table(260, T("Tên cơ sở", "", pattern("{cty}")), commune_col(), C("Khối lượng (kg/năm)", "", num(600, 250000)), T("Mã số QLCTNH", "", seq("38.", 6))),
           ["chất thải nguy hại", "môi trường"]))  # fmt: skip
    add(_d("moi-truong", "Giấy phép khai thác khoáng sản còn hiệu lực",
           "Giấy phép khai thác khoáng sản do UBND tỉnh cấp còn hiệu lực.",
           list_table(190, T("Tổ chức được cấp", "", pattern("{cty}")), commune_col(), T("Khoáng sản", "", choice("Đá vôi", "Cát xây dựng", "Đất san lấp", "Sét gạch ngói", "Đá ốp lát")),
                      C("Diện tích (ha)", "", num(0.5, 45, dec=2)), C("Công suất (m³/năm)", "", num(5000, 500000)), T("Hết hạn", "", date_in(2025, 2040))),
           ["khoáng sản", "giấy phép"]))  # fmt: skip
    add(_d("moi-truong", "Bảng giá đất ở theo xã, phường năm 2025",
           "Giá đất ở vị trí 1 và vị trí 4 áp dụng từ 01/01/2025 (đồng/m²).",
           commune_table(C("Vị trí 1 (đồng/m²)", "", num(800000, 9000000, urban=4)), C("Vị trí 4 (đồng/m²)", "", share("Vị trí 1 (đồng/m²)", 0.15, 0.35))),
           ["giá đất", "đất đai"], year=2025))  # fmt: skip
    add(_d("moi-truong", "Kết quả quan trắc nước mặt sông Mã, sông Chu",
           "Các thông số chất lượng nước mặt tại các điểm quan trắc định kỳ năm 2024.",
           list_table(96, T("Điểm quan trắc", "", choice("Sông Mã - Cẩm Thủy", "Sông Mã - Hàm Rồng", "Sông Chu - Bái Thượng", "Sông Chu - Thọ Xuân", "Sông Yên", "Sông Bưởi")),
                      T("Đợt", "", choice("Đợt 1", "Đợt 2", "Đợt 3", "Đợt 4", "Đợt 5", "Đợt 6")), C("pH", "", num(6.6, 8.1, dec=2)), C("DO (mg/l)", "", num(4.5, 7.5, dec=2)),
                      C("BOD5 (mg/l)", "", num(2, 9, dec=1)), C("TSS (mg/l)", "", num(8, 60))),
           ["nước mặt", "quan trắc"], frequency="BIANNUAL"))  # fmt: skip
    add(_d("moi-truong", "Điểm sạt lở, ngập lụt có nguy cơ cao",
           "Khu vực có nguy cơ sạt lở đất, lũ quét, ngập lụt cần theo dõi trong mùa mưa bão.",
           list_table(140, T("Vị trí", "", pattern("Thôn {n}, {xa}")), commune_col(), T("Loại nguy cơ", "", choice("Sạt lở đất", "Lũ quét", "Ngập lụt", "Sạt lở bờ sông")),
                      C("Số hộ bị ảnh hưởng", "", num(3, 180))),
           ["thiên tai", "sạt lở", "phòng chống lụt bão"]))  # fmt: skip
    add(_d("moi-truong", "Cấp giấy chứng nhận quyền sử dụng đất theo tháng năm 2024",
           "Số giấy chứng nhận quyền sử dụng đất cấp lần đầu, cấp đổi và đăng ký biến động.",
           monthly(SC("Cấp lần đầu", "", 400, 1200), SC("Cấp đổi, cấp lại", "", 800, 2200), SC("Đăng ký biến động", "", 2500, 6000)),
           ["đất đai", "giấy chứng nhận"], frequency="MONTHLY"))  # fmt: skip
    add(_d("moi-truong", "Khu bảo tồn thiên nhiên và vườn quốc gia",
           "Rừng đặc dụng: diện tích, phân khu và số loài động thực vật ghi nhận.",
           rows_table("Tên khu", ["Vườn quốc gia Bến En", "Khu BTTN Pù Luông", "Khu BTTN Xuân Liên", "Khu BTTN Pù Hu", "Khu bảo tồn loài Vượn Hoa Tiến", "Khu rừng lịch sử Lam Kinh"],
                      C("Diện tích (ha)", "", num(200, 24000)), C("Số loài thực vật", "", num(300, 1400)), C("Số loài động vật", "", num(150, 900))),
           ["bảo tồn", "đa dạng sinh học", "rừng đặc dụng"], frequency="IRREG"))  # fmt: skip

    # ---- Tài chính
    for year in (2024, 2025):
        add(_d("tai-chinh", f"Dự toán thu, chi ngân sách địa phương năm {year}",
               "Dự toán thu ngân sách nhà nước trên địa bàn và chi ngân sách địa phương được HĐND tỉnh quyết định.",
               rows_table("Nội dung", BUDGET_REVENUE + BUDGET_SPENDING, C("Dự toán (triệu đồng)", "", num(20000, 9000000)), T("Loại", "", choice("Thu", "Chi"))),
               ["ngân sách", "dự toán", "công khai ngân sách"], year=year, fmt="xlsx"))  # fmt: skip
    add(_d("tai-chinh", "Quyết toán ngân sách địa phương năm 2023",
           "Quyết toán thu, chi ngân sách địa phương năm 2023 so với dự toán.",
           rows_table("Nội dung", BUDGET_REVENUE + BUDGET_SPENDING, C("Dự toán (triệu đồng)", "", num(20000, 9000000)),
                      C("Quyết toán (triệu đồng)", "", share("Dự toán (triệu đồng)", 0.85, 1.25)), C("Tỷ lệ (%)", "", pct("Quyết toán (triệu đồng)", "Dự toán (triệu đồng)"))),
           ["ngân sách", "quyết toán"], year=2023))  # fmt: skip
    add(_d("tai-chinh", "Thu ngân sách nhà nước trên địa bàn theo tháng năm 2024",
           "Số thu ngân sách nhà nước theo tháng và theo nguồn thu.",
           monthly(SC("Số thu (triệu đồng)", "", 20000, 2400000), labels=BUDGET_REVENUE[:8], label_name="Nguồn thu"),
           ["thu ngân sách", "thuế"], frequency="MONTHLY"))  # fmt: skip
    add(_d("tai-chinh", "Chi đầu tư phát triển theo lĩnh vực năm 2024",
           "Vốn chi đầu tư phát triển từ ngân sách tỉnh phân theo lĩnh vực.",
           rows_table("Lĩnh vực", SECTORS, C("Kế hoạch (triệu đồng)", "", num(30000, 1800000)), C("Thực hiện (triệu đồng)", "", share("Kế hoạch (triệu đồng)", 0.7, 1.05))),
           ["đầu tư công", "chi ngân sách"]))  # fmt: skip
    add(_d("tai-chinh", "Giá bán lẻ một số mặt hàng thiết yếu theo tháng năm 2024",
           "Giá bán lẻ bình quân trên địa bàn, thu thập ngày 15 hằng tháng.",
           monthly(SC("Giá (đồng)", "", 12000, 380000), labels=GOODS, label_name="Mặt hàng", season="tet"),
           ["giá cả", "thị trường"], frequency="MONTHLY"))  # fmt: skip
    add(_d("tai-chinh", "Tài sản công là nhà, đất của cơ quan nhà nước",
           "Cơ sở nhà, đất do cơ quan, đơn vị cấp tỉnh quản lý, sử dụng.",
           list_table(520, T("Đơn vị sử dụng", "", pattern("{d}", d=DEPARTMENT_NAMES)), commune_col(), C("Diện tích đất (m²)", "", num(200, 25000)),
                      C("Diện tích sàn (m²)", "", num(100, 12000)), T("Phương án xử lý", "", choice("Giữ lại tiếp tục sử dụng", "Điều chuyển", "Bán, chuyển nhượng", "Thu hồi"))),
           ["tài sản công", "nhà đất"]))  # fmt: skip
    add(_d("tai-chinh", "Phân bổ ngân sách cho các xã, phường năm 2025",
           "Số bổ sung cân đối và bổ sung có mục tiêu từ ngân sách tỉnh cho ngân sách cấp xã.",
           commune_table(C("Bổ sung cân đối (triệu đồng)", "", num(9000, 42000)), C("Bổ sung có mục tiêu (triệu đồng)", "", num(500, 15000))),
           ["ngân sách xã", "phân bổ"], year=2025))  # fmt: skip
    add(_d("tai-chinh", "Dư nợ của chính quyền địa phương",
           "Dư nợ vay của ngân sách địa phương cuối năm.",
           rows_table("Năm", YEARS, C("Dư nợ (triệu đồng)", "", num(300000, 1600000)), C("Vay trong năm", "", num(50000, 500000)), C("Trả nợ gốc", "", num(20000, 300000))),
           ["nợ công", "ngân sách"]))  # fmt: skip
    add(_d("tai-chinh", "Công khai ngân sách các cơ quan cấp tỉnh năm 2024",
           "Dự toán chi ngân sách năm 2024 giao cho các cơ quan cấp tỉnh.",
           rows_table("Cơ quan", DEPARTMENT_NAMES, C("Chi thường xuyên (triệu đồng)", "", num(8000, 250000)), C("Chi đầu tư (triệu đồng)", "", num(0, 400000))),
           ["công khai ngân sách", "cơ quan nhà nước"]))  # fmt: skip
    add(_d("tai-chinh", "Giải ngân vốn đầu tư công theo tháng năm 2024",
           "Giá trị giải ngân cộng dồn và tỷ lệ so với kế hoạch vốn được giao.",
           monthly(C("Giải ngân cộng dồn (tỷ đồng)", "", num(300, 9000)), C("Tỷ lệ so với kế hoạch (%)", "", num(5, 98, dec=1))),
           ["đầu tư công", "giải ngân"], frequency="MONTHLY"))  # fmt: skip
    add(_d("tai-chinh", "Phí và lệ phí thu theo loại năm 2024",
           "Số thu phí, lệ phí theo từng loại phí.",
           rows_table("Loại phí, lệ phí", FEES, C("Số thu (triệu đồng)", "", num(800, 900000))),
           ["phí", "lệ phí"]))  # fmt: skip
    add(_d("tai-chinh", "Doanh nghiệp nhà nước do tỉnh quản lý",
           "Doanh nghiệp có vốn nhà nước do UBND tỉnh làm chủ sở hữu hoặc nắm giữ cổ phần.",
           list_table(16, T("Tên doanh nghiệp", "", pattern("{cty}")), C("Vốn điều lệ (triệu đồng)", "", num(20000, 900000)), C("Tỷ lệ vốn nhà nước (%)", "", num(36, 100, dec=1)),
                      C("Doanh thu 2024 (triệu đồng)", "", num(30000, 1500000))),
           ["doanh nghiệp nhà nước", "vốn nhà nước"]))  # fmt: skip

    # ---- Kế hoạch và đầu tư
    for year in (2023, 2024):
        add(_d("ke-hoach-dau-tu", f"Doanh nghiệp thành lập mới theo tháng năm {year}",
               "Số doanh nghiệp đăng ký thành lập mới, vốn đăng ký và số lao động dự kiến.",
               monthly(SC("Số doanh nghiệp", "", 120, 260), SC("Vốn đăng ký (tỷ đồng)", "", 900, 3200), SC("Lao động dự kiến", "", 1200, 4000), season="tet"),
               ["doanh nghiệp", "đăng ký kinh doanh"], frequency="MONTHLY", year=year))  # fmt: skip
    add(_d("ke-hoach-dau-tu", "Dự án đầu tư được chấp thuận chủ trương năm 2024",
           "Dự án đầu tư trong nước được chấp thuận chủ trương đầu tư trong năm.",
           list_table(130, T("Tên dự án", "", pattern("{k} {xa}", k=["Khu dân cư", "Nhà máy may", "Trang trại chăn nuôi", "Khu du lịch sinh thái", "Nhà máy chế biến", "Cửa hàng xăng dầu"])), commune_col(),
                      T("Nhà đầu tư", "", pattern("{cty}")), C("Tổng vốn (tỷ đồng)", "", num(5, 4500, dec=1)), C("Diện tích (ha)", "", num(0.2, 120, dec=2)), T("Ngày chấp thuận", "", date_in(2024))),
           ["dự án đầu tư", "chủ trương đầu tư"]))  # fmt: skip
    add(_d("ke-hoach-dau-tu", "Dự án đầu tư trực tiếp nước ngoài còn hiệu lực",
           "Dự án FDI còn hiệu lực: quốc gia nhà đầu tư, vốn đăng ký, lĩnh vực.",
           list_table(170, T("Tên dự án", "", pattern("Dự án {k} {xa}", k=["sản xuất giày", "may mặc", "linh kiện điện tử", "hóa dầu", "cảng"])), commune_col(),
                      T("Quốc gia", "", choice("Hàn Quốc", "Nhật Bản", "Đài Loan", "Trung Quốc", "Singapore", "Kuwait", "Hoa Kỳ")), C("Vốn đăng ký (triệu USD)", "", num(1, 900, dec=1)),
                      C("Lao động", "", num(20, 12000))),
           ["FDI", "đầu tư nước ngoài"], fmt="xlsx"))  # fmt: skip
    add(_d("ke-hoach-dau-tu", "Chỉ tiêu kinh tế - xã hội chủ yếu giai đoạn 2021–2025",
           "Kế hoạch và kết quả thực hiện các chỉ tiêu chủ yếu của Nghị quyết Đại hội Đảng bộ tỉnh.",
           rows_table("Chỉ tiêu", KTXH, C("2021", "", num(1, 90, dec=1)), C("2022", "", num(1, 90, dec=1)), C("2023", "", num(1, 90, dec=1)), C("2024", "", num(1, 90, dec=1)),
                      C("Kế hoạch 2025", "", num(1, 90, dec=1))),
           ["kinh tế - xã hội", "chỉ tiêu", "kế hoạch"], year=2025))  # fmt: skip
    add(_d("ke-hoach-dau-tu", "Tốc độ tăng trưởng GRDP theo quý",
           "Tốc độ tăng tổng sản phẩm trên địa bàn so với cùng kỳ, theo khu vực kinh tế.",
           rows_table("Quý", QUARTERS, C("GRDP (%)", "", num(5.5, 12.5, dec=2)), C("Nông, lâm, thủy sản (%)", "", num(2, 4.5, dec=2)),
                      C("Công nghiệp - xây dựng (%)", "", num(6, 17, dec=2)), C("Dịch vụ (%)", "", num(5, 9.5, dec=2))),
           ["GRDP", "tăng trưởng"], frequency="QUARTERLY", year=2025))  # fmt: skip
    add(_d("ke-hoach-dau-tu", "Doanh nghiệp đang hoạt động theo ngành kinh tế",
           "Số doanh nghiệp đang hoạt động và vốn đăng ký phân theo ngành.",
           rows_table("Ngành", SECTORS, C("Số doanh nghiệp", "", num(120, 5200)), C("Vốn đăng ký (tỷ đồng)", "", num(800, 90000))),
           ["doanh nghiệp", "ngành kinh tế"]))  # fmt: skip
    add(_d("ke-hoach-dau-tu", "Hộ kinh doanh đăng ký theo xã năm 2024",
           "Số hộ kinh doanh đăng ký và đăng ký mới trong năm.",
           commune_table(C("Hộ kinh doanh đang hoạt động", "", num(120, 1800, urban=2.5)), C("Đăng ký mới trong năm", "", share("Hộ kinh doanh đang hoạt động", 0.04, 0.14))),
           ["hộ kinh doanh", "đăng ký kinh doanh"]))  # fmt: skip
    add(_d("ke-hoach-dau-tu", "Dự án đầu tư công trung hạn giai đoạn 2021–2025",
           "Danh mục dự án sử dụng vốn đầu tư công của tỉnh và tiến độ thực hiện.",
           list_table(410, T("Tên dự án", "", pattern("{k} {xa}", k=["Đường giao thông", "Trường học", "Trạm y tế", "Kè chống sạt lở", "Hệ thống tiêu úng", "Trụ sở UBND"])), commune_col(),
                      C("Tổng mức đầu tư (triệu đồng)", "", num(3000, 900000)), C("Lũy kế giải ngân (triệu đồng)", "", share("Tổng mức đầu tư (triệu đồng)", 0.1, 1.0)),
                      T("Tình trạng", "", choice("Đã hoàn thành", "Đang thi công", "Chuẩn bị đầu tư"))),
           ["đầu tư công", "dự án"], frequency="QUARTERLY"))  # fmt: skip
    add(_d("ke-hoach-dau-tu", "Hợp tác xã đăng ký mới năm 2024",
           "Hợp tác xã được cấp giấy chứng nhận đăng ký trong năm.",
           list_table(95, T("Tên hợp tác xã", "", pattern("HTX {k} {xa}", k=["dịch vụ tổng hợp", "nông nghiệp công nghệ cao", "dược liệu", "du lịch cộng đồng"])), commune_col(),
                      C("Vốn điều lệ (triệu đồng)", "", num(50, 5000)), T("Ngày đăng ký", "", date_in(2024))),
           ["hợp tác xã", "kinh tế tập thể"]))  # fmt: skip
    add(_d("ke-hoach-dau-tu", "Dự án ODA và vốn vay ưu đãi",
           "Dự án sử dụng vốn hỗ trợ phát triển chính thức (ODA) và vốn vay ưu đãi nước ngoài.",
           list_table(18, T("Tên dự án", "", pattern("Dự án {k}", k=["cấp nước sạch nông thôn", "phát triển đô thị", "giảm nghèo bền vững", "thích ứng biến đổi khí hậu", "y tế cơ sở"])),
                      T("Nhà tài trợ", "", choice("WB", "ADB", "JICA", "KfW", "KOICA")), C("Tổng vốn (triệu USD)", "", num(5, 150, dec=1)), T("Thời gian", "", choice("2019–2024", "2021–2026", "2022–2027"))),
           ["ODA", "vốn vay"]))  # fmt: skip
    add(_d("ke-hoach-dau-tu", "Doanh nghiệp giải thể, tạm ngừng kinh doanh theo tháng năm 2024",
           "Số doanh nghiệp giải thể, tạm ngừng kinh doanh và quay trở lại hoạt động.",
           monthly(SC("Giải thể", "", 10, 45), SC("Tạm ngừng kinh doanh", "", 60, 260), SC("Quay trở lại hoạt động", "", 40, 160), season="tet"),
           ["doanh nghiệp", "giải thể"], frequency="MONTHLY"))  # fmt: skip
    add(_d("ke-hoach-dau-tu", "Chỉ số năng lực cạnh tranh cấp tỉnh (PCI) theo chỉ số thành phần",
           "Điểm các chỉ số thành phần PCI qua các năm.",
           rows_table("Chỉ số thành phần", PCI_INDEX, C("2021", "", num(4, 9, dec=2)), C("2022", "", num(4, 9, dec=2)), C("2023", "", num(4, 9, dec=2)), C("2024", "", num(4, 9, dec=2))),
           ["PCI", "môi trường kinh doanh"], frequency="ANNUAL"))  # fmt: skip

    # ---- Công thương
    for year in (2023, 2024):
        add(_d("cong-thuong", f"Chỉ số sản xuất công nghiệp theo tháng năm {year}",
               "Chỉ số sản xuất công nghiệp (IIP) so với cùng kỳ năm trước theo ngành cấp 1.",
               monthly(C("Chỉ số (%)", "", num(92, 125, dec=1)), labels=["Toàn ngành", "Khai khoáng", "Chế biến, chế tạo", "Sản xuất và phân phối điện", "Cấp nước, xử lý rác thải"], label_name="Ngành"),
               ["công nghiệp", "IIP"], frequency="MONTHLY", year=year))  # fmt: skip
    add(_d("cong-thuong", "Sản lượng sản phẩm công nghiệp chủ yếu theo tháng năm 2024",
           "Sản lượng một số sản phẩm công nghiệp chủ yếu.",
           monthly(SC("Sản lượng", "", 10, 1500, dec=1), labels=INDUSTRY_PRODUCTS, label_name="Sản phẩm"),
           ["công nghiệp", "sản phẩm"], frequency="MONTHLY", fmt="xlsx"))  # fmt: skip
    add(_d("cong-thuong", "Kim ngạch xuất khẩu theo mặt hàng năm 2024",
           "Giá trị xuất khẩu hàng hóa theo mặt hàng chủ yếu (triệu USD).",
           rows_table("Mặt hàng", EXPORTS, C("Kim ngạch (triệu USD)", "", num(15, 2200, dec=1)), C("So với 2023 (%)", "", num(85, 135, dec=1))),
           ["xuất khẩu", "thương mại"]))  # fmt: skip
    add(_d("cong-thuong", "Danh sách chợ trên địa bàn",
           "Chợ hạng I, II, III: địa điểm, số hộ kinh doanh và đơn vị quản lý.",
           list_table(470, T("Tên chợ", "", pattern("Chợ {xa}{s}", s=["", " 2", " trung tâm", " Đông", " Tây"])), commune_col(), T("Hạng chợ", "", choice("I", "II", "III", weights=[1, 4, 20])),
                      C("Số hộ kinh doanh", "", num(30, 900)), T("Đơn vị quản lý", "", choice("UBND xã", "Ban quản lý chợ", "Doanh nghiệp", "Hợp tác xã"))),
           ["chợ", "thương mại"]))  # fmt: skip
    add(_d("cong-thuong", "Siêu thị và trung tâm thương mại",
           "Siêu thị, trung tâm thương mại đang hoạt động.",
           list_table(42, T("Tên", "", pattern("{k} {w}", k=["Siêu thị", "Trung tâm thương mại"], w=COMPANY_WORDS)), commune_col(), C("Diện tích kinh doanh (m²)", "", num(500, 30000))),
           ["siêu thị", "bán lẻ"]))  # fmt: skip
    add(_d("cong-thuong", "Cụm công nghiệp và tỷ lệ lấp đầy",
           "Cụm công nghiệp đã thành lập: diện tích, số dự án, tỷ lệ lấp đầy.",
           list_table(55, T("Tên cụm", "", pattern("Cụm công nghiệp {xa}")), commune_col(), C("Diện tích (ha)", "", num(15, 75, dec=1)),
                      C("Số dự án", "", num(0, 45)), C("Tỷ lệ lấp đầy (%)", "", num(0, 100, dec=1))),
           ["cụm công nghiệp", "công nghiệp"]))  # fmt: skip
    add(_d("cong-thuong", "Cửa hàng bán lẻ xăng dầu",
           "Cửa hàng xăng dầu có giấy chứng nhận đủ điều kiện.",
           list_table(560, T("Tên cửa hàng", "", pattern("Cửa hàng xăng dầu {xa} {n}")), commune_col(), T("Thương nhân", "", choice("Petrolimex", "PVOil", "Mipec", "Doanh nghiệp tư nhân")),
                      T("Hết hạn giấy chứng nhận", "", date_in(2025, 2030))),
           ["xăng dầu", "kinh doanh có điều kiện"]))  # fmt: skip
    add(_d("cong-thuong", "Tổng mức bán lẻ hàng hóa và dịch vụ theo tháng năm 2024",
           "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tiêu dùng (tỷ đồng).",
           monthly(SC("Bán lẻ hàng hóa", "", 8000, 12000), SC("Lưu trú, ăn uống", "", 1200, 2600), SC("Du lịch lữ hành", "", 40, 160), SC("Dịch vụ khác", "", 900, 1500), season="tet"),
           ["bán lẻ", "tiêu dùng"], frequency="MONTHLY"))  # fmt: skip
    add(_d("cong-thuong", "Điện thương phẩm theo thành phần phụ tải năm 2024",
           "Sản lượng điện thương phẩm (triệu kWh) theo thành phần phụ tải.",
           rows_table("Thành phần", POWER, C("Sản lượng (triệu kWh)", "", num(100, 6500, dec=1)), C("Tỷ trọng (%)", "", num(1, 70, dec=1))),
           ["điện", "năng lượng"]))  # fmt: skip
    add(_d("cong-thuong", "Doanh nghiệp tham gia sàn thương mại điện tử",
           "Doanh nghiệp, hợp tác xã, hộ kinh doanh đưa sản phẩm lên sàn thương mại điện tử.",
           list_table(600, T("Chủ thể", "", pattern("{cty}")), commune_col(), T("Sàn", "", choice("Postmart", "Voso", "Shopee", "Lazada", "TikTok Shop")), C("Số sản phẩm", "", num(1, 60))),
           ["thương mại điện tử", "chuyển đổi số"]))  # fmt: skip
    add(_d("cong-thuong", "Nhà máy thủy điện, điện mặt trời",
           "Nhà máy điện đang vận hành: loại, công suất, sản lượng năm 2024.",
           list_table(24, T("Tên nhà máy", "", pattern("{k} {xa}", k=["Thủy điện", "Điện mặt trời", "Nhiệt điện"])), commune_col(), C("Công suất (MW)", "", num(3, 1200)),
                      C("Sản lượng 2024 (triệu kWh)", "", num(8, 7000))),
           ["năng lượng", "thủy điện", "điện mặt trời"]))  # fmt: skip
    add(_d("cong-thuong", "Vi phạm hành chính trong hoạt động thương mại năm 2024",
           "Số vụ kiểm tra, xử lý vi phạm về hàng giả, gian lận thương mại.",
           monthly(SC("Số vụ kiểm tra", "", 150, 320), SC("Số vụ vi phạm", "", 100, 260), SC("Tiền phạt (triệu đồng)", "", 600, 2500)),
           ["quản lý thị trường", "hàng giả"], frequency="MONTHLY"))  # fmt: skip

    # ---- Văn hóa và thể thao
    add(_d("van-hoa-the-thao", "Di tích lịch sử - văn hóa được xếp hạng",
           "Di tích được xếp hạng quốc gia đặc biệt, quốc gia và cấp tỉnh.",
           list_table(880, T("Tên di tích", "", pattern("{k} {xa}", k=["Đền", "Đình", "Chùa", "Phủ", "Nghè", "Hang", "Lăng mộ"])), commune_col(),
                      T("Loại hình", "", choice("Lịch sử", "Kiến trúc nghệ thuật", "Khảo cổ", "Danh lam thắng cảnh")),
                      T("Cấp xếp hạng", "", choice("Quốc gia đặc biệt", "Quốc gia", "Cấp tỉnh", weights=[1, 20, 100])), C("Năm xếp hạng", "", num(1962, 2024))),
           ["di tích", "di sản", "văn hóa"], fmt="xlsx"))  # fmt: skip
    add(_d("van-hoa-the-thao", "Thư viện và phòng đọc cơ sở",
           "Thư viện công cộng, thư viện xã và phòng đọc: vốn tài liệu và lượt bạn đọc.",
           commune_table(C("Số đầu sách", "", num(300, 8000)), C("Lượt bạn đọc năm 2024", "", num(200, 12000))),
           ["thư viện", "văn hóa đọc"]))  # fmt: skip
    add(_d("van-hoa-the-thao", "Nhà văn hóa thôn, khu phố theo xã",
           "Số thôn, khu phố có nhà văn hóa và nhà văn hóa đạt chuẩn.",
           commune_table(C("Số thôn, khu phố", "", num(8, 40)), C("Có nhà văn hóa", "", share("Số thôn, khu phố", 0.85, 1.0)), C("Đạt chuẩn", "", share("Có nhà văn hóa", 0.6, 1.0))),
           ["nhà văn hóa", "thiết chế văn hóa"]))  # fmt: skip
    add(_d("van-hoa-the-thao", "Thiết chế thể thao: sân vận động, nhà thi đấu, bể bơi",
           "Công trình thể thao công cộng: loại, sức chứa, năm đưa vào sử dụng.",
           list_table(240, T("Tên công trình", "", pattern("{k} {xa}", k=["Sân vận động", "Nhà thi đấu", "Bể bơi", "Sân bóng đá mini"])), commune_col(),
                      C("Sức chứa (chỗ)", "", num(100, 14000)), C("Năm sử dụng", "", num(1990, 2024))),
           ["thể thao", "công trình"]))  # fmt: skip
    for year in (2023, 2024):
        add(_d("van-hoa-the-thao", f"Huy chương tại các giải thể thao quốc gia năm {year}",
               "Số huy chương vàng, bạc, đồng của vận động viên tỉnh theo môn.",
               rows_table("Môn thể thao", ["Điền kinh", "Bơi", "Vật", "Judo", "Karate", "Pencak Silat", "Đua thuyền", "Cầu lông", "Bắn cung", "Taekwondo", "Cử tạ", "Vovinam"],
                          C("Vàng", "", num(0, 14)), C("Bạc", "", num(0, 14)), C("Đồng", "", num(0, 18))),
               ["thể thao thành tích cao", "huy chương"], year=year))  # fmt: skip
    add(_d("van-hoa-the-thao", "Gia đình văn hóa, khu dân cư văn hóa theo xã năm 2024",
           "Tỷ lệ gia đình, thôn, khu phố được công nhận danh hiệu văn hóa.",
           commune_table(C("Gia đình văn hóa (%)", "", num(78, 96, dec=1)), C("Thôn, khu phố văn hóa (%)", "", num(70, 100, dec=1))),
           ["gia đình văn hóa", "phong trào"]))  # fmt: skip
    add(_d("van-hoa-the-thao", "Câu lạc bộ văn hóa, văn nghệ quần chúng",
           "Câu lạc bộ dân ca, dân vũ, thơ, nghệ thuật truyền thống ở cơ sở.",
           list_table(520, T("Tên câu lạc bộ", "", pattern("CLB {k} {xa}", k=["dân ca", "múa Mường", "thơ", "hát chèo", "trống đồng", "khiêu vũ dưỡng sinh"])), commune_col(), C("Số thành viên", "", num(12, 90))),
           ["câu lạc bộ", "văn nghệ"]))  # fmt: skip
    add(_d("van-hoa-the-thao", "Di sản văn hóa phi vật thể",
           "Di sản văn hóa phi vật thể được ghi danh vào Danh mục di sản quốc gia.",
           list_table(24, T("Tên di sản", "", pattern("{k} {xa}", k=["Lễ hội", "Trò diễn", "Nghề thủ công", "Tập quán xã hội", "Nghệ thuật trình diễn dân gian"])), commune_col(),
                      T("Loại hình", "", choice("Lễ hội truyền thống", "Nghệ thuật trình diễn", "Nghề thủ công truyền thống", "Tập quán xã hội")), C("Năm ghi danh", "", num(2012, 2024))),
           ["di sản phi vật thể", "văn hóa"]))  # fmt: skip
    add(_d("van-hoa-the-thao", "Lượt khách tham quan Bảo tàng tỉnh theo tháng năm 2024",
           "Lượt khách tham quan bảo tàng, trong đó học sinh và khách quốc tế.",
           monthly(SC("Tổng lượt", "", 2500, 9000), SC("Học sinh", "", 500, 4000), SC("Khách quốc tế", "", 20, 300)),
           ["bảo tàng", "văn hóa"], frequency="MONTHLY"))  # fmt: skip
    add(_d("van-hoa-the-thao", "Nghệ nhân được phong tặng danh hiệu",
           "Nghệ nhân nhân dân, nghệ nhân ưu tú trong lĩnh vực di sản văn hóa phi vật thể.",
           list_table(90, T("Họ và tên", "", person_name()), commune_col(), T("Danh hiệu", "", choice("Nghệ nhân nhân dân", "Nghệ nhân ưu tú", weights=[1, 5])),
                      T("Loại hình", "", choice("Hát Xường", "Múa đèn", "Chiêng Mường", "Trò Xuân Phả", "Hát ru")), C("Năm phong tặng", "", choice(2015, 2019, 2022, 2024))),
           ["nghệ nhân", "di sản"]))  # fmt: skip
    add(_d("van-hoa-the-thao", "Giải thể thao phong trào cấp tỉnh năm 2025",
           "Lịch các giải thể thao quần chúng cấp tỉnh trong năm.",
           list_table(40, T("Tên giải", "", pattern("Giải {m} tỉnh", m=["bóng đá", "việt dã", "bóng chuyền", "cờ tướng", "cầu lông", "bơi lội", "đua thuyền truyền thống", "võ cổ truyền"])),
                      T("Thời gian", "", date_in(2025)), commune_col()),
           ["thể thao phong trào", "lịch giải"], year=2025, frequency="ANNUAL"))  # fmt: skip
    add(_d("van-hoa-the-thao", "Cơ sở kinh doanh karaoke, vũ trường được cấp phép",
           "Cơ sở kinh doanh dịch vụ karaoke, vũ trường có giấy phép.",
           list_table(430, T("Tên cơ sở", "", pattern("Karaoke {w} {n}", w=COMPANY_WORDS)), commune_col(), C("Số phòng", "", num(2, 30)), T("Ngày cấp phép", "", date_in(2019, 2025))),
           ["karaoke", "kinh doanh có điều kiện"]))  # fmt: skip

    # ---- Lao động và xã hội
    for year in (2023, 2024):
        add(_d("lao-dong-xa-hoi", f"Hộ nghèo, hộ cận nghèo theo xã năm {year}",
               "Kết quả rà soát hộ nghèo, hộ cận nghèo theo chuẩn nghèo đa chiều giai đoạn 2022–2025.",
               commune_table(C("Tổng số hộ", "", num(2200, 8500, urban=1.4)), C("Hộ nghèo", "", share("Tổng số hộ", 0.005, 0.12)),
                             C("Hộ cận nghèo", "", share("Tổng số hộ", 0.02, 0.12)), C("Tỷ lệ hộ nghèo (%)", "", pct("Hộ nghèo", "Tổng số hộ", 2))),
               ["giảm nghèo", "hộ nghèo", "an sinh xã hội"], year=year, fmt="xlsx" if year == 2024 else "csv"))  # fmt: skip
    add(_d("lao-dong-xa-hoi", "Lao động có việc làm mới theo xã năm 2024",
           "Số lao động được tạo việc làm mới trong năm, chia trong tỉnh, ngoài tỉnh và nước ngoài.",
           commune_table(C("Trong tỉnh", "", num(60, 500, urban=1.5)), C("Ngoài tỉnh", "", num(20, 300)), C("Đi làm việc ở nước ngoài", "", num(0, 90))),
           ["việc làm", "lao động"]))  # fmt: skip
    add(_d("lao-dong-xa-hoi", "Người lao động đi làm việc ở nước ngoài theo tháng năm 2024",
           "Số người lao động xuất cảnh đi làm việc theo hợp đồng, theo thị trường.",
           monthly(SC("Số người", "", 60, 900), labels=["Nhật Bản", "Hàn Quốc", "Đài Loan", "Trung Đông", "Châu Âu", "Khác"], label_name="Thị trường", season="tet"),
           ["xuất khẩu lao động", "lao động"], frequency="MONTHLY"))  # fmt: skip
    add(_d("lao-dong-xa-hoi", "Người có công với cách mạng hưởng trợ cấp theo xã",
           "Số người có công và thân nhân đang hưởng trợ cấp ưu đãi hằng tháng.",
           commune_table(C("Thương binh, bệnh binh", "", num(20, 260)), C("Thân nhân liệt sĩ", "", num(10, 180)), C("Người hoạt động kháng chiến bị nhiễm chất độc hóa học", "", num(5, 90))),
           ["người có công", "ưu đãi"], frequency="QUARTERLY"))  # fmt: skip
    add(_d("lao-dong-xa-hoi", "Đối tượng bảo trợ xã hội hưởng trợ cấp hằng tháng theo xã",
           "Người cao tuổi, người khuyết tật, trẻ em mồ côi và các đối tượng khác hưởng trợ cấp xã hội.",
           commune_table(C("Người cao tuổi", "", num(100, 900)), C("Người khuyết tật", "", num(60, 420)), C("Trẻ em mồ côi", "", num(0, 25)), C("Đối tượng khác", "", num(0, 60))),
           ["bảo trợ xã hội", "trợ cấp"], frequency="QUARTERLY"))  # fmt: skip
    add(_d("lao-dong-xa-hoi", "Cơ sở trợ giúp xã hội",
           "Cơ sở bảo trợ xã hội công lập và ngoài công lập: số đối tượng đang chăm sóc.",
           list_table(26, T("Tên cơ sở", "", pattern("{k} {xa}", k=["Trung tâm Bảo trợ xã hội", "Trung tâm Công tác xã hội", "Làng trẻ em", "Cơ sở cai nghiện ma túy"])), commune_col(),
                      T("Loại hình", "", choice("Công lập", "Ngoài công lập")), C("Số đối tượng", "", num(20, 400))),
           ["trợ giúp xã hội", "bảo trợ"]))  # fmt: skip
    add(_d("lao-dong-xa-hoi", "Người lao động tham gia bảo hiểm xã hội theo xã năm 2024",
           "Số người tham gia bảo hiểm xã hội bắt buộc, tự nguyện và bảo hiểm thất nghiệp.",
           commune_table(C("BHXH bắt buộc", "", num(300, 6000, urban=3)), C("BHXH tự nguyện", "", num(50, 900)), C("Bảo hiểm thất nghiệp", "", share("BHXH bắt buộc", 0.8, 0.95))),
           ["bảo hiểm xã hội", "an sinh xã hội"]))  # fmt: skip
    add(_d("lao-dong-xa-hoi", "Phiên giao dịch việc làm năm 2024",
           "Phiên giao dịch việc làm: số doanh nghiệp tham gia, vị trí tuyển dụng, người được tuyển.",
           list_table(48, T("Phiên", "", seq("Phiên ", 2)), T("Ngày", "", date_in(2024)), commune_col(), C("Doanh nghiệp tham gia", "", num(10, 60)),
                      C("Vị trí tuyển dụng", "", num(300, 5000)), C("Người được tuyển", "", num(40, 900))),
           ["việc làm", "tuyển dụng"]))  # fmt: skip
    add(_d("lao-dong-xa-hoi", "Trẻ em có hoàn cảnh đặc biệt theo xã",
           "Số trẻ em có hoàn cảnh đặc biệt được quản lý, hỗ trợ.",
           commune_table(C("Trẻ em dưới 16 tuổi", "", num(2000, 9000, urban=1.4)), C("Hoàn cảnh đặc biệt", "", share("Trẻ em dưới 16 tuổi", 0.005, 0.03)),
                         C("Được hỗ trợ", "", share("Hoàn cảnh đặc biệt", 0.8, 1.0))),
           ["trẻ em", "bảo vệ trẻ em"]))  # fmt: skip
    add(_d("lao-dong-xa-hoi", "Tai nạn lao động năm 2024",
           "Các vụ tai nạn lao động được báo cáo theo ngành nghề.",
           rows_table("Ngành nghề", SECTORS[:8], C("Số vụ", "", num(0, 25)), C("Số người chết", "", num(0, 8)), C("Bị thương nặng", "", num(0, 20))),
           ["an toàn lao động", "tai nạn lao động"]))  # fmt: skip
    add(_d("lao-dong-xa-hoi", "Doanh nghiệp sử dụng lao động theo quy mô",
           "Doanh nghiệp có báo cáo sử dụng lao động, chia theo quy mô.",
           rows_table("Quy mô", ["Dưới 10 lao động", "10–49 lao động", "50–199 lao động", "200–499 lao động", "500–999 lao động", "Từ 1.000 lao động"],
                      C("Số doanh nghiệp", "", num(20, 8000)), C("Tổng số lao động", "", num(5000, 120000))),
           ["lao động", "doanh nghiệp"]))  # fmt: skip
    add(_d("lao-dong-xa-hoi", "Người khuyết tật được hưởng trợ cấp theo xã",
           "Người khuyết tật đặc biệt nặng, nặng được hưởng trợ cấp và hỗ trợ chăm sóc.",
           commune_table(C("Khuyết tật đặc biệt nặng", "", num(10, 120)), C("Khuyết tật nặng", "", num(30, 300))),
           ["người khuyết tật", "trợ cấp"]))  # fmt: skip

    # ---- Xây dựng
    for year in (2023, 2024):
        add(_d("xay-dung", f"Giấy phép xây dựng cấp theo tháng năm {year}",
               "Số giấy phép xây dựng được cấp theo loại công trình.",
               monthly(SC("Số giấy phép", "", 5, 400), labels=CONSTRUCTION_TYPES, label_name="Loại công trình"),
               ["giấy phép xây dựng", "xây dựng"], frequency="MONTHLY", year=year))  # fmt: skip
    add(_d("xay-dung", "Đồ án quy hoạch được phê duyệt",
           "Đồ án quy hoạch chung, quy hoạch phân khu và quy hoạch chi tiết đã được phê duyệt.",
           list_table(350, T("Tên đồ án", "", pattern("Quy hoạch {k} {xa}", k=["chung đô thị", "phân khu", "chi tiết khu dân cư", "chi tiết khu công nghiệp", "xây dựng nông thôn mới"])), commune_col(),
                      T("Cấp độ", "", choice("Quy hoạch chung", "Quy hoạch phân khu", "Quy hoạch chi tiết")), C("Diện tích (ha)", "", num(2, 4000, dec=1)), T("Ngày phê duyệt", "", date_in(2018, 2025))),
           ["quy hoạch", "đô thị"], frequency="QUARTERLY"))  # fmt: skip
    add(_d("xay-dung", "Dự án nhà ở xã hội",
           "Dự án nhà ở xã hội: chủ đầu tư, số căn, tiến độ.",
           list_table(21, T("Tên dự án", "", pattern("Nhà ở xã hội {xa}")), commune_col(), T("Chủ đầu tư", "", pattern("{cty}")), C("Số căn", "", num(100, 1800)),
                      T("Tình trạng", "", choice("Đã hoàn thành", "Đang xây dựng", "Chuẩn bị đầu tư"))),
           ["nhà ở xã hội", "nhà ở"]))  # fmt: skip
    add(_d("xay-dung", "Dự án khu đô thị, khu dân cư",
           "Dự án khu đô thị, khu dân cư mới: quy mô, chủ đầu tư, tình trạng.",
           list_table(260, T("Tên dự án", "", pattern("Khu dân cư {xa} {n}")), commune_col(), T("Chủ đầu tư", "", pattern("{cty}", )), C("Diện tích (ha)", "", num(1, 120, dec=1)),
                      C("Số lô", "", num(40, 1500))),
           ["khu đô thị", "khu dân cư", "bất động sản"]))  # fmt: skip
    add(_d("xay-dung", "Giá vật liệu xây dựng theo tháng năm 2024",
           "Giá vật liệu xây dựng đến hiện trường tại trung tâm tỉnh (chưa gồm VAT).",
           monthly(C("Giá (đồng)", "", num(1200, 18000000)), labels=BUILD_MATERIALS, label_name="Vật liệu"),
           ["vật liệu xây dựng", "giá cả"], frequency="MONTHLY", fmt="xlsx"))  # fmt: skip
    add(_d("xay-dung", "Chỉ số giá xây dựng theo quý",
           "Chỉ số giá xây dựng công trình theo loại công trình (năm gốc 2020 = 100).",
           rows_table("Quý", QUARTERS, C("Dân dụng", "", num(104, 122, dec=2)), C("Công nghiệp", "", num(103, 120, dec=2)), C("Giao thông", "", num(105, 125, dec=2)), C("Thủy lợi", "", num(104, 121, dec=2))),
           ["chỉ số giá", "xây dựng"], frequency="QUARTERLY", year=2025))  # fmt: skip
    add(_d("xay-dung", "Tỷ lệ dân số được cấp nước sạch theo xã, phường",
           "Số hộ và tỷ lệ dân số được sử dụng nước sạch từ hệ thống cấp nước tập trung.",
           commune_table(C("Số hộ được cấp nước", "", num(300, 9000, urban=2)), C("Tỷ lệ dân số (%)", "", num(25, 100, urban=1.3, dec=1))),
           ["nước sạch", "cấp nước"]))  # fmt: skip
    add(_d("xay-dung", "Nhà máy xử lý nước thải",
           "Nhà máy, trạm xử lý nước thải đô thị và khu công nghiệp.",
           list_table(19, T("Tên nhà máy", "", pattern("Nhà máy xử lý nước thải {xa}")), commune_col(), C("Công suất (m³/ngày)", "", num(1000, 30000))),
           ["nước thải", "hạ tầng đô thị"]))  # fmt: skip
    add(_d("xay-dung", "Chung cư và nhà ở thương mại đang bán",
           "Dự án nhà ở thương mại đủ điều kiện bán nhà ở hình thành trong tương lai.",
           list_table(34, T("Tên dự án", "", pattern("{k} {w}", k=["Chung cư", "Khu nhà ở", "Tổ hợp"], w=COMPANY_WORDS)), commune_col(), C("Số căn", "", num(40, 900)),
                      C("Giá bình quân (triệu đồng/m²)", "", num(14, 38, dec=1))),
           ["nhà ở thương mại", "bất động sản"]))  # fmt: skip
    add(_d("xay-dung", "Công trình xây dựng vi phạm đã xử lý năm 2024",
           "Công trình vi phạm trật tự xây dựng đã được phát hiện và xử lý.",
           list_table(300, T("Vị trí", "", pattern("Thôn {n}, {xa}")), commune_col(), T("Hành vi", "", choice("Xây dựng không phép", "Sai giấy phép", "Lấn chiếm hành lang")),
                      C("Tiền phạt (triệu đồng)", "", num(5, 120)), T("Kết quả", "", choice("Đã khắc phục", "Đang khắc phục", "Cưỡng chế"))),
           ["trật tự xây dựng", "vi phạm"]))  # fmt: skip
    add(_d("xay-dung", "Mỏ vật liệu xây dựng thông thường",
           "Mỏ đất, đá, cát làm vật liệu xây dựng thông thường đang khai thác.",
           list_table(150, T("Tên mỏ", "", pattern("Mỏ {k} {xa}", k=["đá", "cát", "đất"])), commune_col(), C("Trữ lượng (nghìn m³)", "", num(50, 9000))),
           ["vật liệu xây dựng", "khai thác"]))  # fmt: skip
    add(_d("xay-dung", "Nghĩa trang nhân dân",
           "Nghĩa trang tập trung: diện tích, hình thức táng, đơn vị quản lý.",
           list_table(160, T("Tên nghĩa trang", "", pattern("Nghĩa trang nhân dân {xa}")), commune_col(), C("Diện tích (ha)", "", num(0.5, 40, dec=1)),
                      T("Hình thức", "", choice("Hung táng và cát táng", "Cát táng", "Có lò hỏa táng"))),
           ["nghĩa trang", "hạ tầng"]))  # fmt: skip

    # ---- Thông tin và truyền thông
    add(_d("thong-tin-truyen-thong", "Trạm phát sóng di động (BTS) theo xã",
           "Số trạm BTS 4G, 5G theo xã, phường và nhà mạng.",
           commune_table(C("Viettel", "", num(3, 40, urban=2)), C("VNPT", "", num(2, 30, urban=2)), C("MobiFone", "", num(1, 20, urban=2)), C("Trạm 5G", "", num(0, 12, urban=2))),
           ["viễn thông", "BTS", "hạ tầng số"]))  # fmt: skip
    add(_d("thong-tin-truyen-thong", "Thuê bao Internet cáp quang theo xã năm 2024",
           "Số thuê bao Internet băng rộng cố định (cáp quang) và tỷ lệ hộ gia đình có cáp quang.",
           commune_table(C("Thuê bao cáp quang", "", num(600, 9000, urban=2)), C("Tỷ lệ hộ có cáp quang (%)", "", num(55, 99, urban=1.1, dec=1))),
           ["Internet", "cáp quang", "hạ tầng số"]))  # fmt: skip
    for year in (2024, 2025):
        add(_d("thong-tin-truyen-thong", f"Hồ sơ dịch vụ công trực tuyến theo cơ quan và tháng năm {year}",
               "Số hồ sơ tiếp nhận, hồ sơ trực tuyến và tỷ lệ trực tuyến theo cơ quan.",
               monthly(C("Hồ sơ tiếp nhận", "", num(300, 30000)), C("Hồ sơ trực tuyến", "", num(150, 25000)), labels=DVC_AGENCIES, label_name="Cơ quan"),
               ["dịch vụ công trực tuyến", "chuyển đổi số", "một cửa"], frequency="MONTHLY", year=year, fmt="xlsx" if year == 2025 else "csv"))  # fmt: skip
    add(_d("thong-tin-truyen-thong", "Điểm phục vụ bưu chính",
           "Bưu cục, điểm bưu điện văn hóa xã: địa chỉ và dịch vụ.",
           list_table(420, T("Tên điểm", "", pattern("{k} {xa}", k=["Bưu cục", "Điểm BĐVHX"])), commune_col(), T("Điện thoại", "", phone_number()),
                      T("Dịch vụ hành chính công", "", choice("Có", "Không"))),
           ["bưu chính", "bưu điện"]))  # fmt: skip
    add(_d("thong-tin-truyen-thong", "Tổ công nghệ số cộng đồng theo xã",
           "Số tổ công nghệ số cộng đồng và số thành viên tại xã, phường.",
           commune_table(C("Số tổ", "", num(8, 45)), C("Số thành viên", "", num(40, 260))),
           ["chuyển đổi số", "tổ công nghệ số cộng đồng"], department="khcn"))  # fmt: skip
    add(_d("thong-tin-truyen-thong", "Cơ quan báo chí, đài phát thanh - truyền hình",
           "Cơ quan báo chí, tạp chí và đài phát thanh - truyền hình của tỉnh.",
           list_table(12, T("Tên cơ quan", "", choice("Báo Thanh Hóa", "Đài Phát thanh và Truyền hình", "Tạp chí Xứ Thanh", "Tạp chí Văn hóa", "Báo điện tử")), T("Loại hình", "", choice("Báo in", "Báo điện tử", "Phát thanh", "Truyền hình", "Tạp chí")),
                      T("Số giấy phép", "", seq("GP-", 3))),
           ["báo chí", "truyền thông"], frequency="IRREG"))  # fmt: skip
    add(_d("thong-tin-truyen-thong", "Đài truyền thanh cơ sở ứng dụng công nghệ thông tin - viễn thông",
           "Đài truyền thanh cấp xã: loại hình (có dây, không dây, IP) và số cụm loa.",
           commune_table(T("Loại hình", "", choice("Truyền thanh IP", "FM không dây", "Có dây")), C("Số cụm loa", "", num(6, 45))),
           ["truyền thanh", "thông tin cơ sở"]))  # fmt: skip
    add(_d("thong-tin-truyen-thong", "Sự cố an toàn thông tin được xử lý theo tháng năm 2024",
           "Số sự cố, cảnh báo an toàn thông tin mạng được phát hiện và xử lý.",
           monthly(C("Cảnh báo", "", num(60, 400)), C("Sự cố", "", num(0, 12)), C("Đã xử lý", "", num(0, 12))),
           ["an toàn thông tin", "an ninh mạng"], frequency="MONTHLY"))  # fmt: skip
    add(_d("thong-tin-truyen-thong", "Tài khoản định danh điện tử kích hoạt theo xã",
           "Số tài khoản định danh điện tử mức 2 đã kích hoạt so với dân số từ 14 tuổi.",
           commune_table(C("Dân số từ 14 tuổi", "", num(7000, 26000, urban=1.6)), C("Đã kích hoạt mức 2", "", share("Dân số từ 14 tuổi", 0.55, 0.92)),
                         C("Tỷ lệ (%)", "", pct("Đã kích hoạt mức 2", "Dân số từ 14 tuổi"))),
           ["định danh điện tử", "chuyển đổi số"], frequency="MONTHLY"))  # fmt: skip
    add(_d("thong-tin-truyen-thong", "Doanh nghiệp công nghệ số",
           "Doanh nghiệp hoạt động trong lĩnh vực công nghệ số trên địa bàn.",
           list_table(380, T("Tên doanh nghiệp", "", pattern("Công ty {k} {w}", k=["phần mềm", "công nghệ", "giải pháp số", "viễn thông"], w=COMPANY_WORDS)), commune_col(),
                      T("Lĩnh vực", "", choice("Phần mềm", "Phần cứng, điện tử", "Dịch vụ công nghệ thông tin", "Nội dung số")), C("Lao động", "", num(3, 450))),
           ["doanh nghiệp công nghệ số", "kinh tế số"]))  # fmt: skip
    add(_d("thong-tin-truyen-thong", "Điểm truy cập Wi-Fi công cộng miễn phí",
           "Điểm phát Wi-Fi công cộng miễn phí tại nơi công cộng.",
           list_table(150, T("Địa điểm", "", pattern("{k} {xa}", k=["Quảng trường", "Công viên", "Bến xe", "Bệnh viện", "Bộ phận một cửa"])), commune_col(), C("Số điểm phát", "", num(1, 12))),
           ["Wi-Fi", "hạ tầng số"]))  # fmt: skip
    add(_d("thong-tin-truyen-thong", "Chỉ số chuyển đổi số cấp xã năm 2024",
           "Điểm đánh giá mức độ chuyển đổi số (DTI) của xã, phường theo ba trụ cột.",
           commune_table(C("Chính quyền số", "", num(80, 300, dec=2)), C("Kinh tế số", "", num(60, 250, dec=2)), C("Xã hội số", "", num(70, 280, dec=2))),
           ["chuyển đổi số", "DTI", "đánh giá"], department="khcn"))  # fmt: skip

    # ---- Khoa học và công nghệ
    add(_d("khoa-hoc-cong-nghe", "Nhiệm vụ khoa học và công nghệ cấp tỉnh",
           "Đề tài, dự án khoa học và công nghệ cấp tỉnh đang thực hiện.",
           list_table(210, T("Mã nhiệm vụ", "", seq("ĐT.KHCN.", 3)), T("Tên nhiệm vụ", "", pattern("Nghiên cứu {k} tại {xa}", k=["ứng dụng công nghệ sinh học trong sản xuất lúa", "phát triển cây dược liệu", "chọn tạo giống bò thịt", "bảo tồn nguồn gen cây bản địa", "ứng dụng IoT trong nuôi tôm"])),
                      T("Chủ nhiệm", "", person_name()), C("Kinh phí (triệu đồng)", "", num(300, 6000)), T("Thời gian", "", choice("2022–2024", "2023–2025", "2024–2026"))),
           ["khoa học", "đề tài", "nghiên cứu"]))  # fmt: skip
    for year in (2023, 2024):
        add(_d("khoa-hoc-cong-nghe", f"Nhiệm vụ khoa học được nghiệm thu năm {year}",
               "Kết quả đánh giá nghiệm thu nhiệm vụ khoa học và công nghệ cấp tỉnh.",
               list_table(45, T("Tên nhiệm vụ", "", pattern("Nghiên cứu {k}", k=["mô hình du lịch cộng đồng", "giống lúa chất lượng cao", "xử lý chất thải chăn nuôi", "bảo quản nông sản sau thu hoạch"])),
                          T("Cơ quan chủ trì", "", pattern("{d}", d=DEPARTMENT_NAMES)), T("Xếp loại", "", choice("Xuất sắc", "Khá", "Đạt", weights=[2, 5, 3]))),
               ["nghiệm thu", "khoa học"], year=year))  # fmt: skip
    add(_d("khoa-hoc-cong-nghe", "Văn bằng sở hữu công nghiệp được cấp",
           "Văn bằng bảo hộ nhãn hiệu, kiểu dáng công nghiệp, sáng chế của chủ thể trong tỉnh.",
           list_table(700, T("Số văn bằng", "", seq("4-0", 6)), T("Đối tượng", "", choice("Nhãn hiệu", "Kiểu dáng công nghiệp", "Sáng chế", "Giải pháp hữu ích", weights=[30, 4, 1, 1])),
                      T("Chủ văn bằng", "", pattern("{cty}")), T("Ngày cấp", "", date_in(2015, 2025))),
           ["sở hữu trí tuệ", "nhãn hiệu"]))  # fmt: skip
    add(_d("khoa-hoc-cong-nghe", "Nhãn hiệu tập thể, chỉ dẫn địa lý của địa phương",
           "Nhãn hiệu chứng nhận, nhãn hiệu tập thể và chỉ dẫn địa lý mang địa danh của tỉnh.",
           list_table(60, T("Tên nhãn hiệu", "", pattern("{p} {xa}", p=OCOP_PRODUCTS)), T("Loại", "", choice("Nhãn hiệu tập thể", "Nhãn hiệu chứng nhận", "Chỉ dẫn địa lý", weights=[6, 3, 1])), C("Năm cấp", "", num(2010, 2025))),
           ["nhãn hiệu tập thể", "chỉ dẫn địa lý"]))  # fmt: skip
    add(_d("khoa-hoc-cong-nghe", "Tổ chức khoa học và công nghệ",
           "Tổ chức khoa học và công nghệ đã đăng ký hoạt động.",
           list_table(85, T("Tên tổ chức", "", pattern("{k} {w}", k=["Viện nghiên cứu", "Trung tâm ứng dụng", "Trung tâm kỹ thuật"], w=COMPANY_WORDS)), T("Lĩnh vực", "", choice("Nông nghiệp", "Kỹ thuật và công nghệ", "Y dược", "Khoa học xã hội"))),
           ["tổ chức khoa học", "nghiên cứu"]))  # fmt: skip
    add(_d("khoa-hoc-cong-nghe", "Doanh nghiệp khoa học và công nghệ",
           "Doanh nghiệp được cấp giấy chứng nhận doanh nghiệp khoa học và công nghệ.",
           list_table(30, T("Tên doanh nghiệp", "", pattern("{cty}")), T("Sản phẩm", "", choice("Chế phẩm sinh học", "Phần mềm", "Giống cây trồng", "Thiết bị tự động hóa")), C("Năm chứng nhận", "", num(2015, 2025))),
           ["doanh nghiệp khoa học", "đổi mới sáng tạo"]))  # fmt: skip
    add(_d("khoa-hoc-cong-nghe", "Phương tiện đo được kiểm định theo tháng năm 2024",
           "Số phương tiện đo được kiểm định, hiệu chuẩn theo loại.",
           monthly(C("Số phương tiện", "", num(100, 6000)), labels=["Công tơ điện", "Đồng hồ nước", "Cột đo xăng dầu", "Cân", "Huyết áp kế", "Taximet"], label_name="Loại phương tiện đo"),
           ["đo lường", "kiểm định"], frequency="MONTHLY"))  # fmt: skip
    add(_d("khoa-hoc-cong-nghe", "Cơ sở sử dụng thiết bị bức xạ",
           "Cơ sở được cấp phép sử dụng thiết bị X-quang y tế và thiết bị bức xạ công nghiệp.",
           list_table(210, T("Tên cơ sở", "", pattern("{k} {xa}", k=["Bệnh viện", "Phòng khám", "Nha khoa", "Nhà máy"])), commune_col(), C("Số thiết bị", "", num(1, 12)), T("Hết hạn giấy phép", "", date_in(2025, 2029))),
           ["an toàn bức xạ", "giấy phép"]))  # fmt: skip
    add(_d("khoa-hoc-cong-nghe", "Sáng kiến được công nhận năm 2024",
           "Sáng kiến có phạm vi ảnh hưởng cấp tỉnh được Hội đồng sáng kiến công nhận.",
           list_table(260, T("Tên sáng kiến", "", pattern("Giải pháp {k}", k=["số hóa hồ sơ", "nâng cao tỷ lệ hồ sơ trực tuyến", "quản lý trường học", "giảm thời gian chờ khám bệnh", "tiết kiệm điện"])),
                      T("Tác giả", "", person_name()), T("Đơn vị", "", pattern("{d}", d=DEPARTMENT_NAMES))),
           ["sáng kiến", "cải tiến"]))  # fmt: skip
    add(_d("khoa-hoc-cong-nghe", "Doanh nghiệp áp dụng hệ thống quản lý chất lượng ISO",
           "Doanh nghiệp, cơ quan được chứng nhận ISO 9001, ISO 14001, ISO 22000.",
           list_table(320, T("Tên tổ chức", "", pattern("{cty}")), T("Tiêu chuẩn", "", choice("ISO 9001:2015", "ISO 14001:2015", "ISO 22000:2018", "ISO 45001:2018")), T("Hiệu lực đến", "", date_in(2025, 2028))),
           ["ISO", "chất lượng", "tiêu chuẩn"]))  # fmt: skip
    add(_d("khoa-hoc-cong-nghe", "Kinh phí sự nghiệp khoa học và công nghệ theo năm",
           "Dự toán và thực hiện chi sự nghiệp khoa học và công nghệ của tỉnh.",
           rows_table("Năm", YEARS, C("Dự toán (triệu đồng)", "", num(60000, 160000)), C("Thực hiện (triệu đồng)", "", share("Dự toán (triệu đồng)", 0.8, 1.0))),
           ["kinh phí khoa học", "ngân sách"]))  # fmt: skip
    add(_d("khoa-hoc-cong-nghe", "Dự án khởi nghiệp đổi mới sáng tạo được hỗ trợ",
           "Dự án khởi nghiệp được hỗ trợ từ Đề án hỗ trợ hệ sinh thái khởi nghiệp.",
           list_table(70, T("Tên dự án", "", pattern("{k} {xa}", k=["Nền tảng", "Sản phẩm", "Mô hình", "Ứng dụng"])), T("Nhóm sáng lập", "", person_name()), C("Kinh phí hỗ trợ (triệu đồng)", "", num(50, 800))),
           ["khởi nghiệp", "đổi mới sáng tạo"]))  # fmt: skip

    # ---- Nội vụ và tư pháp
    for year in (2023, 2024):
        add(_d("noi-vu-tu-phap", f"Đăng ký khai sinh, kết hôn, khai tử theo xã năm {year}",
               "Số việc đăng ký hộ tịch tại UBND cấp xã trong năm.",
               commune_table(C("Khai sinh", "", num(110, 700, urban=1.5)), C("Kết hôn", "", num(60, 350, urban=1.4)), C("Khai tử", "", num(50, 260))),
               ["hộ tịch", "khai sinh", "kết hôn"], year=year))  # fmt: skip
    add(_d("noi-vu-tu-phap", "Tổ chức hành nghề công chứng",
           "Phòng công chứng, văn phòng công chứng: địa chỉ, số công chứng viên.",
           list_table(62, T("Tên tổ chức", "", pattern("{k} {w}", k=["Văn phòng công chứng", "Phòng công chứng số"], w=COMPANY_WORDS)), commune_col(), C("Số công chứng viên", "", num(1, 6)), T("Điện thoại", "", phone_number())),
           ["công chứng", "bổ trợ tư pháp"]))  # fmt: skip
    add(_d("noi-vu-tu-phap", "Phiếu lý lịch tư pháp cấp theo tháng năm 2024",
           "Số phiếu lý lịch tư pháp đã cấp, trong đó nộp trực tuyến.",
           monthly(SC("Số phiếu cấp", "", 1400, 3200), SC("Nộp trực tuyến", "", 900, 2800), season="tet"),
           ["lý lịch tư pháp", "dịch vụ công"], frequency="MONTHLY"))  # fmt: skip
    add(_d("noi-vu-tu-phap", "Văn bản quy phạm pháp luật do tỉnh ban hành năm 2024",
           "Nghị quyết của HĐND và quyết định của UBND tỉnh là văn bản quy phạm pháp luật.",
           list_table(140, T("Số ký hiệu", "", pattern("{n}/2024/{k}", k=["NQ-HĐND", "QĐ-UBND"])), T("Ngày ban hành", "", date_in(2024)),
                      T("Trích yếu", "", pattern("Quy định {k}", k=["mức thu phí", "chính sách hỗ trợ", "phân cấp quản lý", "bảng giá", "tiêu chí"])), T("Lĩnh vực", "", choice("Tài chính", "Đất đai", "Y tế", "Giáo dục", "Nông nghiệp", "Xây dựng"))),
           ["văn bản pháp luật", "pháp chế"]))  # fmt: skip
    add(_d("noi-vu-tu-phap", "Tổ chức hành nghề luật sư",
           "Công ty luật, văn phòng luật sư và chi nhánh đang hoạt động.",
           list_table(110, T("Tên tổ chức", "", pattern("{k} {w}", k=["Công ty Luật TNHH", "Văn phòng luật sư"], w=COMPANY_WORDS)), commune_col(), C("Số luật sư", "", num(1, 9))),
           ["luật sư", "bổ trợ tư pháp"]))  # fmt: skip
    add(_d("noi-vu-tu-phap", "Vụ việc trợ giúp pháp lý năm 2024",
           "Vụ việc trợ giúp pháp lý theo hình thức và đối tượng được trợ giúp.",
           rows_table("Đối tượng", ["Người có công", "Người nghèo", "Trẻ em", "Người dân tộc thiểu số", "Người khuyết tật", "Nạn nhân bạo lực gia đình", "Người bị buộc tội từ 16 đến dưới 18 tuổi"],
                      C("Tư vấn", "", num(10, 400)), C("Tham gia tố tụng", "", num(5, 260)), C("Đại diện ngoài tố tụng", "", num(0, 40))),
           ["trợ giúp pháp lý", "tư pháp"]))  # fmt: skip
    add(_d("noi-vu-tu-phap", "Biên chế công chức theo cơ quan năm 2025",
           "Biên chế công chức được giao và số có mặt tại các cơ quan cấp tỉnh.",
           rows_table("Cơ quan", DEPARTMENT_NAMES, C("Biên chế được giao", "", num(20, 260)), C("Số có mặt", "", share("Biên chế được giao", 0.85, 1.0))),
           ["biên chế", "công chức", "tổ chức bộ máy"], year=2025, department="noi-vu"))  # fmt: skip
    add(_d("noi-vu-tu-phap", "Đơn vị hành chính cấp xã sau sắp xếp năm 2025",
           "Xã, phường, đặc khu sau sắp xếp đơn vị hành chính từ ngày 01/7/2025: diện tích, dân số.",
           commune_table(*_commune_pop_cols()),
           ["đơn vị hành chính", "sắp xếp", "xã phường"], year=2025, department="noi-vu", frequency="IRREG"))  # fmt: skip
    add(_d("noi-vu-tu-phap", "Tổ chức tôn giáo và cơ sở thờ tự",
           "Cơ sở thờ tự của các tổ chức tôn giáo được công nhận.",
           list_table(360, T("Tên cơ sở", "", pattern("{k} {xa}", k=["Chùa", "Nhà thờ giáo xứ", "Nhà thờ họ đạo", "Thánh thất"])), commune_col(),
                      T("Tôn giáo", "", choice("Phật giáo", "Công giáo", "Tin lành", "Cao Đài", weights=[8, 6, 1, 1]))),
           ["tôn giáo", "tín ngưỡng"], department="dan-toc"))  # fmt: skip
    add(_d("noi-vu-tu-phap", "Tập thể, cá nhân được khen thưởng cấp tỉnh năm 2024",
           "Bằng khen, danh hiệu thi đua do Chủ tịch UBND tỉnh tặng.",
           list_table(900, T("Số quyết định", "", pattern("{n}/QĐ-UBND")), T("Hình thức", "", choice("Bằng khen", "Cờ thi đua", "Chiến sĩ thi đua cấp tỉnh", "Tập thể lao động xuất sắc", weights=[12, 2, 3, 2])),
                      T("Đối tượng", "", choice("Tập thể", "Cá nhân")), T("Đơn vị", "", pattern("{d}", d=DEPARTMENT_NAMES))),
           ["thi đua", "khen thưởng"], department="noi-vu"))  # fmt: skip
    add(_d("noi-vu-tu-phap", "Hội, quỹ xã hội được cấp phép",
           "Hội, quỹ xã hội, quỹ từ thiện hoạt động trong phạm vi tỉnh.",
           list_table(180, T("Tên hội, quỹ", "", pattern("{k} tỉnh", k=["Hội Khuyến học", "Hội Nông dân", "Hội Người cao tuổi", "Quỹ Bảo trợ trẻ em", "Hội Chữ thập đỏ", "Hội Doanh nhân trẻ", "Quỹ Vì người nghèo"])),
                      T("Loại", "", choice("Hội", "Quỹ")), C("Năm thành lập", "", num(1990, 2024))),
           ["hội", "quỹ", "tổ chức xã hội"], department="noi-vu"))  # fmt: skip
    add(_d("noi-vu-tu-phap", "Chỉ số cải cách hành chính các sở, ngành năm 2024",
           "Kết quả xác định chỉ số cải cách hành chính (PAR Index) của các cơ quan cấp tỉnh.",
           rows_table("Cơ quan", DEPARTMENT_NAMES, C("Điểm tự đánh giá", "", num(78, 95, dec=2)), C("Điểm thẩm định", "", num(75, 93, dec=2)), C("Xếp hạng", "", num(1, 14))),
           ["cải cách hành chính", "PAR Index"], department="noi-vu"))  # fmt: skip

    # ---- Drafts and one private dataset (not counted among the 195 public ones).
    add(_d("y-te", "Danh sách nhân viên y tế thôn bản (bản nháp)",
           "Đang rà soát, chưa công bố.",
           commune_table(C("Nhân viên y tế thôn bản", "", num(5, 40))), ["y tế cơ sở"], state="draft"))  # fmt: skip
    add(_d("giao-duc", "Kế hoạch tuyển sinh năm học 2026–2027 (dự thảo)",
           "Dự thảo, chưa được phê duyệt.",
           rows_table("Cấp học", EDU_LEVELS, C("Chỉ tiêu", "", num(20000, 60000))), ["tuyển sinh"], state="draft", year=2025))  # fmt: skip
    add(_d("xay-dung", "Danh mục dự án kêu gọi đầu tư hạ tầng đô thị (dự thảo)",
           "Đang lấy ý kiến các sở, ngành.",
           list_table(25, T("Tên dự án", "", pattern("Hạ tầng khu {xa}")), commune_col()), ["kêu gọi đầu tư"], state="draft"))  # fmt: skip
    add(_d("tai-chinh", "Số liệu thu chi nội bộ của Sở Tài chính (dùng nội bộ)",
           "Chỉ dành cho cán bộ của sở.",
           monthly(C("Số tiền (triệu đồng)", "", num(100, 900))), ["nội bộ"], private=True))  # fmt: skip
    return out


# --------------------------------------------------------------------------- files


def _context() -> Ctx:
    province = AdministrativeUnit.objects.filter(code=settings.PROVINCE_CODE).first()
    communes = [
        Commune(
            code=u.code,
            name=u.name,
            short=u.name.split(" ", 1)[1] if " " in u.name else u.name,
            kind=u.division_type[:1].upper() + u.division_type[1:] if u.division_type else "Xã",
            urban=u.division_type.lower().startswith("phường"),
        )
        for u in AdministrativeUnit.objects.filter(
            parent__code=settings.PROVINCE_CODE,
            level=AdministrativeUnit.Level.COMMUNE,
            is_current=True,
        ).order_by("code")
    ]
    if not communes:  # without administrative units the tables still have rows
        communes = [
            Commune(f"9{i:04d}", f"Xã Mẫu {i}", f"Mẫu {i}", "Xã", False) for i in range(1, 21)
        ]
    return Ctx(province=province.name if province else "Tỉnh", communes=communes)


def _table_rows(spec: Spec, ctx: Ctx) -> tuple[list[str], list[list[Value]]]:
    rng = random.Random(f"tinhso-demo:{spec.name}")
    header, rows = build_rows(spec.table, rng, ctx, spec.year)
    return header, rows


def csv_bytes(header: list[str], rows: list[list[Value]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(title: str, header: list[str], rows: list[list[Value]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Dữ liệu"
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        width = min(48, max(10, len(str(name)) + 2))
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    workbook.properties.title = title
    workbook.properties.creator = "tinhso demo"
    # Fixed timestamps so the bytes (and the SHA-256) are the same on every run.
    fixed = dt.datetime(2025, 1, 1)
    workbook.properties.created = fixed
    workbook.properties.modified = fixed
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def dictionary_bytes(spec: Spec, header: list[str]) -> bytes:
    """A data dictionary (one row per column) as CSV."""
    described = {c.name: c for c in spec.table.cols}
    fixed = {
        "Mã ĐVHC": ("mã", "Mã đơn vị hành chính cấp xã (Tổng cục Thống kê)"),
        "Xã, phường": ("văn bản", "Tên xã, phường, đặc khu"),
        "Loại đơn vị": ("văn bản", "Xã, phường hoặc đặc khu"),
        "Kỳ": ("văn bản", "Tháng/năm của số liệu"),
        "Tuần": ("văn bản", "Tuần/năm của số liệu"),
        "Ngày": ("ngày", "Ngày của số liệu (ISO 8601)"),
    }
    rows: list[list[Value]] = []
    for name in header:
        col = described.get(name)
        if col is not None:
            kind = "số" if col.kind == "số*" else col.kind
            rows.append([name, kind, col.desc or name])
        else:
            kind, desc = fixed.get(name, ("văn bản", name))
            rows.append([name, kind, desc])
    return csv_bytes(["Tên cột", "Kiểu dữ liệu", "Mô tả"], rows)


def describe(spec: Spec, ctx: Ctx, header: list[str], n_rows: int, publisher: str) -> str:
    """The dataset's Markdown description."""
    if spec.table.shape == "commune":
        scope = f"{len(ctx.communes)} xã, phường, đặc khu của tỉnh {ctx.province}"
    else:
        scope = f"toàn tỉnh {ctx.province}"
    lines = [
        spec.intro,
        "",
        f"- **Phạm vi:** {scope}",
        f"- **Số dòng:** {n_rows:,}".replace(",", "."),
        f"- **Đơn vị công bố:** {publisher}",
        "",
        "### Các cột dữ liệu",
        "",
        "| Cột | Mô tả |",
        "|---|---|",
    ]
    described = {c.name: c.desc for c in spec.table.cols}
    for name in header:
        lines.append(f"| {name} | {described.get(name) or '—'} |")
    lines += [
        "",
        f"Khi sử dụng lại, vui lòng ghi nguồn: *{publisher}, tỉnh {ctx.province}*. "
        "Số liệu trình diễn được sinh tự động, không phải số liệu thống kê chính thức.",
    ]
    return "\n".join(lines)


BATCH = 20


# --------------------------------------------------------------------------- builder


def _organizations() -> dict[str, Organization]:
    orgs: dict[str, Organization] = {}
    used = {
        spec.department or d.department
        for spec in specs()
        for d in DOMAINS
        if d.name == spec.domain
    }
    for key in DEPARTMENTS:
        if key not in used:
            continue
        agency = Agency.objects.filter(code=department_code(key)).first()
        if agency is not None:
            orgs[key] = services.organization_for_agency(agency=agency)
    return orgs


def _groups() -> None:
    """Create or update the 15 domains (only when they differ: updating a group reindexes
    its datasets)."""
    current = {g.name: g for g in Group.objects.all()}
    for position, domain in enumerate(DOMAINS):
        wanted: dict[str, Any] = {
            "title": domain.title,
            "title_en": domain.title_en,
            "description": domain.description,
            "theme_uri": THEME + domain.theme,
            "position": position,
        }
        group = current.get(domain.name)
        if group is not None and all(getattr(group, k) == v for k, v in wanted.items()):
            continue
        services.group_ensure(
            name=domain.name,
            title=domain.title,
            title_en=domain.title_en,
            description=domain.description,
            theme_uri=THEME + domain.theme,
            position=position,
        )


def _publisher_memberships(orgs: dict[str, Organization]) -> None:
    """The demo data publisher ("bientap") edits for every department's organization."""
    from tinhso.catalog.models import OrganizationMember
    from tinhso.core.models import User

    publisher = User.objects.filter(username="bientap").first()
    if publisher is None:
        return
    for key, org in orgs.items():
        capacity = (
            OrganizationMember.Capacity.ADMIN
            if key == "khcn"
            else OrganizationMember.Capacity.EDITOR
        )
        OrganizationMember.objects.get_or_create(
            organization=org, user=publisher, defaults={"capacity": capacity}
        )


# The portal opened with 195 public datasets. Other demo builders publish open datasets too
# (the indicators app publishes one per indicator, in the "Thông tin và truyền thông"
# domain); the catalog builder leaves room for them so the portal shows 195 in 15 domains.
PUBLIC_TARGET = 195


def reserved_for_other_publishers() -> int:
    """Public datasets other demo builders will publish (0 when their app is not installed)."""
    from django.apps import apps

    if not apps.is_installed("tinhso.indicators"):
        return 0
    from tinhso.indicators.services import registry_definitions

    return len(registry_definitions())


def demo_specs() -> list[Spec]:
    """The specs actually built: all drafts/private ones and ``PUBLIC_TARGET`` minus the
    reserved public ones. Older-year editions of a series that also has a newer edition
    are dropped first (oldest first), then the last public spec of each domain in turn,
    so every domain keeps datasets and flagship tables stay."""
    everything = specs()
    public = [i for i, s in enumerate(everything) if s.state == "active" and not s.private]
    drop = max(0, len(public) - PUBLIC_TARGET) + reserved_for_other_publishers()
    newest: dict[str, int] = {}
    for i in public:
        key = re.sub(r"\b(19|20)\d{2}\b", "", everything[i].title)
        newest[key] = max(newest.get(key, 0), everything[i].year)
    older = sorted(
        (
            i
            for i in public
            if everything[i].year < newest[re.sub(r"\b(19|20)\d{2}\b", "", everything[i].title)]
        ),
        key=lambda i: (everything[i].year, i),
    )
    removed: set[int] = set(older[:drop])
    drop -= len(removed)
    by_domain: dict[str, list[int]] = {}
    for i in public:
        if i not in removed:
            by_domain.setdefault(everything[i].domain, []).append(i)
    order = [d.name for d in reversed(DOMAINS)]
    while drop > 0 and any(len(by_domain.get(d, [])) > 1 for d in order):
        for name in order:
            if drop == 0:
                break
            if len(by_domain.get(name, [])) > 1:
                removed.add(by_domain[name].pop())
                drop -= 1
    return [s for i, s in enumerate(everything) if i not in removed]


def build_catalog(*, limit: int | None = None) -> dict[str, int]:
    """Create the demo catalog (idempotent). ``limit`` builds only the first N specs (tests)."""
    all_specs = demo_specs()[:limit] if limit else demo_specs()
    names = [s.name for s in all_specs]
    existing = set(Dataset.objects.filter(name__in=names).values_list("name", flat=True))
    if len(existing) == len(names):
        return {"datasets": len(existing), "created": 0}
    _groups()
    orgs = _organizations()
    _publisher_memberships(orgs)
    ctx = _context()
    spatial_all = [settings.PROVINCE_CODE] if AdministrativeUnit.objects.filter(code=settings.PROVINCE_CODE).exists() else []  # fmt: skip
    now = timezone.now()
    created = 0
    todo = [(i, s) for i, s in enumerate(all_specs) if s.name not in existing]
    # One transaction per batch: SQLite then syncs to disk 10 times, not 800 times.
    for start in range(0, len(todo), BATCH):
        with transaction.atomic():
            for index, spec in todo[start : start + BATCH]:
                created += _build_one(
                    index, spec, ctx=ctx, orgs=orgs, now=now, spatial_all=spatial_all
                )
    return {"datasets": Dataset.objects.filter(name__in=names).count(), "created": created}


def _build_one(
    index: int,
    spec: Spec,
    *,
    ctx: Ctx,
    orgs: dict[str, Organization],
    now: dt.datetime,
    spatial_all: list[str],
) -> int:
    """Create one demo dataset with its resources; returns 1 if created."""
    domain = next(d for d in DOMAINS if d.name == spec.domain)
    org_key = spec.department or domain.department
    organization = orgs.get(org_key)
    if organization is None:
        return 0
    rng = random.Random(f"tinhso-demo-meta:{spec.name}")
    header, rows = _table_rows(spec, ctx)
    days_ago = rng.randint(3, 720)
    modified = now - dt.timedelta(
        days=days_ago, hours=rng.randint(0, 10), minutes=rng.randint(0, 59)
    )
    created_at = modified - dt.timedelta(days=rng.randint(0, 400))
    licence = "CC0-1.0" if index % 11 == 5 else "ODC-BY-1.0" if index % 17 == 3 else spec.licence
    temporal = (dt.date(spec.year, 1, 1), dt.date(spec.year, 12, 31))
    if spec.table.shape == "daily" and spec.year == NOW_YEAR:
        temporal = (dt.date(spec.year, 1, 1), dt.date(spec.year, 9, 30))
    publisher = organization.title
    dataset = services.dataset_create(
        user=None,
        check_permission=False,
        organization=organization,
        name=spec.name,
        title=spec.title,
        notes=describe(spec, ctx, header, len(rows), publisher),
        license_id=licence,
        tags=list(spec.tags),
        groups=[spec.domain],
        private=spec.private,
        state=spec.state,
        version=f"{spec.year}.{rng.randint(1, 3)}",
        author=publisher,
        author_email=f"{org_key}@example.gov.vn",
        maintainer=f"Phòng {rng.choice(['Kế hoạch - Tài chính', 'Tổng hợp', 'Thống kê', 'Văn phòng sở'])}",
        maintainer_email=f"dulieu.{org_key}@example.gov.vn",
        frequency=spec.frequency,
        temporal_start=temporal[0],
        temporal_end=temporal[1],
        spatial=[c.code for c in ctx.communes]
        if spec.table.shape == "commune" and len(ctx.communes) < 400
        else spatial_all,
        extras={
            "Nguồn số liệu": f"Báo cáo thống kê của {publisher}",
            "Ngôn ngữ": "Tiếng Việt",
            "Đơn vị tính": "Theo từng cột",
        },
        metadata_created=created_at,
        metadata_modified=modified,
    )
    stem = spec.name[:60]
    if spec.fmt == "xlsx":
        content = xlsx_bytes(spec.title, header, rows)
        upload = SimpleUploadedFile(f"{stem}.xlsx", content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")  # fmt: skip
    else:
        upload = SimpleUploadedFile(f"{stem}.csv", csv_bytes(header, rows), content_type="text/csv")
    services.resource_create(
        user=None,
        check_permission=False,
        dataset=dataset,
        name=f"{spec.title} ({spec.fmt.upper()})",
        description=f"Bảng dữ liệu {len(rows)} dòng, {len(header)} cột. Dòng đầu là tên cột.",
        upload=upload,
    )
    if index % 3 == 0:
        services.resource_create(
            user=None,
            check_permission=False,
            dataset=dataset,
            name="Từ điển dữ liệu",
            description="Tên, kiểu và ý nghĩa của từng cột trong bảng dữ liệu.",
            upload=SimpleUploadedFile(
                f"{stem}-tu-dien.csv", dictionary_bytes(spec, header), content_type="text/csv"
            ),
        )
    # Adding resources bumps metadata_modified to now: put back the demo date.
    services.dataset_patch(user=None, check_permission=False, dataset=dataset, metadata_modified=modified)  # fmt: skip
    return 1


# Public helpers for tests.
def public_spec_count() -> int:
    return sum(1 for s in specs() if s.state == "active" and not s.private)


def group_names() -> list[str]:
    return [d.name for d in DOMAINS]


__all__ = ["DOMAINS", "build_catalog", "demo_specs", "group_names", "public_spec_count", "specs"]
