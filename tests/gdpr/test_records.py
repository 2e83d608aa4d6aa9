"""The Datatilsynet draft, the art. 33(5) register with its CSV export, and the statistics."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from incidents.models import NotifyDecision, RiskLevel, SubjectsExemption
from tests.gdpr.conftest import notify_datatilsynet, set_facts
from tests.incidents.conftest import make_incident

CPH = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 5, 10, 12, 0, tzinfo=CPH)
CPR = "010190-1234"
CITIZEN = "Bodil Borgersen"


@pytest.fixture(autouse=True)
def frozen(db):
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def notified(reporter, gdpr_user):
    """A breach notified to Datatilsynet with every item recorded."""
    incident = make_incident(
        reporter,
        now=datetime(2026, 5, 4, 9, 0, tzinfo=CPH),
        category="misdirected_mail",
        description=f"Brev om {CITIZEN} ({CPR}) sendt forkert.",
        occurred_at=datetime(2026, 5, 3, 15, 0, tzinfo=CPH),
    )
    set_facts(
        incident,
        classification="breach",
        account="En e-mail med helbredsoplysninger blev sendt til en forkert modtager.",
        dt_incident_type="wrong_recipient",
        subject_categories=["citizens"],
        processor_involved=False,
        police_reported=False,
        contained_at=datetime(2026, 5, 4, 11, 0, tzinfo=CPH),
        containment_description="Modtageren har slettet e-mailen.",
        breach_types=["confidentiality"],
        subjects_estimate=1,
        records_estimate=3,
        likely_consequences=f"Risiko for identitetstyveri (CPR {CPR}).",
        measures_taken="Ny kontrol af modtageradresser.",
        measures_proposed="Undervisning af afdelingen.",
        measures_before="Sikker post er standard.",
        risk_level=RiskLevel.HIGH,
        risk_reasoning="CPR-nummer og helbredsoplysninger.",
        assessed_at=datetime(2026, 5, 4, 13, 0, tzinfo=CPH),
        decision_reasoning="Høj risiko for den registrerede.",
        subjects_informed_at=datetime(2026, 5, 5, 10, 0, tzinfo=CPH),
        subjects_informed_how="Brev i Digital Post.",
        sbsys_case_number="26-000123",
    )
    notify_datatilsynet(
        incident,
        at=datetime(2026, 5, 5, 9, 0, tzinfo=CPH),
        by=gdpr_user,
        content="Fejlsendt e-mail med CPR-nummer.",
    )
    return incident


def draft_url(incident) -> str:
    return reverse("incidents:draft", args=[incident.reference])


def test_the_draft_of_a_notified_breach_has_every_item_and_no_personal_data(
    client, gdpr_user, notified
):
    client.force_login(gdpr_user)
    response = client.get(draft_url(notified))
    assert response.status_code == 200
    html = response.text
    for key in [
        "contact",
        "timeline",
        "description",
        "breach_type",
        "subjects",
        "records",
        "likely_consequences",
        "subject_consequences",
        "measures",
        "measures_before",
        "informed",
        "other_parties",
        "delay",
        "later",
    ]:
        assert f'id="item-{key}"' in html, key
    assert "Alle punkter er udfyldt." in html
    assert "Mangler</span>" not in html
    assert "sikkerhedsbrud@herlev.dk" in html
    assert "dpo@herlev.dk" in html  # the data protection officer, art. 33(3)(b)
    assert "Borgere – ca. 1 personer" in html
    assert "Ja, 5. maj 2026 kl. 10:00. Brev i Digital Post." in html
    assert "Sket: 3. maj 2026 kl. 15:00" in html
    assert "Inddæmmet: 4. maj 2026 kl. 11:00" in html
    assert CPR not in html
    assert CITIZEN not in html
    assert "Rikke" not in html
    assert "[CPR-nummer fjernet]" in html


def test_the_draft_flags_what_is_missing_for_a_fresh_late_report(client, gdpr_user, reporter):
    incident = make_incident(reporter, now=NOW - timedelta(hours=80))
    client.force_login(gdpr_user)
    html = client.get(draft_url(incident)).text
    missing = re.findall(r'id="item-(\w+)">\s*<h2[^>]*>[^<]*<span class="badge', html)
    assert {"description", "records", "subject_consequences", "delay", "timeline"} <= set(missing)
    assert "Følgende eftersendes" in html


def test_the_incident_page_links_handlers_to_the_draft(client, gdpr_user, reporter, notified):
    client.force_login(gdpr_user)
    assert (
        draft_url(notified)
        in client.get(notified_url := f"/sikkerhedsbrud/{notified.reference}/").text
    )
    client.force_login(reporter)
    assert draft_url(notified) not in client.get(notified_url).text


def test_the_draft_is_404_for_outsiders_and_403_for_those_who_see_the_case(
    client, notified, colleague, reporter, it_user
):
    client.force_login(colleague)
    assert client.get(draft_url(notified)).status_code == 404
    client.force_login(reporter)
    assert client.get(draft_url(notified)).status_code == 403
    client.force_login(it_user)
    assert client.get(draft_url(notified)).status_code == 403


def test_the_draft_answers_only_get(client, gdpr_user, notified):
    client.force_login(gdpr_user)
    assert client.post(draft_url(notified)).status_code == 405


# --- The register -----------------------------------------------------------------------------


@pytest.fixture
def not_notified(colleague, gdpr_user):
    incident = make_incident(colleague, now=datetime(2026, 2, 1, 9, 0, tzinfo=CPH))
    return set_facts(
        incident,
        notify_decision=NotifyDecision.NOT_NOTIFY,
        decision_reasoning="Krypteret udstyr.",
        decided_at=datetime(2026, 2, 1, 12, 0, tzinfo=CPH),
        risk_level=RiskLevel.NONE,
        subjects_exemption=SubjectsExemption.ART34_3A,
    )


def test_the_register_lists_every_breach_of_the_year_notified_or_not(
    client, gdpr_user, notified, not_notified, reporter
):
    last_year = make_incident(reporter, now=datetime(2025, 6, 1, 9, 0, tzinfo=CPH))
    client.force_login(gdpr_user)
    html = client.get(reverse("incidents:register"), {"aar": "2026"}).text
    assert notified.reference in html
    assert not_notified.reference in html
    assert last_year.reference not in html
    assert "Høj risiko for den registrerede." in html
    assert "Krypteret udstyr." in html
    assert "Ny kontrol af modtageradresser." in html
    assert CPR not in html
    assert CITIZEN not in html
    assert last_year.reference in client.get(reverse("incidents:register"), {"aar": "2025"}).text


def test_the_csv_opens_in_danish_excel_and_holds_no_personal_data(
    client, gdpr_user, notified, not_notified
):
    client.force_login(gdpr_user)
    response = client.get(reverse("incidents:register_csv"), {"aar": "2026"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="brudfortegnelse-2026.csv"' in response["Content-Disposition"]
    assert response.streaming  # a year of lines never sits in memory at once
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:4] == ["Reference", "Klassifikation", "Kategori", "Afdeling"]
    assert [r[0] for r in rows[1:]] == [not_notified.reference, notified.reference]
    row = dict(zip(rows[0], rows[2], strict=True))
    assert row["Anmeldt til Datatilsynet"] == "2026-05-05 09:00"  # ISO: Excel sorts it
    assert row["Rettidigt"] == "Ja"
    assert row["Beslutning"] == "Anmeldes til Datatilsynet"
    assert row["Virkninger"] == "Risiko for identitetstyveri (CPR [CPR-nummer fjernet])."
    assert {"Opmærksom", "Inddæmmet"} <= set(rows[0])  # UTF-8 with BOM: Excel shows æ and ø
    assert CPR not in text
    assert CITIZEN not in text
    assert "Rikke" not in text


def _csv_rows(client, year="2026") -> list[dict[str, str]]:
    response = client.get(reverse("incidents:register_csv"), {"aar": year})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = csv.reader(io.StringIO(text), delimiter=";")
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_handlers_remedial_texts_are_scrubbed_in_the_csv_and_the_page(client, gdpr_user, notified):
    set_facts(
        notified,
        containment_description=f"Brevet til {CPR} er hentet tilbage.",
        measures_taken="Sagen om 0101901234 er gennemgået.",
    )
    client.force_login(gdpr_user)
    (row,) = _csv_rows(client)
    assert row["Afhjælpende foranstaltninger"] == (
        "Brevet til [CPR-nummer fjernet] er hentet tilbage.\n\n"
        "Sagen om [CPR-nummer fjernet] er gennemgået."
    )
    html = client.get(reverse("incidents:register"), {"aar": "2026"}).text
    assert "Brevet til [CPR-nummer fjernet] er hentet tilbage." in html
    assert CPR not in html
    assert "0101901234" not in html


def test_the_register_shows_the_first_notification_of_several(client, gdpr_user, notified):
    from incidents.models import DatatilsynetNotification

    first = notified.dt_notifications.get()
    DatatilsynetNotification.objects.create(
        incident=notified,
        phase=DatatilsynetNotification.Phase.FOLLOW_UP,
        follows=first,
        notified_at=datetime(2026, 5, 7, 14, 30, tzinfo=CPH),
        dt_reference="2026-999-0000",
        recorded_by=gdpr_user,
        recorded_at=datetime(2026, 5, 7, 14, 30, tzinfo=CPH),
    )
    client.force_login(gdpr_user)
    (row,) = _csv_rows(client)
    assert row["Anmeldt til Datatilsynet"] == "2026-05-05 09:00"
    assert row["Datatilsynets j.nr."] == "2026-123-4567"


def test_the_year_is_the_danish_calendar_year(client, gdpr_user, reporter):
    """Reported 00:30 on New Year's Day in Copenhagen is still 31 December in UTC."""
    new_year = make_incident(reporter, now=datetime(2026, 1, 1, 0, 30, tzinfo=CPH))
    old_year = make_incident(reporter, now=datetime(2025, 12, 31, 23, 30, tzinfo=CPH))
    client.force_login(gdpr_user)
    assert [r["Reference"] for r in _csv_rows(client, "2026")] == [new_year.reference]
    assert [r["Reference"] for r in _csv_rows(client, "2025")] == [old_year.reference]
    assert _csv_rows(client, "2026")[0]["Indberettet"] == "2026-01-01 00:30"


