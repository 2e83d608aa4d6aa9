"""Searches that found nothing are counted for the staff – without CPR numbers, names or who."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from guidance.misses import record_miss, scrub
from guidance.models import SearchMiss
from guidance.search import search

pytestmark = pytest.mark.django_db


def miss_for(query: str) -> str:
    """What a search for `query`, which finds nothing, leaves in the list."""
    result = search(query)
    assert result.hits == []
    return scrub(result.query, result.known)


def test_a_search_without_results_is_counted_with_its_days(client, reporter) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 27, 23, 30, tzinfo=dt.UTC)):  # 28th in DK
        client.force_login(reporter)
        client.get(reverse("guidance:search"), {"q": "fodbold"})
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)):
        client.force_login(reporter)
        client.get(reverse("guidance:search"), {"q": "  fodbold?"})
    miss = SearchMiss.objects.get()
    assert (miss.query, miss.count) == ("fodbold", 2)
    assert (miss.first_seen, miss.last_seen) == (dt.date(2026, 11, 28), dt.date(2026, 12, 2))


def test_a_search_with_results_is_not_counted(employee_client) -> None:
    employee_client.get(reverse("guidance:search"), {"q": "mistet telefon"})
    employee_client.get(reverse("guidance:search"), {"q": ""})
    employee_client.get(reverse("guidance:search"), {"q": "%%%"})
    assert not SearchMiss.objects.exists()


def test_nothing_about_the_searcher_is_stored() -> None:
    fields = {field.name for field in SearchMiss._meta.get_fields()}
    assert fields == {"id", "query", "count", "first_seen", "last_seen"}


@pytest.mark.parametrize(
    ("query", "stored"),
    [
        ("fodbold", "fodbold"),
        ("fodbold 010190-1234", "fodbold"),
        ("fodbold 0101901234", "fodbold"),
        ("fodbold 010190 1234", "fodbold"),
        ("010190-1234", ""),
        ("fodbold 22334455", "fodbold"),  # a phone number
        ("Bodil", ""),  # written like a name
        ("fodbold Bodil", ""),  # two unknown words side by side: perhaps a name too
        ("bodil brønnum", ""),  # first name and surname next to each other
        ("BODIL BRØNNUM", ""),
        ("hvad er fodbold", "hvad er fodbold"),  # stop words are known words
        ("MFA", "mfa"),  # an abbreviation, not a name
    ],
)
def test_cpr_numbers_and_names_are_removed(query: str, stored: str) -> None:
    assert miss_for(query) == stored


def test_a_known_word_beside_an_unknown_one_stays_and_so_does_the_unknown_one() -> None:
    # "ransomwarez" is unknown but next to a word the folder has; "Outlook" is known.
    assert scrub("ransomwarez outlook", {"outlook": True}) == "ransomwarez outlook"
    assert scrub("Outlook", {"outlook": True}) == "outlook"


def test_a_query_of_only_personal_data_is_not_recorded() -> None:
    record_miss("Bodil Borgersen 010190-1234", {})
    assert not SearchMiss.objects.exists()


def test_many_counts_at_once_add_up() -> None:
    for _ in range(5):
        record_miss("fodbold", {"fodbold": False})
    assert SearchMiss.objects.get().count == 5


def test_the_staff_see_the_misses_most_frequent_first_with_a_link_to_add_a_synonym(
    client, superuser
) -> None:
    today = dt.date(2026, 11, 28)
    SearchMiss.objects.create(query="fodbold", count=2, first_seen=today, last_seen=today)
    SearchMiss.objects.create(query="snapchat", count=7, first_seen=today, last_seen=today)
    client.force_login(superuser)
    response = client.get(reverse("admin:guidance_searchmiss_changelist"))
    html = response.text
    assert response.status_code == 200
    assert "Søgninger uden resultat" in html
    assert html.index("snapchat") < html.index("fodbold")
    assert "/admin/guidance/synonym/add/?term=snapchat" in html
    assert "Tilføj synonym" in html


def test_the_staff_cannot_add_or_change_a_miss_but_can_delete_it(client, superuser) -> None:
    miss = SearchMiss.objects.create(
        query="fodbold", first_seen=dt.date(2026, 11, 28), last_seen=dt.date(2026, 11, 28)
    )
    client.force_login(superuser)
    assert client.get(reverse("admin:guidance_searchmiss_add")).status_code == 403
    change = client.post(reverse("admin:guidance_searchmiss_change", args=[miss.pk]), {})
    assert change.status_code == 403
    delete = client.post(
        reverse("admin:guidance_searchmiss_delete", args=[miss.pk]), {"post": "yes"}
    )
    assert delete.status_code == 302
    assert not SearchMiss.objects.exists()
