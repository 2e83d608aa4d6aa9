"""The benchmark's logged-in floor: stock Django's cheapest logged-in page, in the portal's process.

A `login_required` view behind Django's default middleware (`startproject`'s list), with database
sessions in django.contrib.sessions' own table, `ModelBackend`, and a template of the portal
layout's size rendered with the stock context processors. None of the portal's middleware,
session store or context processors take part: `StockFloorMiddleware` comes first in
bench.settings and hands the floor's path to its own stock handler. Every portal page is
reported against it as well as against the bare view (README, "Benchmark").
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.decorators import login_not_required, login_required
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.core.handlers.base import BaseHandler
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import _get_new_csrf_string
from django.template.backends.django import DjangoTemplates
from django.test.utils import override_settings

FLOOR_PATH = "/__bench__/floor/"
# Django 5.2's `startproject` settings.
STOCK_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
STOCK_SESSION_ENGINE = "django.contrib.sessions.backends.db"
# A backend listed in the portal's AUTHENTICATION_BACKENDS whose get_user is ModelBackend's.
STOCK_BACKEND = "portal.oidc.LocalPasswordBackend"

TEMPLATES = DjangoTemplates(
    {
        "NAME": "bench_floor",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
)


@login_not_required  # the portal's LoginRequiredMiddleware never sees it; login_required does
@login_required
def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(TEMPLATES.get_template("floor.html").render({}, request))


class StockHandler(BaseHandler):
    """Django's request handling with the stock middleware and session engine."""

    def __init__(self) -> None:
        with override_settings(MIDDLEWARE=STOCK_MIDDLEWARE, SESSION_ENGINE=STOCK_SESSION_ENGINE):
            self.load_middleware()


class StockFloorMiddleware:
    """First in bench.settings' MIDDLEWARE: the floor's path goes to the stock handler."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.stock = StockHandler()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == FLOOR_PATH:
            return self.stock.get_response(request)
        return self.get_response(request)


def stock_session_cookie(username: str) -> str:
    """A Cookie header for a stock database session of `username`, as stock login would save."""
    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = STOCK_BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"csrftoken={_get_new_csrf_string()}; sessionid={session.session_key}"
