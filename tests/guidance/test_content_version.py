"""A section's content version rises by one when what employees read changes, in the admin or
by import_folder, and stays put when only its place in the folder changes: a read-and-acknowledge
confirmation (awareness) is given for one version."""

from __future__ import annotations

import tomllib

import pytest
from django.urls import reverse

from guidance.content import CONTENT_FILE, import_folder
from guidance.models import Rule, Section
from tests.guidance.test_editing import _section_form_data

pytestmark = pytest.mark.django_db


def _versions() -> dict[str, int]:
    return dict(Section.objects.values_list("slug", "content_version"))


def test_every_section_starts_at_version_one() -> None:
    assert set(_versions().values()) == {1}


def test_importing_the_same_folder_again_changes_no_version() -> None:
    import_folder()
    assert set(_versions().values()) == {1}


def test_importing_a_changed_rule_raises_only_its_sections_version(tmp_path) -> None:
    text = CONTENT_FILE.read_text(encoding="utf-8")
    folder = tomllib.loads(text)
    rule = folder["sections"][2]["rules"][0]
    changed = tmp_path / "folder.toml"
    changed.write_text(text.replace(rule["text"].strip(), "Ny ordlyd af reglen."), "utf-8")
    before = _versions()

    import_folder(changed)

    after = _versions()
    slug = folder["sections"][2]["slug"]
    assert after[slug] == before[slug] + 1
    assert {s: v for s, v in after.items() if s != slug} == {
        s: v for s, v in before.items() if s != slug
    }
    import_folder(changed)  # the same text again: no new version
    assert _versions()[slug] == before[slug] + 1


def test_an_editor_changing_a_rule_in_the_section_admin_raises_the_version(
    client, superuser
) -> None:
    section = Section.objects.get(slug="virus")
    client.force_login(superuser)
    url = reverse("admin:guidance_section_change", args=[section.pk])
    response = client.post(url, _section_form_data(section, **{"rules-0-text": "Ny tekst."}))
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.content_version == 2


def test_an_editor_changing_the_lead_raises_the_version(client, superuser) -> None:
    section = Section.objects.get(slug="virus")
    client.force_login(superuser)
    url = reverse("admin:guidance_section_change", args=[section.pk])
    client.post(url, _section_form_data(section, lead="En ny indledning."))
    section.refresh_from_db()
    assert section.content_version == 2


def test_moving_a_section_or_a_rule_in_the_folder_keeps_the_version(client, superuser) -> None:
    section = Section.objects.get(slug="virus")
    client.force_login(superuser)
    url = reverse("admin:guidance_section_change", args=[section.pk])
    response = client.post(
        url, _section_form_data(section, order=section.order + 1, **{"rules-0-order": 999})
    )
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.content_version == 1


def test_an_editor_changing_a_rule_in_the_rule_admin_raises_its_sections_version(
    client, superuser
) -> None:
    rule = Rule.objects.get(anchor="laase-din-skaerm")
    client.force_login(superuser)
    url = reverse("admin:guidance_rule_change", args=[rule.pk])
    data = {
        "section": rule.section_id,
        "kind": rule.kind,
        "text": "Lås altid skærmen.",
        "order": rule.order,
        "anchor": rule.anchor,
    }
    assert client.post(url, data).status_code == 302
    assert Section.objects.get(pk=rule.section_id).content_version == 2
    data["order"] = rule.order + 5  # only its place: no new version
    assert client.post(url, data).status_code == 302
    assert Section.objects.get(pk=rule.section_id).content_version == 2
