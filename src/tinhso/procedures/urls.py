"""Public pages of the procedure catalog (under the language prefix)."""

from django.urls import path, re_path

from tinhso.procedures import views

app_name = "procedures"

urlpatterns = [
    path("thu-tuc/", views.search, name="search"),
    re_path(r"^thu-tuc/danh-muc\.(?P<fmt>json|xlsx)$", views.export, name="export"),
    path("thu-tuc/<str:code>/", views.detail, name="detail"),
    path("thu-tuc/<str:code>/lich-su/", views.history, name="history"),
    path(
        "thu-tuc/<str:code>/mau/<int:document_id>/",
        views.template_download,
        name="template",
    ),
]
