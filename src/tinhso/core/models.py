"""Core data: administrative units, agencies, users and roles, tokens, audit, calendar."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any, ClassVar, NoReturn

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.core.text import clean_text, fold

AGENCY_CODE_RE = re.compile(r"^[A-Z0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}$")


class AdministrativeUnit(models.Model):
    """A province, a commune/ward (current two levels) or a former district (history)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Tỉnh/Thành phố")
        DISTRICT = "district", _("Huyện/Quận (cũ)")
        COMMUNE = "commune", _("Xã/Phường/Đặc khu")

    code = models.CharField(_("mã"), max_length=10, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    division_type = models.CharField(_("loại"), max_length=50)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cha"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_current = models.BooleanField(_("còn hiệu lực"), default=True)
    valid_until = models.DateField(_("hết hiệu lực từ"), null=True, blank=True)
    search_key = models.CharField(max_length=200, editable=False, db_index=True)

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering: ClassVar = ["code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name = clean_text(self.name)
        self.search_key = fold(self.name)
        super().save(*args, **kwargs)


class Agency(models.Model):
    """A public agency. Agencies form a tree under the province People's Committee."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("UBND tỉnh")
        DEPARTMENT = "department", _("Sở, ban, ngành")
        DISTRICT = "district", _("UBND huyện (cũ)")
        COMMUNE = "commune", _("UBND xã/phường")
        UNIT = "unit", _("Đơn vị trực thuộc")

    code = models.CharField(
        _("mã định danh"),
        max_length=20,
        unique=True,
        help_text=_("Theo dạng mã định danh cơ quan, ví dụ 000.00.00.H56"),
    )
    name = models.CharField(_("tên cơ quan"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    level = models.CharField(_("cấp"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    admin_unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị hành chính"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
    )
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    website = models.URLField(_("trang web"), blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    path = models.CharField(max_length=1000, editable=False, db_index=True, default="")
    search_key = models.CharField(max_length=255, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering: ClassVar = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name = clean_text(self.name)
        self.search_key = fold(f"{self.name} {self.short_name}")
        old_path = self.path
        self.path = f"{self.parent.path}{self.code}/" if self.parent else f"{self.code}/"
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            for child in self.children.all():
                child.save()

    def clean(self) -> None:
        if not AGENCY_CODE_RE.match(self.code or ""):
            raise ValidationError(
                {"code": _("Mã định danh phải có dạng 000.00.00.H56 (chữ in hoa và số).")}
            )
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("Cơ quan không thể trực thuộc chính nó.")})
            ancestor = ancestor.parent


class User(AbstractUser):
    """A person: citizen, officer or administrator."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    citizen_id = models.CharField(
        _("số định danh cá nhân"), max_length=12, blank=True, null=True, unique=True
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.full_name = clean_text(self.full_name)
        if self.citizen_id == "":
            self.citizen_id = None
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Công dân/Doanh nghiệp")
    ONE_STOP_OFFICER = "one_stop_officer", _("Cán bộ tiếp nhận một cửa")
    SPECIALIST = "specialist", _("Chuyên viên")
    LEADER = "leader", _("Lãnh đạo")
    CLERK = "clerk", _("Văn thư")
    DATA_PUBLISHER = "data_publisher", _("Biên tập viên dữ liệu")
    ASSESSOR = "assessor", _("Cán bộ đánh giá")
    ADMINISTRATOR = "administrator", _("Quản trị")


class Membership(models.Model):
    """A user acts for an agency in a role. Officers may hold several."""

    user = models.ForeignKey(
        User, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("ngày giao"), auto_now_add=True)

    class Meta:
        verbose_name = _("vai trò tại cơ quan")
        verbose_name_plural = _("vai trò tại cơ quan")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="core_membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"


class ApiToken(models.Model):
    """A secret for programmatic clients. Only a SHA-256 hash is stored."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(
        User, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("tên"), max_length=100)
    prefix = models.CharField(_("tiền tố"), max_length=PREFIX_LENGTH, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("lần dùng cuối"), null=True, blank=True)
    expires_at = models.DateTimeField(_("hết hạn"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("khoá API")
        verbose_name_plural = _("khoá API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    """Refuses bulk updates and deletes: the log is append-only."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("Nhật ký thao tác chỉ được ghi thêm, không được sửa.")

    def delete(self) -> NoReturn:
        raise PermissionError("Nhật ký thao tác không được xoá.")


class AuditEntry(models.Model):
    """One write, appended to a hash chain. Never updated nor deleted by the application."""

    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    # DO_NOTHING, not SET_NULL: deleting a user must not rewrite (and so break) the
    # hashed entries; ``actor_repr`` keeps the name, ``actor_id`` the former id.
    actor = models.ForeignKey(
        User,
        verbose_name=_("người thực hiện"),
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
    )
    actor_repr = models.CharField(_("người thực hiện"), max_length=200, blank=True)
    ip = models.CharField(_("địa chỉ IP"), max_length=45, blank=True)
    action = models.CharField(_("hành động"), max_length=50)
    object_type = models.CharField(_("loại đối tượng"), max_length=100)
    object_id = models.CharField(_("mã đối tượng"), max_length=100, blank=True)
    object_repr = models.CharField(_("đối tượng"), max_length=255, blank=True)
    agency_code = models.CharField(_("cơ quan"), max_length=20, blank=True, db_index=True)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    # Set once by the sealer (core.audit.audit_seal) after the entry's transaction
    # committed: position in the chain, previous entry's hash, this entry's hash.
    seq = models.PositiveBigIntegerField(null=True, blank=True, unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhật ký thao tác")
        verbose_name_plural = _("nhật ký thao tác")
        ordering: ClassVar = ["-id"]
        indexes: ClassVar = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(
                fields=["id"], condition=models.Q(seq__isnull=True), name="core_audit_unsealed"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Nhật ký thao tác chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("Nhật ký thao tác không được xoá.")


class AuditHead(models.Model):
    """Singleton row holding the chain's tip and length; locked while sealing."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("đầu chuỗi nhật ký")

    def __str__(self) -> str:
        return f"{self.count}: {self.last_hash[:12]}"


class CalendarOverride(models.Model):
    """A province decision that changes the national calendar for one day."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Ngày nghỉ thêm")
        WORKING_DAY = "working_day", _("Ngày làm việc bù")

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    reason = models.CharField(_("căn cứ/lý do"), max_length=255)

    class Meta:
        verbose_name = _("điều chỉnh lịch làm việc")
        verbose_name_plural = _("điều chỉnh lịch làm việc")
        ordering: ClassVar = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.get_kind_display()}"


class OfficeHours(models.Model):
    """Singleton: office hours and the afternoon cut-off for receiving dossiers."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    morning_start = models.TimeField(_("bắt đầu buổi sáng"), default=dt.time(7, 30))
    morning_end = models.TimeField(_("kết thúc buổi sáng"), default=dt.time(11, 30))
    afternoon_start = models.TimeField(_("bắt đầu buổi chiều"), default=dt.time(13, 30))
    afternoon_end = models.TimeField(_("kết thúc buổi chiều"), default=dt.time(17, 0))
    cutoff = models.TimeField(
        _("giờ chốt nhận trong ngày"),
        default=dt.time(16, 0),
        help_text=_("Hồ sơ nhận sau giờ này được tính từ ngày làm việc tiếp theo."),
    )

    class Meta:
        verbose_name = _("giờ làm việc")
        verbose_name_plural = _("giờ làm việc")

    def __str__(self) -> str:
        return str(_("Giờ làm việc"))

    def clean(self) -> None:
        if not (self.morning_start < self.morning_end <= self.afternoon_start < self.afternoon_end):
            raise ValidationError(_("Các mốc giờ làm việc phải tăng dần trong ngày."))
        if not (self.morning_start <= self.cutoff <= self.afternoon_end):
            raise ValidationError({"cutoff": _("Giờ chốt phải nằm trong giờ làm việc.")})

    @classmethod
    def current(cls) -> OfficeHours:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj
