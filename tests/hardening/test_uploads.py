"""Uploads: size limit, type by content, stored outside static files under a random name,
served only through the permission-checked view as a download."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from incidents.files import MAX_SIZE
from incidents.models import Attachment, Incident

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n"


def report(client: Client, *files):
    return client.post(
        reverse("incidents:report"),
        {
            "category": "lost_device",
            "discovered_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "description": "Mobil glemt i bussen.",
            "personal_data": "no",
            "stopped": "yes",
            "submission_token": "0b8e6f0e-1c7a-4c43-8d3c-2a9f3a3b6c10",
            "attachments": list(files),
        },
    )


@pytest.fixture
def rikke(client, reporter) -> Client:
    client.force_login(reporter)
    return client


def test_a_file_one_byte_over_the_limit_is_refused_and_nothing_is_saved(rikke):
    big = SimpleUploadedFile("stor.pdf", PDF + b"0" * (MAX_SIZE + 1 - len(PDF)))
    response = report(rikke, big)
    assert response.status_code == 200
    assert "er for stor" in response.text
    assert not Incident.objects.exists()
    assert not Attachment.objects.exists()


def test_a_file_at_the_limit_is_accepted(rikke):
    response = report(rikke, SimpleUploadedFile("fuld.pdf", PDF + b"0" * (MAX_SIZE - len(PDF))))
    assert response.status_code == 302
    assert Attachment.objects.get().size == MAX_SIZE


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("faktura.pdf", b"MZ\x90\x00\x03\x00\x00\x00"),  # a Windows program named .pdf
        ("billede.png", b"PK\x03\x04\x14\x00\x06\x00"),  # an Office/zip file named .png
        ("tekst.txt", b"\x00\x01\x02binary"),
    ],
)
def test_the_type_is_judged_by_content_not_by_name(rikke, name, content):
    response = report(rikke, SimpleUploadedFile(name, content, content_type="application/pdf"))
    assert "kan ikke modtages" in response.text
    assert not Incident.objects.exists()


def test_a_pdf_named_like_a_program_is_stored_as_a_pdf_under_a_random_name(rikke):
    assert report(rikke, SimpleUploadedFile("Bodil Borgersen.exe", PDF)).status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf"
    stored = Path(attachment.file.path)
    assert "Bodil" not in str(stored) and not stored.suffix
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT))


def test_uploads_live_outside_every_static_folder_and_have_no_public_url(rikke):
    media = Path(settings.MEDIA_ROOT).resolve()
    # The collected files and every folder they are collected from (the apps' static/).
    sources = [
        Path(storage.location)
        for finder in finders.get_finders()
        for storage in getattr(finder, "storages", {}).values()
    ]
    assert Path(settings.PACKAGE_DIR, "static") in sources
    for static in [Path(settings.STATIC_ROOT), *sources]:
        assert not media.is_relative_to(static.resolve())
        assert not static.resolve().is_relative_to(media)
    report(rikke, SimpleUploadedFile("foto.pdf", PDF))
    name = Attachment.objects.get().file.name
    for prefix in ("/media/", "/static/", "/"):
        assert rikke.get(prefix + name).status_code in (302, 404)


def test_a_download_is_an_attachment_with_nosniff_and_no_caching(rikke, colleague):
    nasty = 'x"; filename="evil.html\r\nX-Injected: 1.pdf'
    report(rikke, SimpleUploadedFile(nasty, PDF))
    attachment = Attachment.objects.get()
    url = reverse("incidents:attachment", args=[attachment.incident.reference, attachment.pk])
    response = rikke.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "\n" not in response["Content-Disposition"] and "\r" not in response["Content-Disposition"]
    )
    assert "X-Injected" not in response.headers
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    other = Client()
    other.force_login(colleague)
    assert other.get(url).status_code == 404


def test_html_uploaded_as_text_is_served_as_plain_text_for_download(rikke):
    report(rikke, SimpleUploadedFile("side.html", b"<script>alert(1)</script>"))
    attachment = Attachment.objects.get()
    assert attachment.content_type == "text/plain"
    url = reverse("incidents:attachment", args=[attachment.incident.reference, attachment.pk])
    response = rikke.get(url)
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_file_missing_from_storage_is_not_found_not_a_server_error(rikke, caplog):
    """A lost volume or a restored backup can leave a row without its file."""
    report(rikke, SimpleUploadedFile("foto.pdf", PDF))
    attachment = Attachment.objects.get()
    attachment.file.storage.delete(attachment.file.name)
    url = reverse("incidents:attachment", args=[attachment.incident.reference, attachment.pk])
    response = rikke.get(url)
    assert response.status_code == 404
    assert f"stored file missing: {attachment.file.name}" in caplog.text
    assert "foto" not in caplog.text
