"""Template helpers for identity: whether e-ID sign-in is offered."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def eid_enabled() -> bool:
    """True when ``EID_PROVIDER`` is ``oidc`` or ``simulator`` (the button is shown)."""
    return settings.EID_PROVIDER in ("oidc", "simulator")


@register.simple_tag
def eid_is_simulated() -> bool:
    return bool(settings.EID_PROVIDER == "simulator")
