"""The portal's URLs plus the benchmark's two baselines: a Django view returning a fixed small
page, and stock Django's logged-in floor (bench/floor.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from bench.floor import FLOOR_PATH, floor

BARE_PAGE = b"<!doctype html><title>bench</title><p>Bare Django view.</p>\n"


@login_not_required
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BARE_PAGE)


urlpatterns = [
    path("__bench__/bare/", bare, name="bench_bare"),
    path(FLOOR_PATH.lstrip("/"), floor, name="bench_floor"),
    path("", include("portal.urls")),
]