def test_the_register_page_shows_a_hundred_at_a_time(
    client, gdpr_user, notified, not_notified, monkeypatch
):
    from gdpr import selectors

    monkeypatch.setattr(selectors, "REGISTER_PAGE_SIZE", 1)
    client.force_login(gdpr_user)
    url = reverse("incidents:register")
    first = client.get(url, {"aar": "2026"}).text
    assert not_notified.reference in first
    assert notified.reference not in first
    assert "2 brud" in first
    assert "Side 1 af 2" in first
    assert "?aar=2026&amp;side=2" in first
    second = client.get(url, {"aar": "2026", "side": "2"}).text
    assert notified.reference in second
    assert not_notified.reference not in second
    assert "Høj risiko for den registrerede." in second


@pytest.mark.parametrize("year", ["abc", "1900", "20266", "-1"])
def test_a_bad_year_gives_a_friendly_message(client, gdpr_user, notified, year):
    client.force_login(gdpr_user)
    response = client.get(reverse("incidents:register"), {"aar": year})
    assert response.status_code == 200
    assert "Året kunne ikke bruges" in response.text
    assert client.get(reverse("incidents:register_csv"), {"aar": year}).status_code == 200


@pytest.mark.parametrize("name", ["register", "register_csv"])
@pytest.mark.parametrize("persona", ["reporter", "manager", "it_user"])
def test_the_register_is_the_gdpr_units_alone(client, request, name, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(f"incidents:{name}")).status_code == 403


