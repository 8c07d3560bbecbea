"""One-stop dossiers (hồ sơ một cửa): the dossier, its history, files, issued forms.

A dossier's ``state`` only changes through :mod:`tinhso.dossiers.services`, which
checks the transition table in :mod:`tinhso.dossiers.workflow`, the actor's role at
the right agency and the ``version`` column (optimistic concurrency).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.core.models import Agency
from tinhso.core.text import fold
from tinhso.procedures.models import Procedure, RequiredDocument


class State(models.TextChoices):
    SUBMITTED = "submitted", _("Chờ tiếp nhận")
    AWAITING_PAYMENT = "awaiting_payment", _("Chờ thanh toán")
    ADDITIONS_REQUESTED = "additions_requested", _("Chờ bổ sung")
    REFUSED = "refused", _("Từ chối")
    RECEIVED = "received", _("Đã tiếp nhận")
    PROCESSING = "processing", _("Đang xử lý")
    PAUSED = "paused", _("Tạm dừng")
    RESULT_READY = "result_ready", _("Có kết quả, chờ trả")
    RETURNED = "returned", _("Đã trả kết quả")
    WITHDRAWN = "withdrawn", _("Đã rút")
    STOPPED = "stopped", _("Dừng xử lý")


# States in which the processing clock does not run (the applicant or a payment is awaited).
CLOCK_STOPPED_STATES = frozenset({State.ADDITIONS_REQUESTED, State.AWAITING_PAYMENT, State.PAUSED})
# States in which the dossier is received and still being handled by an agency.
OPEN_STATES = frozenset(
    {
        State.RECEIVED,
        State.PROCESSING,
        State.ADDITIONS_REQUESTED,
        State.AWAITING_PAYMENT,
        State.PAUSED,
    }
)
FINAL_STATES = frozenset({State.REFUSED, State.RETURNED, State.WITHDRAWN, State.STOPPED})


class Channel(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")
    COUNTER = "counter", _("Trực tiếp tại Bộ phận một cửa")
    POST = "post", _("Dịch vụ bưu chính")


class Timeliness(models.TextChoices):
    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


class FeeStatus(models.TextChoices):
    NONE = "none", _("Không có phí")
    UNPAID = "unpaid", _("Chưa nộp")
    PAID = "paid", _("Đã nộp")


class DailyCounter(models.Model):
    """The last sequence number issued for one agency on one day (for dossier codes)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bộ đếm số hồ sơ")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["agency", "day"], name="dossiers_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last}"


def search_name(name: str) -> str:
    """What ``Dossier.applicant_search`` holds for ``name``."""
    return fold(name)[:150]


