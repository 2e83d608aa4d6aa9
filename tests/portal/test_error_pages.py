"""Errors reach people as calm Danish pages, never as stack traces."""

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.core.exceptions import SuspiciousOperation
from django.db import OperationalError
from django.test import Client
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def broken_database(request):
    raise OperationalError("connection to server on socket failed")


def broken_code(request):
    raise ValueError("bug")


def session_lost_with_the_database(request):
    # What Django's SessionMiddleware raises when the database goes away as it saves a session.
    try:
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError:
            raise UpdateError from None
    except UpdateError:
        raise SessionInterrupted("The request's session was deleted.") from None


def suspicious(request):
    raise SuspiciousOperation("odd request")


urlpatterns = [
    path("db-nede/", broken_database),
    path("fejl/", broken_code),
    path("session/", session_lost_with_the_database),
    path("mistaenkelig/", suspicious),
    *portal_urlpatterns,
]
handler400 = "portal.views.bad_request"
handler500 = "portal.views.server_error"


@pytest.fixture
def raw_client(reporter):
    client = Client(raise_request_exception=False)
    client.force_login(reporter)
    return client


@pytest.mark.urls("tests.portal.test_error_pages")
def test_an_unreachable_database_gives_a_danish_503(raw_client):
    response = raw_client.get("/db-nede/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "Portalen er midlertidigt utilgængelig" in response.text
    assert "socket" not in response.text


@pytest.mark.urls("tests.portal.test_error_pages")
def test_a_session_lost_with_the_database_gives_the_503_not_a_400(raw_client):
    response = raw_client.get("/session/")
    assert response.status_code == 503
    assert "Portalen er midlertidigt utilgængelig" in response.text


@pytest.mark.urls("tests.portal.test_error_pages")
def test_a_bad_request_gives_a_danish_400(raw_client):
    response = raw_client.get("/mistaenkelig/")
    assert response.status_code == 400
    assert '<html lang="da">' in response.text
    assert "Forespørgslen kunne ikke behandles" in response.text


@pytest.mark.urls("tests.portal.test_error_pages")
def test_a_bug_gives_a_danish_500_without_details(raw_client):
    response = raw_client.get("/fejl/")
    assert response.status_code == 500
    assert "Der skete en fejl" in response.text
    assert "ValueError" not in response.text


def test_an_unknown_page_gives_a_danish_404(client, reporter):
    client.force_login(reporter)
    response = client.get("/findes-ikke/")
    assert response.status_code == 404
    assert "Siden findes ikke" in response.text
