"""Home, contacts, print view and the first-aid guides."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from guidance.first_aid import GUIDES
from guidance.models import Rule, Section
from tests.guidance.conftest import visible_text
from tests.guidance.folder_source import parse_folder

pytestmark = pytest.mark.django_db

PAGES = [
    reverse("guidance:home"),
    reverse("guidance:contacts"),
    reverse("guidance:print"),
    reverse("guidance:search") + "?q=virus",
    reverse("guidance:first_aid"),
    reverse("guidance:first_aid_guide", kwargs={"slug": "virus"}),
    reverse("guidance:section", kwargs={"slug": "virus"}),
]


@pytest.mark.parametrize("url", PAGES)
def test_every_guidance_page_works_for_an_employee_and_has_the_search_box(
    employee_client, url
) -> None:
    response = employee_client.get(url)
    assert response.status_code == 200
    assert 'name="q"' in response.text
    assert 'role="search"' in response.text


@pytest.mark.parametrize("url", PAGES)
def test_every_guidance_page_sends_anonymous_visitors_to_login(client, url) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/log-ind/")


@pytest.mark.parametrize("url", PAGES)
def test_no_guidance_page_accepts_a_post(employee_client, url) -> None:
    assert employee_client.post(url).status_code == 405


def test_no_guidance_page_has_inline_script_or_style(employee_client) -> None:
    for url in PAGES:
        html = employee_client.get(url).text
        assert "<script>" not in html and "style=" not in html, url
        assert "<style" not in html, url


def test_the_home_page_shows_the_introduction_all_sections_and_the_call_to_action(
    employee_client,
) -> None:
    folder = parse_folder()
    html = employee_client.get(reverse("guidance:home")).text
    text = visible_text(html)
    assert folder.intro_title in text
    for paragraph in folder.intro_lead.split("\n\n"):
        assert paragraph in text
    for section in Section.objects.all():
        assert f'href="{section.get_absolute_url()}"' in html
        assert section.title in text
    assert f'href="{reverse("incidents:report")}"' in html
    assert "Indberet et sikkerhedsbrud" in text


def test_the_home_page_shows_the_contact_box_with_clickable_links(employee_client) -> None:
    html = employee_client.get(reverse("guidance:home")).text
    assert 'href="mailto:sikkerhedsbrud@herlev.dk"' in html
    assert 'href="tel:+4544527030"' in html
    assert 'href="mailto:2.level@herlev.dk"' in html
    assert 'href="mailto:it@herlev.dk"' in html


def test_the_contacts_page_lists_the_folders_contacts(employee_client) -> None:
    html = employee_client.get(reverse("guidance:contacts")).text
    text = visible_text(html)
    for heading in ("Kontakt GDPR-enheden", "Kontakt IT", "Har du spørgsmål?"):
        assert heading in text
    assert 'href="tel:+4544527030"' in html
    assert 'href="mailto:sikkerhedsbrud@herlev.dk"' in html


def test_the_print_view_holds_the_whole_folder_on_one_page(employee_client) -> None:
    folder = parse_folder()
    html = employee_client.get(reverse("guidance:print")).text
    text = visible_text(html)
    for section in folder.sections:
        assert section.title in text
        for rule in section.rules:
            for paragraph in rule.text.split("\n\n"):
                assert paragraph in text
    assert "44 52 70 30" in text
    assert "css/guidance.css" in html
    assert re.search(r'<body class="[^"]*\bprint-view\b', html)


def test_the_print_view_has_no_duplicate_ids(employee_client) -> None:
    import re

    html = employee_client.get(reverse("guidance:print")).text
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_each_first_aid_guide_links_to_the_report_form_with_its_category(
    employee_client,
) -> None:
    report = reverse("incidents:report")
    categories = set()
    for guide in GUIDES:
        url = reverse("guidance:first_aid_guide", kwargs={"slug": guide.slug})
        html = employee_client.get(url).text
        assert f'href="{report}?kategori={guide.category}"' in html
        categories.add(guide.category)
    assert categories <= {
        "lost_device",
        "misdirected_mail",
        "phishing",
        "malware",
        "unauthorised_access",
        "lost_papers",
        "password_disclosed",
        "other",
    }


def test_the_first_aid_guides_cover_the_accidents_the_folder_names(employee_client) -> None:
    text = visible_text(employee_client.get(reverse("guidance:first_aid")).text)
    for words in ("mistet min telefon", "klikket på et link", "virus", "almindelig mail"):
        assert words in text
    assert "papirer med personoplysninger" in text
    assert "kender måske min adgangskode" in text


def test_the_virus_guide_says_pull_the_cable_and_call_it(employee_client) -> None:
    html = employee_client.get(reverse("guidance:first_aid_guide", kwargs={"slug": "virus"})).text
    assert "Hiv netværksstikket ud" in html
    assert 'href="tel:+4544527030"' in html


def test_every_first_aid_step_points_at_a_section_and_rule_that_exist() -> None:
    slugs = set(Section.objects.values_list("slug", flat=True))
    for guide in GUIDES:
        for step in guide.steps:
            slug, anchor = step.source
            assert slug in slugs, (guide.slug, slug)
            if anchor:
                assert Rule.objects.filter(section__slug=slug, anchor=anchor).exists()


def test_an_unknown_first_aid_guide_gives_a_friendly_404(employee_client) -> None:
    url = reverse("guidance:first_aid_guide", kwargs={"slug": "findes-ikke"})
    response = employee_client.get(url)
    assert response.status_code == 404
    assert "Siden findes ikke" in response.text


def test_the_folders_contacts_match_the_footers_settings(settings) -> None:
    from guidance.models import Contact

    contacts = {c.name: c for c in Contact.objects.all()}
    defaults = settings.PORTAL_CONTACTS
    assert contacts["GDPR-enheden"].email == defaults["gdpr_email"]
    assert contacts["IT"].email == defaults["it_email"]
    assert contacts["IT"].phone == defaults["it_phone"]
    assert contacts["Spørgsmål"].email == defaults["questions_email"]
