"""Project-wide views and view helpers."""

from __future__ import annotations

import sys

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode


def forbidden_unless(allowed: bool) -> None:
    """Raise 403 for people who may know a page exists but may not use it."""
    if not allowed:
        raise PermissionDenied


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


def server_error(request: HttpRequest) -> HttpResponse:
    """500 page, or 503 when the database is unreachable.

    Rendered without the request context: context processors read the session and user from the
    database, which may be exactly what is down.
    """
    context = {"contacts": settings.PORTAL_CONTACTS}
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError) or (
        isinstance(error, DatabaseError) and "connection" in str(error).lower()
    ):
        response = HttpResponse(render_to_string("503.html", context), status=503)
        response["Retry-After"] = "60"
        return response
    return HttpResponseServerError(render_to_string("500.html", context))
