"""The handler's panels over HTTP: success, Danish errors, collisions and file downloads."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incidents.models import DatatilsynetNotification, TimelineEntry
from tests.incidents.conftest import make_incident
from tests.incidents.steps import assess, decide, notify, v

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")


def url(incident, name, *args):
    return reverse(f"incidents:{name}", args=[incident.reference, *args])


def test_the_detail_page_shows_the_deadline_in_copenhagen_time(client, reporter, gdpr_user):
    with time_machine.travel(dt.datetime(2026, 3, 28, 12, 0, tzinfo=CPH), tick=False):
        incident = make_incident(reporter, now=dt.datetime(2026, 3, 27, 10, 0, tzinfo=CPH))
        client.force_login(gdpr_user)
        response = client.get(url(incident, "detail"))
    assert "27. marts 2026 kl. 10:00" in response.text
    assert "30. marts 2026 kl. 11:00" in response.text
    # 46 real hours: the night to 29 March has one hour fewer (summer time begins).
    assert "1 døgn og 22 timer tilbage" in response.text


def test_opening_an_incident_is_logged(client, incident, it_user):
    client.force_login(it_user)
    client.get(url(incident, "detail"))
    assert incident.timeline.filter(kind="viewed", actor=it_user).exists()


def test_recording_containment_redirects_and_logs(client, incident, it_user):
    client.force_login(it_user)
    response = client.post(
        url(incident, "containment"),
        {
            "containment-version": "1",
            "containment-contained_at": "2026-01-10T10:00",
            "containment-description": "Mobilen er spærret.",
        },
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.containment_description == "Mobilen er spærret."


def test_a_cpr_number_in_a_note_is_refused(client, incident, gdpr_user):
    client.force_login(gdpr_user)
    response = client.post(url(incident, "note"), {"note-text": "Borger 311299-1234 ringede"})
    assert response.status_code == 400
    assert "CPR-nummer" in response.text
    assert not incident.timeline.filter(kind="note").exists()


def test_a_colliding_change_is_refused_and_the_current_state_shown(
    client, incident, gdpr_user, superuser
):
    assess(incident, superuser, risk_level="none")
    seen = v(incident)
    decide(incident, superuser, "notify", decision_reasoning="Høj risiko: CPR-numre.")
    client.force_login(gdpr_user)
    response = client.post(
        url(incident, "decide"),
        {
            "decide-version": str(seen),
            "decide-notify_decision": "not_notify",
            "decide-decision_reasoning": "Ingen risiko.",
        },
    )
    assert response.status_code == 409
    assert "En anden har ændret sagen" in response.text
    assert "Høj risiko: CPR-numre." in response.text  # the current state
    assert "Ingen risiko." in response.text  # what they typed is kept
    incident.refresh_from_db()
    assert incident.notify_decision == "notify"
    assert response.context["panels"]


def test_a_late_notification_without_reasons_gives_a_danish_error(client, reporter, gdpr_user):
    incident = make_incident(reporter, now=dt.datetime(2026, 1, 10, 8, 0, tzinfo=CPH))
    assess(incident, gdpr_user)
    decide(incident, gdpr_user, "notify", decision_reasoning="Risiko.")
    client.force_login(gdpr_user)
    response = client.post(
        url(incident, "datatilsynet"),
        {
            "datatilsynet-version": str(v(incident)),
            "datatilsynet-notified_at": "2026-01-13T08:01",
            "datatilsynet-dt_reference": "2026-431-0042",
        },
    )
    assert response.status_code == 400
    assert "efter fristen på 72 timer" in response.text
    assert not DatatilsynetNotification.objects.exists()


def test_closing_shows_exactly_what_is_missing(client, incident, gdpr_user):
    client.force_login(gdpr_user)
    response = client.post(url(incident, "close"), {"close-version": "1"})
    assert response.status_code == 400
    assert "Det er ikke registreret, hvad der er gjort for at stoppe bruddet" in response.text
    assert "SBSYS-sagsnummeret mangler" in response.text
    incident.refresh_from_db()
    assert incident.is_open


def test_the_reporter_adds_information_later(client, incident, reporter):
    client.force_login(reporter)
    response = client.post(
        url(incident, "add_information"),
        {"add_information-text": "Mobilen er fundet igen."},
    )
    assert response.status_code == 302
    entry = incident.timeline.get(kind=TimelineEntry.Kind.INFORMATION_ADDED)
    assert entry.body.text == "Mobilen er fundet igen."


def test_attachments_download_only_for_those_who_may_see_them(client, reporter, colleague):
    pdf = SimpleUploadedFile("rapport.pdf", b"%PDF-1.4 data", "application/pdf")
    incident = make_incident(reporter, files=[pdf])
    attachment = incident.attachments.get()
    client.force_login(reporter)
    response = client.get(url(incident, "attachment", attachment.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 data"
    client.force_login(colleague)
    assert client.get(url(incident, "attachment", attachment.pk)).status_code == 404


def test_the_datatilsynet_receipt_is_for_handlers_only(client, incident, gdpr_user, reporter):
    assess(incident, gdpr_user)
    decide(incident, gdpr_user, "notify", decision_reasoning="Risiko.")
    notification = notify(
        incident,
        gdpr_user,
        notified_at=incident.reported_at,
        dt_reference="2026-431-0042",
        content="",
        receipt=SimpleUploadedFile("k.pdf", b"%PDF-1.7 ok", "application/pdf"),
    )
    client.force_login(gdpr_user)
    response = client.get(url(incident, "dt_receipt", notification.pk))
    assert response.status_code == 200
    assert "kvittering-SB-" in response["Content-Disposition"]
    client.force_login(reporter)
    assert client.get(url(incident, "dt_receipt", notification.pk)).status_code == 403


def _unfolded_panels(html: str) -> set[str]:
    return set(re.findall(r'<details class="card mb-3 action-panel" id="panel-(\w+)" open>', html))


def test_the_panels_for_the_next_duties_start_open_and_the_rest_folded(client, incident, gdpr_user):
    client.force_login(gdpr_user)
    html = client.get(url(incident, "detail")).text
    # A fresh report: stop it, assess it, decide; taking it over is one click.
    assert _unfolded_panels(html) == {"escalate", "containment", "assess", "decide"}
    assert 'id="panel-note"' in html  # folded, not gone


def test_a_panel_with_errors_is_shown_open(client, incident, gdpr_user):
    client.force_login(gdpr_user)
    response = client.post(url(incident, "note"), {"note-text": ""})
    assert response.status_code == 400
    assert "note" in _unfolded_panels(response.text)
