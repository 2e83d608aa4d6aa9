"""The in-browser password checker agrees with the server's validator, clause by clause."""

from __future__ import annotations

import pytest

from portal.validators import folder_password_clauses, folder_password_problems
from tests.guidance.conftest import folder_in_db  # noqa: F401 (fixture)

# See test_guidance_search.py for why the folder is re-imported.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("folder_in_db"),
]

PASSWORDS = [
    "a",
    "kort1A",
    "Sikker2026Test",
    "sikker2026test",
    "SIKKER2026TEST",
    "SikkerTestKode",
    "Blåbær2026Xy",
    "Ærlig2026abc",
    "rikke2026AB",  # username
    "Xrasmussen9y",  # last name
    "RR-2026-abcD",  # initials on their own
    "xRR2026yZ",  # initials inside a word: allowed
    "Rr2026Kodeord",  # initials at the start, followed by a digit
    "Mellem rum 2026",
    "12345678",
    "Ωmega2026Zz",
]


def _states(page) -> dict[str, str]:
    return {
        li.get_attribute("data-clause"): li.get_attribute("data-state")
        for li in page.locator("[data-clause]").all()
    }


def test_every_clause_agrees_with_the_servers_validator(
    page, live_server, reporter, log_in
) -> None:
    requests: list[str] = []
    log_in(reporter, "/afsnit/brugernavn-og-adgangskode/")
    page.on("request", lambda request: requests.append(request.url))
    field = page.get_by_label("Adgangskode, der skal tjekkes")
    messages = dict(folder_password_clauses())

    for password in PASSWORDS:
        field.fill("")
        field.press_sequentially(password)
        problems = folder_password_problems(password, reporter)
        expected = {code: "broken" if msg in problems else "met" for code, msg in messages.items()}
        assert _states(page) == expected, password

    assert requests == [], "the checker must not send anything"


def test_the_checker_announces_the_result_and_keeps_the_password_out_of_any_form(
    page, live_server, reporter, log_in
) -> None:
    log_in(reporter, "/afsnit/brugernavn-og-adgangskode/")
    field = page.get_by_label("Adgangskode, der skal tjekkes")
    assert field.evaluate("el => el.form === null")
    assert field.get_attribute("autocomplete") == "off"
    assert field.get_attribute("type") == "password"

    status = page.locator("#password-checker-summary")
    assert status.get_attribute("aria-live") == "polite"
    field.fill("kort")
    assert status.inner_text() == "Antal krav, der ikke er opfyldt: 3"
    field.fill("Sikker2026Test")
    assert status.inner_text() == "Adgangskoden følger alle folderens krav."
    assert "Opfyldt:" in page.locator("[data-clause=length]").inner_text()

    page.get_by_label("Vis adgangskoden").check()
    assert field.get_attribute("type") == "text"


def test_the_checker_is_only_on_the_password_section(page, live_server, reporter, log_in) -> None:
    log_in(reporter, "/afsnit/virus/")
    assert page.locator("[data-password-checker]").count() == 0
