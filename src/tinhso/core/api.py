"""Native API for core: health, administrative units, agencies, the current user."""

from typing import Any

from django.db import connection
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

import tinhso
from tinhso.core.auth import api_auth
from tinhso.core.models import AdministrativeUnit, Agency, Membership, Role
from tinhso.core.schemas import (
    AdminUnitOut,
    AgencyOut,
    ErrorOut,
    HealthOut,
    MemberOut,
    MeOut,
)
from tinhso.core.selectors import admin_unit_list, agency_list, user_can_see_agency
from tinhso.core.tasks_state import task_queue_state

router = Router(tags=["core"])


@router.get("/health", response={200: HealthOut, 503: HealthOut}, summary="Tình trạng hệ thống")
def health(request: HttpRequest) -> Status[dict[str, Any]]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        db = {"ok": True, "detail": connection.vendor}
    except Exception as exc:  # pragma: no cover - depends on a broken database
        db = {"ok": False, "detail": f"{connection.vendor}: {exc.__class__.__name__}"}
    tasks = task_queue_state()
    ok = db["ok"] and tasks["ok"]
    body = {
        "status": "ok" if ok else "degraded",
        "version": tinhso.__version__,
        "database": db,
        "tasks": tasks,
    }
    return Status(200 if ok else 503, body)


class AdminUnitFilter(Schema):
    parent: str | None = Field(
        None, max_length=10, pattern=r"^[0-9]+$", description="Mã đơn vị cha"
    )
    level: AdministrativeUnit.Level | None = None
    q: str = Field("", max_length=100, description="Tìm theo tên, không cần dấu")
    include_former: bool = False


def _unit_out(u: AdministrativeUnit) -> dict[str, Any]:
    return {
        "code": u.code,
        "name": u.name,
        "division_type": u.division_type,
        "level": u.level,
        "parent_code": u.parent.code if u.parent else None,
        "is_current": u.is_current,
        "valid_until": u.valid_until.isoformat() if u.valid_until else None,
    }


@router.get("/admin-units", response=list[AdminUnitOut], summary="Đơn vị hành chính")
@paginate(LimitOffsetPagination)
def admin_units(request: HttpRequest, filters: Query[AdminUnitFilter]) -> Any:
    if filters.parent and not AdministrativeUnit.objects.filter(code=filters.parent).exists():
        raise HttpError(
            404, _("Không có đơn vị hành chính mã %(code)s.") % {"code": filters.parent}
        )
    qs = admin_unit_list(
        parent=filters.parent,
        level=filters.level,
        q=filters.q,
        include_former=filters.include_former,
    )
    return [_unit_out(u) for u in qs]


class AgencyFilter(Schema):
    parent: str | None = Field(
        None, max_length=20, pattern=r"^[A-Z0-9.]+$", description="Mã cơ quan cha"
    )
    level: Agency.Level | None = None
    q: str = Field("", max_length=100)


def agency_out(a: Agency, child_parents: set[int]) -> dict[str, Any]:
    return {
        "code": a.code,
        "name": a.name,
        "short_name": a.short_name,
        "level": a.level,
        "parent_code": a.parent.code if a.parent else None,
        "admin_unit_code": a.admin_unit.code if a.admin_unit else None,
        "has_children": a.pk in child_parents,
    }


@router.get("/agencies", response=list[AgencyOut], summary="Cơ quan")
@paginate(LimitOffsetPagination)
def agencies(request: HttpRequest, filters: Query[AgencyFilter]) -> Any:
    if filters.parent and not Agency.objects.filter(code=filters.parent).exists():
        raise HttpError(404, _("Không có cơ quan mã %(code)s.") % {"code": filters.parent})
    qs = list(agency_list(parent=filters.parent, q=filters.q, level=filters.level))
    parents = set(Agency.objects.filter(parent__in=qs).values_list("parent_id", flat=True))
    return [agency_out(a, parents) for a in qs]


@router.get(
    "/me", response={200: MeOut, 401: ErrorOut}, auth=api_auth, summary="Tài khoản hiện tại"
)
def me(request: HttpRequest) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    memberships = (
        Membership.objects.filter(user=user).select_related("agency").order_by("agency__path")
    )
    return {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "is_staff": user.is_staff,
        "memberships": [
            {
                "agency_code": m.agency.code,
                "agency_name": m.agency.name,
                "role": m.role,
                "role_label": str(Role(m.role).label),
            }
            for m in memberships
        ],
    }


@router.get(
    "/agencies/{code}/members",
    response={200: list[MemberOut], 401: ErrorOut, 404: ErrorOut},
    auth=api_auth,
    summary="Cán bộ của cơ quan (chỉ cơ quan mình)",
)
def agency_members(request: HttpRequest, code: str) -> Any:
    agency = get_object_or_404(Agency, code=code)
    if not user_can_see_agency(request.auth, agency):  # type: ignore[attr-defined]
        # Same answer as a missing agency: do not reveal what exists elsewhere.
        raise HttpError(404, _("Không tìm thấy."))
    rows = (
        Membership.objects.filter(agency=agency).select_related("user").order_by("user__username")
    )
    return [
        {
            "username": m.user.username,
            "full_name": m.user.full_name,
            "role": m.role,
            "role_label": str(Role(m.role).label),
        }
        for m in rows
    ]
