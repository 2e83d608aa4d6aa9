"""An employee searches the folder and lands on the rule, in a real Chromium."""

from __future__ import annotations

import pytest

from tests.guidance.conftest import folder_in_db  # noqa: F401 (fixture)

# serialized_rollback alone does not bring the folder back here: once Playwright runs, the test
# thread gets a fresh Django connection without the serialized contents. `folder_in_db`
# re-imports the content file instead.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("folder_in_db"),
]


def test_an_employee_searches_with_a_word_part_and_opens_the_rule(
    page, live_server, reporter, log_in
) -> None:
    log_in(reporter)
    page.get_by_role("searchbox", name="Søg i reglerne").fill("makulering")
    page.get_by_role("button", name="Søg", exact=True).click()
    page.wait_for_load_state()

    assert page.get_by_role("heading", name="Søg i reglerne").is_visible()
    first = page.locator(".search-hit").first
    assert "Opbevaring af data" in first.inner_text()
    assert first.locator("mark").first.inner_text() == "Makulere"

    first.get_by_role("link").click()
    page.wait_for_load_state()
    assert page.url.endswith("/afsnit/opbevaring-af-data/#regel-makulere-fysiske-dokumenter")
    target = page.locator("#regel-makulere-fysiske-dokumenter")
    assert target.is_visible()
    assert target.evaluate("el => el.matches(':target')")


def test_an_empty_search_gives_a_friendly_message(page, live_server, reporter, log_in) -> None:
    log_in(reporter, "/soeg/")
    page.get_by_role("button", name="Søg", exact=True).click()
    page.wait_for_load_state()
    assert "Skriv et eller flere ord" in page.get_by_role("status").first.inner_text()
