"""An employee searches the folder and lands on the rule, in a real Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

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
    page.get_by_role("searchbox", name="Søg i folderen").fill("makulering")
    page.get_by_role("button", name="Søg", exact=True).click()

    expect(page.get_by_role("heading", name="Søg i folderen")).to_be_visible()
    first = page.locator(".search-hit").first
    expect(first).to_contain_text("Opbevaring af data")
    expect(first.locator("mark").first).to_have_text("Makulere")

    first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/afsnit/opbevaring-af-data/#regel-makulere-fysiske"))
    target = page.locator("#regel-makulere-fysiske-dokumenter")
    expect(target).to_be_visible()
    assert target.evaluate("el => el.matches(':target')")


def test_mistet_telefon_leads_to_the_lost_phone_guide(page, live_server, reporter, log_in):
    log_in(reporter)
    page.get_by_role("searchbox", name="Søg i folderen").fill("mistet telefon")
    page.get_by_role("button", name="Søg", exact=True).click()

    first = page.locator(".search-hit").first
    expect(first).to_contain_text("Hvad gør jeg nu?")
    first.get_by_role("link", name="Jeg har mistet min telefon").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jeg har mistet min telefon")


def test_nothing_found_offers_a_suggestion_the_guides_and_the_report_button(
    page, live_server, reporter, log_in
) -> None:
    log_in(reporter, "/soeg/?q=vira")
    expect(page.get_by_role("status")).to_contain_text("Vi fandt ikke noget i folderen om »vira«")
    expect(page.get_by_role("link", name="Indberet et sikkerhedsbrud").last).to_be_visible()
    expect(page.get_by_role("link", name="Ring til IT: 44 52 70 30")).to_be_visible()
    page.get_by_role("link", name="virus", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("resultater for »virus«")


def test_an_empty_search_gives_a_friendly_message(page, live_server, reporter, log_in) -> None:
    log_in(reporter, "/soeg/")
    page.get_by_role("button", name="Søg", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Skriv et eller flere ord")
