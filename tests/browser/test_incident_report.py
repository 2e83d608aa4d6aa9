"""The reporter's journey: from the guidance link to a receipt, in a real Chromium."""

import os
import re

import pytest

from guidance.content import import_folder
from incidents.models import Incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def snapshot(page, name: str) -> None:
    """SCREENSHOTS=/some/dir keeps full-page screenshots for a human look."""
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def test_an_employee_reports_a_lost_phone_and_gets_a_receipt(page, live_server, reporter, log_in):
    # The journey starts where an employee in trouble starts: the guidance's front page.
    import_folder()  # the folder's content, as the migration loads it (transactional tests flush)
    log_in(reporter)
    page.get_by_role("link", name="Hvad gør jeg nu?").first.click()
    page.get_by_role(
        "link", name="Jeg har mistet min telefon, bærbare pc, tablet eller USB-nøgle"
    ).click()
    assert "Ring 44 52 70 30" in page.locator(".first-aid-steps").inner_text()
    page.get_by_role("link", name="Indberet sikkerhedsbruddet").click()
    page.wait_for_load_state()
    assert page.url.endswith("/sikkerhedsbrud/anmeld/?kategori=lost_device")
    assert page.locator("h1").inner_text() == "Indberet et sikkerhedsbrud"
    snapshot(page, "incident-report-form")

    # The category comes from the link and the first steps for it come first.
    assert page.locator("input[name=category][value=lost_device]").is_checked()
    lost_device_steps = page.locator(".first-step[data-category=lost_device]")
    assert lost_device_steps.is_visible()
    assert "44 52 70 30" in lost_device_steps.inner_text()
    assert not page.locator(".first-step[data-category=malware]").is_visible()
    page.locator("input[name=category][value=malware]").check()
    assert page.locator(".first-step[data-category=malware]").is_visible()
    page.locator("input[name=category][value=lost_device]").check()

    # A CPR number is refused, and what was typed survives.
    description = page.get_by_label("Beskriv kort hvad der er sket")
    description.fill("Mobil med sms fra borger 010190-1234 glemt i bussen.")
    page.locator("input[name=personal_data][value=yes]").check()
    page.locator("input[name=stopped][value=no]").check()
    page.get_by_role("button", name="Send indberetning").click()
    page.wait_for_load_state()
    assert "ser ud til at indeholde et CPR-nummer" in page.content()
    assert page.locator("input[name=personal_data][value=yes]").is_checked()
    assert not Incident.objects.exists()

    description.fill("Min arbejdsmobil blev glemt i bussen. Den har sms'er fra borgere.")
    page.get_by_label("CPR-numre").check()
    page.get_by_label("Hvor mange personer drejer det sig cirka om?").fill("15")
    page.get_by_label("Min leder ved det").check()
    page.get_by_role("button", name="Send indberetning").click()
    page.wait_for_load_state()

    reference = page.locator("#reference").inner_text()
    assert re.fullmatch(r"SB-\d{4}-0001", reference)
    assert page.locator("h1").inner_text() == "Tak – din indberetning er modtaget"
    snapshot(page, "incident-receipt")

    page.get_by_role("link", name="Mine indberetninger").first.click()
    assert page.get_by_role("link", name=reference).is_visible()
    incident = Incident.objects.get()
    assert incident.reference == reference
    assert incident.data_kinds == ["cpr"]
