"""The short public tracking address printed in the QR codes: /tra-cuu/<code>."""

from django.urls import path

from tinhso.dossiers import views

urlpatterns = [
    path("tra-cuu/<str:code>", views.track, name="dossier_track"),
]
