"""Read-and-acknowledge campaigns: who sees what, answering and confirming, versions that make an
edited section due again in the next campaign (and an unchanged one not), the manager's and the
GDPR unit's overviews, and the evidence export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from awareness import progress
from awareness.models import Answer, Confirmation
from guidance.models import Section, bump_content_version
from portal.models import Department
from tests.awareness.conftest import EMAIL_SECTION, PASSWORD_SECTION, start
from tests.personas import make_person

CPH = ZoneInfo("Europe/Copenhagen")
pytestmark = pytest.mark.django_db
MINE = reverse("awareness:mine")


def read_url(campaign, slug=PASSWORD_SECTION) -> str:
    return reverse("awareness:read", args=[campaign.pk, slug])


def confirm(client, campaign, *, slug=PASSWORD_SECTION, choice=None, understood=True, version=None):
    section = Section.objects.get(slug=slug)
    data = {"version": version or section.content_version}
    if choice is not None:
        data["choice"] = choice.pk
    if understood:
        data["understood"] = "on"
    return client.post(read_url(campaign, slug), data)


@pytest.fixture
def borgerservice_campaign(folder, question, gdpr_user, reporter, colleague):
    return start(gdpr_user, departments=["Borgerservice"])


def test_an_employee_in_the_department_sees_what_to_read_and_a_colleague_elsewhere_does_not(
    client, borgerservice_campaign, reporter, colleague
):
    client.force_login(reporter)
    page = client.get(MINE).text
    assert "Sikkerhedsfolderen 2026" in page
    assert read_url(borgerservice_campaign) in page
    client.force_login(colleague)
    assert "Sikkerhedsfolderen 2026" not in client.get(MINE).text
    assert client.get(read_url(borgerservice_campaign)).status_code == 404


def test_a_wrong_answer_is_recorded_shows_the_rule_and_lets_them_try_again(
    client, borgerservice_campaign, reporter, question
):
    client.force_login(reporter)
    wrong, right = question.choices.order_by("order")
    response = confirm(client, borgerservice_campaign, choice=wrong)
    assert response.status_code == 400
    assert "Det var ikke det rigtige svar" in response.text
    assert question.rule.text.split("\n")[0][:40] in response.text
    assert "checked" in response.text  # what they chose stays chosen
    assert not Confirmation.objects.exists()
    response = confirm(client, borgerservice_campaign, choice=right)
    assert response.status_code == 302
    answers = list(Answer.objects.order_by("pk").values_list("answer", "correct"))
    assert answers == [("Ja, hvis det haster", False), ("Nej, aldrig", True)]
    confirmation = Confirmation.objects.get()
    assert (confirmation.user, confirmation.content_version, confirmation.answer) == (
        reporter,
        1,
        "Nej, aldrig",
    )


def test_confirming_needs_the_box_ticked_and_an_answer(client, borgerservice_campaign, reporter):
    client.force_login(reporter)
    response = confirm(client, borgerservice_campaign, understood=False)
    assert response.status_code == 400
    assert "Vælg et svar på spørgsmålet." in response.text
    assert "Sæt kryds ved „Jeg har læst og forstået“ for at bekræfte." in response.text
    assert not Answer.objects.exists() and not Confirmation.objects.exists()


def test_a_section_without_a_question_is_confirmed_with_the_box_alone(
    client, borgerservice_campaign, reporter
):
    client.force_login(reporter)
    assert confirm(client, borgerservice_campaign, slug=EMAIL_SECTION).status_code == 302
    assert Confirmation.objects.get().section.slug == EMAIL_SECTION


def test_a_section_edited_while_it_was_read_must_be_read_again(
    client, borgerservice_campaign, reporter
):
    client.force_login(reporter)
    section = Section.objects.get(slug=EMAIL_SECTION)
    bump_content_version(Section, [section.pk])
    response = confirm(client, borgerservice_campaign, slug=EMAIL_SECTION, version=1)
    assert response.status_code == 400
    assert "Afsnittet er blevet ændret, mens du læste det" in response.text
    assert not Confirmation.objects.exists()


def test_an_edited_section_is_due_again_in_the_next_campaign_and_an_unchanged_one_is_not(
    client, borgerservice_campaign, reporter, question, gdpr_user
):
    client.force_login(reporter)
    right = question.choices.get(correct=True)
    confirm(client, borgerservice_campaign, choice=right)
    confirm(client, borgerservice_campaign, slug=EMAIL_SECTION)
    bump_content_version(Section, [Section.objects.get(slug=EMAIL_SECTION).pk])
    [first] = progress.progress(borgerservice_campaign, now=datetime.now(CPH), users=[reporter.pk])
    assert first.complete  # the campaign asked for version 1, and got it

    second = start(gdpr_user, departments=["Borgerservice"], title="Opfølgning")
    [then] = progress.progress(second, now=datetime.now(CPH), users=[reporter.pk])
    assert (then.done, then.total) == (1, 2)  # the password section counts, the e-mail one not
    page = client.get(MINE).text
    assert read_url(second, EMAIL_SECTION) in page
    assert read_url(second, PASSWORD_SECTION) not in page


def test_a_deadline_lasts_its_whole_day_in_copenhagen_across_the_autumn_change():
    # 25 October 2026 has 25 hours: overdue from midnight after it, winter time.
    assert progress.due_by(date(2026, 10, 25)) == datetime(2026, 10, 26, 0, 0, tzinfo=CPH)
    day_start = datetime(2026, 10, 25, tzinfo=CPH).astimezone(UTC)
    assert progress.due_by(date(2026, 10, 25)).astimezone(UTC) - day_start == timedelta(hours=25)


def test_the_manager_sees_the_progress_of_the_people_they_manage_only(
    client, borgerservice_campaign, manager, reporter, question
):
    outsider = make_person("berit", "Berit", "Bo", "Borgerservice")  # not managed by Mona
    client.force_login(reporter)
    confirm(client, borgerservice_campaign, choice=question.choices.get(correct=True))
    client.force_login(manager)
    page = client.get(reverse("awareness:team")).text
    assert "Rikke Rasmussen" in page and "1 / 2" in page
    assert "Berit" not in page and outsider.pk


def test_the_gdpr_unit_sees_completion_per_department_and_who_is_overdue(
    client, folder, gdpr_user, reporter, colleague, question
):
    campaign = start(gdpr_user, title="Alle", slugs=[EMAIL_SECTION])
    client.force_login(reporter)
    confirm(client, campaign, slug=EMAIL_SECTION)
    type(campaign).objects.filter(pk=campaign.pk).update(deadline=date(2026, 1, 31))
    client.force_login(gdpr_user)
    page = client.get(reverse("awareness:campaign", args=[campaign.pk])).text
    assert "Fristen er overskredet for" in page
    assert "Carl Christensen" in page  # not done, past the deadline
    rows = progress.by_department(progress.progress(campaign, now=datetime.now(CPH)))
    assert {(d.name, d.people, d.complete) for d in rows} >= {
        ("Borgerservice", 2, 1),  # Rikke done, Mona not
        ("Teknik og Miljø", 2, 0),
    }


def test_the_evidence_export_says_who_confirmed_which_version_when_safely_for_excel(
    client, borgerservice_campaign, reporter, gdpr_user, question
):
    Department.objects.filter(name="Borgerservice").update(name="=Borgerservice")
    client.force_login(reporter)
    confirm(client, borgerservice_campaign, choice=question.choices.get(correct=True))
    client.force_login(gdpr_user)
    response = client.get(reverse("awareness:evidence_csv", args=[borgerservice_campaign.pk]))
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    header, lines = rows[0], rows[1:]
    assert header[:7] == [
        "Afdeling",
        "Navn",
        "Brugernavn",
        "Afsnit",
        "Version, kampagnen beder om",
        "Bekræftet version",
        "Bekræftet",
    ]
    rikke = [line for line in lines if line[2] == "rikke"]
    confirmed = next(line for line in rikke if line[3] == "Brugernavn og adgangskode")
    assert confirmed[0] == "'=Borgerservice"  # neutralised for Excel
    assert confirmed[4:6] == ["1", "1"]
    assert len(confirmed[6]) == 16 and confirmed[6][4] == "-"  # ISO: 2026-11-29 10:15
    assert confirmed[9] == "Nej, aldrig"
    unconfirmed = next(line for line in rikke if line[3] == "E-mail og sikkerhed")
    assert unconfirmed[6] == "Ikke bekræftet"
    printable = client.get(reverse("awareness:evidence", args=[borgerservice_campaign.pk])).text
    assert "Rikke Rasmussen" in printable and "Ikke bekræftet" in printable


def test_a_campaign_without_sections_or_people_is_refused_in_danish_keeping_the_title(
    client, folder, gdpr_user
):
    client.force_login(gdpr_user)
    response = client.post(
        reverse("awareness:campaign_new"), {"title": "Efterår", "deadline": "2020-01-01"}
    )
    assert response.status_code == 400
    assert "Vælg en eller flere afdelinger, eller alle medarbejdere." in response.text
    assert "Fristen kan ikke ligge før i dag." in response.text
    assert 'value="Efterår"' in response.text


def test_only_the_gdpr_unit_and_it_run_campaigns(client, folder, reporter, manager, it_user):
    for person in (reporter, manager):
        client.force_login(person)
        assert client.get(reverse("awareness:campaigns")).status_code == 403
    client.force_login(it_user)
    assert client.get(reverse("awareness:campaigns")).status_code == 200
