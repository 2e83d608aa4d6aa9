"""Nothing a reporter types – a CPR number above all – reaches the logs."""

from __future__ import annotations

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident

pytestmark = pytest.mark.django_db

CPR = "010190-1234"
CPR_DIGITS = "0101901234"
NAME = "Bodil Borgersen"


def report(client: Client, description: str, **extra):
    return client.post(
        reverse("incidents:report"),
        {
            "category": "misdirected_mail",
            "discovered_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "description": description,
            "personal_data": "yes",
            "stopped": "no",
            "submission_token": "7f1c3c1e-3f7b-4f53-9d7a-0d6f1b8f1c11",
            **extra,
        },
    )


def assert_clean(records: list[logging.LogRecord]) -> None:
    for record in records:
        text = record.getMessage() + repr(record.args) + repr(getattr(record, "request", ""))
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        flat = text.replace("-", "").replace(" ", "")
        assert CPR_DIGITS not in flat, record
        assert "Bodil" not in text, record


def test_the_report_flow_writes_no_cpr_number_or_name_to_the_logs(client, reporter, caplog):
    caplog.set_level(logging.DEBUG)
    client.force_login(reporter)
    refused = report(client, f"Brev til {NAME}, CPR {CPR}, sendt forkert.")
    assert "ser ud til at indeholde et CPR-nummer" in refused.text
    refused = report(client, "Brev sendt forkert.", affected_estimate=f"{CPR}")
    assert refused.status_code == 200
    upload = SimpleUploadedFile(f"{NAME} {CPR}.exe", b"MZ\x00\x00", content_type="text/plain")
    refused = report(client, "Brev sendt forkert.", attachments=[upload])
    assert "Et filnavn ser ud til at indeholde et CPR-nummer" in refused.text
    accepted = report(client, f"Brev til {NAME} sendt forkert.")
    assert accepted.status_code == 302
    incident = Incident.objects.get()
    client.get(reverse("incidents:receipt", args=[incident.reference]))
    client.get(reverse("guidance:search"), {"q": f"{NAME} {CPR}"})
    client.post(reverse("incidents:add_information", args=[incident.reference]), {"text": CPR})
    assert caplog.records, "the test must see the portal's logging at all"
    assert_clean(caplog.records)


def test_a_failed_login_logs_neither_the_username_nor_the_password(caplog, reporter):
    caplog.set_level(logging.DEBUG)
    Client().post(reverse("login"), {"username": CPR, "password": CPR})
    Client().post(reverse("login"), {"username": "rikke", "password": f"{NAME}{CPR}"})
    assert any("login failed" in r.getMessage().lower() for r in caplog.records)
    assert_clean(caplog.records)
    assert not any("rikke" in r.getMessage() for r in caplog.records)


def test_a_server_error_during_a_report_logs_no_form_data(client, reporter, caplog, monkeypatch):
    """Django logs the traceback of a 500; the report's text must not be in it."""
    from incidents import services

    def broken(**kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(services, "incident_submit", broken)
    caplog.set_level(logging.DEBUG)
    raw = Client(raise_request_exception=False)
    raw.force_login(reporter)
    response = report(raw, f"Brev til {NAME} sendt forkert.")
    assert response.status_code == 500
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors
    assert_clean(caplog.records)
    # An error report (e-mail to ADMINS, if ever configured) masks the form as well.
    from django.views.debug import SafeExceptionReporterFilter

    posted = SafeExceptionReporterFilter().get_post_parameters(errors[0].request)
    assert NAME not in repr(dict(posted))
