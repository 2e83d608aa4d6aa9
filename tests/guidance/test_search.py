"""Search: Danish inflections, typos, word parts, nonsense and odd input."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guidance.search import MAX_LENGTH, clean_query, excerpt, search_rules

pytestmark = pytest.mark.django_db


def _top_anchors(query: str, n: int = 5) -> list[str]:
    return [hit.rule.anchor for hit in search_rules(query).hits[:n]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # inflections (Danish stemming)
        ("adgangskoder", "skifte-adgangskode"),
        ("adgangskoden", "skrive-din-adgangskode"),
        ("makuleres", "makulere-fysiske-dokumenter"),
        ("mistænkelig", "aabne-vedhaeftede-filer"),
        # typos
        ("adgangskde", "vaelge-en-adgangskode"),
        ("virsu", "kontakte-it-ved-virus"),
        ("skærmlåss", "sikre-din-mobile-enhed"),
        # word parts and compound words
        ("makulering", "makulere-fysiske-dokumenter"),
        ("kode", "skrive-din-adgangskode"),
        ("mobil", "benytte-arbejds-mobil-i-udlandet"),
        ("usb", "opbevare-fortrolige-eller-foelsomme"),
        ("sikkermail", "benytte-sikker-mail"),
        # several words
        ("sikker mail", "benytte-sikker-mail"),
        ("låse skærmen", "laase-din-skaerm"),
    ],
)
def test_an_employee_finds_the_rule_they_mean(query: str, expected: str) -> None:
    assert expected in _top_anchors(query), _top_anchors(query)


def test_makulering_finds_the_shredding_rule_first() -> None:
    assert _top_anchors("makulering", 1) == ["makulere-fysiske-dokumenter"]


def test_a_match_in_the_section_title_counts_more_than_one_in_the_text() -> None:
    hits = search_rules("virus").hits
    assert hits[0].rule.section.slug == "virus"
    assert hits[1].rule.section.slug == "virus"
    # "antivirus-beredskab" is a weaker match in another section, ranked below.
    assert "aendre-udstyrets-sikkerhedsindstillinger" in [h.rule.anchor for h in hits[2:]]


@pytest.mark.parametrize("query", ["xyzzy", "qwertyuiop", "blåbærgrød"])
def test_nonsense_finds_nothing_and_says_so_in_danish(query: str) -> None:
    result = search_rules(query)
    assert result.hits == []
    assert "Vi fandt ingen regler" in result.message


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Skriv et eller flere ord"),
        ("   ", "Skriv et eller flere ord"),
        ("a", "Skriv mindst 2 bogstaver"),
        ("x" * (MAX_LENGTH + 1), "Din søgning er for lang"),
        ("%%%", "Søg med bogstaver eller tal"),
        ("' OR 1=1 --", ""),
        ("!!& | :*", "Søg med bogstaver eller tal"),
        ("\x00\x01", "Søg med bogstaver eller tal"),
    ],
)
def test_odd_queries_give_a_friendly_message_never_an_error(query: str, message: str) -> None:
    result = search_rules(query)
    assert message in result.message


def test_clean_query_keeps_danish_letters_and_hyphens() -> None:
    assert clean_query("  Sikker-mail  på   jobbet?! ") == ("Sikker-mail på jobbet", "")


def test_the_excerpt_marks_the_matching_words_and_escapes_the_text() -> None:
    html = excerpt("Brug <script>alert(1)</script> adgangskoder & koder", "adgangskode")
    assert "<mark>adgangskoder</mark>" in html
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "&amp;" in html


def test_a_long_text_is_cut_around_the_first_match() -> None:
    text = " ".join(["ord"] * 100 + ["virus"] + ["ord"] * 100)
    html = excerpt(text, "virus")
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>virus</mark>" in html
    assert len(html) < 400


def test_the_results_page_shows_section_kind_excerpt_and_links_to_the_rule(
    employee_client,
) -> None:
    response = employee_client.get(reverse("guidance:search"), {"q": "makulering"})
    assert response.status_code == 200
    html = response.text
    assert 'href="/afsnit/opbevaring-af-data/#regel-makulere-fysiske-dokumenter"' in html
    assert "Opbevaring af data" in html
    assert "Du skal" in html
    assert "<mark>Makulere</mark>" in html


def test_the_results_page_escapes_the_query(employee_client) -> None:
    response = employee_client.get(reverse("guidance:search"), {"q": "<b>virus</b>"})
    assert response.status_code == 200
    assert "<b>virus</b>" not in response.text


@pytest.mark.parametrize("query", ["", "a", "x" * 5000, "%00", "\u202e", "😀😀"])
def test_the_results_page_never_fails_on_odd_input(employee_client, query: str) -> None:
    response = employee_client.get(reverse("guidance:search"), {"q": query})
    assert response.status_code == 200
    assert 'class="alert alert-info"' in response.text


def test_the_results_page_without_q_asks_for_a_word(employee_client) -> None:
    response = employee_client.get(reverse("guidance:search"))
    assert "Skriv et eller flere ord" in response.text


def test_searching_runs_on_the_indexes_not_per_rule(django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(4):
        search_rules("adgangskode")


def test_the_search_conditions_can_use_the_gin_indexes() -> None:
    from django.db import connection

    from guidance.models import Rule

    queries = {
        "rule_text_fts": "to_tsvector('danish'::regconfig, COALESCE(text, '')) "
        "@@ websearch_to_tsquery('danish'::regconfig, 'adgangskode')",
        "rule_text_trgm": "text %> 'adgangskde'",
    }
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            for index, condition in queries.items():
                sql = f"EXPLAIN SELECT id FROM {Rule._meta.db_table} WHERE {condition}"  # noqa: S608
                cursor.execute(sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                assert index in plan, plan
        finally:
            cursor.execute("SET enable_seqscan = on")
