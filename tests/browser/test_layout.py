"""Layout that holds: no page scrolls sideways on a phone (390 px) or a laptop (1366 px) for any
role, with a sixty-character name, and "Log ud" is on the screen (on a phone once the menu is
open); on a phone the dashboard's rows stack with the time left and what is missing first."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests import pagewalk
from tests.incidents.conftest import make_incident
from tests.pagewalk import PAGE_TYPES, ROLES, WIDTHS, XL, PageType, Problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The elements sticking out on the right, to say where a sideways scroll comes from.
OVERFLOWING = """() => {
  const width = window.innerWidth;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 0.5 && box.width > 0) {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (el.classList.length ? '.' + [...el.classList].join('.') : '');
      out.push(`${name} (right edge ${Math.round(box.right)})`);
    }
  }
  return out.slice(0, 4);
}"""


def sideways_scroll(page: Page) -> str | None:
    scroll, width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if scroll <= width:
        return None
    return f"scrolls sideways ({scroll} > {width} px): " + ", ".join(page.evaluate(OVERFLOWING))


def check_logout_in_reach(page: Page, spec: PageType, width: int) -> None:
    if spec.header and width < XL:
        toggler = page.get_by_role("button", name="Vis menu")
        expect(toggler).to_be_visible()
        toggler.click()
        expect(toggler).to_have_attribute("aria-expanded", "true")
    logout = page.get_by_role("button", name="Log ud")
    expect(logout).to_be_visible()
    expect(logout).to_be_in_viewport(ratio=1, timeout=2000)


@pytest.mark.parametrize("width_name", list(WIDTHS))
@pytest.mark.parametrize("role", list(ROLES))
def test_no_page_scrolls_sideways_and_log_ud_is_in_reach(page, live_server, walk, role, width_name):
    width = pagewalk.viewport(page, width_name)
    persona = ROLES[role]
    pagewalk.log_in(page, live_server.url, walk.personas[persona] if persona else None)
    problems = Problems()
    for spec in pagewalk.pages_for(role):
        pagewalk.open_page(page, live_server.url, spec, walk)
        if problem := sideways_scroll(page):
            problems.add(spec.name, problem)
        if persona is None:
            continue
        try:
            check_logout_in_reach(page, spec, width)
        except AssertionError as error:
            problems.add(spec.name, f"'Log ud' out of reach: {str(error).splitlines()[0]}")
            continue
        if problem := sideways_scroll(page):
            problems.add(spec.name, f"with the menu open, {problem}")
    assert not problems, f"{role} at {width} px:\n{problems}"


def test_every_page_is_walked():
    walked = {spec.url_name for spec in PAGE_TYPES}
    assert pagewalk.walk_keys() - walked == set()


def test_on_a_phone_the_dashboard_shows_time_left_first_in_each_row(
    page, live_server, reporter, gdpr_user, log_in
):
    page.set_viewport_size({"width": 390, "height": 844})
    incident = make_incident(reporter)
    log_in(gdpr_user, "/sikkerhedsbrud/frister/")
    row = page.locator("tr.deadline-row").first
    time_left = row.locator(".time-left")
    expect(time_left).to_be_visible()
    box = time_left.bounding_box()
    assert box["x"] + box["width"] <= 390
    # The reference leads, then the time left, before the category and the dates.
    reference = row.get_by_role("link", name=incident.reference).bounding_box()
    category = row.locator("td[data-label='Kategori']").bounding_box()
    assert reference["y"] < box["y"] < category["y"]
