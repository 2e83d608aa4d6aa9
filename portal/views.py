"""Project-wide views and view helpers."""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template.loader import render_to_string


def forbidden_unless(allowed: bool) -> None:
    """Raise 403 for people who may know a page exists but may not use it."""
    if not allowed:
        raise PermissionDenied


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
