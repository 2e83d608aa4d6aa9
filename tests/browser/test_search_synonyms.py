"""Staff see what employees searched for in vain, add a synonym in the admin, and the next
search finds the folder's answer – in a real Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.guidance.conftest import folder_in_db  # noqa: F401 (fixture)

# See test_guidance_search.py for why the folder is re-imported.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("folder_in_db"),
]


def search_for(page, words: str) -> None:
    page.get_by_role("searchbox", name="Søg i folderen").fill(words)
    page.get_by_role("button", name="Søg", exact=True).click()


def test_staff_add_a_synonym_and_the_next_search_uses_it(
    page, live_server, superuser, log_in
) -> None:
    log_in(superuser)
    search_for(page, "mastodon")
    expect(page.get_by_role("status")).to_contain_text("Vi fandt ikke noget")

    # The miss is in the admin's list, with a link that starts the synonym.
    page.goto(f"{live_server.url}/admin/guidance/searchmiss/")
    row = page.get_by_role("row").filter(has_text="mastodon")
    expect(row).to_contain_text("1")
    row.get_by_role("link", name="Tilføj synonym").click()

    expect(page.get_by_label("Søgeord")).to_have_value("mastodon")
    page.get_by_label("Søg også efter").fill("sociale medier")
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("blev tilføjet")

    page.goto(f"{live_server.url}/")
    search_for(page, "mastodon")
    first = page.locator(".search-hit").first
    expect(first).to_contain_text("Sociale medier")
    expect(first.locator("mark").first).to_have_text(re.compile("sociale", re.IGNORECASE))
