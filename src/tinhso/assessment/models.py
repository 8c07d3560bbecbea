"""Digital-transformation assessment: criteria trees, rounds, answers with evidence, results.

Scores are never typed: a leaf's score is computed from its answer by
:mod:`tinhso.assessment.scoring`; every higher total is the sum of its parts.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.core.models import Agency


class SubjectType(models.TextChoices):
    DEPARTMENT = "department", _("Sở, ban, ngành")
    DISTRICT = "district", _("Huyện, thị xã, thành phố (cũ)")
    COMMUNE = "commune", _("Xã, phường")


# The agency level each subject type is drawn from.
SUBJECT_AGENCY_LEVEL: dict[str, str] = {
    SubjectType.DEPARTMENT: Agency.Level.DEPARTMENT,
    SubjectType.DISTRICT: Agency.Level.DISTRICT,
    SubjectType.COMMUNE: Agency.Level.COMMUNE,
}


class ScoringMethod(models.TextChoices):
    YES_NO = "yes_no", _("Có/Không")
    RATIO = "ratio", _("Tỷ lệ so với chỉ tiêu")
    SCALE = "scale", _("Thang mức")
    BANDS = "bands", _("Theo khoảng số lượng")
    MANUAL = "manual", _("Chấm trực tiếp")


class EvidenceKind(models.TextChoices):
    NONE = "none", _("Không yêu cầu")
    FILE = "file", _("Tệp minh chứng")
    LINK = "link", _("Đường dẫn")
    FILE_OR_LINK = "file_or_link", _("Tệp hoặc đường dẫn")


class CriteriaSet(models.Model):
    """A tree of criteria for one year and one kind of subject."""

    code = models.SlugField(_("mã bộ tiêu chí"), max_length=80, unique=True)
    name = models.CharField(_("tên bộ tiêu chí"), max_length=255)
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    subject_type = models.CharField(_("đối tượng"), max_length=12, choices=SubjectType.choices)
    description = models.TextField(_("mô tả"), blank=True)
    max_points = models.DecimalField(_("tổng điểm tối đa"), max_digits=8, decimal_places=2)
    pass_min_points = models.DecimalField(
        _("điểm tối thiểu để công nhận hoàn thành"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Chỉ dùng cho bộ tiêu chí cấp xã."),
    )
    is_example = models.BooleanField(_("bộ tiêu chí ví dụ"), default=False)
    is_locked = models.BooleanField(
        _("đã khoá"),
        default=False,
        help_text=_("Bộ tiêu chí đã dùng cho một đợt đánh giá thì không được sửa."),
    )
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now)

    class Meta:
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")
        ordering: ClassVar = ["-year", "subject_type", "code"]

    def __str__(self) -> str:
        return self.name

    def pillars(self) -> models.QuerySet[Criterion]:
        return self.criteria.filter(parent__isnull=True).order_by("position", "code")


class Criterion(models.Model):
    """A pillar (depth 0), indicator (depth 1) or sub-indicator (depth 2).

    Only leaves carry a scoring method; a parent's ``max_points`` equals the sum of
    its children's, checked on import and by :func:`services.criteria_set_validate`.
    """

    criteria_set = models.ForeignKey(
        CriteriaSet,
        verbose_name=_("bộ tiêu chí"),
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("tiêu chí cha"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tên tiêu chí"), max_length=500)
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    depth = models.PositiveSmallIntegerField(_("cấp"), default=0)
    is_leaf = models.BooleanField(_("là tiêu chí lá"), default=True)
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=8, decimal_places=2)
    method = models.CharField(
        _("cách chấm"), max_length=10, choices=ScoringMethod.choices, blank=True
    )
    target = models.DecimalField(
        _("chỉ tiêu"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    scale_levels = models.PositiveSmallIntegerField(_("số mức thang"), null=True, blank=True)
    bands = models.JSONField(
        _("các khoảng"),
        default=list,
        blank=True,
        help_text=_('Danh sách {"min": số, "points": điểm}, min tăng dần.'),
    )
    unit = models.CharField(_("đơn vị tính"), max_length=50, blank=True)
    evidence = models.CharField(
        _("minh chứng bắt buộc"),
        max_length=12,
        choices=EvidenceKind.choices,
        default=EvidenceKind.NONE,
    )
    evidence_note = models.CharField(_("hướng dẫn minh chứng"), max_length=500, blank=True)
    pass_min_points = models.DecimalField(
        _("điểm tối thiểu để đạt (xã)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    provider = models.CharField(
        _("nguồn số liệu tự động"),
        max_length=60,
        blank=True,
        help_text=_("Mã bộ tính chỉ số (xem phân hệ Chỉ số) để điền số liệu từ nền tảng."),
    )

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering: ClassVar = ["criteria_set", "position"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["criteria_set", "code"], name="assessment_criterion_unique_code"
            ),
            models.CheckConstraint(
                condition=models.Q(max_points__gt=0), name="assessment_criterion_max_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"

    @property
    def pillar_code(self) -> str:
        return self.code.split(".")[0]


class Round(models.Model):
    """One assessment exercise: a criteria set applied to a list of subjects."""

    class Status(models.TextChoices):
        OPEN = "open", _("Đang tự đánh giá và thẩm định")
        PUBLISHED = "published", _("Đã công bố")
        REVISING = "revising", _("Đang điều chỉnh sau công bố")

    code = models.SlugField(_("mã đợt"), max_length=80, unique=True)
    name = models.CharField(_("tên đợt đánh giá"), max_length=255)
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("bộ tiêu chí"), on_delete=models.PROTECT, related_name="rounds"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    deadline = models.DateTimeField(_("hạn tự đánh giá"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    revision = models.PositiveSmallIntegerField(_("lần công bố"), default=0)
    opened_at = models.DateTimeField(_("mở lúc"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)
    revision_reason = models.TextField(
        _("lý do điều chỉnh đang mở"),
        blank=True,
        help_text=_("Ghi khi mở điều chỉnh sau công bố; chuyển vào lần công bố tiếp theo."),
    )

    class Meta:
        verbose_name = _("đợt đánh giá")
        verbose_name_plural = _("đợt đánh giá")
        ordering: ClassVar = ["-year", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def subject_type(self) -> str:
        return self.criteria_set.subject_type

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def deadline_passed(self, now: Any = None) -> bool:
        return (now or timezone.now()) > self.deadline


class Participation(models.Model):
    """A subject (agency) taking part in a round."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang tự đánh giá")
        SUBMITTED = "submitted", _("Đã nộp, chờ thẩm định")
        CLARIFICATION = "clarification", _("Được yêu cầu giải trình")
        REVIEWED = "reviewed", _("Đã thẩm định")

    round = models.ForeignKey(
        Round,
        verbose_name=_("đợt đánh giá"),
        on_delete=models.CASCADE,
        related_name="participations",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("trạng thái"), max_length=14, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("đơn vị tham gia")
        verbose_name_plural = _("đơn vị tham gia")
        ordering: ClassVar = ["round", "agency__path"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["round", "agency"], name="assessment_participation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} — {self.agency}"


class Answer(models.Model):
    """The subject's declared value for one leaf criterion, and the assessor's review."""

    class ReviewStatus(models.TextChoices):
        PENDING = "pending", _("Chờ thẩm định")
        ACCEPTED = "accepted", _("Chấp nhận")
        ADJUSTED = "adjusted", _("Điều chỉnh")
        CLARIFICATION = "clarification", _("Yêu cầu giải trình")

    participation = models.ForeignKey(
        Participation,
        verbose_name=_("đơn vị tham gia"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("tiêu chí"), on_delete=models.PROTECT, related_name="answers"
    )
    # Declared by the subject (which one is used depends on the criterion's method).
    value = models.DecimalField(
        _("giá trị kê khai"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    note = models.TextField(_("thuyết minh"), blank=True)
    declared_score = models.DecimalField(
        _("điểm tự đánh giá"), max_digits=8, decimal_places=2, null=True, blank=True, editable=False
    )
    answered_at = models.DateTimeField(_("kê khai lúc"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Filled from platform data by an indicators provider, shown beside the declared value.
    computed_value = models.DecimalField(
        _("giá trị từ hệ thống"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    computed_source = models.CharField(_("nguồn giá trị hệ thống"), max_length=500, blank=True)
    computed_at = models.DateTimeField(_("tính lúc"), null=True, blank=True)
    # Review.
    review_status = models.CharField(
        _("kết quả thẩm định"),
        max_length=14,
        choices=ReviewStatus.choices,
        default=ReviewStatus.PENDING,
    )
    adjusted_value = models.DecimalField(
        _("giá trị sau thẩm định"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    review_reason = models.TextField(_("lý do / nội dung yêu cầu"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("thẩm định lúc"), null=True, blank=True)
    final_score = models.DecimalField(
        _("điểm sau thẩm định"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )

    class Meta:
        verbose_name = _("nội dung tự đánh giá")
        verbose_name_plural = _("nội dung tự đánh giá")
        ordering: ClassVar = ["participation", "criterion__position"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["participation", "criterion"], name="assessment_answer_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participation.agency} — {self.criterion.code}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Defence in depth: services refuse first, with a clear message.
        status = (
            Round.objects.filter(participations=self.participation_id)
            .values_list("status", flat=True)
            .first()
        )
        if status == Round.Status.PUBLISHED:
            raise ValidationError(_("Đợt đánh giá đã công bố, không được sửa."))
        super().save(*args, **kwargs)

    @property
    def is_answered(self) -> bool:
        return self.value is not None


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"assessment/evidence/{instance.answer.participation.round_id}/{uuid.uuid4().hex}.{ext}"


class Evidence(models.Model):
    """A file or a link supporting an answer."""

    class Kind(models.TextChoices):
        FILE = "file", _("Tệp")
        LINK = "link", _("Đường dẫn")

    answer = models.ForeignKey(
        Answer, verbose_name=_("nội dung"), on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField(_("loại"), max_length=4, choices=Kind.choices)
    file = models.FileField(_("tệp"), upload_to=evidence_upload_to, max_length=300, blank=True)
    url = models.URLField(_("đường dẫn"), max_length=1000, blank=True)
    title = models.CharField(_("tên minh chứng"), max_length=255)
    content_type = models.CharField(_("kiểu nội dung"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"), null=True, blank=True)
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, blank=True)
    uploaded_at = models.DateTimeField(_("tải lên lúc"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")
        ordering: ClassVar = ["answer", "uploaded_at"]

    def __str__(self) -> str:
        return self.title


class Publication(models.Model):
    """One publication (revision) of a round's results, frozen. Append-only."""

    round = models.ForeignKey(
        Round, verbose_name=_("đợt đánh giá"), on_delete=models.CASCADE, related_name="publications"
    )
    revision = models.PositiveSmallIntegerField(_("lần công bố"))
    published_at = models.DateTimeField(_("công bố lúc"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("lý do điều chỉnh"), blank=True)

    class Meta:
        verbose_name = _("lần công bố kết quả")
        verbose_name_plural = _("các lần công bố kết quả")
        ordering: ClassVar = ["round", "-revision"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["round", "revision"], name="assessment_publication_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} — lần {self.revision}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError(
                _("Kết quả đã công bố không được sửa; hãy mở một lần điều chỉnh.")
            )
        super().save(*args, **kwargs)


class Result(models.Model):
    """A subject's frozen result in one publication. ``total`` = sum of ``pillar_scores``."""

    publication = models.ForeignKey(
        Publication, verbose_name=_("lần công bố"), on_delete=models.CASCADE, related_name="results"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    total = models.DecimalField(_("tổng điểm"), max_digits=8, decimal_places=2)
    rank = models.PositiveIntegerField(_("xếp hạng"))
    pillar_scores = models.JSONField(_("điểm theo trụ cột"), default=dict)
    pillar_ranks = models.JSONField(_("hạng theo trụ cột"), default=dict)
    indicator_scores = models.JSONField(_("điểm theo chỉ số"), default=dict)
    submitted = models.BooleanField(_("đã nộp tự đánh giá"), default=True)
    recognised = models.BooleanField(_("được công nhận hoàn thành"), default=False)
    criteria_met = models.JSONField(_("tiêu chí đạt"), default=list)

    class Meta:
        verbose_name = _("kết quả")
        verbose_name_plural = _("kết quả")
        ordering: ClassVar = ["publication", "rank", "agency__name"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["publication", "agency"], name="assessment_result_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency}: {self.total}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError(
                _("Kết quả đã công bố không được sửa; hãy mở một lần điều chỉnh.")
            )
        super().save(*args, **kwargs)
