"""The conversation reaches people: the GDPR unit's message is e-mailed to the reporter (the
reference, not the words) and marked new on "Mine indberetninger" until it is read; the
reporter's answer is marked new for the GDPR unit on the dashboard."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.gdpr.conftest import run_worker_in_process
from tests.incidents.conftest import make_incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "Var mobilen låst med pinkode?"


def row_of(page, reference):
    return page.locator("tr", has=page.get_by_role("link", name=reference, exact=True))


def test_a_message_reaches_the_reporter_and_their_answer_the_gdpr_unit(
    page, live_server, reporter, gdpr_user, log_in
):
    incident = make_incident(reporter)
    run_worker_in_process()
    mail.outbox.clear()

    log_in(gdpr_user, f"/sikkerhedsbrud/{incident.reference}/")
    panel = page.locator("#panel-message")
    panel.locator("summary").click()
    panel.get_by_label("Besked til indberetteren").fill(QUESTION)
    panel.get_by_role("button", name="Send besked").click()
    expect(panel.locator(".panel-saved")).to_be_visible()

    run_worker_in_process()
    [email] = mail.outbox
    assert email.to == [reporter.email]
    assert incident.reference in email.subject
    assert QUESTION not in email.subject + email.body

    page.context.clear_cookies()
    log_in(reporter, "/sikkerhedsbrud/mine/")
    expect(row_of(page, incident.reference)).to_contain_text("Ny besked")
    page.get_by_role("link", name=incident.reference, exact=True).click()
    expect(page.locator("#timeline")).to_contain_text(QUESTION)
    panel = page.locator("#panel-add_information")  # the reporter's one panel is open already
    panel.get_by_label("Nye oplysninger").fill("Ja, med pinkode.")
    panel.get_by_role("button", name="Tilføj").click()
    expect(panel.locator(".panel-saved")).to_be_visible()
    page.get_by_role("link", name="Mine indberetninger").first.click()
    expect(row_of(page, incident.reference)).to_be_visible()
    expect(row_of(page, incident.reference)).not_to_contain_text("Ny besked")

    page.context.clear_cookies()
    log_in(gdpr_user, "/sikkerhedsbrud/frister/")
    expect(row_of(page, incident.reference)).to_contain_text("Nyt på sagen")
