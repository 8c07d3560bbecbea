"""Who may do what in an assessment, from core roles.

- administrators (platform admins: superusers and administrators of the province
  People's Committee) manage criteria sets and rounds;
- assessors (role ``assessor`` anywhere) review answers and publish, but never for an
  agency they work in (the agency itself or any unit under it);
- officers of an agency (any role except citizen) fill in that agency's self-assessment.
"""

from __future__ import annotations

from django.db.models import QuerySet

from tinhso.core.models import Agency, Membership, Role
from tinhso.core.selectors import AnyUser, is_platform_admin

OFFICER_ROLES = [r for r in Role.values if r != Role.CITIZEN]


def is_assessor(user: AnyUser) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(user=user, role=Role.ASSESSOR).exists()


def can_manage(user: AnyUser) -> bool:
    """Open rounds, import criteria sets, publish and revise."""
    return is_platform_admin(user) or is_assessor(user)


def can_administer_criteria(user: AnyUser) -> bool:
    return is_platform_admin(user)


def works_for(user: AnyUser, agency: Agency) -> bool:
    """True if ``user`` holds an officer role in ``agency`` or in a unit under it."""
    if not user.is_authenticated:
        return False
    return (
        Membership.objects.filter(user=user, agency__path__startswith=agency.path)
        .exclude(role=Role.CITIZEN)
        .exists()
    )


def can_review(user: AnyUser, agency: Agency) -> bool:
    return can_manage(user) and not works_for(user, agency)


def self_assess_agencies(user: AnyUser) -> QuerySet[Agency]:
    if not user.is_authenticated:
        return Agency.objects.none()
    ids = Membership.objects.filter(user=user, role__in=OFFICER_ROLES).values("agency_id")
    return Agency.objects.filter(pk__in=ids)


def can_self_assess(user: AnyUser, agency: Agency) -> bool:
    return self_assess_agencies(user).filter(pk=agency.pk).exists()