class Dossier(models.Model):
    code = models.CharField(_("mã hồ sơ"), max_length=40, unique=True)
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="dossiers"
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    current_agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan đang xử lý"),
        on_delete=models.PROTECT,
        related_name="dossiers_in_hand",
    )
    current_role = models.CharField(_("vai trò đang xử lý"), max_length=20, blank=True)
    step_index = models.PositiveSmallIntegerField(_("bước xử lý hiện tại"), default=0)
    steps = models.JSONField(_("quy trình"), default=list, blank=True)
    channel = models.CharField(_("hình thức nộp"), max_length=10, choices=Channel.choices)
    state = models.CharField(
        _("trạng thái"), max_length=20, choices=State.choices, default=State.SUBMITTED
    )
    # State to return to when a pause (additions, payment, suspension) ends.
    resume_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản người nộp"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossiers",
    )
    applicant_name = models.CharField(_("họ và tên người nộp"), max_length=150)
    # The name folded for search ("Nguyễn Thị Hoà" → "nguyen thi hoa"): officers type
    # names without diacritics; set by save() (and by bulk writers through search_name).
    applicant_search = models.CharField(max_length=150, blank=True, default="", editable=False)
    applicant_citizen_id = models.CharField(_("số định danh cá nhân"), max_length=12, blank=True)
    applicant_birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    applicant_gender = models.CharField(_("giới tính"), max_length=10, blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    applicant_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    prefilled = models.BooleanField(_("lấy từ CSDL dân cư"), default=False)
    note = models.TextField(_("nội dung yêu cầu"), blank=True)

    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    idempotency_fingerprint = models.CharField(max_length=64, blank=True)

    submitted_at = models.DateTimeField(_("ngày nộp"), default=timezone.now, db_index=True)
    received_at = models.DateTimeField(_("ngày tiếp nhận"), null=True, blank=True, db_index=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    due_date = models.DateField(_("ngày hẹn trả"), null=True, blank=True, db_index=True)
    original_due_date = models.DateField(_("ngày hẹn trả ban đầu"), null=True, blank=True)
    apology_due_date = models.DateField(_("ngày hẹn mới (xin lỗi)"), null=True, blank=True)
    apologized_at = models.DateTimeField(_("ngày gửi thư xin lỗi"), null=True, blank=True)
    paused_since = models.DateTimeField(_("tạm ngừng tính thời hạn từ"), null=True, blank=True)
    paused_working_days = models.PositiveIntegerField(_("số ngày làm việc tạm ngừng"), default=0)
    finished_at = models.DateTimeField(_("ngày có kết quả"), null=True, blank=True, db_index=True)
    returned_at = models.DateTimeField(_("ngày trả kết quả"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ngày kết thúc"), null=True, blank=True)
    timeliness = models.CharField(
        _("tiến độ"), max_length=10, choices=Timeliness.choices, blank=True, db_index=True
    )

    fee_amount = models.DecimalField(
        _("phí, lệ phí (đồng)"), max_digits=14, decimal_places=0, default=Decimal(0)
    )
    fee_status = models.CharField(
        _("tình trạng phí"), max_length=10, choices=FeeStatus.choices, default=FeeStatus.NONE
    )
    paid_online = models.BooleanField(_("thanh toán trực tuyến"), default=False)
    paid_at = models.DateTimeField(_("ngày nộp phí"), null=True, blank=True)
    payment_reference = models.CharField(_("mã giao dịch"), max_length=100, blank=True)

    rating = models.PositiveSmallIntegerField(_("mức hài lòng"), null=True, blank=True)
    rating_comment = models.TextField(_("góp ý"), blank=True)
    rated_at = models.DateTimeField(_("ngày đánh giá"), null=True, blank=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering: ClassVar = ["-submitted_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["submitted_by", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="dossiers_idempotency_key_unique",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="dossiers_rating_1_to_5",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["state", "current_role", "current_agency"]),
            models.Index(fields=["agency", "state"]),
            models.Index(fields=["applicant", "-submitted_at"]),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.applicant_search = search_name(self.applicant_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "applicant_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "applicant_search"}
        super().save(*args, **kwargs)

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def appointment_date(self) -> Any:
        """The date promised to the applicant (the apology's new date if one was sent)."""
        return self.apology_due_date or self.due_date

    @property
    def current_step(self) -> dict[str, Any] | None:
        if self.state in (State.RECEIVED, State.PROCESSING) and self.step_index < len(self.steps):
            step: dict[str, Any] = self.steps[self.step_index]
            return step
        return None


class DossierEvent(models.Model):
    """One recorded action on a dossier: who, when, why, from which state to which."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("thao tác"), max_length=30)
    from_state = models.CharField(_("từ trạng thái"), max_length=20, blank=True)
    to_state = models.CharField(_("sang trạng thái"), max_length=20, blank=True)
    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(_("người thực hiện"), max_length=150, blank=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("lý do, ghi chú"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("lịch sử hồ sơ")
        verbose_name_plural = _("lịch sử hồ sơ")
        ordering: ClassVar = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action} {self.at:%d/%m/%Y %H:%M}"


class DossierDocument(models.Model):
    class Kind(models.TextChoices):
        APPLICATION = "application", _("Thành phần hồ sơ")
        ADDITION = "addition", _("Hồ sơ bổ sung")
        RESULT = "result", _("Kết quả giải quyết")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    required_document = models.ForeignKey(
        RequiredDocument, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.APPLICATION)
    name = models.CharField(_("tên giấy tờ"), max_length=1000)
    file = models.FileField(_("tệp"), upload_to="dossiers/%Y/%m/", max_length=300)
    filename = models.CharField(max_length=200)
    mimetype = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    reused_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("tệp hồ sơ")
        verbose_name_plural = _("tệp hồ sơ")
        ordering: ClassVar = ["dossier", "id"]

    def __str__(self) -> str:
        return self.name


class IssuedForm(models.Model):
    """A form issued for a dossier (receipt, request for additions…), kept as the PDF sent."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
        ADDITIONS = "additions", _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
        REFUSAL = "refusal", _("Phiếu từ chối tiếp nhận giải quyết hồ sơ")
        APOLOGY = "apology", _("Phiếu xin lỗi và hẹn lại ngày trả kết quả")
        STOP = "stop", _("Thông báo dừng xử lý hồ sơ")
        CONTROL = "control", _("Phiếu kiểm soát quá trình giải quyết hồ sơ")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="forms")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to="dossiers/forms/%Y/%m/", max_length=300)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("phiếu đã cấp")
        verbose_name_plural = _("phiếu đã cấp")
        ordering: ClassVar = ["dossier", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind}"


class Notification(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("Thư điện tử")
        SMS = "sms", _("Tin nhắn SMS")
        IN_APP = "in_app", _("Thông báo trên cổng")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dossier_notifications",
    )
    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="notifications", null=True, blank=True
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=255)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject
