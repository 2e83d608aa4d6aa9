from django.urls import path

from guidance import views

app_name = "guidance"

urlpatterns = [
    path("", views.home, name="home"),
]
