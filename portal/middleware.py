"""Project-wide middleware: response headers Django 5.2 does not set itself, the logged-in user
from the session's one query, and the session's inactivity refresh."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import middleware as auth_middleware
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from portal import caching, sessions


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy (no inline script or style) on every response, and a
    sandbox on downloads."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Disposition", "").startswith("attachment"):
            # A download (evidence, the register): should a browser render it after all, it runs
            # in a sandbox without scripts, an origin or anything to load.
            policy = DOWNLOAD_POLICY
        else:
            policy = _policy(settings.CONTENT_SECURITY_POLICY, settings.OIDC_ISSUER)
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


DOWNLOAD_POLICY = "sandbox; default-src 'none'"


@lru_cache(maxsize=4)
def _policy(policy: str, oidc_issuer: str) -> str:
    """The policy, with the provider's origin allowed as a form target: logging out posts to
    /log-ud/, which redirects to the provider's end-session endpoint, and Chromium applies
    form-action to that redirect too."""
    if not oidc_issuer:
        return policy
    issuer = urlsplit(oidc_issuer)
    return policy.replace(
        "form-action 'self'", f"form-action 'self' {issuer.scheme}://{issuer.netloc}"
    )


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, with the user taken from the session's own query (portal.sessions).

    Before anything reads the session (LoginRequiredMiddleware is next), a view that serves a
    cached page has that page brought along by the same query (portal.caching).
    """

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user(request))

    def process_view(self, request: HttpRequest, view_func: Callable, *args) -> None:
        caching.prefetch(request, view_func)


def _user(request: HttpRequest):
    if not hasattr(request, "_cached_user"):
        request._cached_user = sessions.get_user(request)
    return request._cached_user


class SessionActivityMiddleware:
    """Push a session's expiry forward on activity, at most once per SESSION_REFRESH_SECONDS.

    SESSION_SAVE_EVERY_REQUEST would write the session row on every page view; refreshing only
    when the last refresh is older than a few minutes keeps the inactivity timeout (within that
    margin) for a fraction of the writes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # After the view, so that the session is first read where the view is known
        # (AuthenticationMiddleware.process_view); SessionMiddleware saves it afterwards.
        response = self.get_response(request)
        session = request.session
        if not session.is_empty():
            now = int(time.time())
            if now - session.get(_REFRESHED_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[_REFRESHED_KEY] = now
        return response


_REFRESHED_KEY = "_portal_refreshed"


class NoStoreMiddleware:
    """Cache-Control: private, no-store on every page that does not set its own.

    Every page but the login page shows who is logged in and most show personal data; a shared
    computer's browser cache or a proxy must keep none of it. (Static files are answered by
    whitenoise before this runs and keep their long cache.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Cache-Control", "private, no-store")
        return response
