"""The editable content file (folder.toml) reproduces the printed folder (folder.txt) verbatim.

Pure Python: the folder text is parsed independently by ``folder_source``; no Django needed.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from .folder_source import FOLDER_TXT, KINDS, SECTION_TITLES, Folder, parse_folder

CONTENT_TOML = Path(__file__).resolve().parents[2] / "guidance" / "content" / "folder.toml"

# Hyphens followed by a space that are real Danish ("kommunikations- og samarbejdsværktøjer").
REAL_SUSPENDED_HYPHENS = {"kommunikations- og", "til- og"}


@pytest.fixture(scope="module")
def folder() -> Folder:
    return parse_folder()


@pytest.fixture(scope="module")
def content() -> dict[str, Any]:
    return tomllib.loads(CONTENT_TOML.read_text(encoding="utf-8"))


def _all_texts(content: dict[str, Any]) -> list[str]:
    texts = [content["introduction"]["title"], content["introduction"]["lead"]]
    for section in content["sections"]:
        texts += [section["title"], section["subtitle"], section["lead"]]
        texts += [rule["text"] for rule in section["rules"]]
        texts += [note["text"] for note in section.get("notes", [])]
    for contact in content["contacts"]:
        texts += [contact["heading"], contact["description"]]
    return texts


def test_the_folder_text_is_present_in_the_repository() -> None:
    assert FOLDER_TXT.read_text(encoding="utf-8").startswith(" Denne folder har til formål")


def test_the_introduction_is_separate_from_the_sections(
    folder: Folder, content: dict[str, Any]
) -> None:
    intro = content["introduction"]
    assert intro["title"] == folder.intro_title == "Vi passer på hinandens og borgernes data"
    assert intro["lead"] == folder.intro_lead
    assert intro["title"] not in [section["title"] for section in content["sections"]]


def test_the_content_file_has_the_eleven_sections_in_the_folders_order(
    folder: Folder, content: dict[str, Any]
) -> None:
    titles = [section["title"] for section in content["sections"]]
    assert titles == [section.title for section in folder.sections] == list(SECTION_TITLES)
    assert len(titles) == 11


def test_every_section_has_the_subtitle_and_lead_of_the_folder(
    folder: Folder, content: dict[str, Any]
) -> None:
    for expected, section in zip(folder.sections, content["sections"], strict=True):
        assert (section["subtitle"], section["lead"]) == (expected.subtitle, expected.lead)


def test_the_mobile_section_has_its_subtitle(content: dict[str, Any]) -> None:
    subtitles = {section["title"]: section["subtitle"] for section in content["sections"]}
    assert subtitles["Sikkerhed på mobile enheder"] == (
        "Som f.eks. bærbar PC, mobiltelefoner og tablets."
    )
    assert [title for title, subtitle in subtitles.items() if subtitle] == [
        "Sikkerhed på mobile enheder"
    ]


def test_every_rule_of_the_folder_is_in_the_content_file(
    folder: Folder, content: dict[str, Any]
) -> None:
    in_toml = [
        (section["title"], rule["kind"], rule["text"])
        for section in content["sections"]
        for rule in section["rules"]
    ]
    in_folder = [(rule.section, rule.kind, rule.text) for rule in folder.rules]
    missing = [rule for rule in in_folder if rule not in in_toml]
    assert not missing


def test_the_content_file_has_no_rules_beyond_the_folder_and_keeps_their_order(
    folder: Folder, content: dict[str, Any]
) -> None:
    in_toml = [
        (section["title"], rule["kind"], rule["text"])
        for section in content["sections"]
        for rule in section["rules"]
    ]
    assert in_toml == [(rule.section, rule.kind, rule.text) for rule in folder.rules]


def test_every_rule_has_a_known_kind(content: dict[str, Any]) -> None:
    kinds = {rule["kind"] for section in content["sections"] for rule in section["rules"]}
    assert kinds == set(KINDS.values())


def test_every_note_of_the_folder_is_in_the_content_file_after_the_same_list(
    folder: Folder, content: dict[str, Any]
) -> None:
    in_toml = [
        (section["title"], note["after"], note["text"])
        for section in content["sections"]
        for note in section.get("notes", [])
    ]
    assert in_toml == [(note.section, note.after, note.text) for note in folder.notes]


def test_notes_follow_a_list_the_section_actually_has(content: dict[str, Any]) -> None:
    for section in content["sections"]:
        kinds = {rule["kind"] for rule in section["rules"]}
        for note in section.get("notes", []):
            assert note["after"] in kinds


def test_anchors_are_ascii_slugs_unique_within_their_section(content: dict[str, Any]) -> None:
    for section in content["sections"]:
        anchors = [rule["anchor"] for rule in section["rules"]]
        assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", anchor) for anchor in anchors)
        assert [a for a, n in Counter(anchors).items() if n > 1] == []


def test_section_slugs_are_ascii_and_unique(content: dict[str, Any]) -> None:
    slugs = [section["slug"] for section in content["sections"]]
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) for slug in slugs)
    assert len(set(slugs)) == len(slugs)
    assert slugs[0] == "informationssikkerhed-i-hverdagen"


def test_no_word_is_broken_by_a_leftover_line_break_hyphen(content: dict[str, Any]) -> None:
    for text in _all_texts(content):
        for match in re.finditer(r"\w+- \w+", text):
            assert match.group(0) in REAL_SUSPENDED_HYPHENS, match.group(0)
        assert not re.search(r"\w-\n|\w-$", text), text


def test_texts_have_no_stray_line_breaks_or_double_spaces(content: dict[str, Any]) -> None:
    for text in filter(None, _all_texts(content)):
        assert text == text.strip()
        assert "  " not in text
        assert "\t" not in text
        assert all(paragraph.strip() for paragraph in text.split("\n\n")), text
        assert "\n" not in text.replace("\n\n", ""), text


def test_the_page_number_is_not_part_of_any_text(content: dict[str, Any]) -> None:
    assert not [text for text in _all_texts(content) if re.search(r"\b11\b", text)]


def test_the_folders_own_wording_is_kept_uncorrected(content: dict[str, Any]) -> None:
    everything = "\n".join(_all_texts(content))
    for quirk in (
        "i dit arbejder",
        "at der blevet kendt",
        "være journaliset",
        "kommunes følsomme",
        "din PC. med mindre",
        "”privat”",
    ):
        assert quirk in everything, quirk


def test_the_contacts_of_the_folder_are_present(folder: Folder, content: dict[str, Any]) -> None:
    in_toml = [
        (contact["heading"], contact["email"], contact["phone"], contact["description"])
        for contact in content["contacts"]
    ]
    assert in_toml == [(c.heading, c.email, c.phone, c.description) for c in folder.contacts]
    assert [c["name"] for c in content["contacts"]][:2] == ["GDPR-enheden", "IT"]
    assert ("Kontakt IT", "2.level@herlev.dk", "44 52 70 30", "") in in_toml
