"""Searching the folder: Danish full-text search plus trigram similarity, ranked.

Full-text search (PostgreSQL's "danish" configuration) finds inflections ("adgangskoder" →
"adgangskode"); trigram word similarity (pg_trgm) finds typos and word parts that stemming
misses ("adgangskde", "makulering" → "Makulere"). A match in the section title counts more
than a match in the rule's text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection, transaction
from django.db.models import F, FloatField, Q, Value
from django.db.models.functions import Coalesce
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from guidance.models import SEARCH_CONFIG, Rule, Section

MIN_LENGTH = 2
MAX_LENGTH = 100
MAX_RESULTS = 30
# pg_trgm's word_similarity threshold for the indexed `%>` operator. 0.5 lets one typo in a
# long word ("adgangskde") and a word part ("kode") through; tuned in tests/guidance/test_search.py.
WORD_SIMILARITY_THRESHOLD = 0.5
TITLE_WEIGHT = 2.0
FTS_WEIGHT = 2.0

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class Hit:
    rule: Rule
    score: float
    excerpt: SafeString


@dataclass
class SearchResult:
    query: str
    hits: list[Hit] = field(default_factory=list)
    message: str = ""


def clean_query(raw: str) -> tuple[str, str]:
    """Normalise the user's query; return (query, message). An empty query means: don't search."""
    text = unicodedata.normalize("NFC", raw or "")
    text = "".join(ch if ch.isalnum() or ch in " -" else " " for ch in text)
    text = " ".join(text.split())
    if not (raw or "").strip():
        return "", _("Skriv et eller flere ord, du vil søge efter.")
    if len(raw) > MAX_LENGTH:
        return "", _("Din søgning er for lang. Brug højst %(n)d tegn – et par ord er nok.") % {
            "n": MAX_LENGTH
        }
    if not _WORD.search(text):
        return "", _("Søg med bogstaver eller tal, fx »adgangskode« eller »virus«.")
    if len(text.replace(" ", "").replace("-", "")) < MIN_LENGTH:
        return "", _("Skriv mindst %(n)d bogstaver, så vi kan finde noget.") % {"n": MIN_LENGTH}
    return text, ""


def search_rules(raw: str) -> SearchResult:
    query, message = clean_query(raw)
    if not query:
        return SearchResult(query=(raw or "").strip()[:MAX_LENGTH], message=message)

    ts_query = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
    text_vector = SearchVector("text", config=SEARCH_CONFIG)
    title_vector = SearchVector("section__title", config=SEARCH_CONFIG)
    # Each condition is served by an index: the expression GIN indexes for `@@`, the trigram
    # GIN indexes for `%>` (see the models' Meta.indexes).
    matching_sections = Section.objects.annotate(v=SearchVector("title", config=SEARCH_CONFIG))
    matching_sections = matching_sections.filter(
        Q(v=ts_query) | Q(title__trigram_word_similar=query)
    ).values("pk")
    rules = (
        Rule.objects.annotate(text_vector=text_vector)
        .filter(
            Q(text_vector=ts_query)
            | Q(text__trigram_word_similar=query)
            | Q(section__in=matching_sections)
        )
        .annotate(
            score=Coalesce(
                SearchRank(text_vector, ts_query) * FTS_WEIGHT
                + TrigramWordSimilarity(query, "text")
                + (
                    SearchRank(title_vector, ts_query) * FTS_WEIGHT
                    + TrigramWordSimilarity(query, "section__title")
                )
                * TITLE_WEIGHT,
                Value(0.0),
                output_field=FloatField(),
            )
        )
        .select_related("section")
        .order_by("-score", F("section__order"), "order")
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            # SET LOCAL: only for this transaction, so no other query is affected.
            cursor.execute(
                "SET LOCAL pg_trgm.word_similarity_threshold = %s", [WORD_SIMILARITY_THRESHOLD]
            )
        found = list(rules[:MAX_RESULTS])
    hits = [Hit(rule, rule.score, excerpt(rule.text, query)) for rule in found]
    if not hits:
        message = _("Vi fandt ingen regler for »%(q)s«. Prøv et andet ord.") % {"q": query}
    return SearchResult(query=query, hits=hits, message=message)


def _matches(term: str, word: str) -> bool:
    """Whether a word of the text should be highlighted for one search term."""
    term, word = term.lower(), word.lower()
    if len(term) >= 3 and term in word:
        return True  # word part: "kode" in "adgangskode"
    prefix = 0
    for a, b in zip(term, word, strict=False):
        if a != b:
            break
        prefix += 1
    shorter = min(len(term), len(word))
    # Same stem ("makulering"/"makulere") or one typo late in the word ("adgangskde").
    return shorter >= 4 and prefix >= max(4, min(shorter - 2, 6))


def excerpt(text: str, query: str, words_around: int = 18) -> SafeString:
    """An escaped excerpt of `text` with the words matching `query` in <mark>."""
    terms = [t for t in _WORD.findall(query) if len(t) >= MIN_LENGTH]
    tokens = re.split(r"(\w+)", " ".join(text.split()))
    # tokens alternates: separator, word, separator, word, …
    marked = [i for i in range(1, len(tokens), 2) if any(_matches(t, tokens[i]) for t in terms)]
    start, end = 0, len(tokens)
    if marked:
        start = max(0, marked[0] - 2 * words_around)
        start -= start % 2  # start on a separator
        end = min(len(tokens), marked[0] + 2 * words_around + 1)
    elif len(tokens) > 4 * words_around:
        end = 4 * words_around
    marked_set = set(marked)

    def parts():
        if start > 0:
            yield ("…",)
        for i in range(start, end):
            yield (format_html("<mark>{}</mark>", tokens[i]) if i in marked_set else tokens[i],)
        if end < len(tokens):
            yield ("…",)

    return format_html_join("", "{}", parts())
