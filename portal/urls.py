from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal.forms import LoginForm
from portal.views import admin_login

admin.site.site_header = "Sikkerhedsportalen – administration"
admin.site.site_title = "Sikkerhedsportalen"

urlpatterns = [
    path(
        "log-ind/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("log-ud/", auth_views.LogoutView.as_view(), name="logout"),
    # One login page for everyone, the admin included.
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    path("sikkerhedsbrud/", include("incidents.urls")),
    path("", include("guidance.urls")),
]

handler500 = "portal.views.server_error"
