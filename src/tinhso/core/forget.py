"""Per-process caches (agency scopes, API keys, the working calendar, procedures) are
forgotten when a row they were read from is saved or deleted in this process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_save


def forget_on_change(receiver: Callable[..., Any], *models: type[Model], name: str) -> None:
    """Call ``receiver`` after any save or delete of one of ``models``."""
    for model in models:
        uid = f"{name}-{model._meta.label_lower}"
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-delete")
