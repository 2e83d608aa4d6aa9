"""Independent parser for the printed security folder (``guidance/content/folder.txt``).

The tests use it to prove that ``folder.toml`` reproduces the folder verbatim, so it never
reads the TOML. The text was extracted from a two-column PDF; the parser relies on these
layout facts of the extraction:

* A line starting with a single space (not a tab) is the first line of a printed page.
  A lone page number (``11``) also opens a page: the extraction put the mobile page's
  subtitle between that number and the page's space-marked line.
* The first page is the introduction (lead paragraphs, then its heading as last line),
  the next 11 pages are the sections, the last page holds the contacts.
* On a section page the heading comes after the rules. The 11 headings are known
  (``SECTION_TITLES``) and located verbatim, possibly broken over two lines.
* A section's lead is the last free paragraph after its heading; free paragraphs before
  the first rule list form the subtitle; every other free paragraph is a note.

Rule lists start with ``DU SKAL:``, ``DU MÅ IKKE:`` or ``DU MÅ GERNE:``; each rule starts
with a bullet. After a blank line a rule continues when the next line is tab-indented or
starts in lower case. A tab-indented line that starts a new sentence starts a new
paragraph of the same rule (paragraphs are separated by a blank line in the text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

FOLDER_TXT = Path(__file__).resolve().parents[2] / "guidance" / "content" / "folder.txt"

SECTION_TITLES: tuple[str, ...] = (
    "Informationssikkerhed i hverdagen",
    "Brugernavn og adgangskode",
    "E-mail og sikkerhed",
    "Brug af internettet",
    "Sociale medier og kommunikations- og samarbejdsværktøjer",
    "Behandling af persondata",
    "Når du arbejder hjemme",
    "Virus",
    "Sikkerhed på mobile enheder",
    "Opbevaring af data",
    "Sikkerhedsbrud og brud på persondatasikkerheden",
)

KINDS: dict[str, str] = {"SKAL": "skal", "MÅ IKKE": "maa_ikke", "MÅ GERNE": "maa_gerne"}

_LIST_HEADER = re.compile(r"DU (SKAL|MÅ IKKE|MÅ GERNE)\s*[:.]")
_PAGE_NUMBER = re.compile(r"\d+")
_BULLET = "•"

Line = tuple[int, str]  # (1-based line number, raw line)


@dataclass(frozen=True)
class Rule:
    section: str
    kind: str
    text: str


@dataclass(frozen=True)
class Note:
    section: str
    after: str
    text: str


@dataclass
class Section:
    title: str
    subtitle: str = ""
    lead: str = ""
    rules: list[Rule] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


@dataclass(frozen=True)
class Contact:
    heading: str
    email: str
    phone: str
    description: str


@dataclass
class Folder:
    intro_title: str
    intro_lead: str
    sections: list[Section]
    contacts: list[Contact]

    @property
    def rules(self) -> list[Rule]:
        return [rule for section in self.sections for rule in section.rules]

    @property
    def notes(self) -> list[Note]:
        return [note for section in self.sections for note in section.notes]


def join_lines(lines: list[str]) -> str:
    """Join printed lines into one string, undoing line-break hyphens."""
    text = ""
    for line in lines:
        piece = " ".join(line.split())
        if not piece:
            continue
        if not text:
            text = piece
        elif re.search(r"[^\W\d_]-$", text):  # "informa-" + "tionssikkerhed"
            text = text[:-1] + piece
        elif text.endswith("/"):  # "og/" + "eller"
            text += piece
        else:
            text += " " + piece
    return text


def _kind(raw: str) -> str | None:
    match = _LIST_HEADER.fullmatch(raw.strip())
    return KINDS[match.group(1)] if match else None


def _is_blank(raw: str) -> bool:
    return not raw.strip()


def _is_bullet(raw: str) -> bool:
    return raw.strip().startswith(_BULLET)


def _is_free(raw: str) -> bool:
    return not (_is_blank(raw) or _is_bullet(raw) or _kind(raw))


def split_pages(lines: list[str]) -> list[list[Line]]:
    """Split the text into printed pages (page numbers are dropped)."""
    pages: list[list[Line]] = []
    current: list[Line] = []
    opened_by_number = False
    for number, raw in enumerate(lines, start=1):
        if _PAGE_NUMBER.fullmatch(raw.strip()):
            if current:
                pages.append(current)
            current, opened_by_number = [], True
            continue
        if re.match(r" \S", raw) and current and not opened_by_number:
            pages.append(current)
            current = []
        if re.match(r" \S", raw):
            opened_by_number = False
        current.append((number, raw))
    if current:
        pages.append(current)
    return pages


def _read_rule(page: list[Line], start: int) -> tuple[str, int]:
    """Read the rule whose bullet is at ``page[start]``; return its text and the next index."""
    paragraphs: list[list[str]] = [[page[start][1].strip().removeprefix(_BULLET)]]
    index = start + 1
    while index < len(page):
        look = index
        while look < len(page) and _is_blank(page[look][1]):
            look += 1
        if look == len(page) or not _is_free(page[look][1]):
            break
        raw = page[look][1]
        indented = raw.startswith("\t")
        if look > index and not (indented or raw.strip()[:1].islower()):
            break  # a free paragraph after a blank line: not part of the rule
        sentence_ends = re.search(r"[.!?]$", join_lines(paragraphs[-1])) is not None
        if indented and sentence_ends and raw.strip()[:1].isupper():
            paragraphs.append([raw])
        else:
            paragraphs[-1].append(raw)
        index = look + 1
    return "\n\n".join(join_lines(paragraph) for paragraph in paragraphs), index


def _blocks(page: list[Line]) -> list[tuple[str, str | list[str]]]:
    """Turn a page into ("kind", kind), ("rule", text) and ("free", lines) blocks."""
    blocks: list[tuple[str, str | list[str]]] = []
    index = 0
    while index < len(page):
        raw = page[index][1]
        kind = _kind(raw)
        if _is_blank(raw):
            index += 1
        elif kind:
            blocks.append(("kind", kind))
            index += 1
        elif _is_bullet(raw):
            text, index = _read_rule(page, index)
            blocks.append(("rule", text))
        else:
            paragraph: list[str] = []
            while index < len(page) and _is_free(page[index][1]):
                paragraph.append(page[index][1])
                index += 1
            blocks.append(("free", paragraph))
    return blocks


def _split_heading(
    blocks: list[tuple[str, str | list[str]]], title: str
) -> list[tuple[str, str | list[str]]]:
    """Replace the heading lines by a ("heading", title) block; keep the rest of its paragraph."""
    result: list[tuple[str, str | list[str]]] = []
    found = False
    for tag, value in blocks:
        if tag == "free" and not found:
            assert isinstance(value, list)
            for size in (1, 2):
                if join_lines(value[:size]) == title:
                    result.append(("heading", title))
                    if value[size:]:
                        result.append(("free", value[size:]))
                    found = True
                    break
            if found:
                continue
        result.append((tag, value))
    if not found:
        raise ValueError(f"heading {title!r} not found on its page")
    return result


def parse_section(page: list[Line], title: str) -> Section:
    blocks = _split_heading(_blocks(page), title)
    heading_at = blocks.index(("heading", title))
    free_after = [i for i, (tag, _) in enumerate(blocks) if tag == "free" and i > heading_at]
    lead_at = free_after[-1] if free_after else None
    section = Section(title=title)
    kind: str | None = None
    for i, (tag, value) in enumerate(blocks):
        if tag == "kind":
            assert isinstance(value, str)
            kind = value
        elif tag == "rule":
            assert isinstance(value, str)
            if kind is None:
                raise ValueError(f"rule before any list header in {title!r}")
            section.rules.append(Rule(title, kind, value))
        elif tag == "free":
            assert isinstance(value, list)
            text = join_lines(value)
            if i == lead_at:
                section.lead = text
            elif kind is None:
                section.subtitle = text
            else:
                section.notes.append(Note(title, kind, text))
    return section


def parse_intro(page: list[Line]) -> tuple[str, str]:
    paragraphs = [value for tag, value in _blocks(page) if tag == "free"]
    *lead, heading = [join_lines(p) for p in paragraphs if isinstance(p, list)]
    return heading, "\n\n".join(lead)


def parse_contacts(page: list[Line]) -> list[Contact]:
    contacts: list[Contact] = []
    for tag, value in _blocks(page):
        if tag != "free" or not isinstance(value, list):
            continue
        heading, *rest = [" ".join(line.split()) for line in value]
        email = phone = ""
        description: list[str] = []
        for line in rest:
            if match := re.fullmatch(r"E-?mail: (\S+)", line):
                email = match.group(1)
            elif match := re.fullmatch(r"Tlf\. ([\d ]+)", line):
                phone = match.group(1).strip()
            else:
                description.append(line)
        text = join_lines(description)
        if not email and (match := re.search(r"[\w.]+@[\w.]+\w", text)):
            email = match.group(0)
        contacts.append(Contact(heading, email, phone, text))
    return contacts


def parse_folder(path: Path = FOLDER_TXT) -> Folder:
    pages = split_pages(path.read_text(encoding="utf-8").splitlines())
    if len(pages) != len(SECTION_TITLES) + 2:
        raise ValueError(f"expected {len(SECTION_TITLES) + 2} pages, found {len(pages)}")
    intro_title, intro_lead = parse_intro(pages[0])
    sections = [
        parse_section(page, title) for page, title in zip(pages[1:-1], SECTION_TITLES, strict=True)
    ]
    return Folder(intro_title, intro_lead, sections, parse_contacts(pages[-1]))
