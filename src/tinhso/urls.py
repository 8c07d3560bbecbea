from __future__ import annotations

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from tinhso.api import api
from tinhso.core.auth import AdminLoginForm, LoginForm

admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME
admin.site.login_form = AdminLoginForm
admin.site.index_title = "Quản trị hệ thống"

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("tinhso.catalog.ckan_urls")),
    path("", include("tinhso.catalog.dcat_urls")),
    path("", include("tinhso.catalog.sitemaps")),
    path("", include("tinhso.payments.callback_urls")),
    path("", include("tinhso.identity.eid_simulator_urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("tinhso.dossiers.tracking_urls")),
]

urlpatterns += i18n_patterns(
    path("", include("tinhso.core.urls")),
    path("", include("tinhso.catalog.urls")),
    path("", include("tinhso.datastore.urls")),
    path("", include("tinhso.procedures.urls")),
    path("danh-gia/", include("tinhso.assessment.urls")),
    path("chi-so/", include("tinhso.indicators.urls")),
    path("ho-so/", include("tinhso.dossiers.urls")),
    path("quan-tri/", admin.site.urls),
    path("tai-khoan/", include("tinhso.identity.urls")),
    path("thanh-toan/", include("tinhso.payments.urls")),
    path(
        "tai-khoan/dang-nhap/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("tai-khoan/dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("tai-khoan/mat-khau/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "tai-khoan/mat-khau/xong/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("tai-khoan/quen-mat-khau/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "tai-khoan/quen-mat-khau/da-gui/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "tai-khoan/dat-lai/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "tai-khoan/dat-lai/xong/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    prefix_default_language=False,
)

handler400 = "tinhso.core.views.bad_request"
handler403 = "tinhso.core.views.permission_denied"
handler404 = "tinhso.core.views.page_not_found"
handler500 = "tinhso.core.views.server_error"
