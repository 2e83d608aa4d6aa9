"""Project-wide response headers that Django 5.2 does not set itself."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy (no inline script or style) on every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


class SessionActivityMiddleware:
    """Push a session's expiry forward on activity, at most once per SESSION_REFRESH_SECONDS.

    SESSION_SAVE_EVERY_REQUEST would write the session row on every page view; refreshing only
    when the last refresh is older than a few minutes keeps the inactivity timeout (within that
    margin) for a fraction of the writes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if not session.is_empty():
            now = int(time.time())
            if now - session.get(_REFRESHED_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[_REFRESHED_KEY] = now
        return self.get_response(request)


_REFRESHED_KEY = "_portal_refreshed"
