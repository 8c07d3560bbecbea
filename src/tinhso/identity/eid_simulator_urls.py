"""The e-ID simulator's endpoints, outside the language prefix (a provider's URLs are fixed)."""

from django.urls import path

from tinhso.identity import eid_simulator_views as views

app_name = "eid_simulator"

urlpatterns = [
    path(
        "dinh-danh/mo-phong-vneid/.well-known/openid-configuration",
        views.openid_configuration,
        name="openid_configuration",
    ),
    path("dinh-danh/mo-phong-vneid/jwks.json", views.jwks, name="jwks"),
    path("dinh-danh/mo-phong-vneid/token", views.token, name="token"),
    path("dinh-danh/mo-phong-vneid/uy-quyen/", views.authorize, name="authorize"),
]
