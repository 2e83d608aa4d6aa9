"""The first thing anyone does: log in and see the front page, in a real Chromium."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_employee_logs_in_and_sees_the_front_page(page, live_server, reporter, log_in):
    page.goto(live_server.url + "/")
    assert "/log-ind/" in page.url
    assert page.locator("h1").inner_text() == "Log ind på Sikkerhedsportalen"

    log_in(reporter)

    assert page.url == live_server.url + "/"
    assert page.get_by_role("link", name="Indberet et sikkerhedsbrud").first.is_visible()
    assert page.get_by_role("navigation", name="Hovedmenu").is_visible()
