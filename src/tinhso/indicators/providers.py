"""Providers: small plugins that compute an indicator from the platform's own data.

A provider answers for a period and, where it makes sense, for one agency. When the
app holding its data is not installed (or does not offer the statistic yet) it says
so — :meth:`Provider.compute` returns ``None`` and :meth:`Provider.no_data_reason`
explains why — and callers fall back to the latest declared value with its source.
A provider never invents a number.

Contracts expected from apps that are not built yet (checked at call time):

- ``tinhso.dossiers.selectors.dossier_statistics(*, agency, start, end) -> dict`` with
  integer keys ``received``, ``received_online``, ``finished``, ``finished_on_time``
  (on time or early), ``paid``, ``paid_online``;
- ``tinhso.procedures.selectors.procedure_counts(*, agency=None) -> dict`` with keys
  ``partial_online``, ``full_online``, ``integrated_national``;
- ``tinhso.traceability.selectors.stamp_count(*, end) -> int``;
- ``tinhso.documents.selectors.signing_statistics(*, agency, start, end) -> dict`` with
  ``exchanged``, ``signed_personal``, ``signed_agency``.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar

from django.apps import apps
from django.utils.translation import gettext as _

from tinhso.core.models import Agency

PERCENT = Decimal("0.01")


@dataclass(frozen=True)
class ProviderResult:
    value: Decimal
    source: str
    as_of: dt.date
    detail: dict[str, Any] = field(default_factory=dict)


def percent(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(PERCENT, rounding=ROUND_HALF_UP)


class Provider:
    """Base class. Subclasses set ``code``, ``label``, ``source_app`` and implement
    :meth:`_compute`."""

    code: ClassVar[str] = ""
    label: ClassVar[str] = ""
    source_app: ClassVar[str] = ""
    per_agency: ClassVar[bool] = False

    def available(self) -> bool:
        return apps.is_installed(self.source_app)

    def no_data_reason(self) -> str:
        if not self.available():
            return _("Chưa có số liệu: phân hệ %(app)s chưa được cài đặt.") % {
                "app": self.source_app.rsplit(".", 1)[-1]
            }
        return _("Chưa có số liệu cho kỳ này trên nền tảng.")

    def compute(
        self, *, agency: Agency | None = None, start: dt.date, end: dt.date
    ) -> ProviderResult | None:
        if not self.available():
            return None
        if agency is not None and not self.per_agency:
            return None
        return self._compute(agency=agency, start=start, end=end)

    def _compute(
        self, *, agency: Agency | None, start: dt.date, end: dt.date
    ) -> ProviderResult | None:
        raise NotImplementedError


_REGISTRY: dict[str, Provider] = {}


def register(cls: type[Provider]) -> type[Provider]:
    _REGISTRY[cls.code] = cls()
    return cls


def get_provider(code: str) -> Provider | None:
    return _REGISTRY.get(code)


def all_providers() -> dict[str, Provider]:
    return dict(_REGISTRY)


def _contract(module: str, name: str) -> Callable[..., Any] | None:
    """A function another app promises (see module docstring), or None if absent."""
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    func = getattr(mod, name, None)
    return func if callable(func) else None


def _end_of_day(day: dt.date) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


# ---------------------------------------------------------------- core


@register
class PlatformAccounts(Provider):
    code = "platform_accounts"
    label = "Tài khoản người dùng trên nền tảng"
    source_app = "tinhso.core"

    def _compute(
        self, *, agency: Agency | None, start: dt.date, end: dt.date
    ) -> ProviderResult | None:
        from tinhso.core.models import User

        count = User.objects.filter(is_active=True, date_joined__lte=_end_of_day(end)).count()
        return ProviderResult(
            value=Decimal(count),
            source=_("Nền tảng: số tài khoản đang hoạt động (bảng người dùng)"),
            as_of=end,
        )


# ---------------------------------------------------------------- catalog

# How long after its last update a dataset with this frequency is still "on schedule".
FREQUENCY_DAYS = {
    "DAILY": 2,
    "WEEKLY": 8,
    "MONTHLY": 32,
    "QUARTERLY": 93,
    "BIANNUAL": 184,
    "ANNUAL": 366,
}


def _published_datasets(agency: Agency | None, end: dt.date) -> Any:
    from tinhso.catalog.models import Dataset

    qs = Dataset.objects.filter(
        state=Dataset.State.ACTIVE, private=False, metadata_created__lte=_end_of_day(end)
    )
    if agency is not None:
        qs = qs.filter(organization__agency=agency)
    return qs


@register
class OpenDatasetsPublished(Provider):
    code = "open_datasets_published"
    label = "Bộ dữ liệu mở đã công bố"
    source_app = "tinhso.catalog"
    per_agency = True

    def _compute(
        self, *, agency: Agency | None, start: dt.date, end: dt.date
    ) -> ProviderResult | None:
        count = _published_datasets(agency, end).count()
        return ProviderResult(
            value=Decimal(count),
            source=_("Cổng dữ liệu mở: bộ dữ liệu công khai, đã xuất bản"),
            as_of=end,
        )


@register
class OpenDatasetsOnSchedule(Provider):
    """Share (%) of published datasets with a regular frequency updated within it."""

    code = "open_datasets_on_schedule"
    label = "Tỷ lệ bộ dữ liệu mở cập nhật đúng hạn"
    source_app = "tinhso.catalog"
    per_agency = True

    def _compute(
        self, *, agency: Agency | None, start: dt.date, end: dt.date
    ) -> ProviderResult | None:
        rows = list(
            _published_datasets(agency, end)
            .filter(frequency__in=list(FREQUENCY_DAYS))
            .values_list("frequency", "metadata_modified")
        )
        if not rows:
            return None
        cutoff = _end_of_day(end)
        on_time = sum(
            1
            for freq, modified in rows
            if modified <= cutoff and (cutoff - modified).days <= FREQUENCY_DAYS[freq]
        )
        return ProviderResult(
            value=percent(on_time, len(rows)),
            source=_("Cổng dữ liệu mở: %(ok)s/%(n)s bộ dữ liệu định kỳ cập nhật đúng hạn")
            % {"ok": on_time, "n": len(rows)},
            as_of=end,
            detail={"on_schedule": on_time, "scheduled": len(rows)},
        )


# ---------------------------------------------------------------- assessment


@register
class CommunesRecognised(Provider):
    code = "communes_recognised"
    label = "Xã được công nhận hoàn thành tiêu chí chuyển đổi số"
    source_app = "tinhso.assessment"

    def _compute(
        self, *, agency: Agency | None, start: dt.date, end: dt.date
    ) -> ProviderResult | None:
        from tinhso.assessment.selectors import recognised_commune_count

        count = recognised_commune_count()
        if count == 0:
            return None
        return ProviderResult(
            value=Decimal(count),
            source=_("Phân hệ Đánh giá: các đợt đánh giá cấp xã đã công bố"),
            as_of=end,
        )


# ---------------------------------------------------------------- apps not built yet


class _DossierShare(Provider):
    source_app = "tinhso.dossiers"
    per_agency = True
    part_key: ClassVar[str] = ""
    whole_key: ClassVar[str] = ""
    source_text: ClassVar[str] = ""

    def _compute(
        self, *, agency: Agency | None, start: dt.date, end: dt.date
    ) -> ProviderResult | None:
        stats_fn = _contract("tinhso.dossiers.selectors", "dossier_statistics")
        if stats_fn is None:
            return None
        stats = stats_fn(agency=agency, start=start, end=end)
        whole = int(stats.get(self.whole_key) or 0)
        if whole == 0:
            return None
        part = int(stats.get(self.part_key) or 0)
        return ProviderResult(
            value=percent(part, whole),
            source=self.source_text % {"part": part, "whole": whole},
            as_of=end,
            detail={self.part_key: part, self.whole_key: whole},
        )


@register
class OnlineDossierShare(_DossierShare):
    code = "online_dossier_share"
    label = "Tỷ lệ hồ sơ nộp trực tuyến"
    part_key = "received_online"
    whole_key = "received"
    source_text = "Hồ sơ một cửa: %(part)s/%(whole)s hồ sơ nộp trực tuyến"


@register
class OnTimeRate(_DossierShare):
    code = "ontime_rate"
    label = "Tỷ lệ hồ sơ giải quyết trước và đúng hạn"
    part_key = "finished_on_time"
    whole_key = "finished"
    source_text = "Hồ sơ một cửa: %(part)s/%(whole)s hồ sơ giải quyết trước và đúng hạn"


@register
class OnlinePaymentShare(_DossierShare):
    code = "online_payment_share"
    label = "Tỷ lệ hồ sơ thanh toán trực tuyến"
    part_key = "paid_online"
    whole_key = "paid"
    source_text = "Hồ sơ một cửa: %(part)s/%(whole)s hồ sơ có phí thanh toán trực tuyến"


class _ProcedureCount(Provider):
    source_app = "tinhso.procedures"
    key: ClassVar[str] = ""

    def _compute(
        self, *, agency: Agency | None, start: dt.date, end: dt.date
    ) -> ProviderResult | None:
        counts_fn = _contract("tinhso.procedures.selectors", "procedure_counts")
        if counts_fn is None:
            return None
        counts = counts_fn(agency=agency)
        if self.key not in counts:
            return None
        return ProviderResult(
            value=Decimal(int(counts[self.key])),
            source=_("Danh mục thủ tục hành chính trên nền tảng"),
            as_of=end,
        )


@register
class ProceduresPartialOnline(_ProcedureCount):
    code = "procedures_partial_online"
    label = "Dịch vụ công trực tuyến một phần"
    key = "partial_online"


@register
class ProceduresFullOnline(_ProcedureCount):
    code = "procedures_full_online"
    label = "Dịch vụ công trực tuyến toàn trình"
    key = "full_online"


@register
class ProceduresIntegrated(_ProcedureCount):
    code = "procedures_integrated"
    label = "Thủ tục tích hợp Cổng Dịch vụ công quốc gia"
    key = "integrated_national"


@register
class TraceabilityStamps(Provider):
    code = "traceability_stamps"
    label = "Tem truy xuất nguồn gốc đã cấp"
    source_app = "tinhso.traceability"

    def _compute(
        self, *, agency: Agency | None, start: dt.date, end: dt.date
    ) -> ProviderResult | None:
        count_fn = _contract("tinhso.traceability.selectors", "stamp_count")
        if count_fn is None:
            return None
        return ProviderResult(
            value=Decimal(int(count_fn(end=end))),
            source=_("Phân hệ Truy xuất nguồn gốc: số tem đã cấp"),
            as_of=end,
        )


class _SigningShare(Provider):
    source_app = "tinhso.documents"
    per_agency = True
    key: ClassVar[str] = ""

    def _compute(
        self, *, agency: Agency | None, start: dt.date, end: dt.date
    ) -> ProviderResult | None:
        stats_fn = _contract("tinhso.documents.selectors", "signing_statistics")
        if stats_fn is None:
            return None
        stats = stats_fn(agency=agency, start=start, end=end)
        whole = int(stats.get("exchanged") or 0)
        if whole == 0:
            return None
        part = int(stats.get(self.key) or 0)
        return ProviderResult(
            value=percent(part, whole),
            source=_("Văn bản điện tử: %(part)s/%(whole)s văn bản được ký số")
            % {"part": part, "whole": whole},
            as_of=end,
        )


@register
class PersonalSigningShare(_SigningShare):
    code = "documents_signed_personal"
    label = "Tỷ lệ văn bản ký số cá nhân"
    key = "signed_personal"


@register
class AgencySigningShare(_SigningShare):
    code = "documents_signed_agency"
    label = "Tỷ lệ văn bản ký số cơ quan"
    key = "signed_agency"
