"""Staff keep the synonyms in the admin; the next search uses them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guidance.models import Synonym
from guidance.search import search

pytestmark = pytest.mark.django_db

ADD = "admin:guidance_synonym_add"


def test_the_starting_list_is_there_after_migrate() -> None:
    terms = set(Synonym.objects.values_list("term", flat=True))
    assert {"phishing", "facebook", "kode", "kodeord", "glemt kode"} <= terms
    assert Synonym.objects.get(term="facebook").alternative_list() == ["sociale medier"]


def test_a_synonym_added_in_the_admin_is_used_by_the_next_search(client, superuser) -> None:
    assert search("mastodon").hits == []
    client.force_login(superuser)
    response = client.post(
        reverse(ADD), {"term": "  Mastodon ", "alternatives": "sociale  medier,, "}
    )
    assert response.status_code == 302, response.text[:3000]
    synonym = Synonym.objects.get(term="mastodon")
    assert synonym.alternatives == "sociale medier"
    hits = search("mastodon").hits
    assert hits[0].section_slug == "sociale-medier-og-kommunikations-og-samarbejdsvaerktoejer"
    assert hits[0].tier == 3


def test_a_synonym_of_several_words_applies_when_the_query_has_them_all() -> None:
    Synonym.objects.create(term="sort skærm", alternatives="virus")
    assert search("min skærm er helt sort").hits[0].section_slug == "virus"
    assert search("skærm").hits[0].section_slug != "virus"


def test_a_changed_or_deleted_synonym_changes_the_next_search() -> None:
    synonym = Synonym.objects.create(term="mastodon", alternatives="sociale medier")
    assert search("mastodon").hits
    synonym.alternatives = "makulere"
    synonym.save()
    assert search("mastodon").hits[0].section_slug == "opbevaring-af-data"
    synonym.delete()
    assert search("mastodon").hits == []


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"term": "", "alternatives": "virus"}, "term", "Dette felt er påkrævet"),
        ({"term": "!!!", "alternatives": "virus"}, "term", "Skriv det ord eller udtryk"),
        ({"term": "hvad er det", "alternatives": "virus"}, "term", "ser bort fra småord"),
        ({"term": "mastodon", "alternatives": " , ,"}, "alternatives", "adskilt af komma"),
        ({"term": "Facebook", "alternatives": "virus"}, None, "Der findes allerede et synonym"),
    ],
)
def test_bad_input_gets_a_danish_error_and_nothing_is_saved(
    client, superuser, data: dict, field: str | None, message: str
) -> None:
    before = Synonym.objects.count()
    client.force_login(superuser)
    response = client.post(reverse(ADD), data)
    assert response.status_code == 200
    assert message in response.text
    assert Synonym.objects.count() == before


def test_the_admin_lists_synonyms_in_danish(client, superuser) -> None:
    client.force_login(superuser)
    html = client.get(reverse("admin:guidance_synonym_changelist")).text
    assert "Synonymer" in html
    assert "Søg også efter" in html
    assert "phishing" in html
