from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "tinhso.dossiers"
    label = "dossiers"
    verbose_name = _("Hồ sơ một cửa")

    def ready(self) -> None:
        from tinhso.dossiers.receivers import connect_payment_signals

        connect_payment_signals()
