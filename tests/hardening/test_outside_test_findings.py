"""The outside security test's findings (issue 14), one regression test or more each.

Double-clicked reports against a real PostgreSQL log are in test_load_concurrent_reports.py;
lockouts behind the proxy in test_login_behind_proxy.py.
"""

from __future__ import annotations

import logging
import stat
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from incidents import services
from incidents.files import MAX_SIZE
from incidents.models import Attachment, Incident
from portal.logs import GunicornLogger, redact
from portal.models import Profile
from tests.incidents.conftest import make_incident
from tests.personas import make_manager

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def report_form(**extra) -> dict:
    return {
        "category": "lost_device",
        "discovered_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "description": "Mobil glemt i bussen.",
        "personal_data": "no",
        "stopped": "yes",
        "submission_token": str(uuid.uuid4()),
        **extra,
    }


# --- A manager's access follows the current profile → manager link -----------------------------


def test_after_a_change_of_manager_the_former_one_sees_nothing_and_the_new_one_sees_all(
    reporter, manager
):
    incident = make_incident(reporter)
    services.incident_add_information(
        incident=incident,
        actor=reporter,
        text="",
        files=[SimpleUploadedFile("kvittering.pdf", PDF)],
    )
    attachment = incident.attachments.get()
    new_manager = make_manager("nina", "Borgerservice")
    Profile.objects.filter(user=reporter).update(manager=new_manager)

    detail = reverse("incidents:detail", args=[incident.reference])
    download = reverse("incidents:attachment", args=[incident.reference, attachment.pk])
    former, new = logged_in(manager), logged_in(new_manager)
    assert former.get(detail).status_code == 404
    assert former.get(download).status_code == 404
    assert incident.reference not in former.get(reverse("incidents:list")).text
    assert new.get(detail).status_code == 200
    assert new.get(download).status_code == 200
    assert incident.reference in new.get(reverse("incidents:list")).text


def test_a_manager_no_longer_in_the_managers_group_sees_nothing(reporter, manager):
    incident = make_incident(reporter)
    manager.groups.clear()
    detail = reverse("incidents:detail", args=[incident.reference])
    assert logged_in(manager).get(detail).status_code == 404


# --- The GDPR unit's messages to the reporter ----------------------------------------------------


def test_the_gdpr_units_messages_are_for_the_reporter_not_the_manager(
    reporter, manager, it_user, gdpr_user
):
    incident = make_incident(reporter)
    services.incident_send_message(
        incident=incident, actor=gdpr_user, text="Hvem fik brevet, Rikke?"
    )
    services.incident_add_information(
        incident=incident, actor=reporter, text="Brevet gik til Teknik.", files=[]
    )
    detail = reverse("incidents:detail", args=[incident.reference])
    for reader in (reporter, it_user, gdpr_user):
        assert "Hvem fik brevet, Rikke?" in logged_in(reader).get(detail).text, reader
    page = logged_in(manager).get(detail).text
    assert "Hvem fik brevet, Rikke?" not in page
    assert "Brevet gik til Teknik." in page  # the report itself stays the manager's business


# --- Odd parameters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["incidents:register", "incidents:register_csv", "incidents:statistics"]
)
@pytest.mark.parametrize("year", ["²", "٢٠٢٦", "2026\x00", "-1", "99999999999999999999"])
def test_an_odd_year_shows_this_year_instead_of_a_server_error(gdpr_user, name, year):
    response = logged_in(gdpr_user).get(reverse(name), {"aar": year})
    assert response.status_code == 200


def test_a_nul_in_the_calendar_token_is_404_not_a_server_error(gdpr_user):
    client = Client(raise_request_exception=False)
    assert client.get("/sikkerhedsbrud/kalender/abc%00def.ics").status_code == 404


# --- No cache keeps personal data ----------------------------------------------------------------


def test_pages_with_personal_data_are_not_stored_by_any_cache(reporter, gdpr_user):
    incident = make_incident(reporter)
    pages = [
        (reporter, reverse("incidents:mine")),
        (reporter, reverse("incidents:detail", args=[incident.reference])),
        (reporter, reverse("incidents:receipt", args=[incident.reference])),
        (gdpr_user, reverse("incidents:list")),
        (gdpr_user, reverse("incidents:dashboard")),
        (gdpr_user, reverse("incidents:register")),
        (gdpr_user, reverse("incidents:register_csv")),
        (gdpr_user, reverse("incidents:draft", args=[incident.reference])),
        (reporter, reverse("guidance:home")),  # the header names who is logged in
    ]
    for user, path in pages:
        assert logged_in(user).get(path)["Cache-Control"] == "private, no-store", path


# --- Uploads -------------------------------------------------------------------------------------


def test_a_report_cannot_take_more_than_its_quota(reporter, settings):
    settings.ATTACHMENTS_PER_REPORT_MB = 15
    client = logged_in(reporter)
    big = PDF + b"0" * (MAX_SIZE - len(PDF))
    response = client.post(
        reverse("incidents:report"),
        report_form(
            attachments=[SimpleUploadedFile("a.pdf", big), SimpleUploadedFile("b.pdf", big)]
        ),
    )
    assert response.status_code == 200
    assert "Filerne til en indberetning må højst fylde 15 MB i alt." in response.text
    assert not Incident.objects.exists()

    response = client.post(
        reverse("incidents:report"), report_form(attachments=[SimpleUploadedFile("a.pdf", big)])
    )
    incident = Incident.objects.get()
    response = client.post(
        reverse("incidents:add_information", args=[incident.reference]),
        {"add_information-attachments": [SimpleUploadedFile("b.pdf", big)]},
    )
    assert response.status_code == 400
    assert "Filerne til en indberetning må højst fylde 15 MB i alt." in response.text
    assert incident.attachments.count() == 1


