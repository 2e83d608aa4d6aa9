"""Search: what it finds, in which order, how the page shows it, and odd input."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from guidance import search as search_module
from guidance.models import Rule, Section
from guidance.search import FILL, MAX_LENGTH, clean_query, compound_splits, search

pytestmark = pytest.mark.django_db


def keys(query: str, n: int = 5) -> list[str]:
    return [hit.key for hit in search(query).hits[:n]]


# --- What the issue found broken -------------------------------------------------------------


def test_mistet_telefon_finds_the_lost_phone_guide_first_and_then_the_rule() -> None:
    assert keys("mistet telefon", 2) == [
        "guide:mistet-udstyr",
        "rule:sikkerhed-paa-mobile-enheder/straks-kontakte-it",
    ]


def test_phishing_finds_the_guide_and_the_rule_about_suspicious_senders() -> None:
    assert set(keys("phishing", 2)) == {
        "guide:klikket-paa-link",
        "rule:e-mail-og-sikkerhed/aabne-vedhaeftede-filer",
    }


def test_glemt_kode_finds_the_password_rules() -> None:
    found = keys("glemt kode", 3)
    assert "rule:brugernavn-og-adgangskode/skifte-adgangskode" in found


def test_the_note_about_the_network_cable_is_found() -> None:
    note = Section.objects.get(slug="virus").notes.get(text__contains="netværksstikket")
    for query in ("netværksstik", "netværkskabel", "hive stikket ud"):
        assert keys(query, 1) == [f"note:virus/{note.pk}"], query


def test_sikker_mail_lists_the_sikker_mail_rule_first_and_not_the_whole_folder() -> None:
    hits = search("sikker mail").hits
    assert hits[0].key == "rule:e-mail-og-sikkerhed/benytte-sikker-mail"
    assert len(hits) <= 8


# --- Danish as people write it ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("adgangskoder", "rule:brugernavn-og-adgangskode/skrive-din-adgangskode"),
        ("makuleres", "rule:opbevaring-af-data/makulere-fysiske-dokumenter"),
        ("låser skærmen", "rule:informationssikkerhed-i-hverdagen/laase-din-skaerm"),
    ],
)
def test_inflections_find_the_rule(query: str, expected: str) -> None:
    assert expected in keys(query), keys(query)


def test_a_word_finds_the_compounds_that_contain_it() -> None:
    # "telefon" is not a word of this rule, "mobiltelefon" is.
    assert "rule:sikkerhed-paa-mobile-enheder/anvende-privat-mobiltelefon" in keys("telefon")
    assert "rule:e-mail-og-sikkerhed/benytte-din-private-mailkonto" in keys("mailkonto")


def test_a_compound_finds_the_words_written_apart() -> None:
    assert keys("hjemmearbejde", 1) == ["section:naar-du-arbejder-hjemme"]
    assert keys("sikkermail", 1) == ["rule:e-mail-og-sikkerhed/benytte-sikker-mail"]


def test_compound_splits_try_every_cut_with_and_without_a_linking_letter() -> None:
    splits = compound_splits("hjemmearbejde")
    assert "hjemme arbejde" in splits
    assert "hjemm arbejde" in splits  # linking "e" dropped: both are tried
    assert "sikkerhed brud" in compound_splits("sikkerhedsbrud")
    assert compound_splits("kode") == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("virsu", "rule:virus/kontakte-it-ved-virus"),
        ("adgangskde", "rule:brugernavn-og-adgangskode/vaelge-en-adgangskode"),
        ("mobiltelfon", "rule:sikkerhed-paa-mobile-enheder/straks-kontakte-it"),
        ("phising", "guide:klikket-paa-link"),  # a typo in a synonym's term
    ],
)
def test_typos_are_corrected_to_the_folders_own_words(query: str, expected: str) -> None:
    assert expected in keys(query), keys(query)


def test_typo_corrections_are_weak_hits_and_fill_a_short_list_only() -> None:
    hits = search("virsu").hits
    assert hits and all(hit.tier == 2 for hit in hits)
    assert len(hits) == FILL


@pytest.mark.parametrize("query", ["xyzzy", "qwertyuiop", "blåbærgrød"])
def test_nonsense_finds_nothing(query: str) -> None:
    result = search(query)
    assert result.hits == []
    assert result.searched


def test_words_the_folder_does_not_have_are_left_out_and_named() -> None:
    result = search("xyzzy adgangskode")
    assert result.hits[0].section_slug == "brugernavn-og-adgangskode"
    assert result.ignored == ["xyzzy"]


# --- Ranking ---------------------------------------------------------------------------------


def test_the_exact_phrase_ranks_above_all_words_apart() -> None:
    section = Section.objects.create(slug="test", title="Testafsnit", order=999)
    apart = Rule.objects.create(
        section=section, kind="skal", anchor="apart", text="Mailen skal altid sendes sikkert."
    )
    together = Rule.objects.create(
        section=section, kind="skal", anchor="together", text="Brug altid sikker mail her."
    )
    hits = {hit.key: hit for hit in search("sikker mail").hits}
    assert hits["rule:test/together"].tier == 5
    found = keys("sikker mail", 20)
    assert found.index("rule:test/together") < found.index(f"rule:test/{apart.anchor}")
    assert together.pk


def test_a_synonym_match_ranks_below_the_word_itself() -> None:
    section = Section.objects.create(slug="test", title="Testafsnit", order=999)
    Rule.objects.create(section=section, kind="skal", anchor="ord", text="Brug et godt kodeord.")
    hits = search("kodeord").hits
    assert hits[0].key == "rule:test/ord"
    assert hits[0].tier == 4
    assert all(hit.tier == 3 for hit in hits[1:])  # adgangskode, through the synonym


@pytest.mark.parametrize(
    "query", ["sikker mail", "telefon", "phishing", "glemt kode", "adgangskode", "virus"]
)
def test_hits_come_in_tier_order_after_the_guides_that_come_first(query: str) -> None:
    hits = search(query).hits
    tiers = [hit.tier for hit in hits if hit.kind != "guide"]
    assert tiers == sorted(tiers, reverse=True)


def test_guides_come_first_when_something_happened() -> None:
    assert keys("mistet min telefon", 1) == ["guide:mistet-udstyr"]
    assert keys("har klikket på et link", 1) == ["guide:klikket-paa-link"]
    # Without anything happening, the rules on choosing a password come before the guide.
    assert keys("adgangskode", 1) != ["guide:adgangskode-kendt"]


def test_weak_hits_do_not_pad_a_list_that_has_enough_strong_ones() -> None:
    hits = search("adgangskode").hits
    assert len(hits) > FILL
    assert all(hit.tier >= search_module.STRONG_TIER for hit in hits)


# --- Everything readable, linked to its exact place ------------------------------------------


def test_every_kind_of_text_is_found_and_links_to_its_anchor() -> None:
    note = Section.objects.get(slug="virus").notes.get(text__contains="netværksstikket")
    urls = {
        hit.key: hit.url
        for query in ("netværksstik", "virus", "kontakt gdpr", "makulere")
        for hit in search(query).hits
    }
    assert urls[f"note:virus/{note.pk}"] == f"/afsnit/virus/#note-{note.pk}"
    assert urls["section:virus"] == "/afsnit/virus/#indledning"
    assert urls["guide:virus"] == "/hvad-goer-jeg-nu/virus/"
    assert urls["contact:GDPR-enheden"] == "/kontakt/#kontakt-gdpr-enheden"
    assert (
        urls["rule:opbevaring-af-data/makulere-fysiske-dokumenter"]
        == "/afsnit/opbevaring-af-data/#regel-makulere-fysiske-dokumenter"
    )


def test_the_anchors_exist_on_the_pages_they_link_to(employee_client) -> None:
    for query in ("netværksstik", "virus", "kontakt gdpr"):
        for hit in search(query).hits:
            path, _, anchor = hit.url.partition("#")
            if anchor:
                page = employee_client.get(path).text
                assert f'id="{anchor}"' in page, hit.url


def test_a_change_in_the_admin_is_searchable_at_once() -> None:
    rule = Rule.objects.get(anchor="streame-indhold-fra-internettet")
    rule.text = "Streame podcasts fra internettet."
    rule.save(update_fields=["text"])
    assert keys("podcasts", 1) == ["rule:brug-af-internettet/streame-indhold-fra-internettet"]


# --- Highlighting ----------------------------------------------------------------------------


def test_the_matched_words_are_marked_inflections_and_compounds_included() -> None:
    hit = search("mistet telefon").hits[1]
    assert "<mark>mister</mark>" in hit.excerpt
    assert "<mark>mobiltelefon</mark>" in hit.excerpt
    guide = search("mistet telefon").hits[0]
    assert "<mark>mistet</mark>" in guide.title


def test_an_editors_markup_never_reaches_the_page_as_markup() -> None:
    section = Section.objects.create(slug="test", title="Test <b>fed</b>", order=999)
    Rule.objects.create(
        section=section, kind="skal", anchor="x", text="Brug <script>alert(1)</script> & zyxwort"
    )
    Rule.objects.create(section=section, kind="skal", anchor="y", text="Mindst 8 < 12 zyxwort")
    excerpts = {hit.key: hit.excerpt for hit in search("zyxwort").hits}
    # ts_headline leaves tags out of an excerpt; everything else is escaped.
    assert "<script>" not in excerpts["rule:test/x"]
    assert "&amp; <mark>zyxwort</mark>" in excerpts["rule:test/x"]
    assert "8 &lt; 12 <mark>zyxwort</mark>" in excerpts["rule:test/y"]


def test_a_long_text_is_cut_to_its_matching_part() -> None:
    section = Section.objects.create(slug="test", title="Testafsnit", order=999)
    text = " ".join(
        [f"før{i}" for i in range(100)] + ["zyxwort"] + [f"efter{i}" for i in range(100)]
    )
    Rule.objects.create(section=section, kind="skal", anchor="x", text=text)
    excerpt = search("zyxwort").hits[0].excerpt
    assert "<mark>zyxwort</mark>" in excerpt
    assert excerpt.startswith("… før") and excerpt.endswith(" …")
    assert len(excerpt) < 400


def test_a_short_text_is_shown_whole() -> None:
    hit = search("nogen kender min adgangskode").hits[0]
    assert hit.key == "guide:adgangskode-kendt"
    assert hit.excerpt == (
        "Du har sagt, skrevet eller vist din <mark>adgangskode</mark>, eller har mistanke om det."
    )


# --- Odd input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Skriv et eller flere ord"),
        ("   ", "Skriv et eller flere ord"),
        ("a", "Skriv mindst 2 bogstaver"),
        ("x" * (MAX_LENGTH + 1), "Din søgning er for lang"),
        ("%%%", "Søg med bogstaver eller tal"),
        ("!!& | :*", "Søg med bogstaver eller tal"),
        ("\x00\x01", "Søg med bogstaver eller tal"),
    ],
)
def test_odd_queries_give_a_friendly_message_and_no_search(query: str, message: str) -> None:
    result = search(query)
    assert message in result.message
    assert not result.searched


@pytest.mark.parametrize(
    "query", ["' OR 1=1 --", "a & b | c", "kode:*", "sikker <-> mail", "'; DROP TABLE x; --"]
)
def test_query_syntax_is_only_words(query: str) -> None:
    assert search(query).searched


def test_clean_query_keeps_danish_letters_and_hyphens() -> None:
    assert clean_query("  Sikker-mail  på   jobbet?! ") == ("Sikker-mail på jobbet", "")


def test_a_query_of_only_stop_words_finds_nothing_without_an_error() -> None:
    result = search("hvad er det")
    assert result.searched and result.hits == []


# --- Statements ------------------------------------------------------------------------------


def test_a_search_is_one_statement(django_assert_num_queries) -> None:
    search("mistet telefon")  # prepares the statement on this connection
    with django_assert_num_queries(1):
        search("sikker mail")


def test_a_search_without_results_is_one_statement_too(django_assert_num_queries) -> None:
    search("mistet telefon")
    with django_assert_num_queries(1):
        result = search("vira")
    assert result.suggestion == "virus"
    assert result.known == {"vira": False}


def test_a_new_database_connection_prepares_the_statement_again() -> None:
    assert search("virus").hits
    # A reconnect (CONN_MAX_AGE, a failed health check) gives Django a new raw connection.
    original = connection.connection
    fresh = connection.get_new_connection(connection.get_connection_params())
    connection.connection = fresh
    try:
        assert search("virus").hits
        assert search("telefon").hits
    finally:
        connection.connection = original
        fresh.close()
    assert search("virus").hits


def test_a_lost_record_of_what_was_prepared_is_rebuilt_from_the_session() -> None:
    assert search("virus").hits
    connection._guidance_search_prepared = None
    assert search("virus").hits


def test_the_search_conditions_can_use_their_gin_indexes() -> None:
    conditions = {
        "rule_search_vector": "SELECT id FROM guidance_rule WHERE search_vector @@ 'virus'",
        "note_search_vector": "SELECT id FROM guidance_note WHERE search_vector @@ 'virus'",
        "section_search_vector": "SELECT id FROM guidance_section WHERE search_vector @@ 'virus'",
        "contact_search_vector": "SELECT id FROM guidance_contact WHERE search_vector @@ 'it'",
    }
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            for index, sql in conditions.items():
                cursor.execute(f"EXPLAIN {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
                assert index in plan, plan
        finally:
            cursor.execute("SET enable_seqscan = on")
        # Typos and compounds look words up by trigrams (`%`, LIKE '%…%'); on a few hundred
        # words the planner may as well scan, so only the index's presence is certain.
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'guidance_vocabulary_word_trgm'"
        )
        assert "gin (word gin_trgm_ops)" in cursor.fetchone()[0]


# --- The page --------------------------------------------------------------------------------


def test_the_results_page_names_the_section_marks_the_words_and_links_to_the_rule(
    employee_client,
) -> None:
    response = employee_client.get(reverse("guidance:search"), {"q": "makulering"})
    assert response.status_code == 200
    html = response.text
    assert 'href="/afsnit/opbevaring-af-data/#regel-makulere-fysiske-dokumenter"' in html
    assert "Opbevaring af data" in html
    assert "Du skal" in html
    assert "<mark>Makulere</mark>" in html


def test_the_results_page_shows_guides_sections_and_contacts_with_their_kind(
    employee_client,
) -> None:
    html = employee_client.get(reverse("guidance:search"), {"q": "virus"}).text
    assert 'href="/hvad-goer-jeg-nu/virus/"' in html
    assert "Hvad gør jeg nu?" in html
    assert "Afsnit i folderen" in html
    html = employee_client.get(reverse("guidance:search"), {"q": "kontakt it"}).text
    assert 'href="tel:+4544527030"' in html


def test_the_page_says_which_words_the_folder_does_not_have(employee_client) -> None:
    html = employee_client.get(reverse("guidance:search"), {"q": "xyzzy adgangskode"}).text
    assert "Folderen nævner ikke »xyzzy«" in html


def test_an_empty_result_offers_the_guides_its_phone_and_the_report_button(
    employee_client,
) -> None:
    response = employee_client.get(reverse("guidance:search"), {"q": "fodbold"})
    html = response.text
    assert response.status_code == 200
    assert "Vi fandt ikke noget i folderen om »fodbold«" in html
    assert "Mente du" not in html  # nothing in the folder is close to it
    for slug in ("mistet-udstyr", "klikket-paa-link", "virus", "adgangskode-kendt"):
        assert f'href="/hvad-goer-jeg-nu/{slug}/"' in html
    assert 'href="tel:+4544527030"' in html
    assert 'href="/sikkerhedsbrud/anmeld/"' in html


def test_mente_du_suggests_the_folders_closest_word(employee_client) -> None:
    html = employee_client.get(reverse("guidance:search"), {"q": "vira"}).text
    assert 'Mente du <a href="/soeg/?q=virus">virus</a>?' in html
    html = employee_client.get(reverse("guidance:search"), {"q": "persondataforordningen"}).text
    assert 'Mente du <a href="/soeg/?q=persondata">persondata</a>?' in html


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
