"""Reads for core, and the agency-scope rules every app uses to isolate records."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from tinhso.core.models import AdministrativeUnit, Agency, AuditEntry, Membership, Role, User
from tinhso.core.text import fold

AnyUser = User | AnonymousUser


# ---------------------------------------------------------------- the user's scope
#
# Every agency-scope question of a request (roles at an agency, visible agencies,
# platform administrator) is answered from one query of the user's memberships,
# remembered on the user object. A user object lives for one request; within a process,
# any change of memberships, agencies or users bumps ``_SCOPE_GENERATION`` and forgets
# what was remembered (tests change memberships of a user they keep).

_SCOPE_GENERATION = [0]


def scope_changed(**_kwargs: Any) -> None:
    """Signal receiver: memberships, agencies or users changed."""
    _SCOPE_GENERATION[0] += 1


def _memberships(user: AnyUser) -> list[tuple[str, str, bool]]:
    """(role, agency path, agency is a root) of every membership of ``user``."""
    cached = getattr(user, "_tinhso_scope", None)
    if cached is not None and cached[0] == _SCOPE_GENERATION[0]:
        return cached[1]  # type: ignore[no-any-return]
    generation = _SCOPE_GENERATION[0]
    rows = [
        (role, path, parent_id is None)
        for role, path, parent_id in Membership.objects.filter(user_id=user.pk or 0).values_list(
            "role", "agency__path", "agency__parent_id"
        )
    ]
    user._tinhso_scope = (generation, rows)  # type: ignore[union-attr]
    return rows


def load_scope(user: AnyUser) -> None:
    """Read ``user``'s memberships now (one query) if not already remembered."""
    _memberships(user)


def copy_scope(source: AnyUser, target: AnyUser) -> None:
    """Give ``target`` (the same user, another instance) the scope ``source`` remembers."""
    cached = getattr(source, "_tinhso_scope", None)
    if cached is not None:
        target._tinhso_scope = cached  # type: ignore[union-attr]


def user_roles(user: AnyUser, agency: Agency | None = None) -> set[str]:
    """Roles of ``user`` (at ``agency``: held there or at one of its ancestors)."""
    if not user.is_authenticated:
        return set()
    rows = _memberships(user)
    if agency is None:
        return {role for role, _path, _root in rows}
    return {role for role, path, _root in rows if agency.path.startswith(path)}


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
    return any(role == Role.ADMINISTRATOR and root for role, _path, root in _memberships(user))


def scope_paths(user: AnyUser, *, roles: Iterable[str] | None = None) -> list[str] | None:
    """Paths of the agency subtrees ``user`` may see; ``None`` means every agency."""
    if not user.is_authenticated:
        return []
    if roles is None and is_platform_admin(user):
        return None
    wanted = set(roles) if roles is not None else None
    return sorted(
        {
            path
            for role, path, _root in _memberships(user)
            if role != Role.CITIZEN and (wanted is None or role in wanted)
        }
    )


def agency_in_scope(user: AnyUser, agency: Agency, *, roles: Iterable[str] | None = None) -> bool:
    """Whether ``agency`` (with its ``path`` loaded) is in ``user``'s scope, without a query."""
    paths = scope_paths(user, roles=roles)
    return paths is None or any(agency.path.startswith(p) for p in paths)


def agencies_for_user(user: AnyUser, *, roles: Iterable[str] | None = None) -> QuerySet[Agency]:
    """Agencies whose records ``user`` may see: their own agencies and those agencies' subtrees.

    An officer of one commune never gets another commune here. ``roles`` narrows to
    memberships in those roles (for example only ``data_publisher``).
    """
    paths = scope_paths(user, roles=roles)
    if paths is None:
        return Agency.objects.all()
    if not paths:
        return Agency.objects.none()
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return Agency.objects.filter(condition)


def user_can_see_agency(
    user: AnyUser, agency: Agency, *, roles: Iterable[str] | None = None
) -> bool:
    return agency_in_scope(user, agency, roles=roles)


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
