"""Open-data catalog: datasets, resources, organizations (agencies), groups, tags, licences.

CKAN concepts map as follows: a CKAN *organization* is an :class:`Organization`, which
wraps a core :class:`~tinhso.core.models.Agency`; a CKAN *group* is a :class:`Group`
(a domain, lĩnh vực); a *package* is a :class:`Dataset`.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.core.models import AdministrativeUnit, Agency
from tinhso.core.text import clean_text, fold

NAME_VALIDATOR = RegexValidator(
    r"^[a-z0-9_-]{2,100}$",
    _("Chỉ dùng chữ thường không dấu, số, dấu - và _ (2–100 ký tự)."),
)


class License(models.Model):
    """A licence as CKAN's license_list returns it."""

    id = models.CharField(_("mã"), max_length=50, primary_key=True)
    title = models.CharField(_("tên"), max_length=200)
    url = models.URLField(_("địa chỉ"), blank=True)
    is_open = models.BooleanField(_("mở"), default=True)
    is_okd_compliant = models.BooleanField(default=True)
    is_osi_compliant = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("giấy phép")
        verbose_name_plural = _("giấy phép")
        ordering: ClassVar = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Organization(models.Model):
    """A publishing agency (CKAN organization)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.OneToOneField(
        Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="organization"
    )
    name = models.CharField(
        _("tên định danh"), max_length=100, unique=True, validators=[NAME_VALIDATOR]
    )
    title = models.CharField(_("tên"), max_length=255)
    description = models.TextField(_("giới thiệu"), blank=True)
    image_url = models.CharField(_("ảnh"), max_length=500, blank=True)
    created = models.DateTimeField(_("ngày tạo"), default=timezone.now)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("tổ chức xuất bản")
        verbose_name_plural = _("tổ chức xuất bản")
        ordering: ClassVar = ["title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.title = clean_text(self.title)
        super().save(*args, **kwargs)


class OrganizationMember(models.Model):
    class Capacity(models.TextChoices):
        ADMIN = "admin", _("Quản trị")
        EDITOR = "editor", _("Biên tập")
        MEMBER = "member", _("Thành viên")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="catalog_memberships"
    )
    capacity = models.CharField(_("vai trò"), max_length=10, choices=Capacity.choices)

    class Meta:
        verbose_name = _("thành viên tổ chức")
        verbose_name_plural = _("thành viên tổ chức")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="catalog_orgmember_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organization} ({self.capacity})"


class Group(models.Model):
    """A domain (lĩnh vực), CKAN group."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(
        _("tên định danh"), max_length=100, unique=True, validators=[NAME_VALIDATOR]
    )
    title = models.CharField(_("tên"), max_length=255)
    title_en = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)
    description = models.TextField(_("giới thiệu"), blank=True)
    theme_uri = models.URLField(
        _("chủ đề DCAT"), blank=True, help_text=_("URI chủ đề EU Data Theme tương ứng")
    )
    image_url = models.CharField(_("ảnh"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created = models.DateTimeField(_("ngày tạo"), default=timezone.now)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering: ClassVar = ["position", "title"]

    def __str__(self) -> str:
        return self.title


class Tag(models.Model):
    name = models.CharField(_("từ khoá"), max_length=100, unique=True)
    search_key = models.CharField(max_length=100, editable=False, db_index=True)

    class Meta:
        verbose_name = _("từ khoá")
        verbose_name_plural = _("từ khoá")
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name = clean_text(self.name)
        self.search_key = fold(self.name)
        super().save(*args, **kwargs)


class Dataset(models.Model):
    """A dataset (CKAN package)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        ACTIVE = "active", _("Đã xuất bản")
        DELETED = "deleted", _("Đã xoá")

    class Frequency(models.TextChoices):
        # EU frequency vocabulary codes (used in DCAT output).
        DAILY = "DAILY", _("Hằng ngày")
        WEEKLY = "WEEKLY", _("Hằng tuần")
        MONTHLY = "MONTHLY", _("Hằng tháng")
        QUARTERLY = "QUARTERLY", _("Hằng quý")
        BIANNUAL = "BIANNUAL", _("Sáu tháng")
        ANNUAL = "ANNUAL", _("Hằng năm")
        IRREG = "IRREG", _("Không định kỳ")
        NEVER = "NEVER", _("Không cập nhật")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(
        _("tên định danh"), max_length=100, unique=True, validators=[NAME_VALIDATOR]
    )
    title = models.CharField(_("tiêu đề"), max_length=500)
    notes = models.TextField(_("mô tả (Markdown)"), blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("tổ chức xuất bản"),
        on_delete=models.PROTECT,
        related_name="datasets",
    )
    groups = models.ManyToManyField(
        Group, verbose_name=_("lĩnh vực"), blank=True, related_name="datasets"
    )
    tags = models.ManyToManyField(
        Tag, verbose_name=_("từ khoá"), blank=True, related_name="datasets"
    )
    license = models.ForeignKey(
        License,
        verbose_name=_("giấy phép"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="datasets",
    )
    version = models.CharField(_("phiên bản"), max_length=100, blank=True)
    url = models.URLField(_("trang nguồn"), max_length=1000, blank=True)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True
    )
    private = models.BooleanField(_("riêng tư"), default=False)
    temporal_start = models.DateField(_("thời gian từ"), null=True, blank=True)
    temporal_end = models.DateField(_("thời gian đến"), null=True, blank=True)
    spatial = models.ManyToManyField(
        AdministrativeUnit,
        verbose_name=_("phạm vi không gian"),
        blank=True,
        related_name="datasets",
    )
    frequency = models.CharField(
        _("tần suất cập nhật"), max_length=12, choices=Frequency.choices, blank=True
    )
    author = models.CharField(_("tác giả"), max_length=255, blank=True)
    author_email = models.EmailField(_("thư tác giả"), blank=True)
    maintainer = models.CharField(_("đầu mối liên hệ"), max_length=255, blank=True)
    maintainer_email = models.EmailField(_("thư đầu mối"), blank=True)
    extras = models.JSONField(_("thông tin bổ sung"), default=dict, blank=True)
    metadata_created = models.DateTimeField(_("ngày tạo"), default=timezone.now, db_index=True)
    metadata_modified = models.DateTimeField(
        _("ngày cập nhật"), default=timezone.now, db_index=True
    )
    creator_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Folded (no diacritics, lower case) text kept for search backends and sorting.
    search_title = models.CharField(max_length=500, editable=False, default="", db_index=True)

    class Meta:
        verbose_name = _("bộ dữ liệu")
        verbose_name_plural = _("bộ dữ liệu")
        ordering: ClassVar = ["-metadata_modified"]
        indexes: ClassVar = [models.Index(fields=["state", "private", "-metadata_modified"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.title = clean_text(self.title)
        self.notes = self.notes.replace("\r\n", "\n")
        self.search_title = fold(self.title)[:500]
        super().save(*args, **kwargs)

    @property
    def is_public(self) -> bool:
        return self.state == self.State.ACTIVE and not self.private


def resource_upload_to(instance: Resource, filename: str) -> str:
    return f"resources/{instance.dataset_id}/{instance.id}/{filename}"


class Resource(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="resources")
    name = models.CharField(_("tên"), max_length=500)
    description = models.TextField(_("mô tả"), blank=True)
    url = models.URLField(_("đường dẫn"), max_length=2000, blank=True)
    upload = models.FileField(_("tệp"), upload_to=resource_upload_to, max_length=500, blank=True)
    format = models.CharField(_("định dạng"), max_length=50, blank=True, db_index=True)
    mimetype = models.CharField(_("kiểu MIME"), max_length=100, blank=True)
    size = models.BigIntegerField(_("dung lượng (byte)"), null=True, blank=True)
    hash = models.CharField(_("mã băm SHA-256"), max_length=80, blank=True)
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    created = models.DateTimeField(_("ngày tạo"), default=timezone.now)
    last_modified = models.DateTimeField(_("cập nhật"), default=timezone.now)
    extras = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("tài nguyên")
        verbose_name_plural = _("tài nguyên")
        ordering: ClassVar = ["dataset", "position"]

    def __str__(self) -> str:
        return self.name

    @property
    def url_type(self) -> str:
        return "upload" if self.upload else ""


class Activity(models.Model):
    """Activity stream with a full snapshot of the dataset after each change (revision history)."""

    class Kind(models.TextChoices):
        NEW = "new package", _("tạo bộ dữ liệu")
        CHANGED = "changed package", _("cập nhật bộ dữ liệu")
        DELETED = "deleted package", _("xoá bộ dữ liệu")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="activities")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="activities"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    timestamp = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    revision = models.PositiveIntegerField(_("phiên bản"))
    data = models.JSONField(_("ảnh chụp"), default=dict)

    class Meta:
        verbose_name = _("hoạt động")
        verbose_name_plural = _("hoạt động")
        ordering: ClassVar = ["-timestamp"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["dataset", "revision"], name="catalog_activity_revision_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dataset_id} r{self.revision} {self.kind}"


class HarvestSource(models.Model):
    """Another CKAN or DCAT portal whose datasets are copied here on a schedule."""

    class Kind(models.TextChoices):
        CKAN = "ckan", "CKAN API"
        DCAT = "dcat", "DCAT (RDF)"

    class Frequency(models.TextChoices):
        MANUAL = "manual", _("Thủ công")
        DAILY = "daily", _("Hằng ngày")
        WEEKLY = "weekly", _("Hằng tuần")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("tên nguồn"), max_length=255)
    url = models.URLField(_("địa chỉ"), max_length=1000)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("tổ chức nhận dữ liệu"),
        on_delete=models.PROTECT,
        related_name="harvest_sources",
    )
    frequency = models.CharField(
        _("tần suất"), max_length=10, choices=Frequency.choices, default=Frequency.MANUAL
    )
    allow_private_addresses = models.BooleanField(
        _("cho phép địa chỉ nội bộ"),
        default=False,
        help_text=_("Chỉ bật cho nguồn tin cậy trong mạng nội bộ (mặc định bị chặn)."),
    )
    config = models.JSONField(_("cấu hình"), default=dict, blank=True)
    is_active = models.BooleanField(_("đang bật"), default=True)
    created = models.DateTimeField(_("ngày tạo"), default=timezone.now)
    last_run_at = models.DateTimeField(_("lần chạy cuối"), null=True, blank=True)

    class Meta:
        verbose_name = _("nguồn thu thập")
        verbose_name_plural = _("nguồn thu thập")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["url", "kind"], name="catalog_harvestsource_unique_url")
        ]

    def __str__(self) -> str:
        return self.title


class HarvestJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang chạy")
        FINISHED = "finished", _("Hoàn tất")
        FAILED = "failed", _("Lỗi")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.ForeignKey(HarvestSource, on_delete=models.CASCADE, related_name="jobs")
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    created = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    total = models.PositiveIntegerField(_("tổng số"), default=0)
    created_count = models.PositiveIntegerField(_("tạo mới"), default=0)
    updated_count = models.PositiveIntegerField(_("cập nhật"), default=0)
    skipped_count = models.PositiveIntegerField(_("bỏ qua"), default=0)
    error_count = models.PositiveIntegerField(_("lỗi"), default=0)
    log = models.TextField(_("nhật ký"), blank=True)

    class Meta:
        verbose_name = _("lượt thu thập")
        verbose_name_plural = _("lượt thu thập")
        ordering: ClassVar = ["-created"]

    def __str__(self) -> str:
        return f"{self.source} {self.created:%Y-%m-%d %H:%M}"


class HarvestedDataset(models.Model):
    """Links a local dataset to its identifier at the source, so re-harvests update, never duplicate."""

    source = models.ForeignKey(HarvestSource, on_delete=models.CASCADE, related_name="records")
    remote_id = models.CharField(max_length=500)
    dataset = models.OneToOneField(Dataset, on_delete=models.CASCADE, related_name="harvest_record")
    remote_modified = models.CharField(max_length=64, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["source", "remote_id"], name="catalog_harvested_unique_remote"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.remote_id}"


# --- Search index -----------------------------------------------------------------------------
# One denormalised row per non-deleted dataset (``SearchEntry``) plus one row per facet value
# (``SearchFacet``), so a search and its facet counts never join the five relation tables.
# The text columns hold *folded* text (``tinhso.core.text.fold``: lower case, no diacritics,
# đ→d). Database triggers created by migration 0003 keep the engine's full-text index in step
# with these rows: an external-content FTS5 table on SQLite, a weighted ``tsvector`` column
# with a GIN index on PostgreSQL. ``tinhso.catalog.search`` writes the rows.


class SearchDocumentField(SearchVectorField):
    """``tsvector`` on PostgreSQL (filled by a trigger); an unused nullable text column elsewhere."""

    def db_type(self, connection: Any) -> str:
        return "tsvector" if connection.vendor == "postgresql" else "text"


class SearchEntry(models.Model):
    dataset = models.OneToOneField(Dataset, on_delete=models.CASCADE, related_name="search_entry")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    organization_name = models.CharField(max_length=100)
    license_code = models.CharField(max_length=50, blank=True)
    state = models.CharField(max_length=10)
    private = models.BooleanField(default=False)
    name = models.CharField(max_length=100)
    sort_title = models.CharField(max_length=500)
    metadata_created = models.DateTimeField()
    metadata_modified = models.DateTimeField()
    text_title = models.TextField(blank=True)
    text_body = models.TextField(blank=True)
    document = SearchDocumentField(null=True, editable=False)
    # SearchState.generation at the last write of this row (facet caches reload what changed).
    seq = models.BigIntegerField(default=0, db_index=True)

    class Meta:
        verbose_name = _("mục chỉ mục tìm kiếm")
        verbose_name_plural = _("chỉ mục tìm kiếm")
        # Covering indexes for the column sorts (the tie-breaker ``name`` sorts in the same
        # direction, so one index serves both directions): deep pages skip index entries only.
        indexes: ClassVar = [
            models.Index(
                fields=["state", "private", "metadata_modified", "name", "dataset"],
                name="catalog_se_modified_cov",
            ),
            models.Index(
                fields=["state", "private", "metadata_created", "name", "dataset"],
                name="catalog_se_created_cov",
            ),
            models.Index(
                fields=["state", "private", "sort_title", "name", "dataset"],
                name="catalog_se_title_cov",
            ),
            models.Index(
                fields=["state", "private", "name", "dataset"], name="catalog_se_name_cov"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SearchState(models.Model):
    """Singleton: a counter bumped by every index write, so each process's in-memory facet
    bitmaps (``tinhso.catalog.search.FacetIndex``) know when and what to reload."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    generation = models.BigIntegerField(default=0)
    # Tokens of the last bumps, newest last: a cache whose token is still listed may load
    # only the rows changed since; otherwise (rolled back, restored, too old) it reloads all.
    recent = models.CharField(max_length=400, blank=True, default="")

    def __str__(self) -> str:
        return f"generation {self.generation}"


class SearchFacet(models.Model):
    """One facet value of one indexed dataset (field is a CKAN facet name)."""

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="facets")
    field = models.CharField(max_length=12)
    value = models.CharField(max_length=200)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["field", "value", "entry"], name="catalog_sf_value"),
        ]

    def __str__(self) -> str:
        return f"{self.field}={self.value}"


class FTS5MatchField(models.TextField):
    """FTS5's hidden table-named column; supports the ``fts`` lookup (``… MATCH %s``)."""


@FTS5MatchField.register_lookup
class FTS5Match(models.Lookup):
    lookup_name = "fts"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class SearchEntryFTS(models.Model):
    """The SQLite FTS5 table (external content = SearchEntry). Not created on PostgreSQL.

    ``match`` is FTS5's hidden column named after the table (``… WHERE fts MATCH ?``) and
    ``rank`` its hidden rank column, configured as ``bm25(10.0, 1.0)`` (title ×10).
    """

    entry = models.OneToOneField(
        SearchEntry,
        primary_key=True,
        db_column="rowid",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="fts",
    )
    match = FTS5MatchField(db_column="catalog_search_fts")
    rank = models.FloatField()

    class Meta:
        managed = False
        db_table = "catalog_search_fts"

    def __str__(self) -> str:
        return str(self.pk)
