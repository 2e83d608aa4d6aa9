"""The incident page reads the incident once, and its number of queries is the same for a case
with one line of history among a few incidents as for one with many among many."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents import services
from tests.incidents.conftest import make_incident

pytestmark = pytest.mark.django_db
# The session with its user, the incident (with its people, department and NIS2 record), its
# notifications to Datatilsynet, its attachments, its history, and the visit log's one INSERT.
PAGE_QUERIES = 6


def _queries(client, incident) -> list[str]:
    url = reverse("incidents:detail", args=[incident.reference])
    client.get(url)  # the session's inactivity refresh, due on the first view, is not the page's
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in captured]


def _incident_reads(queries: list[str]) -> list[str]:
    return [sql for sql in queries if sql.startswith('SELECT "incidents_incident"."id"')]


def test_the_gdpr_unit_s_incident_page_reads_the_incident_once(client, gdpr_user, incident):
    client.force_login(gdpr_user)
    queries = _queries(client, incident)
    assert len(_incident_reads(queries)) == 1, queries
    assert len(queries) == PAGE_QUERIES, queries


def test_the_number_of_queries_does_not_grow_with_the_history_or_the_incidents(
    client, gdpr_user, reporter, colleague, incident
):
    client.force_login(gdpr_user)
    with_one = len(_queries(client, incident))
    for n in range(30):
        services.incident_add_note(incident=incident, actor=gdpr_user, text=f"Note {n}")
        services.incident_add_information(incident=incident, actor=reporter, text=f"Nyt {n}")
        make_incident(colleague if n % 2 else reporter)
    assert incident.timeline.count() > 60
    assert len(_queries(client, incident)) == with_one == PAGE_QUERIES