@pytest.mark.parametrize("name", ["register", "register_csv", "statistics"])
def test_register_and_statistics_answer_only_get(client, gdpr_user, name):
    client.force_login(gdpr_user)
    assert client.post(reverse(f"incidents:{name}")).status_code == 405


# --- Statistics -------------------------------------------------------------------------------


def test_statistics_show_counts_shares_medians_and_repeats(
    client, gdpr_user, notified, not_notified, reporter
):
    make_incident(reporter, now=datetime(2026, 5, 6, 9, 0, tzinfo=CPH), category="misdirected_mail")
    client.force_login(gdpr_user)
    html = client.get(reverse("incidents:statistics"), {"aar": "2026"}).text
    assert '<dd class="col-sm-7" id="stat-total">3</dd>' in html
    assert "100 % (1 af 1 anmeldte)" in html
    assert 'id="stat-containment">2,0 timer' in html  # Danish decimal comma
    assert '<svg viewBox="0 0 720 300" role="img"' in html
    assert '<title id="per-month-title">' in html
    table = re.search(r'id="per-month-table">.*?</table>', html, re.S).group(0)
    assert re.search(r"Følsom e-mail[^<]*</th>(<td>\d+</td>){4}<td>2</td>", table)
    repeats = re.search(r'id="repeats-table">.*?</table>', html, re.S).group(0)
    assert "<td>Borgerservice</td>" in repeats
    assert "<td>2</td>" in repeats


def test_it_may_see_statistics_but_employees_may_not(client, it_user, reporter):
    client.force_login(it_user)
    assert client.get(reverse("incidents:statistics")).status_code == 200
    client.force_login(reporter)
    assert client.get(reverse("incidents:statistics")).status_code == 403
