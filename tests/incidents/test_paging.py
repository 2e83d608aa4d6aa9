"""Every list and the statistics cost the same number of queries at 1,000 incidents as at
100,000: lists are paged, statistics are SQL aggregates, nothing loads every incident."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench import seed

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
PAGES = {
    # page: (persona, query string)
    "incidents:list": ("gdpr", {"status": "all"}),
    "incidents:mine": ("reporter", {}),
    "incidents:dashboard": ("gdpr", {}),
    "incidents:register": ("gdpr", {"aar": "2026"}),
    "incidents:statistics": ("gdpr", {"aar": "2026"}),
}


def _costs(client) -> dict[str, tuple[int, int]]:
    """(queries, bytes) per page, on the second request (the session refresh is not the page's)."""
    costs = {}
    for name, (persona, params) in PAGES.items():
        client.force_login(User.objects.get(username=seed.PERSONAS[persona]))
        client.get(reverse(name), params)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(name), params)
        assert response.status_code == 200, name
        costs[name] = (len(queries), len(response.content))
    return costs


@pytest.mark.django_db
def test_lists_and_statistics_cost_the_same_at_1k_and_100k_incidents(client):
    seed.seed_people(users=200, departments=10, password="Bench2026Paging")
    seed.seed_incidents(total=1_000, now=NOW)
    small = _costs(client)
    seed.seed_incidents(total=100_000, now=NOW)
    large = _costs(client)
    for name in PAGES:
        assert large[name][0] == small[name][0], (name, small[name], large[name])
        # A page holds at most a page of rows, so its size cannot grow with the data either.
        assert large[name][1] < 3 * max(small[name][1], 20_000), (name, small, large)
