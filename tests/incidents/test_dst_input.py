"""A time typed in the hour that happens twice (autumn) or not at all (spring) gets a clear
choice or message, never a generic error: a breach found at 02:30 on 25 October can be recorded."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from incidents.models import Incident
from tests.incidents.conftest import make_incident

CPH = ZoneInfo("Europe/Copenhagen")
pytestmark = pytest.mark.django_db


@pytest.fixture
def autumn_incident(reporter):
    with time_machine.travel(dt.datetime(2026, 10, 26, 12, 0, tzinfo=CPH), tick=False):
        yield make_incident(reporter, now=dt.datetime(2026, 10, 24, 12, 0, tzinfo=CPH))


def post_containment(client, incident, **extra):
    return client.post(
        reverse("incidents:containment", args=[incident.reference]),
        {
            "containment-version": str(incident.version),
            "containment-contained_at": "2026-10-25T02:30",
            "containment-description": "Mobilen er spærret.",
            **extra,
        },
    )


def test_the_repeated_autumn_hour_asks_which_of_the_two_was_meant(client, it_user, autumn_incident):
    client.force_login(it_user)
    response = post_containment(client, autumn_incident)
    assert response.status_code == 400
    html = response.text
    assert "Klokken 02:30 var der to gange den 25. oktober 2026" in html
    assert 'name="containment-contained_at_fold" value="0"' in html
    assert "Første gang – sommertid (UTC+2)" in html
    assert "Anden gang – vintertid (UTC+1)" in html
    assert "Mobilen er spærret." in html  # what they typed is kept
    assert Incident.objects.get(pk=autumn_incident.pk).contained_at is None


@pytest.mark.parametrize(("fold", "utc_hour"), [("0", 0), ("1", 1)])
def test_choosing_summer_or_winter_time_records_the_right_moment(
    client, it_user, autumn_incident, fold, utc_hour
):
    client.force_login(it_user)
    response = post_containment(client, autumn_incident, **{"containment-contained_at_fold": fold})
    assert response.status_code == 302
    contained = Incident.objects.get(pk=autumn_incident.pk).contained_at
    assert contained == dt.datetime(2026, 10, 25, utc_hour, 30, tzinfo=dt.UTC)


def test_the_skipped_spring_hour_says_what_happened(client, it_user, reporter):
    with time_machine.travel(dt.datetime(2026, 3, 30, 12, 0, tzinfo=CPH), tick=False):
        incident = make_incident(reporter, now=dt.datetime(2026, 3, 28, 12, 0, tzinfo=CPH))
        client.force_login(it_user)
        response = client.post(
            reverse("incidents:containment", args=[incident.reference]),
            {
                "containment-version": "1",
                "containment-contained_at": "2026-03-29T02:30",
                "containment-description": "Spærret.",
            },
        )
    assert response.status_code == 400
    assert "Klokken 02:30 fandtes ikke den 29. marts 2026" in response.text
    assert "fx 03:30" in response.text


def test_a_report_discovered_in_the_repeated_hour_can_be_filed(client, reporter):
    with time_machine.travel(dt.datetime(2026, 10, 25, 4, 0, tzinfo=CPH), tick=False):
        client.force_login(reporter)
        form = {
            "category": "lost_device",
            "discovered_at": "2026-10-25T02:30",
            "description": "Min mobil blev stjålet på natbussen.",
            "personal_data": "yes",
            "stopped": "unknown",
            "submission_token": "6f1c1f0e-9d1e-4c43-9b7e-3a1f2b0c9d11",
        }
        first = client.post(reverse("incidents:report"), form)
        assert first.status_code == 200  # the form again, with the choice
        assert "Min mobil blev stjålet på natbussen." in first.text
        assert 'name="discovered_at_fold" value="1"' in first.text
        second = client.post(reverse("incidents:report"), {**form, "discovered_at_fold": "1"})
    assert second.status_code == 302
    incident = Incident.objects.get()
    assert incident.discovered_at == dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC)
    assert incident.notification_deadline == dt.datetime(2026, 10, 28, 1, 30, tzinfo=dt.UTC)
