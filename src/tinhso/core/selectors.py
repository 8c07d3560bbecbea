"""Reads for core, and the agency-scope rules every app uses to isolate records."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from tinhso.core.models import AdministrativeUnit, Agency, AuditEntry, Membership, Role, User
from tinhso.core.text import fold

AnyUser = User | AnonymousUser


def user_roles(user: AnyUser, agency: Agency | None = None) -> set[str]:
    if not user.is_authenticated:
        return set()
    qs = Membership.objects.filter(user=user)
    if agency is not None:
        qs = qs.filter(agency__in=agency_ancestors(agency))
    return set(qs.values_list("role", flat=True))


def agency_ancestors(agency: Agency) -> list[Agency]:
    chain: list[Agency] = []
    node: Agency | None = agency
    while node is not None:
        chain.append(node)
        node = node.parent
    return chain


def is_platform_admin(user: AnyUser) -> bool:
    """Superusers and administrators of a root (province) agency see every agency."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        user=user, role=Role.ADMINISTRATOR, agency__parent__isnull=True
    ).exists()


def agencies_for_user(user: AnyUser, *, roles: Iterable[str] | None = None) -> QuerySet[Agency]:
    """Agencies whose records ``user`` may see: their own agencies and those agencies' subtrees.

    An officer of one commune never gets another commune here. ``roles`` narrows to
    memberships in those roles (for example only ``data_publisher``).
    """
    if not user.is_authenticated:
        return Agency.objects.none()
    if is_platform_admin(user) and roles is None:
        return Agency.objects.all()
    memberships = Membership.objects.filter(user=user).exclude(role=Role.CITIZEN)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    paths = list(memberships.values_list("agency__path", flat=True).distinct())
    if not paths:
        return Agency.objects.none()
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return Agency.objects.filter(condition)


def user_can_see_agency(
    user: AnyUser, agency: Agency, *, roles: Iterable[str] | None = None
) -> bool:
    return agencies_for_user(user, roles=roles).filter(pk=agency.pk).exists()


def visible_to(
    queryset: QuerySet[Any],
    user: AnyUser,
    *,
    agency_field: str = "agency",
    roles: Iterable[str] | None = None,
) -> QuerySet[Any]:
    """Restrict any agency-owned queryset to what ``user`` may see."""
    return queryset.filter(**{f"{agency_field}__in": agencies_for_user(user, roles=roles)})


def admin_unit_list(
    *,
    parent: str | None = None,
    level: str | None = None,
    q: str = "",
    include_former: bool = False,
) -> QuerySet[AdministrativeUnit]:
    qs = AdministrativeUnit.objects.select_related("parent")
    if parent:
        qs = qs.filter(parent__code=parent)
    elif not level and not q:
        qs = qs.filter(parent__isnull=True)
    if level:
        qs = qs.filter(level=level)
    if not include_former and level != AdministrativeUnit.Level.DISTRICT:
        qs = qs.filter(is_current=True)
    if q:
        qs = qs.filter(search_key__contains=fold(q))
    return qs.order_by("code")


def agency_list(
    *, parent: str | None = None, q: str = "", level: str | None = None
) -> QuerySet[Agency]:
    qs = Agency.objects.filter(is_active=True).select_related("parent", "admin_unit")
    if parent:
        qs = qs.filter(parent__code=parent)
    elif not q and not level:
        qs = qs.filter(parent__isnull=True)
    if level:
        qs = qs.filter(level=level)
    if q:
        qs = qs.filter(search_key__contains=fold(q))
    return qs.order_by("path")


def audit_entries_for_user(user: AnyUser) -> QuerySet[AuditEntry]:
    """Audit entries a user may read: all for platform admins, else their agencies' entries."""
    if is_platform_admin(user):
        return AuditEntry.objects.all()
    codes = list(agencies_for_user(user).values_list("code", flat=True))
    return AuditEntry.objects.filter(agency_code__in=codes)
