"""Demo builder for indicators: the registry, the province's published figures as
declared values with their dates, then one refresh (computed values from the demo's own
data) and publication of every indicator as an open dataset.

The figures are Thanh Hóa's published ones; the dates they refer to are approximate
(end of the reporting year) — demo data, not an official statistic.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from tinhso.core.audit import audit_suppressed
from tinhso.indicators import services
from tinhso.indicators.models import Indicator

SOURCE = "Báo cáo kết quả chuyển đổi số của tỉnh (số liệu công bố, dùng cho bản trình diễn)"
DTI_SOURCE = "Bộ Thông tin và Truyền thông, Báo cáo Chỉ số chuyển đổi số cấp tỉnh (DTI)"


def d(year: int, month: int = 12, day: int = 31) -> dt.date:
    return dt.date(year, month, day)


# code → [(period_end, value, source, note)]
DECLARED: dict[str, list[tuple[dt.date, str, str, str]]] = {
    "accounts": [
        (d(2024), "85000", SOURCE, "Tài khoản người dân, doanh nghiệp trên Cổng dịch vụ công")
    ],
    "visits": [(d(2024), "27600000", SOURCE, "")],
    "procedures-partial-online": [(d(2024), "890", SOURCE, "Tổng 1.762 dịch vụ công trực tuyến")],
    "procedures-full-online": [(d(2024), "872", SOURCE, "Tổng 1.762 dịch vụ công trực tuyến")],
    "procedures-integrated": [(d(2022), "1202", SOURCE, ""), (d(2023), "1710", SOURCE, "")],
    "ontime-rate": [(d(2022), "97.61", SOURCE, ""), (d(2023), "99.51", SOURCE, "")],
    "documents-exchanged": [(d(2022), "2800000", SOURCE, ""), (d(2023), "3300000", SOURCE, "")],
    "personal-signing-rate": [(d(2023), "98.72", SOURCE, "")],
    "agency-signing-rate": [(d(2023), "98", SOURCE, "98–100% tùy cơ quan; ghi mức thấp nhất")],
    "traceability-stamps": [(d(2024), "105815", SOURCE, "")],
    "ocop-products": [(d(2024), "152", SOURCE, "")],
    "ecommerce-products": [(d(2024), "11361", SOURCE, "")],
    "community-tech-teams": [(d(2024), "4233", SOURCE, "")],
    "community-tech-members": [(d(2024), "14478", SOURCE, "")],
    "dti-rank": [
        (d(2021), "12", DTI_SOURCE, "Hạng 12/63"),
        (d(2022), "15", DTI_SOURCE, "Hạng 15/63; chính quyền số 16, kinh tế số 14, xã hội số 13"),
    ],
}


@transaction.atomic
def build_indicators() -> dict[str, Any]:
    services.indicators_load_registry()
    indicators = {i.code: i for i in Indicator.objects.all()}
    with audit_suppressed():
        for code, values in DECLARED.items():
            for period_end, value, source, note in values:
                services.indicator_value_declare(
                    indicator=indicators[code],
                    period_end=period_end,
                    period_start=dt.date(period_end.year, 1, 1),
                    value=Decimal(value),
                    source=source,
                    note=note,
                )
    result = services.indicators_refresh(publish=True)
    return {
        "indicators": len(indicators),
        "computed": len(result["refreshed"]),
        "published": len(result["published"]),
        "publish_error": result["publish_error"],
    }
