"""Incidents made the way the product makes them: through incident_submit."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from incidents import services
from incidents.models import Category, PersonalData, Stopped


def make_incident(reporter, *, now: datetime | None = None, **overrides):
    now = now or timezone.now()
    facts = {
        "category": Category.LOST_DEVICE,
        "description": "Jeg har mistet min arbejdsmobil i bussen.",
        "discovered_at": now,
        "personal_data": PersonalData.YES,
        "data_kinds": ["ordinary"],
        "affected_estimate": 10,
        "stopped": Stopped.UNKNOWN,
    }
    facts.update(overrides)
    return services.incident_submit(reporter=reporter, now=now, **facts)


@pytest.fixture
def incident(reporter):
    """Rikke's lost phone, reported just now."""
    return make_incident(reporter)


@pytest.fixture
def incident_factory(reporter):
    def _factory(user=None, **overrides):
        return make_incident(user or reporter, **overrides)

    return _factory
