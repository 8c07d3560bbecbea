"""Identity data: the simulator's synthetic residents, the personal-data access log,
and the record of how each account's ID number was verified."""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "nam", _("Nam")
    FEMALE = "nữ", _("Nữ")


class SyntheticResident(models.Model):
    """A made-up person known to the simulated population registry (demo and tests only)."""

    citizen_id = models.CharField(_("số định danh cá nhân"), max_length=12, unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=150)
    date_of_birth = models.DateField(_("ngày sinh"))
    gender = models.CharField(_("giới tính"), max_length=3, choices=Gender.choices)
    address = models.CharField(_("nơi thường trú"), max_length=255)
    commune_code = models.CharField(_("mã xã/phường"), max_length=10, db_index=True)
    province_code = models.CharField(_("mã tỉnh"), max_length=10)

    class Meta:
        verbose_name = _("cư dân giả lập")
        verbose_name_plural = _("cư dân giả lập")
        ordering: ClassVar = ["citizen_id"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.citizen_id})"


class AccessLogQuerySet(models.QuerySet["PersonalDataAccess"]):
    """Append-only: bulk edits and deletes are refused."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("Nhật ký truy cập dữ liệu cá nhân chỉ được ghi thêm.")

    def delete(self) -> NoReturn:
        raise PermissionError("Nhật ký truy cập dữ liệu cá nhân không được xoá.")


class PersonalDataAccess(models.Model):
    """One look-up of a person in the population registry (Decree 13/2023/NĐ-CP).

    Records who looked whom up, when, for what purpose and through which adapter,
    whether or not the person was found.
    """

    class Purpose(models.TextChoices):
        PREFILL = "prefill", _("Điền sẵn thông tin hồ sơ")
        ACCOUNT_VERIFICATION = "account_verification", _("Xác minh tài khoản công dân")
        COUNTER_INTAKE = "counter_intake", _("Tiếp nhận hồ sơ tại bộ phận một cửa")
        OFFICER_LOOKUP = "officer_lookup", _("Cán bộ tra cứu để giải quyết hồ sơ")
        OTHER = "other", _("Mục đích khác")

    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tra cứu"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_repr = models.CharField(_("người tra cứu"), max_length=200, blank=True)
    ip = models.CharField(_("địa chỉ IP"), max_length=45, blank=True)
    citizen_id = models.CharField(_("số định danh được tra cứu"), max_length=12, db_index=True)
    purpose = models.CharField(_("mục đích"), max_length=30, choices=Purpose.choices)
    reference = models.CharField(
        _("căn cứ"), max_length=100, blank=True, help_text=_("Ví dụ mã hồ sơ")
    )
    adapter = models.CharField(_("nguồn dữ liệu"), max_length=30)
    found = models.BooleanField(_("tìm thấy"), default=False)
    outcome = models.CharField(_("kết quả"), max_length=200, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("lượt truy cập dữ liệu cá nhân")
        verbose_name_plural = _("nhật ký truy cập dữ liệu cá nhân")
        ordering: ClassVar = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_repr} → {self.citizen_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Nhật ký truy cập dữ liệu cá nhân chỉ được ghi thêm.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("Nhật ký truy cập dữ liệu cá nhân không được xoá.")


class IdentityVerification(models.Model):
    """How and when an account's ID number was checked against the registry."""

    class Method(models.TextChoices):
        REGISTRATION = "registration", _("Đăng ký tài khoản")
        ACCOUNT_LINK = "account_link", _("Liên kết số định danh")
        EID = "eid", _("Đăng nhập định danh điện tử")
        ADMIN = "admin", _("Quản trị viên xác nhận")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="identity_verifications",
    )
    citizen_id = models.CharField(_("số định danh cá nhân"), max_length=12)
    method = models.CharField(_("cách xác minh"), max_length=20, choices=Method.choices)
    adapter = models.CharField(_("nguồn dữ liệu"), max_length=30)
    verified_at = models.DateTimeField(_("xác minh lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("xác minh định danh")
        verbose_name_plural = _("xác minh định danh")
        ordering: ClassVar = ["-verified_at"]

    def __str__(self) -> str:
        return f"{self.user} — {self.citizen_id}"


class SimulatedEidGrant(models.Model):
    """An authorization code issued by the local e-ID simulator (demo and tests only).

    Only the code's SHA-256 is kept; a code is used once, within a few minutes.
    """

    code_hash = models.CharField(max_length=64, unique=True)
    citizen_id = models.CharField(_("số định danh cá nhân"), max_length=12)
    client_id = models.CharField(max_length=200)
    redirect_uri = models.CharField(max_length=500)
    nonce = models.CharField(max_length=200)
    code_challenge = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mã ủy quyền VNeID mô phỏng")
        verbose_name_plural = _("mã ủy quyền VNeID mô phỏng")

    def __str__(self) -> str:
        return f"{self.citizen_id} @ {self.created_at:%Y-%m-%d %H:%M}"
