from django.urls import path

from tinhso.dossiers import views

app_name = "dossiers"

urlpatterns = [
    path("", views.home, name="home"),
    path("nop/<str:procedure_code>/", views.submit, name="submit"),
    path("cua-toi/", views.mine, name="mine"),
    path("xu-ly/", views.workspace, name="workspace"),
    path("xu-ly/tiep-nhan/", views.bulk_receive, name="bulk_receive"),
    path("xu-ly/tiep-nhan-truc-tiep/", views.intake, name="intake"),
    path("so-theo-doi.<str:fmt>", views.tracking_book, name="tracking_book"),
    path("thong-ke/", views.statistics, name="statistics"),
    path("tra-cuu/", views.track, name="track_form"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/thao-tac/<str:action>/", views.act, name="act"),
    path("<str:code>/danh-gia/", views.rate, name="rate"),
    path("<str:code>/thanh-toan/", views.pay, name="pay"),
    path("<str:code>/phieu/<str:kind>.pdf", views.form_pdf, name="form_pdf"),
    path("<str:code>/tep/<int:pk>/", views.document, name="document"),
]
