"""Writes for indicators: the registry, declared values, refreshing computed values and
publishing every indicator as an open dataset in the catalog."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import logging
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.audit import audit_record, audit_suppressed
from tinhso.core.models import Agency, User
from tinhso.core.services import DomainError
from tinhso.indicators.models import Indicator, IndicatorValue
from tinhso.indicators.providers import get_provider

logger = logging.getLogger(__name__)
REGISTRY_PATH = Path(__file__).parent / "fixtures" / "registry.json"
DATASET_PREFIX = "chi-so-cds-"
# Digital-transformation figures belong to the information-and-communications domain
# (one of the portal's 15 domains); created with this title if the catalog lacks it.
GROUP_NAME = "thong-tin-truyen-thong"
GROUP_TITLE = "Thông tin và truyền thông"
GROUP_TITLE_EN = "Information and communications"


class IndicatorError(DomainError):
    """A refused indicator operation."""


def registry_definitions() -> list[dict[str, Any]]:
    """The indicator definitions shipped in ``fixtures/registry.json``."""
    data = json.loads(REGISTRY_PATH.read_text(encoding="utf-8"))
    return list(data["indicators"])


@transaction.atomic
def indicators_load_registry() -> int:
    """Create or update the registry from ``fixtures/registry.json`` (idempotent)."""
    data = json.loads(REGISTRY_PATH.read_text(encoding="utf-8"))
    with audit_suppressed():
        for position, item in enumerate(data["indicators"], start=1):
            Indicator.objects.update_or_create(
                code=item["code"],
                defaults={
                    "name_vi": item["name_vi"],
                    "name_en": item["name_en"],
                    "unit": item["unit"],
                    "unit_en": item.get("unit_en", ""),
                    "kind": item["kind"],
                    "provider": item.get("provider", ""),
                    "frequency": item.get("frequency", Indicator.Frequency.ANNUAL),
                    "source": item["source"],
                    "group": item.get("group", ""),
                    "decimals": item.get("decimals", 0),
                    "position": position,
                    "dataset_name": DATASET_PREFIX + item["code"],
                },
            )
    return len(data["indicators"])


@transaction.atomic
def indicator_value_declare(
    *,
    indicator: Indicator,
    period_end: dt.date,
    value: Decimal | int | str,
    source: str,
    period_start: dt.date | None = None,
    source_url: str = "",
    note: str = "",
    user: User | None = None,
) -> IndicatorValue:
    """Record (or correct) the published figure for a period. A source is required."""
    source = source.strip()
    if not source:
        raise IndicatorError(_("Số liệu công bố phải ghi nguồn."), field="source")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise IndicatorError(_("Giá trị phải là một số."), field="value") from None
    if not number.is_finite():
        raise IndicatorError(_("Giá trị phải là một số."), field="value")
    if period_start is not None and period_start > period_end:
        raise IndicatorError(_("Ngày bắt đầu kỳ phải trước ngày kết thúc."), field="period_start")
    if source_url:
        try:
            URLValidator(schemes=["http", "https"])(source_url)
        except ValidationError:
            raise IndicatorError(_("Đường dẫn nguồn không hợp lệ."), field="source_url") from None
    obj, _created = IndicatorValue.objects.update_or_create(
        indicator=indicator,
        period_end=period_end,
        origin=IndicatorValue.Origin.DECLARED,
        defaults={
            "period_start": period_start,
            "value": number,
            "source": source[:500],
            "source_url": source_url,
            "note": note[:500],
            "recorded_by": user,
            "recorded_at": timezone.now(),
        },
    )
    return obj


@transaction.atomic
def indicator_refresh(
    *, indicator: Indicator, today: dt.date | None = None
) -> IndicatorValue | None:
    """Compute the current value of a computed indicator; one computed value per month
    (the latest refresh of the month replaces earlier ones). None = no data."""
    today = today or timezone.localdate()
    provider = get_provider(indicator.provider) if indicator.provider else None
    if provider is None:
        return None
    result = provider.compute(start=dt.date(today.year, 1, 1), end=today)
    if result is None:
        return None
    month_start = today.replace(day=1)
    with audit_suppressed():
        IndicatorValue.objects.filter(
            indicator=indicator,
            origin=IndicatorValue.Origin.COMPUTED,
            period_end__gte=month_start,
            period_end__lte=today,
        ).exclude(period_end=today).delete()
        value, _created = IndicatorValue.objects.update_or_create(
            indicator=indicator,
            period_end=today,
            origin=IndicatorValue.Origin.COMPUTED,
            defaults={
                "period_start": dt.date(today.year, 1, 1),
                "value": result.value,
                "source": result.source[:500],
                "recorded_at": timezone.now(),
            },
        )
    return value


def indicators_refresh(*, today: dt.date | None = None, publish: bool = True) -> dict[str, Any]:
    """Refresh every computed indicator, then (re)publish every indicator as open data."""
    refreshed: dict[str, str] = {}
    no_data: dict[str, str] = {}
    for indicator in Indicator.objects.filter(kind=Indicator.Kind.COMPUTED):
        value = indicator_refresh(indicator=indicator, today=today)
        if value is None:
            provider = get_provider(indicator.provider)
            no_data[indicator.code] = (
                provider.no_data_reason() if provider else _("Không có bộ tính chỉ số.")
            )
        else:
            refreshed[indicator.code] = str(value.value)
    published: list[str] = []
    publish_error = ""
    if publish:
        try:
            published = indicators_publish()
        except (NotImplementedError, ImportError) as exc:
            publish_error = _("Danh mục dữ liệu mở chưa sẵn sàng: %(e)s") % {"e": exc}
            logger.warning("indicators: publishing skipped: %s", exc)
    audit_record(
        action="indicators_refresh",
        object_type="indicators.indicator",
        changes={"refreshed": refreshed, "no_data": sorted(no_data), "published": len(published)},
    )
    return {
        "refreshed": refreshed,
        "no_data": no_data,
        "published": published,
        "publish_error": publish_error,
    }


# ---------------------------------------------------------------- open data


def series_csv(indicator: Indicator) -> bytes:
    from tinhso.indicators.selectors import indicator_series

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(
        [
            "indicator_code",
            "indicator_name",
            "unit",
            "period_start",
            "period_end",
            "value",
            "origin",
            "source",
            "source_url",
        ]
    )
    for v in indicator_series(indicator):
        writer.writerow(
            [
                indicator.code,
                indicator.name_vi,
                indicator.unit,
                v.period_start.isoformat() if v.period_start else "",
                v.period_end.isoformat(),
                format(v.value.normalize(), "f"),
                v.origin,
                v.source,
                v.source_url,
            ]
        )
    return buf.getvalue().encode("utf-8")


def _province_agency() -> Agency | None:
    return (
        Agency.objects.filter(parent__isnull=True, level=Agency.Level.PROVINCE)
        .order_by("code")
        .first()
    )


def _catalog_owner() -> tuple[Any, Any]:
    """The province's organization and the information-and-communications group."""
    from tinhso.catalog import services as catalog
    from tinhso.catalog.models import Group

    agency = _province_agency()
    if agency is None:
        raise IndicatorError(_("Chưa có cơ quan cấp tỉnh để đứng tên bộ dữ liệu."))
    organization = catalog.organization_for_agency(agency=agency)
    group = Group.objects.filter(name=GROUP_NAME).first() or catalog.group_ensure(
        name=GROUP_NAME, title=GROUP_TITLE, title_en=GROUP_TITLE_EN
    )
    return organization, group


