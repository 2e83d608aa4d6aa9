"""/healthz tells the proxy and monitoring whether the portal works: the database answers, a
worker is alive, no e-mail has waited too long. No login, and numbers only."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.models import Notification
from portal.models import WorkerHeartbeat
from tests.incidents.conftest import make_incident

pytestmark = pytest.mark.django_db


def beat(seconds_ago: float = 0) -> None:
    at = timezone.now() - timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.create(name=f"web1:{int(seconds_ago)}", started_at=at, seen_at=at)


def test_it_answers_200_to_anyone_when_a_worker_beats_and_no_email_waits(client):
    beat(5)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "worker": {"ok": True, "seconds_since_heartbeat": 5},
        "email": {"ok": True, "oldest_unsent_seconds": 0},
    }


def test_the_newest_of_several_workers_counts(client):
    beat(600)
    beat(3)
    assert client.get("/healthz").json()["worker"]["seconds_since_heartbeat"] == 3


def test_no_worker_is_unhealthy(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"] == {"ok": False, "seconds_since_heartbeat": None}


def test_a_worker_silent_for_more_than_two_minutes_is_unhealthy(client):
    beat(121)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "fail"
    assert response.json()["worker"]["ok"] is False


def test_an_email_waiting_more_than_a_quarter_of_an_hour_is_unhealthy(client, reporter):
    beat()
    incident = make_incident(reporter)
    assert client.get("/healthz").status_code == 200
    Notification.objects.filter(incident=incident).update(
        created=timezone.now() - timedelta(minutes=16)
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["email"] == {"ok": False, "oldest_unsent_seconds": 960}
    Notification.objects.update(status=Notification.Status.SENT)  # the mail server is back
    assert client.get("/healthz").status_code == 200


def test_it_says_nothing_about_anyone(client, reporter):
    beat()
    make_incident(reporter)
    text = client.get("/healthz").text
    for personal in (reporter.username, reporter.email, reporter.last_name, "SB-", "web1"):
        assert personal not in text
    values = json.loads(text)
    assert set(values) == {"status", "database", "worker", "email"}


def test_it_is_answered_over_plain_http_when_https_is_enforced(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    beat()
    assert client.get("/healthz").status_code == 200
    assert client.get("/log-ind/").status_code == 301  # everything else goes to HTTPS


def test_it_only_reads(client):
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 503  # no worker here: HEAD tells the same
