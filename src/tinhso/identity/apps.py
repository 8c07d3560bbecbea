from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "tinhso.identity"
    label = "identity"
    verbose_name = _("Định danh và dữ liệu dân cư")
