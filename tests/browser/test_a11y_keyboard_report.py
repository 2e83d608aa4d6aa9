"""Reporting a breach with the keyboard alone; errors are announced and lead to their fields."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from incidents.models import Incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def focused(page) -> dict:
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return {tag: e.tagName, id: e.id, name: e.name || '', type: e.type || '',"
        " text: (e.innerText || '').trim()}; }"
    )


def tab_to(page, matches, limit: int = 80) -> dict:
    """Press Tab until `matches(focused element)`; fail if it is never reached."""
    for _press in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if matches(element):
            return element
    raise AssertionError("never reached by Tab")


def test_an_employee_reports_a_breach_with_the_keyboard_only(page, live_server, reporter):
    client = Client()
    client.force_login(reporter)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(live_server.url + "/sikkerhedsbrud/anmeld/")

    # Description only, then send: the form is refused.
    tab_to(page, lambda e: e["name"] == "description")
    page.keyboard.type("Min arbejdsmobil blev glemt i bussen.")
    tab_to(page, lambda e: e["tag"] == "BUTTON" and e["text"] == "Send indberetning")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The error summary is announced (role=alert) and has the focus, so it is read first.
    summary = page.locator("#form-errors")
    assert summary.get_attribute("role") == "alert"
    assert focused(page)["id"] == "form-errors"
    links = summary.get_by_role("link")
    assert links.count() == 3  # category, personal data, stopped
    assert "Hvad er der sket?" in links.first.inner_text()

    # Each link leads to its field; the field says it is invalid and what is wrong.
    tab_to(page, lambda e: e["tag"] == "A" and "Hvad er der sket?" in e["text"])
    page.keyboard.press("Enter")
    element = focused(page)
    assert element["name"] == "category", element
    assert page.locator("#id_category_0").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Beskriv kort hvad der er sket").input_value().startswith("Min arb")

    # Radio groups by arrow keys, checkboxes by space.
    page.keyboard.press("Space")
    assert page.locator("input[name=category][value=lost_device]").is_checked()
    tab_to(page, lambda e: e["name"] == "personal_data")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")  # "Nej" … back up to "Ja"
    page.keyboard.press("ArrowUp")
    assert page.locator("input[name=personal_data][value=yes]").is_checked()
    tab_to(page, lambda e: e["name"] == "data_kinds")
    page.keyboard.press("Space")
    tab_to(page, lambda e: e["name"] == "stopped")
    page.keyboard.press("Space")
    tab_to(page, lambda e: e["tag"] == "BUTTON" and e["text"] == "Send indberetning")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.locator("#form-errors").count() == 0, page.locator("#form-errors").inner_text()
    assert page.locator("h1").inner_text() == "Tak – din indberetning er modtaget"
    reference = page.locator("#reference").inner_text()
    assert re.fullmatch(r"SB-\d{4}-0001", reference)
    incident = Incident.objects.get()
    assert incident.category == "lost_device"
    assert incident.personal_data == "yes"


def test_every_control_on_the_report_form_shows_where_the_focus_is(page, live_server, reporter):
    """A visible focus indicator (WCAG 2.4.7): each focused control has an outline or a shadow."""
    client = Client()
    client.force_login(reporter)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.emulate_media(reduced_motion="reduce")  # no focus transitions half-way through
    page.goto(live_server.url + "/sikkerhedsbrud/anmeld/")
    unmarked = []
    for _press in range(40):
        page.keyboard.press("Tab")
        style = page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return [document.activeElement.outerHTML.slice(0, 80), s.outlineStyle,"
            " s.outlineWidth, s.boxShadow]; }"
        )
        html, outline, width, shadow = style
        if 'type="datetime-local"' in html:
            continue  # the focus sits in a date part, which Chromium highlights itself
        if (outline == "none" or width == "0px") and shadow == "none":
            unmarked.append(html)
    assert unmarked == []
