"""The deadline dashboard: order, bands, missing items, queues, access and a constant number of
queries."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gdpr.forms import DashboardFilter
from incidents.models import NotifyDecision, RiskLevel, Status
from portal.models import Department
from tests.gdpr.conftest import notify_datatilsynet, set_facts
from tests.incidents.conftest import make_incident

CPH = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 5, 4, 12, 0, tzinfo=CPH)
URL = reverse("incidents:dashboard")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def aware_hours_ago(reporter, hours: float, **facts):
    return make_incident(reporter, now=NOW, discovered_at=NOW - timedelta(hours=hours), **facts)


def references_in(html: str) -> list[str]:
    return re.findall(r'<th scope="row"[^>]*><a [^>]*href="[^"]+">(SB-\d{4}-\d{4})</a>', html)


@pytest.fixture
def board(reporter, gdpr_user):
    """One incident per band, a stopped clock and a closed case."""
    later = aware_hours_ago(reporter, 10)  # 62 h left
    day = aware_hours_ago(reporter, 50)  # 22 h left
    six = aware_hours_ago(reporter, 69.75)  # 2 h 15 min left
    overdue = aware_hours_ago(reporter, 77)  # overdue by 5 h
    stopped = aware_hours_ago(reporter, 100)
    notify_datatilsynet(stopped, at=NOW - timedelta(hours=40), by=gdpr_user)
    closed = aware_hours_ago(reporter, 90)
    set_facts(closed, status=Status.CLOSED)
    return {
        "later": later,
        "day": day,
        "six": six,
        "overdue": overdue,
        "stopped": stopped,
        "closed": closed,
    }


def test_the_gdpr_unit_sees_open_incidents_most_urgent_first(client, gdpr_user, board):
    client.force_login(gdpr_user)
    response = client.get(URL)
    assert response.status_code == 200
    assert references_in(response.text) == [
        board[k].reference for k in ("overdue", "six", "day", "later", "stopped")
    ]


def test_each_row_shows_its_band_in_words_icon_and_colour(client, gdpr_user, board):
    client.force_login(gdpr_user)
    html = client.get(URL).text
    for key, band, label, left in [
        ("overdue", "overdue", "Overskredet", "overskredet med 5 t"),
        ("six", "6h", "Under 6 timer", "2 t 15 min tilbage"),
        ("day", "24h", "Under 24 timer", "22 t tilbage"),
        ("later", "later", "Over 24 timer", "62 t tilbage"),
        ("stopped", "stopped", "Fristen er stoppet", "Fristen er stoppet"),
    ]:
        row = re.search(
            rf'<tr class="deadline-row band-{band}"[^>]*>\s*<th scope="row"[^>]*><a [^>]+>'
            rf"{board[key].reference}</a>.*?</tr>",
            html,
            re.S,
        )
        assert row, key
        assert f'<span class="band-text">{label}</span>' in row.group(0)
        assert 'class="band-icon" aria-hidden="true"' in row.group(0)
        assert f'<strong class="time-left">{left}</strong>' in row.group(0)


def test_badges_say_what_each_incident_still_needs(client, gdpr_user, reporter):
    old = make_incident(reporter, now=NOW - timedelta(days=8))
    set_facts(
        old,
        contained_at=NOW - timedelta(days=7),
        assessed_at=NOW - timedelta(days=7),
        risk_level=RiskLevel.HIGH,
        notify_decision=NotifyDecision.NOTIFY,
        decided_at=NOW - timedelta(days=7),
    )
    fresh = make_incident(reporter, now=NOW)
    client.force_login(gdpr_user)
    html = client.get(URL).text
    old_row = re.search(rf"{old.reference}</a>.*?</tr>", html, re.S).group(0)
    fresh_row = re.search(rf"{fresh.reference}</a>.*?</tr>", html, re.S).group(0)
    assert re.findall(r"missing-(\w+)", old_row) == [
        "escalation",
        "datatilsynet",
        "subjects",
        "journalising",
    ]
    assert re.findall(r"missing-(\w+)", fresh_row) == [
        "escalation",
        "containment",
        "assessment",
        "notify_decision",
    ]


def test_queues_filter_the_list_and_show_counts(client, gdpr_user, board):
    set_facts(board["later"], owner=gdpr_user, assessed_at=NOW, risk_level=RiskLevel.HIGH)
    client.force_login(gdpr_user)
    html = client.get(URL).text
    counts = dict(re.findall(r'id="count-(\w+)">(\d+)<', html))
    assert counts == {
        "alle": "5",
        "vurdering": "3",  # the notified one was assessed: a decision stands on an assessment
        "anmeldelse": "4",
        "registrerede": "1",
        "overskredet": "1",
        "mine": "1",
    }
    assert references_in(client.get(URL, {"ko": "overskredet"}).text) == [
        board["overdue"].reference
    ]
    assert references_in(client.get(URL, {"ko": "mine"}).text) == [board["later"].reference]
    assert references_in(client.get(URL, {"ko": "registrerede"}).text) == [board["later"].reference]


def test_it_filters_by_category_department_and_status(client, gdpr_user, reporter, colleague):
    lost = make_incident(reporter, now=NOW)
    phishing = make_incident(colleague, now=NOW, category="phishing")
    set_facts(phishing, status=Status.ESCALATED)
    client.force_login(gdpr_user)
    assert references_in(client.get(URL, {"kategori": "phishing"}).text) == [phishing.reference]
    dept = lost.department_id
    assert references_in(client.get(URL, {"afdeling": dept}).text) == [lost.reference]
    assert references_in(client.get(URL, {"status": "escalated"}).text) == [phishing.reference]


def _department_select(html: str) -> str:
    [select] = re.findall(r'<select name="afdeling".*?</select>', html, flags=re.S)
    return select


def test_the_department_choices_read_as_django_renders_them_with_the_chosen_one_marked(
    client, gdpr_user, reporter, colleague
):
    client.force_login(gdpr_user)
    client.get(URL)  # keeps the choices
    for query in ({}, {"afdeling": reporter.profile.department_id}):
        kept = _department_select(client.get(URL, query).text)
        form = DashboardFilter(query or None)
        assert form.is_bound == bool(query)
        assert kept == str(form["afdeling"].as_widget())
    chosen = reporter.profile.department_id
    assert f'<option value="{chosen}" selected>' in kept
    assert '<option value="" selected>' not in kept


def test_a_renamed_department_shows_on_the_very_next_request(client, gdpr_user, reporter):
    client.force_login(gdpr_user)
    department = reporter.profile.department
    assert f">{department.name}</option>" in client.get(URL).text
    department.name = "Borgerservice og Ydelser"
    department.save(update_fields=["name"])
    select = _department_select(client.get(URL).text)
    assert ">Borgerservice og Ydelser</option>" in select
    assert ">Borgerservice</option>" not in select
    Department.objects.create(name="Kultur og Fritid")
    assert ">Kultur og Fritid</option>" in _department_select(client.get(URL).text)


@pytest.mark.parametrize(
    "query", [{"afdeling": "abc"}, {"kategori": "nonsense"}, {"ko": "x"}, {"side": "zzz"}]
)
def test_bad_filter_input_gives_a_friendly_message_not_an_error(client, gdpr_user, board, query):
    client.force_login(gdpr_user)
    response = client.get(URL, query)
    assert response.status_code == 200
    assert len(references_in(response.text)) == 5
    if "side" not in query:
        assert "Filteret kunne ikke bruges" in response.text


def test_it_sees_the_dashboard_read_only(client, it_user, board):
    client.force_login(it_user)
    response = client.get(URL)
    assert response.status_code == 200
    assert "uden at kunne behandle sagerne" in response.text


@pytest.mark.parametrize("persona", ["reporter", "manager", "colleague"])
def test_employees_and_managers_are_refused(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/log-ind/")


def test_it_answers_only_get(client, gdpr_user):
    client.force_login(gdpr_user)
    assert client.post(URL).status_code == 405


def _queries_for_dashboard(client, query: dict | None = None) -> int:
    client.get(URL)  # the session's inactivity refresh, due on the first view, is not the page's
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, query or {}).status_code == 200
    return len(queries)


def test_a_filtered_page_is_counted_in_the_counts_own_query(client, gdpr_user, board):
    """The queues' counts and the filtered list's count are one aggregate: filtering adds no
    COUNT query of its own."""
    client.force_login(gdpr_user)
    unfiltered = _queries_for_dashboard(client)
    filtered = {"kategori": "lost_device", "status": "reported", "ko": "anmeldelse"}
    assert _queries_for_dashboard(client, filtered) == unfiltered
    response = client.get(URL, {**filtered, "side": "2"})
    assert response.context["page"].paginator.count == 4
    with CaptureQueriesContext(connection) as queries:
        client.get(URL, filtered)
    assert not [q for q in queries if q["sql"].startswith("SELECT COUNT(*)")]


def test_the_number_of_queries_does_not_grow_with_the_number_of_incidents(
    client, gdpr_user, reporter, colleague
):
    client.force_login(gdpr_user)
    first = aware_hours_ago(reporter, 1)
    notify_datatilsynet(first, at=NOW, by=gdpr_user)
    # Two more like it: a repeated breach (awareness/repeats.py) is flagged in both counts, so
    # its fixed handful of queries is in both, and the rows' cost is what is compared.
    aware_hours_ago(reporter, 2)
    aware_hours_ago(reporter, 3)
    with_one = _queries_for_dashboard(client)
    for n in range(197):
        incident = aware_hours_ago(colleague if n % 2 else reporter, n % 90)
        set_facts(incident, owner=gdpr_user if n % 3 else None)
        if n % 7 == 0:
            notify_datatilsynet(incident, at=NOW, by=gdpr_user)
    assert _queries_for_dashboard(client) == with_one


@pytest.fixture(autouse=True)
def _db(db):
    pass


def _list_query(captured) -> str:
    """The dashboard's page query: the one SELECT of incidents with ORDER BY and LIMIT."""
    [sql] = [
        q["sql"]
        for q in captured
        if q["sql"].startswith('SELECT "incidents_incident"."id"')
        and "ORDER BY" in q["sql"]
        and "LIMIT" in q["sql"]
    ]
    return sql


@pytest.mark.parametrize("query", ["", "?ko=overskredet"])
def test_a_page_is_read_off_an_index_in_order_without_scanning_or_sorting(client, query):
    """The page's rows can be read from the dashboard's partial indexes in ORDER BY order: no
    Seq Scan of the incidents and no Sort of the open rows. A test-sized table is small enough
    that sorting is honestly cheaper, so (as the guidance index test does) the planner is told
    to avoid sorts and scans and must find an index that already gives the order."""
    from bench import seed

    seed.seed_people(users=40, departments=4, password="Bench2026Explain")
    seed.seed_incidents(total=3000, now=NOW.astimezone(UTC))  # and ANALYZEs, as the bench does
    from django.contrib.auth.models import User

    client.force_login(User.objects.get(username=seed.PERSONAS["gdpr"]))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL + query).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + _list_query(captured))
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_sort")
        cursor.execute("RESET enable_seqscan")
    index = "incident_open_running_deadline" if query else "incident_dashboard_order"
    assert f"Index Scan using {index} on incidents_incident" in plan, plan
    assert "Seq Scan on incidents_incident" not in plan, plan
    assert "Sort" not in plan, plan
