from django.urls import path

from guidance import views

app_name = "guidance"

urlpatterns = [
    path("", views.home, name="home"),
    path("afsnit/<slug:slug>/", views.section, name="section"),
    path("kontakt/", views.contacts, name="contacts"),
    path("udskriv/", views.print_folder, name="print"),
    path("soeg/", views.search, name="search"),
    path("hvad-goer-jeg-nu/", views.first_aid, name="first_aid"),
    path("hvad-goer-jeg-nu/<slug:slug>/", views.first_aid_guide, name="first_aid_guide"),
]
