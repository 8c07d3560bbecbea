from django.urls import path

from tinhso.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.home, name="home"),
    path("bo-tieu-chi/nhap/", views.set_import, name="set_import"),
    path("bo-tieu-chi/<slug:code>/", views.set_detail, name="set"),
    path("bo-tieu-chi/<slug:code>.<str:fmt>", views.set_export, name="set_export"),
    path("dot/mo/", views.round_new, name="round_new"),
    path("dot/<slug:code>/", views.round_detail, name="round"),
    path("dot/<slug:code>/thao-tac/", views.round_action, name="round_action"),
    path("dot/<slug:code>/xep-hang/", views.ranking, name="ranking"),
    path("dot/<slug:code>/xep-hang.<str:fmt>", views.ranking_export, name="ranking_export"),
    path("dot/<slug:code>/cong-nhan/", views.recognitions, name="recognitions"),
    path("dot/<slug:code>/don-vi/<str:agency_code>/", views.scorecard, name="scorecard"),
    path(
        "dot/<slug:code>/don-vi/<str:agency_code>/phieu.pdf",
        views.scorecard_pdf,
        name="scorecard_pdf",
    ),
    path("dot/<slug:code>/tu-danh-gia/<str:agency_code>/", views.self_assess, name="self_assess"),
    path("dot/<slug:code>/tham-dinh/<str:agency_code>/", views.review, name="review"),
    path("minh-chung/<int:pk>/", views.evidence_download, name="evidence"),
]
