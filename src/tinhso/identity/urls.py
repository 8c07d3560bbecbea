from django.urls import path

from tinhso.identity import views

app_name = "identity"

urlpatterns = [
    path("dang-ky/", views.register, name="register"),
    path("dinh-danh/", views.citizen_id, name="citizen_id"),
    path("dinh-danh/bo-lien-ket/", views.citizen_id_unlink, name="citizen_id_unlink"),
    path("vneid/", views.eid_start, name="eid_start"),
    path("vneid/ve/", views.eid_callback, name="eid_callback"),
]
