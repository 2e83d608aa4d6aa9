from __future__ import annotations

import pytest
from django.urls import reverse

from incidents.files import sniff_content_type
from incidents.validators import looks_like_cpr

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text",
    ["010190-1234", "0101901234", "borger 311299 1234 ringede", "født 241285", "(150575-4321)"],
)
def test_it_spots_what_looks_like_a_cpr_number(text):
    assert looks_like_cpr(text)


@pytest.mark.parametrize(
    "text",
    ["ring 44 52 70 30", "SB-2026-0007", "12345678901", "320190-1234", "011390-1234", "27.12.08"],
)
def test_it_leaves_other_numbers_alone(text):
    assert not looks_like_cpr(text)


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
