"""Danish only, until a complete English catalogue exists: an English browser gets the Danish
portal, marked as Danish, with Danish dates."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from tests.incidents.conftest import make_incident

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def test_danish_is_the_only_language_offered():
    assert settings.LANGUAGES == [("da", "Dansk")]
    assert "django.middleware.locale.LocaleMiddleware" not in settings.MIDDLEWARE


def test_an_english_browser_gets_the_danish_login_page_marked_danish(client):
    response = client.get("/log-ind/", **ENGLISH)
    assert '<html lang="da">' in response.text
    assert "Log ind på Sikkerhedsportalen" in response.text
    assert response.get("Content-Language") in (None, "da")


def test_an_english_browser_gets_danish_dates(client, reporter):
    incident = make_incident(
        reporter, now=datetime(2026, 3, 28, 10, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))
    )
    client.force_login(reporter)
    page = client.get(f"/sikkerhedsbrud/{incident.reference}/", **ENGLISH).text
    assert '<html lang="da">' in page
    assert "28. marts 2026 kl. 10:00" in page
    assert "March" not in page
