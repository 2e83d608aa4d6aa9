"""A read-and-acknowledge campaign as people use it: the GDPR unit starts one for Borgerservice
from the menu; Rikke there sees it, answers wrongly, reads the rule, answers rightly and
confirms; Carl in another department sees nothing; Mona (her manager) and the evidence (page and
CSV) show the confirmation with the section's version; once the section is edited, the next
campaign asks Rikke for it again."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from awareness import services
from awareness.models import Campaign, Confirmation, Question
from guidance.models import Section, bump_content_version
from tests.awareness.conftest import PASSWORD_SECTION, folder, question  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Adgangskoder i Borgerservice"


def start_campaign_from_the_menu(page, section_title: str) -> None:
    page.get_by_role("link", name="Læs og bekræft").first.click()
    page.get_by_role("link", name="Kampagner").click()
    page.get_by_role("link", name="Start en kampagne").click()
    page.get_by_label("Titel").fill(TITLE)
    page.get_by_label("Borgerservice", exact=True).check()
    page.get_by_label(section_title, exact=True).check()
    deadline = timezone.localdate() + timedelta(days=14)
    page.get_by_label("Frist").fill(deadline.isoformat())
    page.get_by_role("button", name="Start kampagnen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)


@pytest.mark.usefixtures("question")
def test_a_department_campaign_is_read_confirmed_documented_and_due_again_after_an_edit(
    page, live_server, log_in, gdpr_user, reporter, colleague, manager
):
    section = Section.objects.get(slug=PASSWORD_SECTION)
    rule = Question.objects.get(section=section).rule

    # The GDPR unit starts it for Borgerservice, through the menu.
    log_in(gdpr_user, "/")
    start_campaign_from_the_menu(page, section.title)
    campaign = Campaign.objects.get(title=TITLE)

    # Rikke (Borgerservice) sees it, answers wrongly, is shown the rule, then confirms.
    page.context.clear_cookies()
    log_in(reporter, "/")
    page.get_by_role("link", name="Læs og bekræft").first.click()
    card = page.locator(f"#kampagne-{campaign.pk}")
    expect(card).to_contain_text(TITLE)
    card.get_by_role("link", name=section.title).click()
    page.get_by_label("Ja, hvis det haster").check()
    page.get_by_label("Jeg har læst og forstået").check()
    page.get_by_role("button", name="Bekræft").click()
    expect(page.locator("#wrong-answer")).to_contain_text(rule.text[:40])
    page.get_by_label("Nej, aldrig").check()
    page.get_by_label("Jeg har læst og forstået").check()
    page.get_by_role("button", name="Bekræft").click()
    expect(page.locator(f"#kampagne-{campaign.pk}")).to_contain_text("Færdig")
    confirmation = Confirmation.objects.get(user=reporter, section=section)
    assert confirmation.content_version == section.content_version == 1

    # Carl (Teknik og Miljø) does not see it, nor may he open it.
    page.context.clear_cookies()
    log_in(colleague, "/laesning/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Læs og bekræft")
    expect(page.locator("main")).not_to_contain_text(TITLE)
    response = page.goto(f"{live_server.url}/laesning/{campaign.pk}/{section.slug}/")
    assert response.status == 404

    # Mona, her manager, sees the confirmation and its version.
    page.context.clear_cookies()
    log_in(manager, "/")
    page.get_by_role("link", name="Læs og bekræft").first.click()
    page.get_by_role("link", name="Mine medarbejdere").click()
    row = page.locator("tr", has=page.get_by_role("rowheader", name="Rikke Rasmussen"))
    expect(row).to_contain_text("Færdig")
    expect(row).to_contain_text(f"{section.title} (version 1)")

    # The evidence: the printable page and the CSV say who confirmed which version when.
    page.context.clear_cookies()
    log_in(gdpr_user, "/laesning/kampagner/")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Dokumentation (til udskrift)").click()
    evidence = page.locator("#evidence-table tr", has_text="Rikke Rasmussen")
    expect(evidence).to_contain_text(section.title)
    expect(evidence.locator("td").nth(2)).to_have_text("1")
    csv_text = page.request.get(
        f"{live_server.url}/laesning/kampagner/{campaign.pk}/dokumentation.csv"
    )
    assert csv_text.ok
    rows = list(csv.reader(io.StringIO(csv_text.text().lstrip("\ufeff")), delimiter=";"))
    [rikke] = [r for r in rows if "Rikke Rasmussen" in r]
    assert section.title in rikke and "1" in rikke

    # The section is edited (as the admin does: its content version goes up). The next campaign
    # asks Rikke for it again; an unchanged section would have counted.
    Section.objects.filter(pk=section.pk).update(lead=section.lead + " Opdateret.")
    bump_content_version(Section, [section.pk])
    services.campaign_start(
        actor=gdpr_user,
        title="Adgangskoder igen",
        all_staff=False,
        departments=[reporter.profile.department],
        sections=[Section.objects.get(pk=section.pk)],
        deadline=timezone.localdate() + timedelta(days=14),
    )
    page.context.clear_cookies()
    log_in(reporter, "/laesning/")
    again = page.locator(".campaign-card", has_text="Adgangskoder igen")
    expect(again).to_contain_text("Mangler")
    expect(again.get_by_role("link", name=section.title)).to_be_visible()
