"""The GDPR unit watches the deadline count down live, without reloading, in a real Chromium."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.incidents.conftest import make_incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_countdown_moves_on_and_changes_band_without_a_reload(
    page, live_server, log_in, reporter, gdpr_user
):
    now = timezone.now()
    incident = make_incident(reporter, now=now, discovered_at=now - timedelta(hours=69))
    page.clock.install(time=now)
    log_in(gdpr_user, "/sikkerhedsbrud/frister/")
    page.goto(live_server.url + "/sikkerhedsbrud/frister/")
    row = page.locator("tr.deadline-row", has_text=incident.reference)
    expect(row).to_have_class(re.compile(r"band-6h"))
    expect(row.locator(".time-left")).to_have_text(re.compile(r"^(2 t 5\d min|3 t) tilbage$"))
    page.evaluate("window.__loaded_once = true")

    page.clock.fast_forward("04:00:00")

    expect(row.locator(".time-left")).to_have_text(re.compile(r"^overskredet med (1 t|5\d min)"))
    expect(row).to_have_class(re.compile(r"band-overdue"))
    expect(row.locator(".band-text")).to_have_text("Overskredet")
    assert page.evaluate("window.__loaded_once") is True  # the same page: no reload
