from __future__ import annotations

import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incidents.models import Attachment, Incident

pytestmark = pytest.mark.django_db
URL = reverse("incidents:report")


def report_data(**overrides) -> dict:
    data = {
        "category": "lost_device",
        "discovered_at": "2026-01-10T09:30",
        "occurred_at": "",
        "description": "Min arbejdsmobil blev glemt i bussen.",
        "personal_data": "yes",
        "data_kinds": ["ordinary", "cpr"],
        "affected_estimate": "25",
        "stopped": "yes",
        "stop_description": "Mobilen er spærret.",
        "manager_informed": "on",
        "submission_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def test_the_form_preselects_the_category_from_the_guidance_link(client, reporter):
    client.force_login(reporter)
    response = client.get(URL + "?kategori=malware")
    assert response.status_code == 200
    assert re.search(r'value="malware"[^>]*checked', response.text)
    assert "hiv netværksstikket ud" in response.text
    assert "44 52 70 30" in response.text


def test_an_unknown_category_in_the_link_preselects_nothing(client, reporter):
    client.force_login(reporter)
    response = client.get(URL + "?kategori=nonsense")
    assert response.context["form"].initial["category"] is None


def test_the_form_warns_against_names_and_cpr_numbers(client, reporter):
    client.force_login(reporter)
    response = client.get(URL)
    assert "Skriv ikke borgeres navne eller CPR-numre" in response.text


def test_it_creates_a_report_and_shows_the_receipt(client, reporter):
    client.force_login(reporter)
    response = client.post(URL, report_data())
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/sikkerhedsbrud/{incident.reference}/kvittering/"
    assert incident.reporter == reporter
    assert incident.data_kinds == ["ordinary", "cpr"]
    assert incident.affected_estimate == 25
    assert incident.manager_informed and not incident.it_informed
    # 09:30 typed in the form is Copenhagen time (UTC+1 in January).
    assert incident.discovered_at.isoformat() == "2026-01-10T08:30:00+00:00"
    receipt = client.get(response["Location"])
    assert incident.reference in receipt.text
    assert "Hvad sker der nu?" in receipt.text


def test_a_double_submit_creates_one_report(client, reporter):
    client.force_login(reporter)
    data = report_data()
    first = client.post(URL, data)
    second = client.post(URL, data)
    assert Incident.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_it_refuses_a_description_with_a_cpr_number_and_keeps_the_text(client, reporter):
    client.force_login(reporter)
    text = "Brev til borger 010190-1234 sendt forkert"
    response = client.post(URL, report_data(description=text))
    assert response.status_code == 200
    assert "ser ud til at indeholde et CPR-nummer" in response.text
    assert text in response.text
    assert not Incident.objects.exists()


@pytest.mark.parametrize("field", ["description", "stop_description"])
def test_every_free_text_field_refuses_cpr_numbers(client, reporter, field):
    client.force_login(reporter)
    response = client.post(URL, report_data(**{field: "det drejer sig om 0101901234"}))
    assert response.context["form"].errors[field]
    assert not Incident.objects.exists()


def test_missing_answers_give_danish_errors_and_nothing_is_saved(client, reporter):
    client.force_login(reporter)
    response = client.post(URL, report_data(category="", description=""))
    assert response.status_code == 200
    # Each field says what to do, not "Dette felt er påkrævet.".
    assert response.context["form"].errors["category"] == ["Vælg hvad der er sket."]
    assert response.context["form"].errors["description"] == ["Beskriv kort hvad der er sket."]
    assert "Dette felt er påkrævet." not in response.text
    assert "Indberetningen er ikke sendt" in response.text
    assert not Incident.objects.exists()


def test_a_discovery_in_the_future_is_refused(client, reporter):
    client.force_login(reporter)
    response = client.post(URL, report_data(discovered_at="2099-01-01T10:00"))
    assert "Tidspunktet må ikke ligge i fremtiden." in response.text
    assert not Incident.objects.exists()


def test_it_happened_cannot_be_after_it_was_discovered(client, reporter):
    client.force_login(reporter)
    response = client.post(URL, report_data(occurred_at="2026-01-11T09:30"))
    assert "efter at du opdagede den" in response.text


def test_attachments_are_stored_with_their_sniffed_type(client, reporter):
    client.force_login(reporter)
    pdf = SimpleUploadedFile("politianmeldelse.pdf", b"%PDF-1.4 test", "application/pdf")
    note = SimpleUploadedFile("noter.txt", "Æbler og pærer".encode(), "text/plain")
    client.post(URL, report_data(attachments=[pdf, note]))
    types = sorted(Attachment.objects.values_list("content_type", flat=True))
    assert types == ["application/pdf", "text/plain"]
    stored = Attachment.objects.get(original_name="politianmeldelse.pdf")
    assert "politianmeldelse" not in stored.file.name


def test_an_executable_attachment_is_refused(client, reporter):
    client.force_login(reporter)
    exe = SimpleUploadedFile("faktura.pdf", b"MZ\x90\x00\x03\x00\x00\x00", "application/pdf")
    response = client.post(URL, report_data(attachments=[exe]))
    assert "kan ikke modtages" in response.text
    assert not Incident.objects.exists()


def test_the_report_form_refuses_put(client, reporter):
    client.force_login(reporter)
    assert client.put(URL).status_code == 405


def test_mine_lists_only_my_own_reports(client, reporter, colleague, incident_factory):
    mine = incident_factory()
    theirs = incident_factory(colleague)
    client.force_login(reporter)
    response = client.get(reverse("incidents:mine"))
    assert mine.reference in response.text
    assert theirs.reference not in response.text
    assert "Modtaget" in response.text
    assert client.post(reverse("incidents:mine")).status_code == 405
