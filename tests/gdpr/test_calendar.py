"""The personal deadline calendar: a secret, revocable URL with one event per open deadline and
no personal data."""

from __future__ import annotations

import pytest
from django.urls import reverse

from incidents.models import CalendarFeed, NotifyDecision
from tests.gdpr.conftest import set_facts
from tests.incidents.conftest import make_incident

SETTINGS_URL = reverse("incidents:calendar")
CPR = "010190-1234"


def feed_url(feed: CalendarFeed) -> str:
    return reverse("incidents:calendar_feed", args=[feed.token])


@pytest.fixture
def feed(client, gdpr_user) -> CalendarFeed:
    client.force_login(gdpr_user)
    assert client.post(SETTINGS_URL, {"action": "create"}).status_code == 302
    client.logout()
    return CalendarFeed.objects.get(user=gdpr_user)


def test_the_feed_has_one_event_per_open_deadline_with_reference_and_category_only(
    client, feed, reporter
):
    running = make_incident(reporter, description=f"Borger Bodil Borgersen, CPR {CPR}")
    decided = make_incident(reporter)
    set_facts(decided, notify_decision=NotifyDecision.NOT_NOTIFY, decided_at=decided.reported_at)
    response = client.get(feed_url(feed))  # no login: calendar programs cannot log in
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert body.count("BEGIN:VEVENT") == 1
    unfolded = body.replace("\r\n ", "")
    assert f"SUMMARY:Frist: {running.reference} – Mistet eller stjålet udstyr (pc\\, mobil" in (
        unfolded
    )
    deadline = running.notification_deadline.strftime("%Y%m%dT%H%M%SZ")
    assert f"DTEND:{deadline}" in body
    assert decided.reference not in body
    assert CPR not in body
    assert "Bodil" not in body
    assert "Rikke" not in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_a_new_address_revokes_the_old_one(client, gdpr_user, feed):
    old = feed_url(feed)
    client.force_login(gdpr_user)
    client.post(SETTINGS_URL, {"action": "create"})
    new = feed_url(CalendarFeed.objects.get(user=gdpr_user))
    page = client.get(SETTINGS_URL).text
    assert new in page
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_a_revoked_or_bad_token_is_404(client, gdpr_user, feed):
    url = feed_url(feed)
    client.force_login(gdpr_user)
    client.post(SETTINGS_URL, {"action": "revoke"})
    client.logout()
    assert client.get(url).status_code == 404
    assert client.get(reverse("incidents:calendar_feed", args=["x" * 43])).status_code == 404


def test_the_feed_stops_when_its_owner_leaves_the_gdpr_unit(client, gdpr_user, feed):
    gdpr_user.groups.clear()
    assert client.get(feed_url(feed)).status_code == 404
    gdpr_user.is_active = False
    gdpr_user.save()
    assert client.get(feed_url(feed)).status_code == 404


@pytest.mark.parametrize("persona", ["reporter", "it_user", "manager"])
def test_only_the_gdpr_unit_may_have_a_calendar(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(SETTINGS_URL).status_code == 403
    assert client.post(SETTINGS_URL, {"action": "create"}).status_code == 403
    assert not CalendarFeed.objects.exists()


def test_an_unknown_action_changes_nothing(client, gdpr_user):
    client.force_login(gdpr_user)
    response = client.post(SETTINGS_URL, {"action": "nonsense"}, follow=True)
    assert "Handlingen kendes ikke" in response.text
    assert not CalendarFeed.objects.exists()


def test_the_feed_answers_only_get(client, feed):
    assert client.post(feed_url(feed)).status_code == 405
    assert client.put(SETTINGS_URL).status_code in (302, 405)


@pytest.mark.django_db
def test_anonymous_visitors_to_the_settings_page_are_sent_to_login(client):
    assert client.get(SETTINGS_URL)["Location"].startswith("/log-ind/")


@pytest.fixture(autouse=True)
def _db(db):
    pass
