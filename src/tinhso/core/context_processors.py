from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from tinhso.core.modules import MODULES


def site(request: HttpRequest) -> dict[str, Any]:
    return {"SITE_NAME": settings.SITE_NAME, "DEMO_MODE": settings.DEMO, "nav_modules": MODULES}
