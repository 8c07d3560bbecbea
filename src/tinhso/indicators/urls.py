from django.urls import path

from tinhso.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<slug:code>/", views.detail, name="detail"),
    path("<slug:code>.csv", views.series_download, name="csv"),
]
