"""The portal's URLs plus the bare baseline: a Django view returning a fixed small page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

BARE_PAGE = b"<!doctype html><title>bench</title><p>Bare Django view.</p>\n"


@login_not_required
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BARE_PAGE)


urlpatterns = [
    path("__bench__/bare/", bare, name="bench_bare"),
    path("", include("portal.urls")),
]
