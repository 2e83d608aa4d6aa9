"""Reporting and handling security breaches."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.roles import can_see_dashboard
from portal.views import forbidden_unless


@require_GET
def report(request: HttpRequest) -> HttpResponse:
    return render(request, "incidents/coming_soon.html", {"title": "Anmeld sikkerhedsbrud"})


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    return render(request, "incidents/coming_soon.html", {"title": "Mine anmeldelser"})


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    forbidden_unless(can_see_dashboard(request.user))
    return render(request, "incidents/coming_soon.html", {"title": "Frister"})
