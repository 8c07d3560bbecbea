from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatastoreConfig(AppConfig):
    name = "tinhso.datastore"
    label = "datastore"
    verbose_name = _("Kho dữ liệu bảng")

    def ready(self) -> None:
        import tinhso.datastore.signals  # noqa: F401
        from tinhso.datastore.ckan import register

        register()
