"""Who sees what on the incident pages they may open."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

# The persona × view × method matrix for every URL, these views included, is
# tests/hardening/test_access_matrix.py (table: tests/hardening/access_table.py). This file keeps
# what each persona sees on the pages they may open.


def test_an_unknown_reference_is_404_even_for_the_gdpr_unit(client, gdpr_user):
    client.force_login(gdpr_user)
    assert client.get("/sikkerhedsbrud/SB-2026-9999/").status_code == 404


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("reporter", {"mine"}),
        ("colleague", {"theirs"}),
        ("manager", {"mine"}),
        ("other_manager", {"theirs"}),
        ("it_user", {"mine", "theirs"}),
        ("gdpr_user", {"mine", "theirs"}),
    ],
)
def test_the_list_shows_what_each_persona_may_see(
    client, request, incident_factory, colleague, persona, sees
):
    incidents = {"mine": incident_factory(), "theirs": incident_factory(colleague)}
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("incidents:list"))
    shown = {name for name, incident in incidents.items() if incident.reference in response.text}
    assert shown == sees


def test_the_reporter_sees_messages_but_not_internal_notes(client, incident, reporter, gdpr_user):
    from incidents import services

    services.incident_add_note(incident=incident, actor=gdpr_user, text="Internt: tjek loggen.")
    services.incident_send_message(incident=incident, actor=gdpr_user, text="Tak for anmeldelsen.")
    client.force_login(reporter)
    response = client.get(reverse("incidents:detail", args=[incident.reference]))
    assert "Tak for anmeldelsen." in response.text
    assert "tjek loggen" not in response.text
    assert "Tilføj oplysninger" in response.text
    assert "Vurdering (art. 33, stk. 5)" not in response.text


def test_a_manager_sees_the_report_without_handler_panels(client, incident, manager):
    client.force_login(manager)
    response = client.get(reverse("incidents:detail", args=[incident.reference]))
    assert response.status_code == 200
    # Only the confirmation that they have acted, which the manager's e-mail asks for.
    actions = [panel.action for panel, _form, _unfolded in response.context["panels"]]
    assert actions == ["manager_acted"]


def test_the_gdpr_unit_sees_every_panel_it_may_use(client, incident, gdpr_user):
    client.force_login(gdpr_user)
    response = client.get(reverse("incidents:detail", args=[incident.reference]))
    actions = {panel.action for panel, _form, _unfolded in response.context["panels"]}
    assert actions == {
        "escalate",
        "containment",
        "people_notified",
        "awareness",
        "assess",
        "decide",
        "subjects",
        "other",
        "note",
        "message",
        "close",
    }
