"""The folder's vocabulary (migration 0004) follows every change of the folder's text."""

from __future__ import annotations

import pytest
from django.db import connection

from guidance.content import import_folder
from guidance.models import Contact, Note, Rule, Section, Synonym

pytestmark = pytest.mark.django_db


def vocabulary() -> dict[str, tuple[str, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT word, lexeme, frequency FROM guidance_vocabulary")
        return {word: (lexeme, frequency) for word, lexeme, frequency in cursor.fetchall()}


def rebuilt() -> dict[str, tuple[str, int]]:
    """What a rebuild from scratch gives: the reference the triggers must agree with."""
    with connection.cursor() as cursor:
        cursor.execute("SAVEPOINT rebuild")
        cursor.execute("SELECT guidance_rebuild_vocabulary()")
        words = vocabulary()
        cursor.execute("ROLLBACK TO SAVEPOINT rebuild")
    return words


def test_it_holds_the_folders_words_with_their_stems_and_counts() -> None:
    words = vocabulary()
    assert words["mobiltelefon"] == ("mobiltelefon", 2)
    assert words["adgangskoder"][0] == "adgangskod"
    assert "og" not in words  # a stop word
    assert "pc" not in words  # shorter than three letters
    assert words["phishing"][0] == "phishing"  # a synonym's term


def test_editing_adding_and_deleting_text_keeps_it_exact() -> None:
    rule = Rule.objects.get(anchor="straks-kontakte-it")
    rule.text = "Straks kontakte IT, hvis du mister din smartwatch."
    rule.save(update_fields=["text"])
    section = Section.objects.get(slug="virus")
    Note.objects.create(section=section, after="skal", text="Pas på zyxwort og zyxwort.", order=99)
    Contact.objects.filter(name="IT").update(description="Servicedesk hele døgnet")
    Synonym.objects.create(term="Smartur", alternatives="smartwatch")
    Rule.objects.filter(anchor="makulere-fysiske-dokumenter").delete()

    words = vocabulary()
    assert words == rebuilt()
    assert words["smartwatch"][1] == 1
    assert words["zyxwort"][1] == 2
    assert "servicedesk" in words
    assert "smartur" in words
    assert words["mobiltelefon"][1] == 1  # one of its two rules no longer says it


def test_emptying_the_tables_empties_it_and_a_reimport_fills_it_again() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE guidance_rule, guidance_note, guidance_section, guidance_contact, "
            "guidance_synonym CASCADE"
        )
    assert vocabulary() == {}
    import_folder()
    words = vocabulary()
    assert words == rebuilt()
    assert words["mobiltelefon"] == ("mobiltelefon", 2)
