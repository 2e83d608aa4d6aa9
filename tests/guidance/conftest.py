"""Fixtures for the guidance tests: a logged-in employee and helpers to read rendered pages."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from django.test import Client

from guidance.content import import_folder


@pytest.fixture
def employee_client(client: Client, reporter) -> Client:
    client.force_login(reporter)
    return client


@pytest.fixture
def folder_in_db(db) -> None:
    """The folder as the data migration loads it (re-imported: transactional tests flush)."""
    import_folder()


class RuleCollector(HTMLParser):
    """Collects (kind, text) for every rule on a rendered section page.

    The kind comes from the enclosing `rule-group--<kind>` section; paragraphs of a rule's
    text are joined with a blank line, as in the folder's text.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rules: list[tuple[str, str]] = []
        self._kind = ""
        self._in_text = 0
        self._paragraphs: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        classes = (dict(attrs).get("class") or "").split()
        for cls in classes:
            if cls.startswith("rule-group--"):
                self._kind = cls.removeprefix("rule-group--")
        if self._in_text:
            self._in_text += 1
            if tag == "p":
                self._paragraphs.append("")
        elif "rule-text" in classes:
            self._in_text = 1
            self._paragraphs = []

    def handle_endtag(self, tag: str) -> None:
        if self._in_text:
            self._in_text -= 1
            if not self._in_text:
                text = "\n\n".join(" ".join(p.split()) for p in self._paragraphs if p.strip())
                self.rules.append((self._kind, text))

    def handle_data(self, data: str) -> None:
        if self._in_text and self._paragraphs:
            self._paragraphs[-1] += data


def rules_on_page(page_html: str) -> list[tuple[str, str]]:
    collector = RuleCollector()
    collector.feed(page_html)
    return collector.rules


def visible_text(page_html: str) -> str:
    text = re.sub(r"<[^>]+>", " ", page_html)
    return " ".join(html.unescape(text).split())
