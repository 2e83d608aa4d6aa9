"""The incident page built for the work: nothing typed is lost when another panel is saved, the
page returns to the saved panel with its confirmation, and the actions come first on a phone."""

import re

import pytest
from playwright.sync_api import expect

from incidents.models import Incident
from tests.incidents.conftest import make_incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_saving_one_panel_keeps_what_was_typed_in_another(
    page, live_server, reporter, gdpr_user, log_in
):
    incident = make_incident(reporter)
    log_in(gdpr_user, f"/sikkerhedsbrud/{incident.reference}/")
    expect(page.locator("h1")).to_have_text(incident.reference)

    # The handler starts on the assessment, then records the containment first.
    assessment = page.locator("#panel-assess")
    expect(assessment).to_have_attribute("open", "")
    assessment.get_by_label("Begrundelse for risikovurderingen").fill("Kun én mobil, låst.")
    containment = page.locator("#panel-containment")
    containment.get_by_label("Hvad blev gjort?").fill("Mobilen er spærret.")
    containment.get_by_role("button", name="Gem").click()

    # Back on the saved panel, with its confirmation beside it ...
    expect(page).to_have_url(re.compile(r"#panel-containment$"))
    expect(containment.locator(".panel-saved")).to_contain_text("gemt")
    assert Incident.objects.get(pk=incident.pk).contained_at is not None
    # ... and the assessment's words are still there, with a note that they are not saved.
    expect(assessment.get_by_label("Begrundelse for risikovurderingen")).to_have_value(
        "Kun én mobil, låst."
    )
    expect(assessment.locator(".panel-restored")).to_contain_text("ikke gemt")


def test_the_panel_with_errors_is_summarised_at_the_top_with_links(
    page, live_server, reporter, gdpr_user, log_in
):
    incident = make_incident(reporter)
    log_in(gdpr_user, f"/sikkerhedsbrud/{incident.reference}/")
    page.locator("#panel-note").locator("summary").click()
    page.locator("#panel-note").get_by_role("button", name="Gem note").click()
    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Intern note")
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_note-text")).to_be_focused()


def test_on_a_phone_the_actions_come_before_the_facts(
    page, live_server, reporter, gdpr_user, log_in
):
    page.set_viewport_size({"width": 390, "height": 844})
    incident = make_incident(reporter)
    log_in(gdpr_user, f"/sikkerhedsbrud/{incident.reference}/")
    actions = page.locator("#actions").bounding_box()
    facts = page.locator("#facts-heading").bounding_box()
    assert actions["y"] < facts["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_owner_is_not_offered_to_take_over_the_case(
    page, live_server, reporter, gdpr_user, log_in
):
    incident = make_incident(reporter)
    log_in(gdpr_user, f"/sikkerhedsbrud/{incident.reference}/")
    page.get_by_role("button", name="Overtag sagen").click()
    expect(page.locator(".incident-status").first).to_contain_text("Under behandling")
    expect(page.get_by_role("button", name="Overtag sagen")).to_have_count(0)


def test_a_report_written_while_the_session_ends_is_kept_for_after_logging_in(
    page, live_server, reporter, log_in
):
    from django.contrib.sessions.models import Session

    log_in(reporter, "/sikkerhedsbrud/anmeld/")
    page.get_by_label("Mistede eller forlagte papirer").check()
    page.get_by_label("Beskriv kort hvad der er sket").fill("En mappe med sagsakter er væk.")
    Session.objects.all().delete()  # the hour of inactivity has passed
    page.get_by_role("button", name=re.compile("Send")).click()

    expect(page).to_have_url(re.compile(r"/log-ind/"))
    page.get_by_label("Brugernavn").fill(reporter.username)
    page.get_by_label("Adgangskode").fill("Sikker2026Test")
    page.get_by_role("button", name="Log ind").click()

    expect(page.locator("#draft-restored")).to_contain_text("ikke sendt")
    expect(page.get_by_label("Beskriv kort hvad der er sket")).to_have_value(
        "En mappe med sagsakter er væk."
    )
    expect(page.get_by_label("Mistede eller forlagte papirer")).to_be_checked()
    assert not Incident.objects.exists()
