"""The gateways' server-to-server callback, outside the language prefix."""

from django.urls import path

from tinhso.payments import views

urlpatterns = [
    path("thanh-toan/cong/<slug:gateway>/callback", views.callback, name="payments_callback"),
]
