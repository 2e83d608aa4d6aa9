"""The folder's content file is in the database after migrate and re-imports idempotently."""

from __future__ import annotations

import tomllib

import pytest
from django.core.management import call_command

from guidance.content import CONTENT_FILE, import_folder
from guidance.models import Contact, Introduction, Note, Rule, Section

pytestmark = pytest.mark.django_db


def _toml() -> dict:
    return tomllib.loads(CONTENT_FILE.read_text(encoding="utf-8"))


def test_migrate_loads_all_eleven_sections_in_the_folders_order() -> None:
    titles = list(Section.objects.in_order().values_list("title", flat=True))
    assert titles == [section["title"] for section in _toml()["sections"]]
    assert len(titles) == 11


def test_migrate_loads_every_rule_note_and_contact() -> None:
    content = _toml()
    assert Rule.objects.count() == sum(len(s["rules"]) for s in content["sections"])
    assert Note.objects.count() == sum(len(s.get("notes", [])) for s in content["sections"])
    assert list(Contact.objects.values_list("email", flat=True)) == [
        "sikkerhedsbrud@herlev.dk",
        "2.level@herlev.dk",
        "it@herlev.dk",
    ]
    assert Introduction.objects.get().title == "Vi passer på hinandens og borgernes data"


def test_rules_keep_the_folders_order_within_their_section() -> None:
    for data in _toml()["sections"]:
        anchors = list(
            Rule.objects.filter(section__slug=data["slug"])
            .order_by("order")
            .values_list("anchor", flat=True)
        )
        assert anchors == [rule["anchor"] for rule in data["rules"]]


def test_importing_again_creates_and_changes_nothing() -> None:
    before = Rule.objects.count(), Section.objects.count(), Note.objects.count()
    result = import_folder()
    assert (result.created, result.updated) == (0, 0)
    assert result.unchanged > 90
    assert (Rule.objects.count(), Section.objects.count(), Note.objects.count()) == before


def test_importing_restores_an_edited_rule_and_counts_it_as_updated() -> None:
    rule = Rule.objects.get(anchor="laase-din-skaerm")
    original = rule.text
    Rule.objects.filter(pk=rule.pk).update(text="Ændret af en redaktør")
    result = import_folder()
    assert (result.created, result.updated) == (0, 1)
    rule.refresh_from_db()
    assert rule.text == original


def test_importing_into_an_empty_database_creates_everything() -> None:
    Section.objects.all().delete()
    Contact.objects.all().delete()
    Introduction.objects.all().delete()
    result = import_folder()
    assert result.created == 1 + 11 + Rule.objects.count() + Note.objects.count() + 3
    assert result.updated == 0


def test_the_management_command_reports_its_counts(capsys) -> None:
    call_command("import_folder")
    out = capsys.readouterr().out
    assert "Oprettet: 0, opdateret: 0" in out


def test_the_data_migration_carries_its_own_copy_of_loader_and_data() -> None:
    """Its result must not drift as guidance/content.py or the content file change."""
    import importlib
    import inspect

    migration = importlib.import_module("guidance.migrations.0002_load_folder")
    source = inspect.getsource(migration)
    assert "guidance.content" not in source
    assert migration.DATA.name == "folder_0002.toml"
    assert migration.DATA.is_file()
