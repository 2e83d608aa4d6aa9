"""Repeated breaches drive awareness: three breaches of one category in one department within
twelve months are flagged on the deadline dashboard and the statistics page with the folder
sections mapped to the category, and one action starts a campaign for that department on those
sections. The threshold is a setting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from awareness import repeats
from awareness.models import Campaign, CategorySections
from guidance.models import Section
from incidents.models import Category
from tests.awareness.conftest import EMAIL_SECTION, PASSWORD_SECTION
from tests.incidents.conftest import make_incident

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("incidents:dashboard")
STATISTICS = reverse("incidents:statistics")
START = reverse("awareness:repeat_start")


@pytest.fixture
def phishing_map(folder) -> list[Section]:
    """Phishing → the e-mail and password sections (kept in the admin)."""
    sections = list(Section.objects.filter(slug__in=[EMAIL_SECTION, PASSWORD_SECTION]))
    mapping, _created = CategorySections.objects.get_or_create(category=Category.PHISHING)
    mapping.sections.set(sections)
    return sections


@pytest.fixture
def three_phishings(reporter, colleague, phishing_map):
    """Three phishing breaches in Borgerservice this year, one elsewhere, and an older one."""
    now = timezone.now()
    for days in (2, 40, 200):
        make_incident(reporter, now=now - timedelta(days=days), category=Category.PHISHING)
    make_incident(reporter, now=now - timedelta(days=400), category=Category.PHISHING)
    make_incident(colleague, now=now - timedelta(days=3), category=Category.PHISHING)
    make_incident(reporter, now=now - timedelta(days=3), category=Category.LOST_DEVICE)


def test_three_breaches_of_one_category_in_one_department_are_flagged(three_phishings, reporter):
    [flag] = repeats.repeats(now=timezone.now())
    assert flag.department == reporter.profile.department.name
    assert flag.category == Category.PHISHING
    assert flag.count == 3  # the one 400 days ago is outside the twelve months
    assert {s.slug for s in flag.sections} == {EMAIL_SECTION, PASSWORD_SECTION}
    assert flag.campaign is None


def test_the_threshold_is_a_setting(three_phishings, settings):
    settings.AWARENESS_REPEAT_THRESHOLD = 4
    assert repeats.repeats(now=timezone.now()) == []
    settings.AWARENESS_REPEAT_MONTHS = 24
    assert len(repeats.repeats(now=timezone.now())) == 1  # the older one counts now


@pytest.mark.parametrize("url", [DASHBOARD, STATISTICS])
def test_the_flag_shows_on_the_dashboard_and_the_statistics_with_the_action(
    client, three_phishings, gdpr_user, url
):
    client.force_login(gdpr_user)
    html = client.get(url).text
    assert 'id="repeat-flags"' in html
    start = html.index('id="repeat-flags"')
    flags = html[start : html.index("</section>", start)]
    assert "Borgerservice" in flags and str(Category.PHISHING.label) in flags
    assert "Teknik og Miljø" not in flags  # one phishing there only
    assert f'action="{START}"' in flags
    assert f'href="{reverse("guidance:section", args=[EMAIL_SECTION])}"' in flags


def test_one_action_starts_a_campaign_for_the_department_on_the_mapped_sections(
    client, three_phishings, phishing_map, gdpr_user, reporter, colleague
):
    client.force_login(gdpr_user)
    department = reporter.profile.department
    response = client.post(
        START,
        {"department": department.pk, "category": Category.PHISHING, "tilbage": DASHBOARD},
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("awareness:campaign", args=[campaign.pk])
    assert list(campaign.departments.all()) == [department]
    assert not campaign.all_staff
    assert set(campaign.sections.all()) == set(phishing_map)
    assert campaign.repeat_category == Category.PHISHING
    # The flag now points at the running campaign instead of offering a second one.
    [flag] = repeats.repeats(now=timezone.now())
    assert flag.campaign == campaign
    started = date_format(timezone.localtime(campaign.started_at), "j. F Y")
    campaign_url = reverse("awareness:campaign", args=[campaign.pk])
    assert f'<a href="{campaign_url}">Startet {started}</a>' in client.get(DASHBOARD).text
    client.post(START, {"department": department.pk, "category": Category.PHISHING})
    assert Campaign.objects.count() == 1
    # The employee there sees it; the colleague in another department does not.
    client.force_login(reporter)
    assert campaign.title in client.get(reverse("awareness:mine")).text
    client.force_login(colleague)
    assert campaign.title not in client.get(reverse("awareness:mine")).text


def test_the_action_goes_back_only_to_a_page_of_this_site(client, three_phishings, gdpr_user):
    client.force_login(gdpr_user)
    response = client.post(START, {"category": "nonsense", "tilbage": "https://evil.example/"})
    assert response["Location"] == DASHBOARD
    assert not Campaign.objects.exists()


def test_only_the_gdpr_unit_and_it_may_start_it(client, three_phishings, manager, reporter):
    client.force_login(manager)
    department = reporter.profile.department
    response = client.post(START, {"department": department.pk, "category": Category.PHISHING})
    assert response.status_code == 403
    assert "repeat-flags" not in client.get(reverse("awareness:mine")).text
    assert not Campaign.objects.exists()


def test_the_category_to_sections_map_is_kept_in_the_admin(client, superuser, phishing_map):
    client.force_login(superuser)
    response = client.get(reverse("admin:awareness_categorysections_changelist"))
    assert response.status_code == 200
    mapping = CategorySections.objects.get(category=Category.PHISHING)
    response = client.get(reverse("admin:awareness_categorysections_change", args=[mapping.pk]))
    assert response.status_code == 200


def flag_section(html: str) -> str:
    start = html.index('id="repeat-flags"')
    return html[start : html.index("</section>", start)]


def test_the_dashboard_shows_the_five_largest_and_the_statistics_all(
    client, reporter, gdpr_user, settings
):
    """With many departments every pair may be over the threshold; the dashboard stays short
    and links to the statistics page, which lists them all."""
    settings.AWARENESS_REPEAT_THRESHOLD = 1
    now = timezone.now()
    categories = list(Category)[:7]
    for extra, category in enumerate(categories):
        for days in range(1 + extra):
            make_incident(reporter, now=now - timedelta(days=days + 1), category=category)
    client.force_login(gdpr_user)

    dashboard = flag_section(client.get(DASHBOARD).text)
    assert dashboard.count('class="repeat-row"') == 5
    assert "Her vises de 5 med flest brud af 7 i alt." in dashboard
    assert f'href="{STATISTICS}#repeat-flags"' in dashboard
    assert f"<td>{categories[-1].label}</td>" in dashboard  # the most breaches come first
    assert f"<td>{categories[0].label}</td>" not in dashboard

    statistics = flag_section(client.get(STATISTICS).text)
    assert statistics.count('class="repeat-row"') == 7
    assert "Her vises de" not in statistics
