"""Project-wide views and view helpers."""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotAllowed,
    HttpResponseServerError,
)
from django.shortcuts import redirect, render, resolve_url
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from portal import roles
from portal.forms import LoginForm, PasswordChangeForm
from portal.oidc import LoginRefused, provider

logger = logging.getLogger(__name__)


def forbidden_unless(allowed: bool) -> None:
    """Raise 403 for people who may know a page exists but may not use it."""
    if not allowed:
        raise PermissionDenied


# --- Logging in and out ------------------------------------------------------------------------


def after_login(user, next_url: str | None) -> str:
    """Where a login leads: the page the person was on their way to, else their role's landing
    page (the GDPR unit's is the deadline dashboard).

    The front page counts as no particular page: opening the portal's address leads to the login
    page with it as `next`.
    """
    if next_url and next_url != resolve_url(settings.LOGIN_REDIRECT_URL):
        return next_url
    return resolve_url(roles.landing_page(user))


class LoginView(auth_views.LoginView):
    """The login page: the organisation's account first; username and password only while
    LOCAL_LOGIN is on."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        return after_login(self.request.user, self.get_redirect_url())

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not settings.LOCAL_LOGIN:
            return HttpResponseNotAllowed(["GET"])
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        return {
            **super().get_context_data(**kwargs),
            "oidc_enabled": settings.OIDC_ENABLED,
            "local_login": settings.LOCAL_LOGIN,
        }


# Why a login with the provider was refused, as the person is told it (LoginRefused.reason).
LOGIN_REFUSED = {
    "expired": (
        400,
        gettext_lazy(
            "Log ind blev ikke gennemført, fordi svaret fra log ind-tjenesten ikke passede til "
            "din log ind, eller fordi der gik for lang tid. Prøv igen."
        ),
    ),
    "invalid": (
        400,
        gettext_lazy(
            "Svaret fra log ind-tjenesten kunne ikke godkendes, så du er ikke logget ind. "
            "Prøv igen. Sker det igen, så kontakt IT."
        ),
    ),
    "denied": (
        403,
        gettext_lazy(
            "Din konto har ikke adgang til Sikkerhedsportalen lige nu. Mener du, det er en "
            "fejl, så kontakt IT."
        ),
    ),
    "account": (
        403,
        gettext_lazy(
            "Din konto kunne ikke kobles til Sikkerhedsportalen. Kontakt IT, så retter vi det."
        ),
    ),
    "unavailable": (
        502,
        gettext_lazy("Log ind-tjenesten svarer ikke lige nu. Prøv igen om lidt."),
    ),
}


def login_refused(request: HttpRequest, refused: LoginRefused) -> HttpResponse:
    status, explanation = LOGIN_REFUSED[refused.reason]
    # One line, no claims or tokens: the detail names only what failed.
    logger.warning("OpenID Connect login refused (%s): %s", refused.reason, refused.detail)
    return render(
        request,
        "registration/login_refused.html",
        {"explanation": explanation, "local_login": settings.LOCAL_LOGIN},
        status=status,
    )


class ProviderLoginStart(OIDCAuthenticationRequestView):
    """Sends the browser to the provider with state, nonce and a PKCE challenge."""

    def __init__(self, **kwargs) -> None:
        # The provider's address comes from its discovery document, read in get().
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider()["authorization_endpoint"]
        except LoginRefused as refused:
            return login_refused(request, refused)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class ProviderLoginCallback(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back: checks state, then ProviderBackend the rest."""

    @property
    def success_url(self) -> str:
        # The `next` login_start kept, checked there (mozilla-django-oidc's get_next_url).
        return after_login(self.user, self.request.session.get("oidc_login_next"))

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise Http404
        try:
            return super().get(request)
        except LoginRefused as refused:
            return login_refused(request, refused)
        except SuspiciousOperation as error:
            # mozilla-django-oidc's state check: not a login this browser started.
            return login_refused(request, LoginRefused("expired", str(error)))

    def login_failure(self) -> HttpResponse:
        request = self.request
        if request.GET.get("error"):
            # The provider said no: the person is not (or no longer) allowed in.
            error = request.GET["error"][:50]
            refused = LoginRefused("denied", f"the provider answered error={error}")
        elif getattr(self, "user", None) is not None and not self.user.is_active:
            refused = LoginRefused("denied", "the portal account is deactivated")
        else:
            refused = LoginRefused("expired", "no login in progress in this session")
        return login_refused(request, refused)


login_start = login_not_required(ProviderLoginStart.as_view())
login_callback = login_not_required(ProviderLoginCallback.as_view())


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Log out here and, after a login with the provider, there too (RP-initiated logout)."""
    id_token = request.session.get("oidc_id_token")
    auth.logout(request)
    back = request.build_absolute_uri(reverse("login"))
    if not (id_token and settings.OIDC_ENABLED and settings.OIDC_PROVIDER_LOGOUT):
        return redirect("login")
    try:
        end_session = provider().get("end_session_endpoint")
    except LoginRefused:
        end_session = None
    if not end_session:
        return redirect("login")
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": back,
            "client_id": settings.OIDC_RP_CLIENT_ID,
        }
    )
    return redirect(f"{end_session}{'&' if '?' in end_session else '?'}{query}")


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """A local account's own password; people who log in with the provider change it there."""
    if not (settings.LOCAL_LOGIN and request.user.has_usable_password()):
        return render(request, "registration/password_elsewhere.html")
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        # Keeps this session; every other session of the person ends (they hold the old hash).
        auth.update_session_auth_hash(request, form.user)
        messages.success(request, _("Din adgangskode er skiftet."))
        return redirect("guidance:home")
    return render(request, "registration/password_change.html", {"form": form})


@login_not_required
def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's login: the portal's login page for visitors, 403 for employees without staff
    rights, and straight on for staff.

    The admin sends a logged-in employee without staff rights here; passing them on to the login
    page, which sends logged-in people back to `next`, would loop until the browser gives up.
    """
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.user.is_authenticated:
        forbidden_unless(request.user.is_staff)
        return redirect(next_url or reverse("admin:index"))
    query = urlencode({"next": next_url}) if next_url else ""
    return redirect(reverse("login") + (f"?{query}" if query else ""))


def _database_unreachable(error: BaseException | None) -> bool:
    """The error, or what caused it, is the database being out of reach."""
    while error is not None:
        if isinstance(error, OperationalError | InterfaceError) or (
            isinstance(error, DatabaseError) and "connection" in str(error).lower()
        ):
            return True
        error = error.__cause__ or error.__context__
    return False


def _unavailable(context: dict) -> HttpResponse:
    response = HttpResponse(render_to_string("503.html", context), status=503)
    response["Retry-After"] = "60"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """500 page, or 503 when the database is unreachable.

    Rendered without the request context: context processors read the session and user from the
    database, which may be exactly what is down.
    """
    context = {"contacts": settings.PORTAL_CONTACTS}
    if _database_unreachable(sys.exc_info()[1]):
        return _unavailable(context)
    return HttpResponseServerError(render_to_string("500.html", context))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the form was too old or the session ended; Django's own page is
    English-flavoured and technical. The reason stays in Django's log line, not on the page."""
    context = {"contacts": settings.PORTAL_CONTACTS}
    return HttpResponseForbidden(render_to_string("403_csrf.html", context))


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400 page in Danish, or 503 when the database was out of reach: Django answers a session it
    could not save (the database restarting) with a 400."""
    context = {"contacts": settings.PORTAL_CONTACTS}
    if _database_unreachable(exception):
        return _unavailable(context)
    return HttpResponseBadRequest(render_to_string("400.html", context))