def indicator_publish(*, indicator: Indicator, organization: Any = None, group: Any = None) -> Any:
    """Create or update the indicator's open dataset, with its series as a CSV resource."""
    from tinhso.catalog import services as catalog
    from tinhso.catalog.models import Dataset, License, Resource

    if organization is None or group is None:
        organization, group = _catalog_owner()
    name = indicator.dataset_name or DATASET_PREFIX + indicator.code
    fields: dict[str, Any] = {
        "title": _("Chỉ số chuyển đổi số: %(name)s") % {"name": indicator.name_vi},
        "notes": _(
            "%(name)s (%(en)s). Đơn vị tính: %(unit)s. Cách có số liệu: %(kind)s. "
            "Nguồn: %(source)s. Mỗi giá trị trong tệp CSV ghi rõ nguồn của nó."
        )
        % {
            "name": indicator.name_vi,
            "en": indicator.name_en,
            "unit": indicator.unit,
            "kind": indicator.get_kind_display(),
            "source": indicator.source,
        },
        "tags": ["chuyển đổi số", "chỉ số"],
        "groups": [group.name],
        "license_id": "CC-BY-4.0" if License.objects.filter(pk="CC-BY-4.0").exists() else None,
        "frequency": indicator.frequency,
        "extras": {"indicator_code": indicator.code, "unit": indicator.unit},
    }
    csv_bytes = series_csv(indicator)
    digest = hashlib.sha256(csv_bytes).hexdigest()
    with transaction.atomic():
        dataset = Dataset.objects.filter(name=name).first()
        current = (
            Resource.objects.filter(dataset=dataset, name=f"{name}.csv").first()
            if dataset
            else None
        )
        if dataset is not None and current is not None and digest in (current.hash or ""):
            return dataset  # unchanged series: nothing to republish
        if dataset is None:
            dataset = catalog.dataset_create(
                user=None, organization=organization, name=name, check_permission=False, **fields
            )
        else:
            dataset = catalog.dataset_patch(
                user=None, dataset=dataset, check_permission=False, **fields
            )
        upload = SimpleUploadedFile(f"{name}.csv", csv_bytes, content_type="text/csv")
        resource = current
        if resource is None:
            catalog.resource_create(
                user=None,
                dataset=dataset,
                name=f"{name}.csv",
                upload=upload,
                format="CSV",
                description=_("Chuỗi số liệu theo kỳ, có nguồn của từng giá trị."),
                check_permission=False,
            )
        else:
            catalog.resource_update(
                user=None, resource=resource, upload=upload, check_permission=False
            )
    return dataset


def indicators_publish() -> list[str]:
    names = []
    organization, group = _catalog_owner()
    for indicator in Indicator.objects.filter(is_public=True):
        dataset = indicator_publish(indicator=indicator, organization=organization, group=group)
        names.append(dataset.name)
    return names
