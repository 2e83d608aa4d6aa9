"""The benchmark's seeding keeps every invariant the portal relies on (no timings here)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User

from bench import seed
from incidents import services
from incidents.models import (
    NOTIFICATION_WINDOW,
    DatatilsynetNotification,
    Incident,
    NotifyDecision,
    ReferenceCounter,
    TimelineEntry,
)
from portal import roles

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


@pytest.fixture
def seeded(db) -> None:
    seed.seed_people(users=20, departments=4, password="Bench2026Smoke")
    seed.seed_incidents(total=50, now=NOW)


def test_it_seeds_people_with_departments_managers_and_every_persona(seeded):
    people = User.objects.filter(username__startswith=seed.USERNAME_PREFIX)
    assert people.count() == 20 + len(seed.PERSONAS)
    assert not people.filter(profile=None).exists()
    for role in roles.ALL_GROUPS:
        assert people.filter(groups__name=role).exists()
    reporter = User.objects.get(username=seed.PERSONAS["reporter"])
    assert reporter.profile.manager.username == seed.PERSONAS["manager"]


def test_it_seeds_incidents_that_keep_the_models_invariants(seeded):
    incidents = Incident.objects.all()
    assert incidents.count() == 50
    assert TimelineEntry.objects.count() >= 50
    assert not incidents.filter(timeline=None).exists()
    for incident in incidents:
        assert incident.notification_deadline - incident.aware_at == NOTIFICATION_WINDOW
        assert incident.aware_at <= incident.reported_at
    notify = incidents.filter(notify_decision=NotifyDecision.NOTIFY).closed()
    assert DatatilsynetNotification.objects.filter(incident__in=notify).count() == notify.count()
    # The stored clock is what sync_clock() derives from the facts, and some clocks run.
    stored = dict(incidents.values_list("pk", "clock_stopped_at"))
    assert Incident.objects.sync_clock() == 50
    assert dict(incidents.values_list("pk", "clock_stopped_at")) == stored
    assert None in stored.values()
    assert any(stored.values())


def test_references_are_unique_and_agree_with_the_counter_as_the_data_grows(seeded):
    seed.seed_incidents(total=120, now=NOW)
    references = list(Incident.objects.values_list("reference", flat=True))
    assert len(references) == len(set(references)) == 120
    per_year = Counter(int(ref.split("-")[1]) for ref in references)
    counters = dict(ReferenceCounter.objects.values_list("year", "last_number"))
    assert counters == dict(per_year)
    assert len(per_year) >= 4  # several years of history


def test_a_realistic_share_is_open_and_mostly_recent(db):
    seed.seed_people(users=20, departments=4, password="Bench2026Smoke")
    seed.seed_incidents(total=1000, now=NOW)
    open_incidents = Incident.objects.open()
    share = open_incidents.count() / 1000
    assert 0.02 <= share <= 0.08
    recent = open_incidents.filter(reported_at__gte=NOW - seed.RECENT).count()
    assert recent > open_incidents.count() / 2


def test_it_removes_what_the_load_test_submitted(seeded):
    reporter = User.objects.get(username=seed.PERSONAS["reporter"])
    services.incident_submit(
        reporter=reporter,
        category="phishing",
        description="Bench",
        discovered_at=NOW,
        personal_data="no",
        stopped="yes",
        submission_token=seed.new_submission_token(),
        now=NOW,
    )
    assert seed.remove_submissions() == 1
    assert Incident.objects.count() == 50
    year_total = Incident.objects.filter(reference__startswith="SB-2026-").count()
    assert ReferenceCounter.objects.get(year=2026).last_number == year_total
