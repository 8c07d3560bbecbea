"""Background task: refresh computed indicators and republish them as open data."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def indicators_refresh_task() -> dict[str, Any]:
    from tinhso.indicators.services import indicators_refresh

    result = indicators_refresh()
    return {
        "refreshed": len(result["refreshed"]),
        "no_data": len(result["no_data"]),
        "published": len(result["published"]),
        "publish_error": result["publish_error"],
    }
