"""Identity API: the caller's pre-fill data, and registry look-ups for officers."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from tinhso.core.auth import api_auth
from tinhso.core.models import Membership, Role
from tinhso.core.schemas import ErrorOut
from tinhso.dossiers.validators import Text
from tinhso.identity.citizen_id import InvalidCitizenId, mask_citizen_id
from tinhso.identity.models import IdentityVerification, PersonalDataAccess
from tinhso.identity.prefill import READ_ONLY_FIELDS, person_as_prefill, prefill_for_user
from tinhso.identity.registry import RegistryUnavailable, get_registry

router = Router(tags=["identity"])

# Roles that receive or process dossiers and so may look a person up.
OFFICER_ROLES = (Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER)


class PersonOut(Schema):
    citizen_id: str
    full_name: str
    date_of_birth: str
    gender: str
    address: str
    commune_code: str
    province_code: str


class PrefillOut(Schema):
    linked: bool
    citizen_id_masked: str | None
    verified_at: str | None
    read_only_fields: list[str]
    data: dict[str, Any]


class LookupQuery(Schema):
    purpose: PersonalDataAccess.Purpose = Field(
        PersonalDataAccess.Purpose.OFFICER_LOOKUP, description="Mục đích tra cứu (ghi nhật ký)"
    )
    reference: Text = Field("", max_length=100, description="Căn cứ, ví dụ mã hồ sơ")


@router.get(
    "/identity/me/prefill",
    response={200: PrefillOut, 401: ErrorOut, 503: ErrorOut},
    auth=api_auth,
    summary="Dữ liệu điền sẵn của tài khoản hiện tại",
)
def my_prefill(request: HttpRequest) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    try:
        data = prefill_for_user(user, raise_unavailable=True)
    except RegistryUnavailable as exc:
        raise HttpError(503, exc.message) from None
    verification = IdentityVerification.objects.filter(user=user).first()
    return {
        "linked": bool(user.citizen_id),
        "citizen_id_masked": mask_citizen_id(user.citizen_id) if user.citizen_id else None,
        "verified_at": verification.verified_at.isoformat() if verification else None,
        "read_only_fields": sorted(READ_ONLY_FIELDS),
        "data": data,
    }


@router.get(
    "/identity/citizens/{citizen_id}",
    response={
        200: PersonOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        503: ErrorOut,
    },
    auth=api_auth,
    summary="Tra cứu công dân trong Cơ sở dữ liệu dân cư (cán bộ)",
)
def citizen_lookup(request: HttpRequest, citizen_id: str, params: Query[LookupQuery]) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    if not Membership.objects.filter(user=user, role__in=OFFICER_ROLES).exists():
        raise HttpError(403, _("Chỉ cán bộ tiếp nhận hoặc giải quyết hồ sơ được tra cứu."))
    try:
        person = get_registry().lookup(
            citizen_id, purpose=params.purpose, actor=user, reference=params.reference
        )
    except InvalidCitizenId as exc:
        raise HttpError(400, exc.message) from None
    except RegistryUnavailable as exc:
        raise HttpError(503, exc.message) from None
    if person is None:
        raise HttpError(404, _("Không có công dân mang số định danh này."))
    return person_as_prefill(person)
