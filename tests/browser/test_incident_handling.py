"""The GDPR unit opens a fresh report and takes it over, in a real Chromium."""

import pytest

from tests.browser.test_incident_report import snapshot
from tests.incidents.conftest import make_incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_gdpr_unit_takes_over_a_report(page, live_server, reporter, gdpr_user, log_in):
    incident = make_incident(reporter)
    log_in(gdpr_user, f"/sikkerhedsbrud/{incident.reference}/")
    assert page.locator("h1").inner_text() == incident.reference
    assert "Inddæmning" in page.locator("#missing-items").inner_text()
    snapshot(page, "incident-detail-gdpr")

    page.get_by_role("button", name="Overtag sagen").click()
    page.wait_for_load_state()
    assert "Hos GDPR-enheden" in page.locator(".incident-status").first.inner_text()
    assert "GDPR-enheden har overtaget sagen." in page.locator("#timeline").inner_text()
