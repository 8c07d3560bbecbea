"""Public and publisher pages of the catalog (under the language prefix)."""

from django.urls import path

from tinhso.catalog import views

app_name = "catalog"

urlpatterns = [
    path("du-lieu/", views.search, name="search"),
]
