from django.urls import path

from incidents import views

app_name = "incidents"

urlpatterns = [
    path("anmeld/", views.report, name="report"),
    path("mine/", views.mine, name="mine"),
    path("frister/", views.dashboard, name="dashboard"),
]
