"""Employees with a local account change their own password; provider accounts are told where."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

NEW = "Efterår2027Kode".replace("å", "a")


def test_an_employee_changes_her_password_and_stays_logged_in(client, reporter):
    client.force_login(reporter)
    other_device = Client()
    other_device.force_login(reporter)
    assert 'href="/adgangskode/"' in client.get("/").text
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "Din adgangskode er skiftet." in client.get("/").text
    reporter.refresh_from_db()
    assert reporter.check_password(NEW)
    # Every other session ends with the old password.
    assert other_device.get("/").status_code == 302


def test_a_wrong_old_password_gets_a_danish_error_and_changes_nothing(client, reporter):
    client.force_login(reporter)
    response = client.post(
        reverse("password_change"),
        {"old_password": "forkert", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 200
    assert "Adgangskoden er ikke skiftet" in response.text
    assert "Din gamle adgangskode blev ikke indtastet korrekt" in response.text
    assert User.objects.get(pk=reporter.pk).check_password(PASSWORD)


def test_the_new_password_must_follow_the_folders_rule(client, reporter):
    client.force_login(reporter)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "rikke2027", "new_password2": "rikke2027"},
    )
    assert response.status_code == 200
    assert "Adgangskoden skal indeholde mindst ét stort bogstav (A-Z)." in response.text
    assert "må ikke indeholde dit navn" in response.text
    assert User.objects.get(pk=reporter.pk).check_password(PASSWORD)


def test_someone_without_a_local_password_is_told_to_change_it_at_the_provider(client, reporter):
    reporter.set_unusable_password()
    reporter.save()
    client.force_login(reporter)
    assert 'href="/adgangskode/"' not in client.get("/").text
    response = client.get(reverse("password_change"))
    assert response.status_code == 200
    assert "Herlev-konto" in response.text
    assert 'name="old_password"' not in response.text
    response = client.post(
        reverse("password_change"),
        {"old_password": "x", "new_password1": NEW, "new_password2": NEW},
    )
    assert not User.objects.get(pk=reporter.pk).has_usable_password()


def test_the_page_needs_login_and_get_or_post(client, reporter):
    assert client.get(reverse("password_change"))["Location"].startswith("/log-ind/")
    client.force_login(reporter)
    assert client.put(reverse("password_change")).status_code == 405
