"""WCAG 2.1 AA beyond axe: the computed contrast of form controls' borders (1.4.11), a visible
focus outline (2.4.7) and the overdue row's link (1.4.3), measured in a real Chromium."""

import re

import pytest
from playwright.sync_api import expect

from tests.incidents.conftest import make_incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def luminance(css: str) -> float:
    r, g, b = (int(v) / 255 for v in re.findall(r"\d+", css)[:3])

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def style(locator, prop: str) -> str:
    return locator.evaluate(f"el => getComputedStyle(el).{prop}")


def test_radio_and_text_field_borders_have_3_to_1_and_focus_is_a_thick_outline(
    page, live_server, reporter, log_in
):
    log_in(reporter, "/sikkerhedsbrud/anmeld/")
    radio = page.locator("input[name=category]").first
    text = page.locator("textarea[name=description]")
    for control in (radio, text):
        assert contrast(style(control, "borderTopColor"), "rgb(255, 255, 255)") >= 3
    page.keyboard.press("Tab")
    text.focus()
    expect(text).to_be_focused()
    assert style(text, "outlineStyle") == "solid"
    assert float(style(text, "outlineWidth").removesuffix("px")) >= 2
    assert contrast(style(text, "outlineColor"), "rgb(255, 255, 255)") >= 3


def test_an_overdue_rows_link_is_readable(page, live_server, reporter, gdpr_user, log_in):
    from datetime import timedelta

    from django.utils import timezone

    late = make_incident(reporter, now=timezone.now() - timedelta(hours=80))
    log_in(gdpr_user, "/sikkerhedsbrud/frister/")
    row = page.locator("tr.band-overdue")
    link = row.get_by_role("link", name=late.reference)
    # The cell paints the band's colour (Bootstrap's --bs-table-bg).
    background = style(row.locator("th").first, "backgroundColor")
    assert background != "rgba(0, 0, 0, 0)"
    assert contrast(style(link, "color"), background) >= 4.5
