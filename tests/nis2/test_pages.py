"""NIS2 on the incident page and the deadline dashboard: the section and its panels for IT and
the GDPR unit only, a refused form shown again with what was typed, the drafts, a row per clock
beside the GDPR row (filterable by regime), and nothing at all with NIS2 switched off."""

from __future__ import annotations

import importlib
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import NoReverseMatch, clear_url_caches, reverse

from nis2.models import Nis2Case
from tests.incidents.conftest import make_incident
from tests.nis2.steps import assess_nis2, details, submit

CPH = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 5, 4, 12, 0, tzinfo=CPH)
DASHBOARD = reverse("incidents:dashboard")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def significant(reporter, gdpr_user):
    """Reported 20 hours ago; aware of the significant incident 10 hours ago."""
    incident = make_incident(reporter, now=NOW, discovered_at=NOW - timedelta(hours=20))
    assess_nis2(incident, gdpr_user, aware_at=NOW - timedelta(hours=10))
    return incident


def rows_of(html: str, reference: str) -> list[str]:
    """(regime, clock label) of each dashboard row of the incident, in page order."""
    rows = re.findall(
        rf'<tr class="deadline-row band-\S+" data-regime="(\w+)"[^>]*>\s*<th scope="row"[^>]*>'
        rf'<a [^>]+>{reference}</a>(?:(?!</tr>).)*?</th>\s*<td class="small clock-label"[^>]*>'
        r"([^<]*)</td>",
        html,
        re.S,
    )
    return [(regime, label.replace("&#x27;", "'")) for regime, label in rows]


# --- The dashboard -----------------------------------------------------------------------------


def test_a_significant_incident_shows_three_nis2_rows_next_to_its_gdpr_row(
    client, gdpr_user, significant, reporter
):
    ordinary = make_incident(reporter, now=NOW, discovered_at=NOW - timedelta(hours=5))
    client.force_login(gdpr_user)
    html = client.get(DASHBOARD).text
    assert rows_of(html, significant.reference) == [
        ("gdpr", "GDPR: anmeldelse til Datatilsynet (72 timer)"),
        ("nis2", "NIS2: tidlig varsling (24 timer)"),
        ("nis2", "NIS2: hændelsesunderretning (72 timer)"),
        ("nis2", "NIS2: endelig rapport (1 måned)"),
    ]
    assert rows_of(html, ordinary.reference) == [
        ("gdpr", "GDPR: anmeldelse til Datatilsynet (72 timer)")
    ]
    # The early warning is due 14 hours from now: counted down like the GDPR clock.
    row = re.search(r'data-regime="nis2" data-deadline="([^"]+)"', html)
    assert datetime.fromisoformat(row.group(1)) == NOW + timedelta(hours=14)
    assert "14 t tilbage" in html


def test_the_dashboard_filters_by_regime(client, gdpr_user, significant, reporter):
    ordinary = make_incident(reporter, now=NOW)
    client.force_login(gdpr_user)
    nis2_only = client.get(DASHBOARD, {"ordning": "nis2"}).text
    assert [r for r, _ in rows_of(nis2_only, significant.reference)] == ["nis2"] * 3
    assert rows_of(nis2_only, ordinary.reference) == []
    gdpr_only = client.get(DASHBOARD, {"ordning": "gdpr"}).text
    assert [r for r, _ in rows_of(gdpr_only, significant.reference)] == ["gdpr"]
    assert [r for r, _ in rows_of(gdpr_only, ordinary.reference)] == ["gdpr"]


def test_a_sent_report_shows_on_its_row(client, gdpr_user, significant):
    submit(significant, gdpr_user, "early_warning", at=NOW - timedelta(hours=1))
    client.force_login(gdpr_user)
    html = client.get(DASHBOARD, {"ordning": "nis2"}).text
    assert "Tidlig varsling sendt 4. maj 2026 kl. 11:00" in html


def test_switching_nis2_off_hides_every_nis2_row_and_the_filter(
    client, gdpr_user, significant, settings
):
    settings.NIS2_ENABLED = False
    client.force_login(gdpr_user)
    html = client.get(DASHBOARD).text
    assert [r for r, _ in rows_of(html, significant.reference)] == ["gdpr"]
    assert 'name="ordning"' not in html
    assert "NIS2" not in html


# --- The incident page -----------------------------------------------------------------------


