"""Demo builder for the platform layer: Thanh Hóa, its departments and communes, one user per role.

Synthetic people only. Agency codes follow the national form ``XXX.YY.ZZ.H56``.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from tinhso.core.audit import audit_suppressed
from tinhso.core.models import AdministrativeUnit, Agency, Membership, Role, User
from tinhso.core.services import admin_units_load

PROVINCE_CODE = "38"
PROVINCE_AGENCY_CODE = "000.00.00.H56"

# Departments (Sở, ban, ngành) after the 2025 reorganisation. Key → (code suffix, name, short).
DEPARTMENTS: dict[str, tuple[int, str, str]] = {
    "vp": (1, "Văn phòng Ủy ban nhân dân tỉnh", "VP UBND"),
    "noi-vu": (2, "Sở Nội vụ", "SNV"),
    "tu-phap": (3, "Sở Tư pháp", "STP"),
    "tai-chinh": (4, "Sở Tài chính", "STC"),
    "cong-thuong": (5, "Sở Công Thương", "SCT"),
    "nong-nghiep": (6, "Sở Nông nghiệp và Môi trường", "SNNMT"),
    "xay-dung": (7, "Sở Xây dựng", "SXD"),
    "giao-duc": (8, "Sở Giáo dục và Đào tạo", "SGDĐT"),
    "y-te": (9, "Sở Y tế", "SYT"),
    "van-hoa": (10, "Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL"),
    "khcn": (11, "Sở Khoa học và Công nghệ", "SKHCN"),
    "dan-toc": (12, "Sở Dân tộc và Tôn giáo", "SDTTG"),
    "thanh-tra": (13, "Thanh tra tỉnh", "TTr"),
    "kkt": (14, "Ban Quản lý Khu kinh tế Nghi Sơn và các khu công nghiệp", "BQL KKT"),
}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    agency: str  # department key, commune ward code, or "province"


ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("quantri", "Lê Văn Quản", Role.ADMINISTRATOR, "province"),
    DemoAccount("congdan", "Nguyễn Thị Hoa", Role.CITIZEN, "province"),
    DemoAccount("motcua.hacthanh", "Trần Minh Tâm", Role.ONE_STOP_OFFICER, "14797"),
    DemoAccount("motcua.quangphu", "Phạm Thu Hà", Role.ONE_STOP_OFFICER, "16522"),
    DemoAccount("chuyenvien", "Hoàng Đức Anh", Role.SPECIALIST, "tu-phap"),
    DemoAccount("lanhdao", "Vũ Thị Lan", Role.LEADER, "tu-phap"),
    DemoAccount("vanthu", "Đỗ Quang Huy", Role.CLERK, "vp"),
    DemoAccount("bientap", "Bùi Ngọc Mai", Role.DATA_PUBLISHER, "khcn"),
    DemoAccount("danhgia", "Ngô Thanh Sơn", Role.ASSESSOR, "khcn"),
)


def department_code(key: str) -> str:
    return f"000.00.{DEPARTMENTS[key][0]:02d}.H56"


def commune_code(index: int) -> str:
    return f"{index // 100 + 1:03d}.{index % 100:02d}.99.H56"


def _passwords_file() -> Path:
    return Path(settings.VAR_DIR) / "demo-accounts.json"


def demo_passwords() -> dict[str, str]:
    path = _passwords_file()
    known: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    changed = False
    for account in ACCOUNTS:
        if account.username not in known:
            known[account.username] = "Demo-" + secrets.token_urlsafe(9)
            changed = True
    if changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(known, indent=2))
        path.chmod(0o600)
    return known


@transaction.atomic
def build_core() -> dict[str, int]:
    admin_units_load(province_codes=[PROVINCE_CODE])
    province_unit = AdministrativeUnit.objects.get(code=PROVINCE_CODE)
    with audit_suppressed():
        province, _ = Agency.objects.update_or_create(
            code=PROVINCE_AGENCY_CODE,
            defaults={
                "name": f"Ủy ban nhân dân tỉnh {province_unit.name}",
                "short_name": "UBND tỉnh",
                "level": Agency.Level.PROVINCE,
                "admin_unit": province_unit,
                "email": "ubnd@example.gov.vn",
                "address": f"Tỉnh {province_unit.name}",
            },
        )
        for key, (_n, name, short) in DEPARTMENTS.items():
            Agency.objects.update_or_create(
                code=department_code(key),
                defaults={
                    "name": name,
                    "short_name": short,
                    "level": Agency.Level.DEPARTMENT,
                    "parent": province,
                    "admin_unit": province_unit,
                },
            )
        communes = AdministrativeUnit.objects.filter(
            parent=province_unit, level=AdministrativeUnit.Level.COMMUNE
        ).order_by("code")
        for i, unit in enumerate(communes):
            Agency.objects.update_or_create(
                code=commune_code(i),
                defaults={
                    "name": f"Ủy ban nhân dân {unit.name}",
                    "short_name": f"UBND {unit.name}",
                    "level": Agency.Level.COMMUNE,
                    "parent": province,
                    "admin_unit": unit,
                },
            )
        passwords = demo_passwords()
        for account in ACCOUNTS:
            user, created = User.objects.get_or_create(username=account.username)
            user.full_name = account.full_name
            user.email = f"{account.username}@example.vn"
            user.is_staff = account.role == Role.ADMINISTRATOR
            user.is_superuser = account.role == Role.ADMINISTRATOR
            if created or not user.check_password(passwords[account.username]):
                user.set_password(passwords[account.username])
            user.save()
            if account.agency == "province":
                agency = province
            elif account.agency in DEPARTMENTS:
                agency = Agency.objects.get(code=department_code(account.agency))
            else:
                agency = Agency.objects.get(admin_unit__code=account.agency)
            Membership.objects.get_or_create(user=user, agency=agency, role=account.role)
    return {"agencies": Agency.objects.count(), "users": len(ACCOUNTS)}
