"""Public indicators dashboard: tiles with the current value and its source, charts."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tinhso.assessment.charts import line_chart
from tinhso.indicators.models import Indicator
from tinhso.indicators.selectors import IndicatorCard, indicator_card, indicator_cards
from tinhso.indicators.services import series_csv

GROUPS = [
    ("foundation", _("Nền tảng số")),
    ("government", _("Chính quyền số")),
    ("economy", _("Kinh tế số")),
    ("society", _("Xã hội số")),
]


def _label(v) -> str:  # type: ignore[no-untyped-def]
    return v.period_end.strftime("%m/%Y") if v.period_end.month != 12 else str(v.period_end.year)


def _chart(card: IndicatorCard, *, width: int = 520, height: int = 200) -> str:
    origin = card.current.origin if card.current else None
    points = [(_label(v), v.value) for v in card.series if v.origin == origin]
    if len(points) < 2:
        return ""
    return line_chart(
        points,
        title=card.indicator.name_vi,
        decimals=card.indicator.decimals,
        width=width,
        height=height,
    )


def dashboard(request: HttpRequest) -> HttpResponse:
    cards = indicator_cards()
    english = (get_language() or "vi").startswith("en")
    groups = []
    for key, title in GROUPS:
        items = [
            {
                "card": c,
                "chart": _chart(c, width=300, height=120),
                "name": c.indicator.name_en if english else c.indicator.name_vi,
            }
            for c in cards
            if c.indicator.group == key
        ]
        if items:
            groups.append({"key": key, "title": title, "items": items})
    return render(request, "indicators/dashboard.html", {"groups": groups})


def detail(request: HttpRequest, code: str) -> HttpResponse:
    indicator = get_object_or_404(Indicator, code=code, is_public=True)
    card = indicator_card(indicator)
    return render(
        request,
        "indicators/detail.html",
        {"card": card, "indicator": indicator, "chart": _chart(card)},
    )


def series_download(request: HttpRequest, code: str) -> HttpResponse:
    indicator = get_object_or_404(Indicator, code=code, is_public=True)
    response = HttpResponse(series_csv(indicator), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="chi-so-{indicator.code}.csv"'
    return response
