"""Who sees what: the whole persona × view matrix through get_incident_for_user."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PERSONAS = [
    "reporter",
    "colleague",
    "manager",
    "other_manager",
    "it_user",
    "gdpr_user",
    "superuser",
]

# Expected status per persona, in PERSONAS order. Action panels are posted empty: 400 (the form
# complains) proves the person got through the access check.
SEE = (200, 404, 200, 404, 200, 200, 200)
REPORTER_ONLY = (400, 404, 403, 404, 403, 403, 403)
HANDS_ON = (403, 404, 403, 404, 400, 400, 400)  # IT and the GDPR unit
HANDLER = (403, 404, 403, 404, 403, 400, 400)  # the GDPR unit (superusers included)

MATRIX = [
    ("GET", "detail", SEE),
    ("GET", "receipt", SEE),
    ("POST", "add_information", REPORTER_ONLY),
    ("POST", "containment", HANDS_ON),
    ("POST", "people_notified", HANDS_ON),
    ("POST", "note", HANDS_ON),
    ("POST", "message", HANDS_ON),
    ("POST", "escalate", HANDLER),
    ("POST", "awareness", HANDLER),
    ("POST", "assess", HANDLER),
    ("POST", "decide", HANDLER),
    ("POST", "datatilsynet", HANDLER),
    ("POST", "subjects", HANDLER),
    ("POST", "other", HANDLER),
    ("POST", "close", HANDLER),
    ("POST", "reopen", HANDLER),
]


@pytest.mark.parametrize(("method", "view", "expected"), MATRIX, ids=[m[1] for m in MATRIX])
@pytest.mark.parametrize("index", range(len(PERSONAS)), ids=PERSONAS)
def test_the_access_matrix(client, request, incident, method, view, expected, index):
    user = request.getfixturevalue(PERSONAS[index])
    client.force_login(user)
    url = reverse(f"incidents:{view}", args=[incident.reference])
    response = client.get(url) if method == "GET" else client.post(url, {})
    assert response.status_code == expected[index]


@pytest.mark.parametrize(("method", "view", "expected"), MATRIX, ids=[m[1] for m in MATRIX])
def test_anonymous_visitors_are_sent_to_login(client, incident, method, view, expected):
    url = reverse(f"incidents:{view}", args=[incident.reference])
    response = client.get(url) if method == "GET" else client.post(url, {})
    assert response.status_code == 302
    assert response["Location"].startswith("/log-ind/")


@pytest.mark.parametrize(("method", "view", "expected"), MATRIX, ids=[m[1] for m in MATRIX])
def test_the_wrong_method_is_refused(client, gdpr_user, incident, method, view, expected):
    client.force_login(gdpr_user)
    url = reverse(f"incidents:{view}", args=[incident.reference])
    response = client.post(url) if method == "GET" else client.get(url)
    assert response.status_code == 405


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
    assert response.context["panels"] == []


def test_the_gdpr_unit_sees_every_panel_it_may_use(client, incident, gdpr_user):
    client.force_login(gdpr_user)
    response = client.get(reverse("incidents:detail", args=[incident.reference]))
    actions = {panel.action for panel, _form in response.context["panels"]}
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
