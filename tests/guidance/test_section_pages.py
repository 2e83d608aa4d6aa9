"""Section pages: every rule of the printed folder, verbatim, under the right heading."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guidance.models import Section
from tests.guidance.conftest import rules_on_page, visible_text
from tests.guidance.folder_source import parse_folder

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def folder():
    return parse_folder()


def _page(client, slug: str):
    return client.get(reverse("guidance:section", kwargs={"slug": slug}))


def test_every_rule_of_the_printed_folder_is_verbatim_on_its_section_page(
    employee_client, folder
) -> None:
    slugs = list(Section.objects.in_order().values_list("slug", flat=True))
    for slug, printed in zip(slugs, folder.sections, strict=True):
        response = _page(employee_client, slug)
        assert response.status_code == 200
        shown = rules_on_page(response.text)
        assert shown == [(rule.kind, rule.text) for rule in printed.rules], printed.title


def test_no_rule_appears_on_another_sections_page(employee_client, folder) -> None:
    slugs = list(Section.objects.in_order().values_list("slug", flat=True))
    for slug, printed in zip(slugs, folder.sections, strict=True):
        others = {r.text for s in folder.sections if s is not printed for r in s.rules}
        shown = {text for _, text in rules_on_page(_page(employee_client, slug).text)}
        assert not (shown & others - {r.text for r in printed.rules}), printed.title


def test_a_section_page_shows_its_title_lead_subtitle_and_notes(employee_client, folder) -> None:
    printed = folder.sections[8]
    text = visible_text(_page(employee_client, "sikkerhed-paa-mobile-enheder").text)
    assert printed.title in text
    assert printed.subtitle in text
    assert printed.lead in text
    for note in printed.notes:
        assert note.text in text


def test_rule_groups_are_told_apart_by_text_and_not_only_colour(employee_client) -> None:
    text = visible_text(_page(employee_client, "brugernavn-og-adgangskode").text)
    assert "DU MÅ IKKE:" in text
    assert "DU SKAL:" in text
    assert text.index("DU MÅ IKKE:") < text.index("DU SKAL:")  # the folder's order
    html = _page(employee_client, "e-mail-og-sikkerhed").text
    assert 'class="kind-icon"' in html
    assert "DU MÅ GERNE:" in visible_text(html)


def test_every_rule_can_be_linked_to_by_its_anchor(employee_client) -> None:
    html = _page(employee_client, "virus").text
    assert 'id="regel-kontakte-it-ved-virus"' in html
    assert 'href="#regel-kontakte-it-ved-virus"' in html


def test_a_section_links_to_the_previous_and_next_section(employee_client) -> None:
    html = _page(employee_client, "brugernavn-og-adgangskode").text
    assert 'rel="prev" href="/afsnit/informationssikkerhed-i-hverdagen/"' in html
    assert 'rel="next" href="/afsnit/e-mail-og-sikkerhed/"' in html
    first = _page(employee_client, "informationssikkerhed-i-hverdagen").text
    assert 'rel="prev"' not in first
    last = _page(employee_client, "sikkerhedsbrud-og-brud-paa-persondatasikkerheden").text
    assert 'rel="next"' not in last


def test_a_section_page_says_when_it_was_last_updated(employee_client) -> None:
    assert "Senest opdateret" in _page(employee_client, "virus").text


def test_an_unknown_section_gives_a_friendly_danish_404(employee_client) -> None:
    response = _page(employee_client, "findes-ikke")
    assert response.status_code == 404
    assert "Siden findes ikke" in response.text
    assert "/afsnit/virus/" in response.text


def test_an_anonymous_visitor_is_sent_to_login_from_a_section(client) -> None:
    response = _page(client, "virus")
    assert response.status_code == 302
    assert response["Location"].startswith("/log-ind/?next=/afsnit/virus/")


def test_posting_to_a_section_is_not_allowed(employee_client) -> None:
    response = employee_client.post(reverse("guidance:section", kwargs={"slug": "virus"}))
    assert response.status_code == 405


def test_the_section_page_needs_a_fixed_number_of_queries_and_one_once_cached(
    employee_client, django_assert_max_num_queries, django_assert_num_queries
) -> None:
    # Rendering: the session, the cache, 4 for the page, 5 to store it (count, savepoint, look-up,
    # insert, release); 3 more when the session's inactivity refresh is due (savepoint, UPDATE,
    # release).
    with django_assert_max_num_queries(14):
        _page(employee_client, "e-mail-og-sikkerhed")
    # Cached: one query brings the session, the user, their roles, the folder's version and the
    # cached page.
    with django_assert_num_queries(1):
        _page(employee_client, "e-mail-og-sikkerhed")
