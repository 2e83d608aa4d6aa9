"""Login throttling (django-axes), inactivity expiry and logout on password change."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

LOCKED_OUT = "Du har skrevet forkert adgangskode for mange gange"


def _try(client: Client, password: str, username: str = "rikke"):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_the_sixth_wrong_password_is_refused_with_a_danish_message(client, reporter, settings):
    assert settings.LOGIN_FAILURE_LIMIT == 5
    for _attempt in range(5):
        response = _try(client, "forkert")
        assert response.status_code == 200
        assert "Indtast venligst korrekt brugernavn og adgangskode" in response.text
    response = _try(client, "forkert")
    assert response.status_code == 429
    assert LOCKED_OUT in response.text
    assert "15 minutter" in response.text
    assert response["Content-Security-Policy"]


def test_the_right_password_is_refused_until_the_cool_off_has_passed(client, reporter):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for _attempt in range(6):
            _try(client, "forkert")
        response = _try(client, PASSWORD)
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session
        clock.shift(timedelta(minutes=14))
        assert _try(client, PASSWORD).status_code == 429
        clock.shift(timedelta(minutes=2))
        response = _try(client, PASSWORD)
        assert response.status_code == 302
        assert client.get("/").status_code == 200


def test_a_lockout_does_not_lock_out_another_user(client, reporter, colleague):
    for _attempt in range(6):
        _try(client, "forkert")
    assert _try(client, PASSWORD, username="carl").status_code == 302


def test_a_successful_login_forgets_earlier_failures(client, reporter):
    for _attempt in range(5):
        _try(client, "forkert")
    assert _try(client, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _attempt in range(5):
        _try(client, "forkert")
    assert _try(client, PASSWORD).status_code == 302


def test_the_cool_off_and_limit_come_from_the_environment():
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'portal.settings');"
        "from django.conf import settings; print(settings.LOGIN_FAILURE_LIMIT,"
        " int(settings.AXES_COOLOFF_TIME.total_seconds()))"
    )
    env = {"LOGIN_FAILURE_LIMIT": "3", "LOGIN_COOLOFF_MINUTES": "30", "HTTPS": "0"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["3", "1800"]


# --- Sessions ----------------------------------------------------------------------------------


def test_a_session_ends_after_an_hour_without_activity(client, reporter):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(reporter)
        assert client.get("/").status_code == 200
        clock.shift(timedelta(minutes=61))
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/log-ind/")


def test_activity_keeps_the_session_alive(client, reporter):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(reporter)
        for _hour in range(4):
            clock.shift(timedelta(minutes=50))
            assert client.get("/").status_code == 200


def test_page_views_write_the_session_only_when_its_refresh_is_due(client, reporter):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(reporter)
        client.get("/")  # the first view after login refreshes the expiry
        with CaptureQueriesContext(connection) as queries:
            client.get("/")
        assert not [q for q in queries if q["sql"].startswith('UPDATE "portal_session"')]
        clock.shift(timedelta(minutes=6))
        with CaptureQueriesContext(connection) as queries:
            client.get("/")
        assert [q for q in queries if q["sql"].startswith('UPDATE "portal_session"')]


def test_changing_the_password_logs_out_every_other_session(reporter):
    office, phone = Client(), Client()
    office.force_login(reporter)
    phone.force_login(reporter)
    assert phone.get("/").status_code == 200
    reporter.set_password("Nyt2026Kodeord")
    reporter.save()
    for client in (office, phone):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/log-ind/")


def test_an_administrator_resetting_a_password_logs_that_person_out(reporter, superuser):
    victim, admin = Client(), Client()
    victim.force_login(reporter)
    admin.force_login(superuser)
    url = reverse("admin:auth_user_password_change", args=[reporter.pk])
    response = admin.post(
        url,
        {"password1": "Nyt2026Kodeord", "password2": "Nyt2026Kodeord", "usable_password": "true"},
    )
    assert response.status_code == 302, response.content[:2000]
    assert victim.get("/").status_code == 302
    assert admin.get("/").status_code == 200


# --- The admin's login ---------------------------------------------------------------------------


def test_an_employee_without_staff_rights_gets_403_from_the_admin_not_a_redirect_loop(
    client, reporter
):
    client.force_login(reporter)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) == 1
    assert "Ingen adgang" in response.text


def test_a_visitor_reaches_the_admin_through_the_portals_login(client, superuser):
    response = client.get("/admin/", follow=True)
    assert response.request["PATH_INFO"] == "/log-ind/"
    assert response.context["next"] == "/admin/"
    client.force_login(superuser)
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/admin/"
    assert client.get("/admin/login/?next=https://evil.example/")["Location"] == "/admin/"
