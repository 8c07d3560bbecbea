from django.urls import path

from tinhso.payments import views

app_name = "payments"

urlpatterns = [
    path("mo-phong/<uuid:public_id>/", views.simulator, name="simulator"),
    path("bien-lai/<str:token>/", views.verify, name="verify"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/bien-lai.pdf", views.receipt, name="receipt"),
]
