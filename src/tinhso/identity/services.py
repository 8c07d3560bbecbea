"""Writes for identity: citizen self-registration and linking an account to its
verified ID number. Each function is one transaction and raises a domain error on refusal."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.models import User
from tinhso.core.services import DomainError
from tinhso.core.text import clean_text
from tinhso.identity.citizen_id import check_citizen_id_matches, parse_citizen_id
from tinhso.identity.models import IdentityVerification, PersonalDataAccess
from tinhso.identity.registry import Person, get_registry

USERNAME_RE = re.compile(r"^[A-Za-z0-9._-]{3,50}$")
PHONE_RE = re.compile(r"^(0|\+84)[1-9][0-9]{8,9}$")
# Failed verifications allowed per account or address per hour (guessing a birth date).
MAX_ATTEMPTS_PER_HOUR = 10


def _too_many_attempts(*, user: User | None, ip: str) -> bool:
    since = timezone.now() - dt.timedelta(hours=1)
    recent = PersonalDataAccess.objects.filter(
        purpose=PersonalDataAccess.Purpose.ACCOUNT_VERIFICATION, at__gte=since
    )
    if user is not None:
        recent = recent.filter(actor=user)
    elif ip:
        recent = recent.filter(ip=ip, actor__isnull=True)
    else:
        return False
    return recent.count() >= MAX_ATTEMPTS_PER_HOUR


def _name_key(name: str) -> str:
    """Names compare without regard to case or spacing, but with their diacritics:
    Hương and Hường are different people."""
    return clean_text(name).casefold()


def verify_against_registry(
    *,
    citizen_id: str,
    full_name: str,
    date_of_birth: dt.date,
    actor: User | None = None,
    ip: str = "",
) -> Person:
    """The registry's person if ``full_name`` and ``date_of_birth`` match the number.

    Not found and not matching get the same message, so the form cannot be used to
    learn whether a number exists.
    """
    info = parse_citizen_id(citizen_id)
    check_citizen_id_matches(info, date_of_birth=date_of_birth)
    if _too_many_attempts(user=actor, ip=ip):
        raise DomainError(
            _("Bạn đã thử xác minh quá nhiều lần. Vui lòng thử lại sau một giờ."),
            field="citizen_id",
        )
    person = get_registry().lookup(
        info.number, purpose=PersonalDataAccess.Purpose.ACCOUNT_VERIFICATION, actor=actor
    )
    if (
        person is None
        or _name_key(person.full_name) != _name_key(full_name)
        or person.date_of_birth != date_of_birth
    ):
        raise DomainError(
            _(
                "Số định danh, họ tên và ngày sinh không khớp với Cơ sở dữ liệu quốc gia về "
                "dân cư. Kiểm tra lại đúng như trên thẻ căn cước."
            ),
            field="citizen_id",
        )
    return person


def _ensure_unlinked(number: str, *, user: User | None) -> None:
    others = User.objects.filter(citizen_id=number)
    if user is not None:
        others = others.exclude(pk=user.pk)
    if others.exists():
        raise DomainError(
            _(
                "Số định danh này đã được gắn với một tài khoản khác. Nếu đó không phải bạn, "
                "hãy liên hệ bộ phận một cửa."
            ),
            field="citizen_id",
        )


def citizen_register(
    *,
    username: str,
    password: str,
    citizen_id: str,
    full_name: str,
    date_of_birth: dt.date,
    phone: str,
    email: str,
    ip: str = "",
) -> User:
    """Create a citizen account whose ID number the registry has confirmed."""
    username = (username or "").strip()
    if not USERNAME_RE.match(username):
        raise DomainError(
            _("Tên đăng nhập gồm 3–50 ký tự: chữ không dấu, số, dấu chấm, gạch ngang, gạch dưới."),
            field="username",
        )
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("Tên đăng nhập này đã có người dùng."), field="username")
    phone = re.sub(r"[\s.]", "", phone or "")
    if not PHONE_RE.match(phone):
        raise DomainError(_("Số điện thoại không hợp lệ (ví dụ 0912345678)."), field="phone")
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(_("Địa chỉ thư điện tử không hợp lệ."), field="email") from None
    number = parse_citizen_id(citizen_id).number
    _ensure_unlinked(number, user=None)
    candidate = User(username=username, email=email, full_name=clean_text(full_name))
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password") from None
    # The look-up runs outside the write transaction: its access-log row must stay
    # even when the answer refuses the registration.
    person = verify_against_registry(
        citizen_id=number, full_name=full_name, date_of_birth=date_of_birth, ip=ip
    )
    user = User(
        username=username,
        email=email,
        phone=phone,
        full_name=person.full_name,
        citizen_id=person.citizen_id,
    )
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            IdentityVerification.objects.create(
                user=user,
                citizen_id=person.citizen_id,
                method=IdentityVerification.Method.REGISTRATION,
                adapter=get_registry().name,
            )
    except IntegrityError:
        raise DomainError(
            _("Tên đăng nhập hoặc số định danh vừa được đăng ký bởi tài khoản khác."),
            field="username",
        ) from None
    return user


def citizen_id_link(
    *, user: User, citizen_id: str, full_name: str, date_of_birth: dt.date, ip: str = ""
) -> User:
    """Attach a verified ID number to an existing account (replacing an earlier one)."""
    number = parse_citizen_id(citizen_id).number
    _ensure_unlinked(number, user=user)
    person = verify_against_registry(
        citizen_id=number, full_name=full_name, date_of_birth=date_of_birth, actor=user, ip=ip
    )
    user.citizen_id = person.citizen_id
    user.full_name = person.full_name
    try:
        with transaction.atomic():
            user.save(update_fields=["citizen_id", "full_name"])
            IdentityVerification.objects.create(
                user=user,
                citizen_id=person.citizen_id,
                method=IdentityVerification.Method.ACCOUNT_LINK,
                adapter=get_registry().name,
            )
    except IntegrityError:
        raise DomainError(
            _("Số định danh này đã được gắn với một tài khoản khác."), field="citizen_id"
        ) from None
    return user


@transaction.atomic
def citizen_id_unlink(*, user: User) -> User:
    """Detach the ID number from the account (pre-filling stops)."""
    user.citizen_id = None
    user.save(update_fields=["citizen_id"])
    return user


def _eid_username(number: str) -> str:
    """A stable username for an account made by e-ID sign-in (the number is not shown)."""
    return "vneid-" + hashlib.sha256(f"tinhso-eid:{number}".encode()).hexdigest()[:12]


def citizen_sign_in_eid(
    *, citizen_id: str, current_user: User | None, adapter: str, ip: str = ""
) -> tuple[User, bool]:
    """The account for an ID number the national e-ID vouched for: ``(user, created)``.

    The number is looked up in the population registry (outside the write transaction,
    so the access-log row stays): name comes from there. An account already linked to the
    number is signed in; a signed-in account without it is linked; otherwise a citizen
    account is created (no local password: it signs in with e-ID, or sets one by
    password reset). Each success records an ``IdentityVerification`` of method ``eid``.
    """
    number = parse_citizen_id(citizen_id).number
    actor = current_user if current_user is not None and current_user.pk else None
    person = get_registry().lookup(
        number, purpose=PersonalDataAccess.Purpose.ACCOUNT_VERIFICATION, actor=actor
    )
    if person is None:
        raise DomainError(
            _(
                "Số định danh VNeID cung cấp không có trong Cơ sở dữ liệu quốc gia về dân cư; "
                "chưa thể tạo tài khoản. Vui lòng liên hệ bộ phận một cửa."
            ),
            field="citizen_id",
        )
    created = False
    try:
        with transaction.atomic():
            linked = User.objects.select_for_update().filter(citizen_id=number).first()
            if actor is not None:
                if linked is not None and linked.pk != actor.pk:
                    raise DomainError(
                        _(
                            "Số định danh này đã được gắn với một tài khoản khác. Hãy đăng xuất "
                            "rồi đăng nhập bằng VNeID để vào tài khoản đó."
                        ),
                        field="citizen_id",
                    )
                user = actor
            elif linked is not None:
                user = linked
            else:
                user = User(username=_eid_username(number))
                user.set_unusable_password()
                created = True
            if not user.is_active:
                raise DomainError(
                    _("Tài khoản gắn với số định danh này đã bị khóa."), field="citizen_id"
                )
            user.citizen_id = person.citizen_id
            user.full_name = person.full_name
            user.save()
            IdentityVerification.objects.create(
                user=user,
                citizen_id=person.citizen_id,
                method=IdentityVerification.Method.EID,
                adapter=f"{adapter}+{get_registry().name}",
            )
    except IntegrityError:
        raise DomainError(
            _("Số định danh này vừa được gắn với một tài khoản khác."), field="citizen_id"
        ) from None
    return user, created
