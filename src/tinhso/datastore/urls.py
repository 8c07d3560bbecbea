"""DataStore pages (under the language prefix), next to the catalog's resource page."""

from django.urls import path

from tinhso.datastore import views

app_name = "datastore"

_BASE = "du-lieu/<slug:name>/tai-nguyen/<uuid:resource_id>/"

urlpatterns = [
    path(_BASE + "xem-truoc/", views.preview, name="preview"),
    path(_BASE + "xem-truoc/tom-tat/", views.summary, name="summary"),
    path(_BASE + "xem-truoc/trang-thai/", views.status, name="status"),
    path(_BASE + "xem-truoc/tuy-chon/", views.options, name="options"),
    path(_BASE + "xem-truoc/nap-lai/", views.reload, name="reload"),
    path(_BASE + "xuat.<str:fmt>", views.export_view, name="export"),
]
