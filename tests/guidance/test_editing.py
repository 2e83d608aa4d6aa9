"""Editors change the folder in the admin: who and when is recorded, and nothing is injected."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guidance.models import Rule, Section
from portal.validators import folder_password_clauses, folder_password_problems

pytestmark = pytest.mark.django_db


def _section_form_data(section: Section, **changes) -> dict:
    """The admin's change form for a section, with its rule and note inlines, as posted."""
    data = {
        "slug": section.slug,
        "title": section.title,
        "subtitle": section.subtitle,
        "lead": section.lead,
        "order": section.order,
        "_save": "Gem",
    }
    rules = list(section.rules.order_by("order"))
    data.update(
        {
            "rules-TOTAL_FORMS": len(rules),
            "rules-INITIAL_FORMS": len(rules),
            "rules-MIN_NUM_FORMS": 0,
            "rules-MAX_NUM_FORMS": 1000,
        }
    )
    for i, rule in enumerate(rules):
        data.update(
            {
                f"rules-{i}-id": rule.pk,
                f"rules-{i}-section": section.pk,
                f"rules-{i}-kind": rule.kind,
                f"rules-{i}-order": rule.order,
                f"rules-{i}-anchor": rule.anchor,
                f"rules-{i}-text": rule.text,
            }
        )
    notes = list(section.notes.order_by("order"))
    data.update(
        {
            "notes-TOTAL_FORMS": len(notes),
            "notes-INITIAL_FORMS": len(notes),
            "notes-MIN_NUM_FORMS": 0,
            "notes-MAX_NUM_FORMS": 1000,
        }
    )
    for i, note in enumerate(notes):
        data.update(
            {
                f"notes-{i}-id": note.pk,
                f"notes-{i}-section": section.pk,
                f"notes-{i}-after": note.after,
                f"notes-{i}-order": note.order,
                f"notes-{i}-text": note.text,
            }
        )
    data.update(changes)
    return data


def test_an_editor_changes_a_rule_and_the_page_records_who_and_when(
    client, superuser, reporter
) -> None:
    section = Section.objects.get(slug="virus")
    client.force_login(superuser)
    url = reverse("admin:guidance_section_change", args=[section.pk])
    response = client.post(url, _section_form_data(section, **{"rules-0-text": "Ny tekst."}))
    assert response.status_code == 302, response.content[:2000]

    rule = section.rules.order_by("order").first()
    assert rule.text == "Ny tekst."
    assert rule.updated_by == superuser
    section.refresh_from_db()
    assert section.updated_by == superuser
    untouched = section.rules.order_by("order")[1]
    assert untouched.updated_by is None

    client.force_login(reporter)
    page = client.get(reverse("guidance:section", kwargs={"slug": "virus"})).text
    assert "Ny tekst." in page
    assert "Senest opdateret" in page


def test_an_editor_can_change_a_rules_kind_and_order_in_the_rule_admin(client, superuser) -> None:
    rule = Rule.objects.get(anchor="laase-din-skaerm")
    client.force_login(superuser)
    url = reverse("admin:guidance_rule_change", args=[rule.pk])
    response = client.post(
        url,
        {
            "section": rule.section_id,
            "kind": "maa_gerne",
            "text": rule.text,
            "order": 1,
            "anchor": rule.anchor,
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.kind, rule.order, rule.updated_by) == ("maa_gerne", 1, superuser)


def test_editor_input_is_escaped_on_every_page(employee_client) -> None:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    rule = Rule.objects.get(anchor="laase-din-skaerm")
    rule.text = f"Lås skærmen {evil}\n\nAnden linje"
    rule.save()
    Section.objects.filter(pk=rule.section_id).update(title=f"Hverdag {evil}", lead=evil)
    for url in (
        reverse("guidance:section", kwargs={"slug": rule.section.slug}),
        reverse("guidance:home"),
        reverse("guidance:print"),
        reverse("guidance:search") + "?q=skærmen",
    ):
        html = employee_client.get(url).text
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
        assert "&lt;script&gt;" in html, url


def test_the_password_clauses_are_the_messages_the_validator_gives() -> None:
    # A password that breaks every clause but "own name" and "Danish letters" …
    assert folder_password_problems("") == [m for c, m in folder_password_clauses()][:4]
    codes = [code for code, _ in folder_password_clauses()]
    assert codes == ["length", "digit", "upper", "lower", "danish_letters", "own_name"]
