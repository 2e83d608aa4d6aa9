"""Every campaign page is reachable from the menu for the roles allowed, and only for them."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

MINE = reverse("awareness:mine")
TEAM = reverse("awareness:team")
CAMPAIGNS = reverse("awareness:campaigns")


def links(client, user) -> set[str]:
    client.force_login(user)
    html = client.get(MINE).text
    return {url for url in (MINE, TEAM, CAMPAIGNS) if f'href="{url}"' in html}


def test_everyone_finds_their_reading_in_the_menu(client, reporter, colleague):
    assert links(client, reporter) == {MINE}
    assert links(client, colleague) == {MINE}


def test_a_manager_also_finds_their_peoples_progress(client, manager):
    assert links(client, manager) == {MINE, TEAM}


def test_it_and_the_gdpr_unit_also_find_the_campaigns(client, it_user, gdpr_user):
    assert links(client, it_user) == {MINE, CAMPAIGNS}
    assert links(client, gdpr_user) == {MINE, CAMPAIGNS}


def test_the_menu_link_is_on_every_page(client, reporter):
    client.force_login(reporter)
    assert f'href="{MINE}"' in client.get(reverse("guidance:home")).text
