"""CKAN Action API v3 routes (no language prefix): /api/3/action/<name> and /api/action/<name>,
plus the probes CKAN clients make (/api, /api/3, /api/util/status)."""

from django.urls import path

from tinhso.catalog import ckan_api

app_name = "ckan"

urlpatterns = [
    path("api/", ckan_api.api_root, name="root"),
    path("api/3", ckan_api.api_root, {"ver": 3}, name="root_v3"),
    path("api/3/", ckan_api.api_root, {"ver": 3}),
    path("api/action/<str:logic_function>", ckan_api.action_view, name="action_default"),
    path("api/3/action/<str:logic_function>", ckan_api.action_view, name="action"),
    path("api/util/status", ckan_api.util_status, name="util_status"),
]
