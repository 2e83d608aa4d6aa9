from __future__ import annotations

import pytest
from django.urls import reverse

from incidents.files import sniff_content_type
from tests.incidents.steps import record_other

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n....", "image/png"),
        (b"\xff\xd8\xff\xe0", "image/jpeg"),
        ("Blåbær og æbler".encode(), "text/plain"),
        (b"MZ\x90\x00", None),
        (b"PK\x03\x04\x00", None),
    ],
)
def test_uploads_are_typed_by_their_content(head, expected):
    assert sniff_content_type(head) == expected


def test_the_admin_shows_incidents_read_only(client, superuser, incident):
    client.force_login(superuser)
    change_url = reverse("admin:incidents_incident_change", args=[incident.pk])
    assert client.get(change_url).status_code == 200
    assert client.post(change_url, {"description": "ændret"}).status_code == 403
    delete_url = reverse("admin:incidents_incident_delete", args=[incident.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    incident.refresh_from_db()
    assert incident.description != "ændret"


def test_the_admin_shows_the_step_tables_facts_with_the_incident(
    client, superuser, incident, gdpr_user
):
    record_other(incident, gdpr_user, sbsys_case_number="27.12.08-G01-9-26")
    client.force_login(superuser)
    page = client.get(reverse("admin:incidents_incident_change", args=[incident.pk])).text
    assert "Databehandler, politi og journalisering" in page  # the step table's inline
    assert "Underretninger af de registrerede" in page
    assert page.count("27.12.08-G01-9-26") >= 2  # in the inline and in the timeline's facts
