"""The GDPR unit opens a fresh report and takes it over, in a real Chromium."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_incident_report import snapshot
from tests.incidents.conftest import make_incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_gdpr_unit_takes_over_a_report(page, live_server, reporter, gdpr_user, log_in):
    incident = make_incident(reporter)
    log_in(gdpr_user, f"/sikkerhedsbrud/{incident.reference}/")
    expect(page.locator("h1")).to_have_text(incident.reference)
    expect(page.locator("#missing-items")).to_contain_text("Bruddet stoppet")
    # Each missing duty links to the panel that meets it.
    expect(page.locator("#missing-items a[href='#panel-containment']")).to_be_visible()
    snapshot(page, "incident-detail-gdpr")

    page.get_by_role("button", name="Overtag sagen").click()
    expect(page.locator(".incident-status").first).to_contain_text("Under behandling")
    # The history shows facts with labels in Danish, never raw codes.
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Overtaget af GDPR-enheden")
    expect(timeline).to_contain_text("Status: Modtaget → Under behandling")
    expect(timeline).not_to_contain_text("reported → escalated")
