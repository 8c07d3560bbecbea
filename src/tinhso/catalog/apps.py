from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "tinhso.catalog"
    label = "catalog"
    verbose_name = _("Dữ liệu mở")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_ensure_licences, sender=self)


def _ensure_licences(**kwargs: Any) -> None:
    """Default licences come back after ``flush`` (as content types do)."""
    from tinhso.catalog.services import licences_ensure

    licences_ensure()
