"""The GDPR unit's pages, included into the incidents namespace by incidents/urls.py."""

from django.urls import path

from incidents import gdpr_views

urlpatterns = [
    path("frister/", gdpr_views.dashboard, name="dashboard"),
]
