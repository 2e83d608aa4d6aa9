from __future__ import annotations

import pytest
from django.urls import reverse

from incidents.files import sniff_content_type

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
