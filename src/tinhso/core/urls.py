from django.urls import path

from tinhso.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("phan-he/<slug:slug>/", views.module_page, name="module"),
    path("co-quan/", views.agency_directory, name="agencies"),
    path("co-quan/<str:code>/", views.agency_workspace, name="agency"),
    path("tai-khoan/", views.account, name="account"),
    path("tai-khoan/khoa-api/", views.token_list, name="tokens"),
    path("tai-khoan/khoa-api/<int:pk>/thu-hoi/", views.token_revoke_view, name="token_revoke"),
    path("gioi-thieu/tro-nang/", views.accessibility, name="accessibility"),
]
