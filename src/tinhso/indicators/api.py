"""Native API for indicators: the registry with current values, and each series."""

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from tinhso.indicators.models import Indicator, IndicatorValue
from tinhso.indicators.selectors import (
    IndicatorCard,
    indicator_card,
    indicator_cards,
    indicator_series,
)

router = Router(tags=["indicators"])


class ValueOut(Schema):
    period_start: str | None
    period_end: str
    value: Decimal
    origin: str
    source: str
    source_url: str


class IndicatorOut(Schema):
    code: str
    name_vi: str
    name_en: str
    unit: str
    unit_en: str
    kind: str
    frequency: str
    source: str
    provider: str
    group: str
    current: ValueOut | None
    computed: ValueOut | None
    declared: ValueOut | None
    no_data_reason: str
    dataset_name: str


class SeriesOut(Schema):
    code: str
    unit: str
    values: list[ValueOut]


def _value(v: IndicatorValue | None) -> dict[str, Any] | None:
    if v is None:
        return None
    return {
        "period_start": v.period_start.isoformat() if v.period_start else None,
        "period_end": v.period_end.isoformat(),
        "value": v.value,
        "origin": v.origin,
        "source": v.source,
        "source_url": v.source_url,
    }


def _out(card: IndicatorCard) -> dict[str, Any]:
    i = card.indicator
    return {
        "code": i.code,
        "name_vi": i.name_vi,
        "name_en": i.name_en,
        "unit": i.unit,
        "unit_en": i.unit_en,
        "kind": i.kind,
        "frequency": i.frequency,
        "source": i.source,
        "provider": i.provider,
        "group": i.group,
        "current": _value(card.current),
        "computed": _value(card.computed),
        "declared": _value(card.declared),
        "no_data_reason": card.no_data_reason,
        "dataset_name": i.dataset_name,
    }


@router.get("", response=list[IndicatorOut], summary="Chỉ số chuyển đổi số")
def indicators(request: HttpRequest) -> Any:
    return [_out(c) for c in indicator_cards()]


@router.get("/{code}", response=IndicatorOut, summary="Một chỉ số")
def indicator_detail(request: HttpRequest, code: str) -> Any:
    return _out(indicator_card(get_object_or_404(Indicator, code=code, is_public=True)))


@router.get("/{code}/series", response=SeriesOut, summary="Chuỗi số liệu, có nguồn")
def series(request: HttpRequest, code: str) -> Any:
    indicator = get_object_or_404(Indicator, code=code, is_public=True)
    return {
        "code": indicator.code,
        "unit": indicator.unit,
        "values": [_value(v) for v in indicator_series(indicator)],
    }
