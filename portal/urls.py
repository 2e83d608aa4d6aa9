from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from portal import health, views

admin.site.site_header = "Sikkerhedsportalen – administration"
admin.site.site_title = "Sikkerhedsportalen"

urlpatterns = [
    # For the reverse proxy and monitoring; no login (README "Running it in production").
    path("healthz", health.healthz, name="healthz"),
    path("log-ind/", views.LoginView.as_view(), name="login"),
    # OpenID Connect: off to the provider, and back (the redirect URI registered there).
    path("log-ind/konto/", views.login_start, name="oidc_start"),
    path("log-ind/konto/retur/", views.login_callback, name="oidc_callback"),
    path("log-ud/", views.logout, name="logout"),
    path("adgangskode/", views.password_change, name="password_change"),
    # One login page for everyone, the admin included.
    path("admin/login/", views.admin_login),
    path("admin/", admin.site.urls),
    path("sikkerhedsbrud/", include("incidents.urls")),
    # NIS2 on an incident: only for an NIS2 entity (nis2/urls.py).
    *([path("sikkerhedsbrud/", include("nis2.urls"))] if settings.NIS2_ENABLED else []),
    path("laesning/", include("awareness.urls")),
    path("", include("guidance.urls")),
]

handler400 = "portal.views.bad_request"
handler500 = "portal.views.server_error"
