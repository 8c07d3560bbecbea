"""Reads for indicators: the registry with current values, and time series."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from tinhso.indicators.models import Indicator, IndicatorValue
from tinhso.indicators.providers import get_provider


def indicator_series(indicator: Indicator) -> QuerySet[IndicatorValue]:
    return indicator.series_values.order_by("period_end", "origin")


@dataclass
class IndicatorCard:
    indicator: Indicator
    current: IndicatorValue | None
    computed: IndicatorValue | None
    declared: IndicatorValue | None
    no_data_reason: str
    series: list[IndicatorValue]

    @property
    def current_is_fallback(self) -> bool:
        """A computed indicator shown with its declared value (the platform has no data)."""
        return (
            self.indicator.kind == Indicator.Kind.COMPUTED
            and self.computed is None
            and self.declared is not None
        )

    @property
    def previous(self) -> IndicatorValue | None:
        same = [
            v
            for v in self.series
            if self.current and v.origin == self.current.origin and v.pk != self.current.pk
        ]
        return same[-1] if same else None

    @property
    def change(self) -> Decimal | None:
        prev = self.previous
        if prev is None or self.current is None:
            return None
        return self.current.value - prev.value


def _card(indicator: Indicator, series: list[IndicatorValue]) -> IndicatorCard:
    """Current value: the latest computed one for a computed indicator, else (or when the
    platform has no data) the latest declared one, with its source."""
    computed = next(
        (v for v in reversed(series) if v.origin == IndicatorValue.Origin.COMPUTED), None
    )
    declared = next(
        (v for v in reversed(series) if v.origin == IndicatorValue.Origin.DECLARED), None
    )
    current: IndicatorValue | None = declared
    if indicator.kind == Indicator.Kind.COMPUTED and computed is not None:
        current = computed
    reason = ""
    if indicator.kind == Indicator.Kind.COMPUTED and computed is None:
        provider = get_provider(indicator.provider)
        reason = provider.no_data_reason() if provider else ""
    return IndicatorCard(indicator, current, computed, declared, reason, series)


def indicator_card(indicator: Indicator) -> IndicatorCard:
    return _card(indicator, list(indicator_series(indicator)))


def indicator_cards(*, public_only: bool = True) -> list[IndicatorCard]:
    qs = Indicator.objects.all()
    if public_only:
        qs = qs.filter(is_public=True)
    values: dict[int, list[IndicatorValue]] = {}
    for v in IndicatorValue.objects.filter(indicator__in=qs).order_by("period_end", "origin"):
        values.setdefault(v.indicator_id, []).append(v)
    return [_card(i, values.get(i.pk, [])) for i in qs.order_by("position", "code")]
