from ninja import Schema


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    field: str
    message: str


class ValidationErrorOut(Schema):
    detail: str
    errors: list[FieldErrorOut]


class AdminUnitOut(Schema):
    code: str
    name: str
    division_type: str
    level: str
    parent_code: str | None
    is_current: bool
    valid_until: str | None


class AgencyOut(Schema):
    code: str
    name: str
    short_name: str
    level: str
    parent_code: str | None
    admin_unit_code: str | None
    has_children: bool


class MembershipOut(Schema):
    agency_code: str
    agency_name: str
    role: str
    role_label: str


class MeOut(Schema):
    username: str
    full_name: str
    email: str
    is_staff: bool
    memberships: list[MembershipOut]


class MemberOut(Schema):
    username: str
    full_name: str
    role: str
    role_label: str


class HealthComponent(Schema):
    ok: bool
    detail: str


class HealthOut(Schema):
    status: str
    version: str
    database: HealthComponent
    tasks: HealthComponent