def test_a_report_cannot_have_more_files_than_its_quota(reporter, settings):
    settings.ATTACHMENTS_PER_REPORT = 2
    files = [SimpleUploadedFile(f"{n}.pdf", PDF) for n in range(3)]
    response = logged_in(reporter).post(reverse("incidents:report"), report_form(attachments=files))
    assert "En indberetning kan højst have 2 filer." in response.text
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("uploaded", "content", "downloaded"),
    [
        ("brev.html", b"<script>alert(1)</script>", "brev.txt"),
        ("foto.pdf", b"\x89PNG\r\n\x1a\n....", "foto.png"),
        ("scanning", PDF, "scanning.pdf"),
        ("..\\..\\kvittering.exe", PDF, "kvittering.pdf"),
    ],
)
def test_the_download_names_the_type_that_was_detected(reporter, uploaded, content, downloaded):
    client = logged_in(reporter)
    client.post(
        reverse("incidents:report"),
        report_form(attachments=[SimpleUploadedFile(uploaded, content)]),
    )
    incident = Incident.objects.get()
    attachment = incident.attachments.get()
    response = client.get(reverse("incidents:attachment", args=[incident.reference, attachment.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="{downloaded}"'
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("name", ["010190-1234.pdf", "scan 0101901234.pdf", "Brev 311299 1234.pdf"])
def test_a_file_named_with_a_cpr_number_is_refused_like_cpr_in_text(reporter, name):
    response = logged_in(reporter).post(
        reverse("incidents:report"), report_form(attachments=[SimpleUploadedFile(name, PDF)])
    )
    assert response.status_code == 200
    assert "Et filnavn ser ud til at indeholde et CPR-nummer" in response.text
    assert name not in response.text
    assert not Attachment.objects.exists()


def test_uploaded_files_are_readable_by_the_portal_only(reporter, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    logged_in(reporter).post(
        reverse("incidents:report"), report_form(attachments=[SimpleUploadedFile("a.pdf", PDF)])
    )
    stored = Path(Attachment.objects.get().file.path)
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700


def test_mails_written_to_disk_are_readable_by_their_owner_only(settings, tmp_path):
    settings.EMAIL_BACKEND = "portal.mail.PrivateFileEmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    mail.send_mail("SB-2026-0001", "Ny anmeldelse.", "noreply@herlev.dk", ["gdpr@herlev.dk"])
    (written,) = (tmp_path / "mail").iterdir()
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "mail").stat().st_mode) == 0o700
    assert "Ny anmeldelse." in written.read_text()


# --- Logs ----------------------------------------------------------------------------------------


def test_the_access_log_keeps_neither_search_terms_nor_the_calendar_token():
    from types import SimpleNamespace

    from gunicorn.config import Config

    logger = GunicornLogger(Config())
    token = "Zx8_secret-TOKEN-a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p"
    lines = []
    for path, query, referer in [
        ("/soeg/", "q=Bodil+Borgersen+010190-1234", "-"),
        (f"/sikkerhedsbrud/kalender/{token}.ics", "", "-"),
        ("/afsnit/adgangskoder/", "", "https://sikkerhed.herlev.dk/soeg/?q=Bodil"),
    ]:
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": f"{path}?{query}" if query else path,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_REFERER": referer,
        }
        response = SimpleNamespace(status="200 OK", sent=10, headers=[])
        request = SimpleNamespace(headers=[("REFERER", referer)])
        atoms = logger.atoms(response, request, environ, timezone.timedelta(seconds=0))
        lines.append(logger.cfg.access_log_format % atoms)
    text = "\n".join(lines)
    assert "Bodil" not in text and "010190" not in text and token not in text
    assert '"GET /soeg/ HTTP/1.1"' in lines[0]
    assert '"GET /sikkerhedsbrud/kalender/[hemmelig].ics HTTP/1.1"' in lines[1]
    assert '"https://sikkerhed.herlev.dk/soeg/"' in lines[2]


def test_redact_leaves_ordinary_paths_alone():
    assert redact("/sikkerhedsbrud/SB-2026-0007/") == "/sikkerhedsbrud/SB-2026-0007/"
    assert redact("/sikkerhedsbrud/frister/kalender/") == "/sikkerhedsbrud/frister/kalender/"


def test_a_403_is_logged_as_one_line_without_a_traceback(reporter, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    response = logged_in(reporter).get(reverse("incidents:dashboard"))
    assert response.status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Forbidden (Permission denied): /sikkerhedsbrud/frister/"
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


def test_a_wrong_calendar_token_is_not_written_to_the_log(caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    Client().get("/sikkerhedsbrud/kalender/" + "Q" * 43 + ".ics")
    assert "Q" * 43 not in caplog.text
    assert "/sikkerhedsbrud/kalender/[hemmelig].ics" in caplog.text


def test_the_shipped_settings_use_the_private_mail_backend_and_upload_modes():
    assert settings.FILE_UPLOAD_PERMISSIONS == 0o600
    assert settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS == 0o700
