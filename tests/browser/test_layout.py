"""Layout that holds: no page scrolls sideways on a phone (390 px) or a laptop (1366 px); on a
phone the dashboard's rows stack with the time left and what is missing first."""

import pytest
from playwright.sync_api import expect

from tests.incidents.conftest import make_incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/sikkerhedsbrud/frister/",
    "/sikkerhedsbrud/fortegnelse/",
    "/sikkerhedsbrud/?status=all",
    "/sikkerhedsbrud/statistik/",
]


def no_sideways_scroll(page, width: int) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [390, 1366])
def test_the_gdpr_units_pages_do_not_scroll_sideways(
    page, live_server, reporter, gdpr_user, log_in, width
):
    page.set_viewport_size({"width": width, "height": 844})
    for n in range(3):
        make_incident(reporter, description=f"Sag nummer {n} med en lang beskrivelse.")
    log_in(gdpr_user, PAGES[0])
    for path in PAGES:
        page.goto(live_server.url + path)
        expect(page.locator("h1")).to_be_visible()
        assert no_sideways_scroll(page, width), path


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
