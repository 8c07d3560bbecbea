"""Organization membership (admin / editor / member) as the membership page needs it.

Thin services over the catalog's ``organization_member_set`` / ``organization_member_remove``
(which check that the acting user administers the organization): they add what a page
needs: a user found by username, a Vietnamese field error when there is none, the rule
that an organization keeps at least one admin, one transaction and one audit entry each.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils.translation import gettext as _

from tinhso.catalog import services
from tinhso.catalog.models import Organization, OrganizationMember
from tinhso.catalog.selectors import can_admin_organization
from tinhso.catalog.services import CatalogPermissionDenied, CatalogValidationError
from tinhso.core.audit import audit_record, audit_suppressed
from tinhso.core.models import User


def can_manage_members(user: User | AnonymousUser | None, organization: Organization) -> bool:
    """Organization admins, administrators of the agency (or an agency above it), superusers."""
    return can_admin_organization(user, organization)


def _check(by: User, organization: Organization) -> None:
    if not can_manage_members(by, organization):
        raise CatalogPermissionDenied(_("Chỉ quản trị của tổ chức mới được quản lý thành viên."))


def _check_capacity(capacity: str) -> None:
    if capacity not in OrganizationMember.Capacity.values:
        raise CatalogValidationError({"capacity": [_("Vai trò không hợp lệ.")]})


def _is_last_admin(member: OrganizationMember) -> bool:
    if member.capacity != OrganizationMember.Capacity.ADMIN:
        return False
    return (
        not OrganizationMember.objects.filter(
            organization_id=member.organization_id, capacity=OrganizationMember.Capacity.ADMIN
        )
        .exclude(pk=member.pk)
        .exists()
    )


def _audit(action: str, member: OrganizationMember, by: User, changes: dict[str, str]) -> None:
    organization = member.organization
    audit_record(
        action=action,
        object_type="catalog.organizationmember",
        object_id=str(member.pk or ""),
        object_repr=f"{member.user.get_username()} @ {organization.name}",
        changes=changes,
        agency_code=organization.agency.code,
        actor=by,
    )


@transaction.atomic
def organization_member_add(
    *, by: User, organization: Organization, username: str, capacity: str
) -> OrganizationMember:
    """Add a user (by username) to the organization, or change their capacity if present."""
    _check(by, organization)
    _check_capacity(capacity)
    username = username.strip()
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CatalogValidationError(
            {
                "username": [
                    _("Không có người dùng nào với tên đăng nhập “%(u)s”.") % {"u": username}
                ]
            }
        )
    existing = (
        OrganizationMember.objects.select_for_update()
        .filter(organization=organization, user=user)
        .first()
    )
    if existing is not None:
        return organization_member_change(by=by, member=existing, capacity=capacity)
    with audit_suppressed():
        member = services.organization_member_set(
            user=by, organization=organization, member=user, capacity=capacity
        )
    _audit("catalog.member_add", member, by, {"capacity": capacity})
    return member


@transaction.atomic
def organization_member_change(
    *, by: User, member: OrganizationMember, capacity: str
) -> OrganizationMember:
    _check(by, member.organization)
    _check_capacity(capacity)
    member = OrganizationMember.objects.select_for_update().get(pk=member.pk)
    if member.capacity == capacity:
        return member
    if _is_last_admin(member):
        raise CatalogValidationError({"capacity": [_("Tổ chức phải còn ít nhất một quản trị.")]})
    old = member.capacity
    with audit_suppressed():
        member = services.organization_member_set(
            user=by, organization=member.organization, member=member.user, capacity=capacity
        )
    _audit("catalog.member_change", member, by, {"capacity": f"{old} → {capacity}"})
    return member


@transaction.atomic
def organization_member_remove(*, by: User, member: OrganizationMember) -> None:
    _check(by, member.organization)
    member = OrganizationMember.objects.select_for_update().get(pk=member.pk)
    if _is_last_admin(member):
        raise CatalogValidationError(
            {"capacity": [_("Không thể xoá quản trị cuối cùng của tổ chức.")]}
        )
    _audit("catalog.member_remove", member, by, {"capacity": member.capacity})
    with audit_suppressed():
        services.organization_member_remove(
            user=by, organization=member.organization, member=member.user
        )