def test_it_and_the_gdpr_unit_see_the_nis2_section_and_its_clocks(
    client, significant, gdpr_user, it_user
):
    for person in (gdpr_user, it_user):
        client.force_login(person)
        html = client.get(reverse("incidents:detail", args=[significant.reference])).text
        assert 'id="nis2-clocks"' in html
        assert "4. maj 2026 kl. 02:00" in html  # aware 02:00, so the early warning is due …
        assert "5. maj 2026 kl. 02:00" in html  # … 24 hours later
        assert f'action="/sikkerhedsbrud/{significant.reference}/nis2/rapport/"' in html


def test_the_reporter_and_their_manager_see_no_nis2_section(client, significant, reporter, manager):
    for person in (reporter, manager):
        client.force_login(person)
        html = client.get(reverse("incidents:detail", args=[significant.reference])).text
        assert 'id="nis2"' not in html


def test_the_assessment_panel_records_a_significant_incident(client, gdpr_user, reporter):
    incident = make_incident(reporter, now=NOW)
    client.force_login(gdpr_user)
    response = client.post(
        reverse("nis2:assess", args=[incident.reference]),
        {
            "nis2-assess-version": "0",
            "nis2-assess-significant": "yes",
            "nis2-assess-criteria": ["operational", "damage"],
            "nis2-assess-aware_at": "2026-05-04T09:30",
            "nis2-assess-reason": "Hjemmeplejens planlægning var nede i et døgn.",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/{incident.reference}/#nis2")
    case = Nis2Case.objects.get(incident=incident)
    assert case.criteria == ["operational", "damage"]
    assert case.early_warning_deadline == datetime(2026, 5, 5, 9, 30, tzinfo=CPH)


def test_a_refused_assessment_says_why_in_danish_and_keeps_what_was_typed(
    client, gdpr_user, reporter
):
    incident = make_incident(reporter, now=NOW)
    client.force_login(gdpr_user)
    response = client.post(
        reverse("nis2:assess", args=[incident.reference]),
        {
            "nis2-assess-version": "0",
            "nis2-assess-significant": "yes",
            "nis2-assess-reason": "Selvbetjeningen var nede.",
        },
    )
    assert response.status_code == 400
    assert "Vælg mindst ét forhold, der gør hændelsen væsentlig." in response.text
    assert "Skriv hvornår kommunen blev opmærksom på den væsentlige hændelse." in response.text
    assert "Selvbetjeningen var nede." in response.text
    assert not Nis2Case.objects.filter(incident=incident).exists()


def test_a_stale_form_is_refused_with_409_and_keeps_what_was_typed(client, gdpr_user, significant):
    client.force_login(gdpr_user)
    response = client.post(
        reverse("nis2:details", args=[significant.reference]),
        {"nis2-details-version": "0", "nis2-details-threat": "Phishing."},
    )
    assert response.status_code == 409
    assert "En anden har ændret NIS2-oplysningerne" in response.text
    assert "Phishing." in response.text


def test_the_draft_lists_what_the_csirt_asks_and_marks_what_is_missing(
    client, gdpr_user, significant
):
    client.force_login(gdpr_user)
    url = reverse("nis2:draft", args=[significant.reference, "notification"])
    html = client.get(url).text
    assert "Mistanke om ulovlig eller ondsindet handling" in html
    assert "Kompromitteringsindikatorer (IoC)" in html
    assert "4 punkter mangler" in html
    details(significant, gdpr_user)
    html = client.get(url).text
    assert "Alle punkter er udfyldt." in html
    assert "185.220.101.7" in html
    # The services refuse CPR numbers; one written another way is still masked in the draft.
    Nis2Case.objects.filter(incident=significant).update(indicators="Se 010190-1234.")
    assert "010190-1234" not in client.get(url).text


# --- Switched off ----------------------------------------------------------------------------


def test_switched_off_the_incident_page_shows_no_nis2_and_its_addresses_do_not_answer(
    client, gdpr_user, significant, settings
):
    settings.NIS2_ENABLED = False
    client.force_login(gdpr_user)
    html = client.get(reverse("incidents:detail", args=[significant.reference])).text
    assert 'id="nis2"' not in html
    for url in (
        reverse("nis2:case", args=[significant.reference]),
        reverse("nis2:draft", args=[significant.reference, "early_warning"]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("nis2:assess", args=[significant.reference])).status_code == 404


def test_switched_off_at_start_the_portal_has_no_nis2_addresses(settings):
    import portal.urls

    settings.NIS2_ENABLED = False
    try:
        importlib.reload(portal.urls)
        clear_url_caches()
        with pytest.raises(NoReverseMatch):
            reverse("nis2:case", args=["SB-2026-0001"])
    finally:
        settings.NIS2_ENABLED = True
        importlib.reload(portal.urls)
        clear_url_caches()
    assert reverse("nis2:case", args=["SB-2026-0001"])
