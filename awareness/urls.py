from django.urls import path

from awareness import views

app_name = "awareness"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("<int:campaign>/<slug:section>/", views.read, name="read"),
    path("leder/", views.team, name="team"),
    path("kampagner/", views.campaigns, name="campaigns"),
    path("kampagner/ny/", views.campaign_new, name="campaign_new"),
    path("kampagner/<int:campaign>/", views.campaign, name="campaign"),
    path("kampagner/<int:campaign>/paamind/", views.campaign_remind, name="remind"),
    path("kampagner/<int:campaign>/dokumentation/", views.evidence, name="evidence"),
    path("kampagner/<int:campaign>/dokumentation.csv", views.evidence_csv, name="evidence_csv"),
    path("gentagelser/", views.repeat_start, name="repeat_start"),
]
