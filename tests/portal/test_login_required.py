"""Everything needs login except the login page, /healthz, the calendar feed and static files."""

import re

import pytest
from django.urls import reverse

from tests.urlwalk import iter_patterns, sample_path

PUBLIC = {
    "log-ind/",
    # For the proxy and monitoring: numbers only (tests/portal/test_healthz.py).
    "healthz",
    # The way to and back from the organisation's login (OpenID Connect): 404 while no provider
    # is configured, tests/oidc with one.
    "log-ind/konto/",
    "log-ind/konto/retur/",
    # The GDPR unit's deadline calendar: calendar programs cannot log in, so the secret token in
    # the URL is the credential; a bad or revoked token answers 404 (tests/gdpr/test_calendar.py).
    "sikkerhedsbrud/kalender/<slug:token>.ics",
}


def all_routes():
    # Admin's regex routes (and its catch-all) are covered by admin's own login redirect.
    routes = {route for route, _ in iter_patterns() if "(?P" not in route}
    return sorted(routes - PUBLIC)


@pytest.mark.django_db
@pytest.mark.parametrize("route", all_routes())
def test_an_anonymous_visitor_is_sent_to_login(client, route):
    response = client.get(sample_path(route))
    assert response.status_code == 302, route
    assert re.match(r"^/(admin/)?log(-ind|in)/", response["Location"]), response["Location"]


@pytest.mark.django_db
def test_the_login_page_is_public_and_danish(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert '<html lang="da">' in response.text
    assert "Log ind på Sikkerhedsportalen" in response.text
    assert "Brugernavn" in response.text
    assert "Adgangskode" in response.text


@pytest.mark.django_db
def test_the_front_page_redirects_anonymous_visitors_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/log-ind/?next=/"
