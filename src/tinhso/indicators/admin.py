"""Django admin for the indicator registry and declared values."""

from __future__ import annotations

from django.contrib import admin

from tinhso.indicators.models import Indicator, IndicatorValue


class ValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 1
    fields = ("period_start", "period_end", "value", "origin", "source", "source_url", "note")


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "unit", "kind", "frequency", "provider", "is_public")
    list_filter = ("kind", "frequency", "group", "is_public")
    search_fields = ("code", "name_vi", "name_en")
    inlines = (ValueInline,)


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ("indicator", "period_end", "value", "origin", "source")
    list_filter = ("origin", "indicator")
    search_fields = ("indicator__code", "source")
