"""Public and publisher pages of the catalog (under the language prefix: Vietnamese at
``/…``, English at ``/en/…``). ``feed`` and ``tao-moi`` are reserved dataset names."""

from django.urls import path

from tinhso.catalog import feeds, views

app_name = "catalog"

urlpatterns = [
    path("du-lieu/", views.search, name="search"),
    path("du-lieu/feed/", feeds.RecentChangesFeed(), name="feed"),
    path("du-lieu/tao-moi/", views.dataset_new, name="dataset_new"),
    path("du-lieu/<slug:name>/", views.dataset_detail, name="dataset"),
    path("du-lieu/<slug:name>/sua/", views.dataset_edit, name="dataset_edit"),
    path("du-lieu/<slug:name>/xuat-ban/", views.dataset_publish, name="dataset_publish"),
    path("du-lieu/<slug:name>/xoa/", views.dataset_delete, name="dataset_delete"),
    path("du-lieu/<slug:name>/khoi-phuc/", views.dataset_restore, name="dataset_restore"),
    path("du-lieu/<slug:name>/lich-su/", views.dataset_history, name="dataset_history"),
    path("du-lieu/<slug:name>/lich-su/so-sanh/", views.dataset_diff, name="dataset_diff"),
    path("du-lieu/<slug:name>/tai-nguyen/them/", views.resource_new, name="resource_new"),
    path(
        "du-lieu/<slug:name>/tai-nguyen/<uuid:resource_id>/",
        views.resource_detail,
        name="resource",
    ),
    path(
        "du-lieu/<slug:name>/tai-nguyen/<uuid:resource_id>/tai-ve/",
        views.resource_download,
        name="resource_download",
    ),
    path(
        "du-lieu/<slug:name>/tai-nguyen/<uuid:resource_id>/sua/",
        views.resource_edit,
        name="resource_edit",
    ),
    path(
        "du-lieu/<slug:name>/tai-nguyen/<uuid:resource_id>/xoa/",
        views.resource_delete,
        name="resource_delete",
    ),
    path(
        "du-lieu/<slug:name>/tai-nguyen/<uuid:resource_id>/di-chuyen/",
        views.resource_move,
        name="resource_move",
    ),
    path("du-lieu-cua-toi/", views.dashboard, name="dashboard"),
    path("to-chuc/", views.organization_list, name="organizations"),
    path("to-chuc/<slug:name>/", views.organization_detail, name="organization"),
    path(
        "to-chuc/<slug:name>/thanh-vien/", views.organization_members, name="organization_members"
    ),
    path(
        "to-chuc/<slug:name>/thanh-vien/<int:member_id>/",
        views.organization_member_change,
        name="organization_member_change",
    ),
    path("linh-vuc/", views.group_list, name="groups"),
    path("linh-vuc/<slug:name>/", views.group_detail, name="group"),
]
