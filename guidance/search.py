"""Searching everything an employee can read – rules, notes, section leads, contacts and the
"Hvad gør jeg nu?" guides – in Danish as people write it, in one SQL statement.

Each word of the query is looked for (against the stored tsvectors and the folder's vocabulary,
see migrations 0003 and 0004):
- by its Danish stem: "mistet" finds "mister";
- widened to the folder's compounds that contain it ("telefon" finds "mobiltelefon") and split
  when the folder writes it apart ("hjemmearbejde" finds "arbejder hjemme");
- widened with the synonyms staff keep in the admin ("phishing" finds "mistænkelige afsendere");
- if the folder does not know the word, corrected to the folder's closest words ("virsu").
Every hit gets a tier – 5 the exact phrase, 4 all words by stem, 3 all words with synonyms or
compounds, 2 all words only through typo corrections, 1 some of the words – and is ranked by
tier, then by where the words were found (title before text). Words that match nothing at all
are left out ("glemt kode" searches for "kode"). Tiers 1 and 2 are weak: they only fill up a
list shorter than FILL, so a two-word query never lists half the folder.

Over 400 lines: the one statement and the Danish word handling that feeds it read as one unit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.db import connection
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from guidance.first_aid import GUIDES
from guidance.models import SEARCH_CONFIG, Kind, Section, html_id_for_contact

MIN_LENGTH = 2
MAX_LENGTH = 100
MAX_WORDS = 8
MAX_RESULTS = 20
# Weak hits (typo corrections only, or only some of the words) are shown only up to this many
# results in all: they help when little else is found and are noise when much is.
FILL = 5
STRONG_TIER = 3
# pg_trgm similarity between a word the folder does not know and the folder's word it corrects
# to ("virsu" → "virus" is 0.5) …
TYPO_SIMILARITY = 0.5
# Below it, pg_trgm's default 0.3 (the `%` operator, served by the trigram index) with at most
# two edits corrects words of this length or longer: "virsu" → "virus" is 0.33, two edits.
SWAP_LENGTH = 5
# Compound parts shorter than this are not looked for inside other words ("pc", "it").
COMPOUND_PART = 4

# Words that say nothing about the subject, beyond PostgreSQL's Danish stop words.
FILLER_WORDS = frozenset(
    {"gør", "gøre", "gjort", "hvordan", "hvorfor", "hvornår", "må", "kan", "bør", "nu"}
)
# Words of a query about something that happened ("mistet telefon", "klikket på link"): the
# "Hvad gør jeg nu?" guides then come first.
WHAT_HAPPENED = frozenset(
    {
        "mistet", "mistede", "mister", "tabt", "tabte", "glemt", "glemte", "stjålet",
        "stjålen", "væk", "klikket", "klikkede", "åbnet", "åbnede", "sendt", "sendte",
        "hacket", "hacked", "lækket", "lækkede", "inficeret", "uheld", "hjælp", "sket",
    }
)  # fmt: skip
WHAT_DO_I_DO = ("hvad gør jeg", "hvad skal jeg gøre")

_WORD = re.compile(r"\w+", re.UNICODE)
# Private-use characters mark highlights in ts_headline's output: the text is escaped first,
# then they become <mark>, so nothing an editor wrote can turn into markup.
_START, _STOP = "\ue000", "\ue001"


@dataclass(frozen=True)
class Hit:
    kind: str  # "rule", "note", "section", "contact" or "guide"
    key: str  # stable identity, e.g. "rule:virus/kontakte-it-ved-virus", "guide:virus"
    url: str
    place: str  # where it is: the section's title, "Hvad gør jeg nu?" or "Kontakt"
    section_slug: str  # "" for guides and contacts
    title: SafeString  # highlighted; empty for rules and notes
    excerpt: SafeString  # highlighted
    rule_kind: str = ""  # Kind value of a rule
    phone: str = ""
    email: str = ""
    tier: int = 0
    score: float = 0.0

    @property
    def rule_kind_label(self) -> str:
        return Kind(self.rule_kind).label if self.rule_kind else ""

    @property
    def phone_uri(self) -> str:
        return "tel:+45" + "".join(self.phone.split()) if self.phone else ""


@dataclass
class SearchResult:
    query: str  # the query as searched (cleaned), or what was typed if it was refused
    hits: list[Hit] = field(default_factory=list)
    message: str = ""  # why nothing was searched; empty when a search ran
    ignored: list[str] = field(default_factory=list)  # words nothing in the folder matched
    suggestion: str = ""  # "Mente du …?" when nothing was found
    known: dict[str, bool] = field(default_factory=dict)  # word → in the folder (misses only)

    @property
    def searched(self) -> bool:
        return not self.message


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # cleaned, as the user wrote it
    words: list[str]  # lower case; no filler words, one-letter words or repeats
    what_happened: bool


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


def parse_query(text: str) -> ParsedQuery:
    lowered = text.lower()
    tokens = _WORD.findall(lowered)
    words: list[str] = []
    for token in tokens:
        if len(token) >= 2 and token not in FILLER_WORDS and token not in words:
            words.append(token)
    what_happened = any(t in WHAT_HAPPENED for t in tokens) or any(
        phrase in " ".join(tokens) for phrase in WHAT_DO_I_DO
    )
    return ParsedQuery(text=text, words=words[:MAX_WORDS], what_happened=what_happened)


def compound_splits(word: str) -> list[str]:
    """Ways to read `word` as two words, "hjemmearbejde" → "hjemme arbejde", for the database to
    try: only a split whose both halves are in a text counts, so nonsense splits cost nothing.
    A linking "s" or "e" may end the first half ("sikkerheds|brud", "hjemme|arbejde")."""
    splits = []
    for cut in range(3, len(word) - 2):
        left, right = word[:cut], word[cut:]
        splits.append(f"{left} {right}")
        if left[-1] in "se" and len(left) > 3:
            splits.append(f"{left[:-1]} {right}")
    return splits


# The guides live in code (guidance.first_aid), not in the database. Each database connection
# prepares the search statement with their texts written into it, in the request's language;
# the planner computes their tsvectors once, when it plans the statement.
GUIDE_ROW = f"""(%s, %s,
    setweight(to_tsvector('{SEARCH_CONFIG}', %s), 'A')
        || setweight(to_tsvector('{SEARCH_CONFIG}', %s), 'B')
        || setweight(to_tsvector('{SEARCH_CONFIG}', %s), 'C'),
    %s, %s, %s)"""


def _guide_rows(cursor) -> str:
    """The guides as SQL VALUES rows: (position, slug, vector, title, summary, all text)."""
    rows = []
    for position, guide in enumerate(GUIDES, start=1):
        title, summary = str(guide.title), str(guide.summary)
        steps = " ".join(str(step.text) for step in guide.steps)
        values = [position, guide.slug, title, summary, steps, title, summary]
        values.append(" ".join((title, summary, steps)))
        rows.append(cursor.mogrify(GUIDE_ROW, values).decode())
    return ",\n".join(rows)


# Titles and texts up to WHOLE_TEXT characters (most rules) are shown whole, longer texts as
# up to two passages around the words found.
WHOLE_TEXT = 280
HEADLINE = f"StartSel={_START}, StopSel={_STOP}"
TITLE_OPTIONS = f"{HEADLINE}, HighlightAll=true"
BODY_OPTIONS = (
    f'{HEADLINE}, MaxWords=30, MinWords=15, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "'
)

# One statement: read the words, widen them, score every readable text, rank, cap, highlight.
# Parameters: see _search_params(). `%%` is a literal % (psycopg2's paramstyle).
# Only constants are formatted into it (S608): user input is always a parameter.
SEARCH_SQL = f"""
WITH
words AS (
    SELECT t.i, t.w, (ts_lexize('{SEARCH_CONFIG}_stem', t.w))[1] AS lexeme
    FROM unnest(%(words)s::text[]) WITH ORDINALITY AS t(w, i)
),
-- Stop words have no lexeme and take no part.
live AS (
    SELECT i, w, lexeme,
        -- (scalar subqueries with LIMIT: index look-ups; EXISTS would hash the whole table)
        (SELECT 1 FROM guidance_vocabulary v WHERE v.word = words.w LIMIT 1) IS NOT NULL
            OR (SELECT 1 FROM guidance_vocabulary v WHERE v.lexeme = words.lexeme LIMIT 1)
                IS NOT NULL AS known
    FROM words
    WHERE lexeme IS NOT NULL
),
-- A word the folder does not know: the folder's closest words (level 1, weak).
corrections AS (
    SELECT live.i, c.word AS w, c.lexeme
    FROM live
    CROSS JOIN LATERAL (
        SELECT v.word, v.lexeme
        FROM guidance_vocabulary v
        WHERE v.word %% live.w
            AND (similarity(v.word, live.w) >= {TYPO_SIMILARITY}
                 OR length(live.w) >= {SWAP_LENGTH}
                    AND levenshtein_less_equal(v.word, live.w, 2) <= 2)
        ORDER BY similarity(v.word, live.w) DESC, v.frequency DESC, v.word
        LIMIT 3
    ) AS c
    WHERE NOT live.known AND length(live.w) >= {COMPOUND_PART}
),
synonyms AS (
    SELECT alternatives, tsvector_to_array(term_vector) AS lexemes
    FROM guidance_synonym
    WHERE term_vector <> ''
        AND (tsvector_to_array(term_vector) <@ (SELECT array_agg(lexeme) FROM live)
             OR cardinality(tsvector_to_array(term_vector)) = 1)
),
bases AS (
    SELECT i, w, lexeme, 3 AS level FROM live
    UNION ALL
    SELECT i, w, lexeme, 1 FROM corrections
),
candidates AS (
    -- the word itself, by its stem
    SELECT i, quote_literal(lexeme)::tsquery AS q, level FROM bases
    UNION ALL
    -- the folder's words that contain it: compounds with it as their last part (telefon →
    -- mobiltelefon, stik → netværksstikket) or as their first part when the rest is a word of
    -- the folder too (telefon → telefonsamtaler, not mist → mistanke), and inflections the
    -- stemmer misses, a short ending (sikker → sikkert)
    SELECT b.i, quote_literal(v.lexeme)::tsquery, least(b.level, 2)
    FROM (
        SELECT i, lexeme, level,
            CASE WHEN length(lexeme) >= {COMPOUND_PART} THEN lexeme ELSE w END AS part
        FROM bases
        WHERE length(w) >= {COMPOUND_PART}
    ) AS b
    JOIN guidance_vocabulary v
        ON v.word LIKE '%%' || b.part || '%%'
        AND v.lexeme <> b.lexeme
        AND (
            v.word LIKE '%%' || b.part
            OR v.lexeme LIKE '%%' || b.lexeme
            OR v.word LIKE b.part || '%%' AND length(v.word) - length(b.part) <= 3
            OR v.word LIKE b.part || '%%' AND EXISTS (
                SELECT 1 FROM guidance_vocabulary rest
                WHERE rest.word IN (substr(v.word, length(b.part) + 1),
                                    substr(v.word, length(b.part) + 2))
            )
        )
    UNION ALL
    -- the word as two words: hjemmearbejde → hjemme & arbejde
    SELECT s.i, plainto_tsquery('{SEARCH_CONFIG}', s.words), 2
    FROM unnest(%(split_words)s::int[], %(splits)s::text[]) AS s(i, words)
    UNION ALL
    -- synonyms: every word of the term is in the query (by stem), for each of those words;
    -- or a typo was corrected to a one-word term
    SELECT b.i, plainto_tsquery('{SEARCH_CONFIG}', alt), least(b.level, 2)
    FROM bases b
    JOIN synonyms syn ON b.lexeme = ANY (syn.lexemes)
        AND (b.level = 3 OR syn.lexemes = ARRAY[b.lexeme])
    CROSS JOIN LATERAL regexp_split_to_table(syn.alternatives, ',') AS alt
),
word_queries AS (
    SELECT i,
        string_agg('(' || q::text || ')', ' | ') FILTER (WHERE level >= 3)::tsquery AS q3,
        string_agg('(' || q::text || ')', ' | ') FILTER (WHERE level >= 2)::tsquery AS q2,
        string_agg('(' || q::text || ')', ' | ')::tsquery AS q1
    FROM candidates
    WHERE numnode(q) > 0
    GROUP BY i
),
highlight AS (
    SELECT string_agg('(' || q::text || ')', ' | ')::tsquery AS q
    FROM candidates
    WHERE numnode(q) > 0
),
-- Everything readable that matches any form of any word.
docs AS (
    SELECT 'rule' AS kind, r.id, r.search_vector AS v, s.search_vector AS section_v,
        NULL::text AS title, r.text AS body, r.text AS everything, s.slug, s.title AS place,
        r.anchor AS ident, r.kind AS rule_kind, '' AS email, '' AS phone,
        s."order" AS place_order, r."order" AS doc_order
    FROM guidance_rule r JOIN guidance_section s ON s.id = r.section_id
    WHERE r.search_vector @@ (SELECT q FROM highlight)
    UNION ALL
    SELECT 'note', n.id, n.search_vector, s.search_vector, NULL, n.text, n.text, s.slug, s.title,
        n.id::text, '', '', '', s."order", 100000 + n."order"
    FROM guidance_note n JOIN guidance_section s ON s.id = n.section_id
    WHERE n.search_vector @@ (SELECT q FROM highlight)
    UNION ALL
    SELECT 'section', s.id, s.search_vector, NULL, s.title,
        concat_ws(' ', nullif(s.subtitle, ''), nullif(s.lead, '')),
        concat_ws(' ', s.title, s.subtitle, s.lead), s.slug, s.title, s.slug, '', '', '',
        s."order", -1
    FROM guidance_section s
    WHERE s.search_vector @@ (SELECT q FROM highlight)
    UNION ALL
    SELECT 'contact', c.id, c.search_vector, NULL, c.heading, c.description,
        concat_ws(' ', c.heading, c.name, c.description), '', '', c.name, '', c.email, c.phone,
        1000000, c."order"
    FROM guidance_contact c
    WHERE c.search_vector @@ (SELECT q FROM highlight)
    UNION ALL
    SELECT 'guide', g.i, g.v, NULL, g.title, g.summary, g.everything, '', '', g.slug,
        '', '', '', -1, g.i
    FROM (VALUES %(guides)s) AS g(i, slug, v, title, summary, everything)
    WHERE g.v @@ (SELECT q FROM highlight)
),
levels AS (
    SELECT d.kind, d.id, wq.i,
        CASE WHEN d.v @@ wq.q3 THEN 3 WHEN d.v @@ wq.q2 THEN 2 WHEN d.v @@ wq.q1 THEN 1 ELSE 0
        END AS level
    FROM docs d CROSS JOIN word_queries wq
),
-- Words something matched; the others are left out of "all words".
effective AS (
    SELECT i FROM levels GROUP BY i HAVING max(level) > 0
),
per_doc AS (
    SELECT kind, id,
        count(*) FILTER (WHERE level > 0) AS matched,
        min(level) FILTER (WHERE level > 0) AS weakest
    FROM levels
    GROUP BY kind, id
    HAVING count(*) FILTER (WHERE level > 0) > 0
),
scored AS (
    SELECT d.*,
        CASE
            WHEN %(phrase)s <> '' AND lower(d.everything) ~ %(phrase)s THEN 5
            WHEN p.matched < (SELECT count(*) FROM effective) THEN 1
            WHEN p.weakest = 3 THEN 4
            WHEN p.weakest = 2 THEN 3
            ELSE 2
        END AS tier,
        ts_rank('{{0.1, 0.2, 0.4, 1.0}}', d.v, h.q, 1)
            -- a rule that has all the words and starts with one: its verb ("Makulere …")
            + CASE WHEN p.matched = (SELECT count(*) FROM effective)
                    AND to_tsvector('{SEARCH_CONFIG}', split_part(d.everything, ' ', 1)) @@ h.q
                   THEN 0.1 ELSE 0 END
            -- a rule in a section about it
            + coalesce(0.5 * ts_rank('{{0, 0, 0, 1.0}}', d.section_v, h.q), 0) AS score
    FROM docs d
    JOIN per_doc p ON p.kind = d.kind AND p.id = d.id
    CROSS JOIN highlight h
),
ranked AS (
    SELECT scored.*,
        row_number() OVER (
            -- Something happened and a guide's title or summary is about it: the guide first.
            ORDER BY (%(what_happened)s AND kind = 'guide' AND tier >= {STRONG_TIER}
                      AND ts_filter(v, '{{a,b}}') @@ h.q) DESC,
                tier DESC, score DESC, place_order, doc_order
        ) AS position
    FROM scored CROSS JOIN highlight h
),
hits AS (
    SELECT kind, ident, slug, place, rule_kind, email, phone, tier, score,
        CASE WHEN title IS NULL THEN '' ELSE
            ts_headline('{SEARCH_CONFIG}', title, h.q, '{TITLE_OPTIONS}') END AS title,
        CASE WHEN length(body) <= {WHOLE_TEXT} THEN
            ts_headline('{SEARCH_CONFIG}', body, h.q, '{TITLE_OPTIONS}')
        ELSE
            ts_headline('{SEARCH_CONFIG}', body, h.q, '{BODY_OPTIONS}') END AS body,
        CASE WHEN length(body) > {WHOLE_TEXT} THEN ARRAY[left(body, 30), right(body, 30)]
        END AS ends,
        position
    FROM ranked CROSS JOIN highlight h
    WHERE (tier >= {STRONG_TIER} AND position <= {MAX_RESULTS}) OR position <= {FILL}
)
SELECT kind, ident, slug, place, rule_kind, email, phone, tier, score, title, body, ends,
    (SELECT array_agg(w ORDER BY i) FROM live WHERE i NOT IN (SELECT i FROM effective)),
    NULL::boolean, NULL::text, position
FROM hits
UNION ALL
-- Nothing found: each word typed, whether the folder knows it (stop words count as known), and
-- the folder's closest word, for "Mente du …?" and for keeping names out of the miss count.
SELECT 'word', t.w, '', '', '', '', '', 0, 0, '', '', NULL, NULL, k.known,
    CASE WHEN NOT k.known THEN (
        SELECT v.word FROM guidance_vocabulary v
        WHERE v.word %% t.w
        ORDER BY similarity(v.word, t.w) DESC, v.frequency DESC, v.word
        LIMIT 1
    ) END,
    t.i
FROM unnest(%(tokens)s::text[]) WITH ORDINALITY AS t(w, i)
CROSS JOIN LATERAL (
    SELECT (ts_lexize('{SEARCH_CONFIG}_stem', t.w))[1] AS lexeme,
        cardinality(ts_lexize('{SEARCH_CONFIG}_stem', t.w)) = 0 AS stop_word
) AS stem
CROSS JOIN LATERAL (
    SELECT stem.stop_word
        OR (SELECT 1 FROM guidance_vocabulary v WHERE v.word = t.w LIMIT 1) IS NOT NULL
        OR (SELECT 1 FROM guidance_vocabulary v WHERE v.lexeme = stem.lexeme LIMIT 1)
            IS NOT NULL AS known
) AS k
WHERE NOT EXISTS (SELECT 1 FROM hits)
ORDER BY 16
"""  # noqa: S608

# The statement's parameters, in the order of the prepared statement's $1, $2, …
SEARCH_PARAMS = {
    "words": "text[]",
    "tokens": "text[]",
    "phrase": "text",
    "split_words": "int[]",
    "splits": "text[]",
    "what_happened": "boolean",
}
_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


def _prepare_sql(name: str, guides: str) -> str:
    """PREPARE for SEARCH_SQL: parameters become $1, $2, … and the guides' rows are written in."""
    positions = {param: f"${n}" for n, param in enumerate(SEARCH_PARAMS, start=1)}

    def replace(match: re.Match) -> str:
        if match[0] == "%%":
            return "%"
        return guides if match[1] == "guides" else positions[match[1]]

    return f"PREPARE {name} ({', '.join(SEARCH_PARAMS.values())}) AS " + _PLACEHOLDER.sub(
        replace, SEARCH_SQL
    )


def _search_params(query: ParsedQuery) -> list:
    split_words: list[int] = []
    splits: list[str] = []
    for i, word in enumerate(query.words, start=1):
        for split in compound_splits(word):
            split_words.append(i)
            splits.append(split)
    all_words = _WORD.findall(query.text.lower())
    phrase = ""
    if len(all_words) >= 2:
        phrase = r"\m" + r"[^[:alnum:]]+".join(all_words) + r"\M"
    params = {
        "words": query.words,
        "tokens": list(dict.fromkeys(all_words)),
        "phrase": phrase,
        "split_words": split_words,
        "splits": splits,
        "what_happened": query.what_happened,
    }
    return [params[name] for name in SEARCH_PARAMS]


def _run_search(cursor, query: ParsedQuery) -> list[tuple]:
    # Planning this statement costs more than running it: each database connection prepares it
    # once per language and runs it with EXECUTE. Django may open a new connection at any
    # request (CONN_MAX_AGE, health checks), so what was prepared is tracked per connection.
    raw = connection.connection
    prepared = getattr(connection, "_guidance_search_prepared", None)
    if prepared is None or prepared[0] is not raw:
        # One plan made for the parameters' types serves every query; PostgreSQL would
        # otherwise plan anew each time (its estimate for the generic plan is pessimistic).
        # The setting concerns only prepared statements and PL/pgSQL; Django uses neither.
        # The statements this session already has are looked up, not assumed.
        cursor.execute(
            "SET plan_cache_mode = force_generic_plan; "
            "SELECT name FROM pg_prepared_statements WHERE name LIKE 'guidance\\_search\\_%%'"
        )
        prepared = (raw, {row[0] for row in cursor.fetchall()})
        connection._guidance_search_prepared = prepared
    name = "guidance_search_" + re.sub(r"\W", "_", get_language() or "default").lower()
    if name not in prepared[1]:
        cursor.execute(_prepare_sql(name, _guide_rows(cursor)))
        prepared[1].add(name)
    placeholders = ", ".join(["%s"] * len(SEARCH_PARAMS))
    cursor.execute(f"EXECUTE {name} ({placeholders})", _search_params(query))
    return cursor.fetchall()


def search(raw: str) -> SearchResult:
    """Search the folder for what an employee typed, in one statement; never an error for odd
    input. When nothing is found, the same statement tells which words the folder knows and
    the closest words it has."""
    text, message = clean_query(raw)
    if not text:
        return SearchResult(query=(raw or "").strip()[:MAX_LENGTH], message=message)
    query = parse_query(text)
    result = SearchResult(query=text)
    with connection.cursor() as cursor:
        rows = _run_search(cursor, query)
    hits = [row for row in rows if row[0] != "word"]
    urls = _addresses()
    result.hits = [_hit(row, urls) for row in hits]
    if hits:
        result.ignored = hits[0][12] or []
    else:
        words = {row[1]: (row[13], row[14]) for row in rows}
        result.known = {w: bool(known or w in FILLER_WORDS) for w, (known, _c) in words.items()}
        closest = {w: best for w, (known, best) in words.items() if best and w in query.words}
        if closest:
            tokens = _WORD.findall(text.lower())
            result.suggestion = " ".join(closest.get(token, token) for token in tokens)
    return result


def has_search_words(text: str) -> bool:
    """Whether `text` has a word the search can look for (not only stop words like "og")."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT numnode(plainto_tsquery(%s, %s)) > 0", [SEARCH_CONFIG, text])
        return cursor.fetchone()[0]


# Stands in for a slug in an address reversed once per search (a slug is [-a-zA-Z0-9_]+).
_SLUG = "_slug_"


def _addresses() -> dict[str, str]:
    """The pages hits link to, each reversed once per search rather than once per hit."""
    return {
        "section": reverse("guidance:section", args=[_SLUG]),
        "contacts": reverse("guidance:contacts"),
        "guide": reverse("guidance:first_aid_guide", args=[_SLUG]),
    }


def _hit(row: tuple, urls: dict[str, str]) -> Hit:
    kind, ident, slug, place, rule_kind, email, phone, tier, score, title, body, ends = row[:12]
    if kind == "rule":
        url = urls["section"].replace(_SLUG, slug) + f"#regel-{ident}"
    elif kind == "note":
        url = urls["section"].replace(_SLUG, slug) + f"#note-{ident}"
    elif kind == "section":
        url = urls["section"].replace(_SLUG, slug)
        if body:
            url += f"#{Section.LEAD_ID}"
    elif kind == "contact":
        url = urls["contacts"] + f"#{html_id_for_contact(ident)}"
        place = _("Kontakt")
    else:
        url = urls["guide"].replace(_SLUG, ident)
        place = _("Hvad gør jeg nu?")
    key = f"{kind}:{slug}/{ident}" if kind in ("rule", "note") else f"{kind}:{ident}"
    return Hit(
        kind=kind,
        key=key,
        url=url,
        place=place,
        section_slug=slug,
        title=highlighted(title),
        excerpt=highlighted(body, ends),
        rule_kind=rule_kind,
        email=email,
        phone=phone,
        tier=tier,
        score=score,
    )


def highlighted(headline: str, ends: list[str] | None = None) -> SafeString:
    """ts_headline's output as safe HTML: escaped, with its markers turned into <mark>.

    `ends` – the first and last characters of a text that was cut to passages – tell whether
    the passages leave out its beginning or its end: then "…" says so.
    """
    text = " ".join(headline.split())
    if ends:
        plain = text.replace(_START, "").replace(_STOP, "")
        if not plain.startswith(" ".join(ends[0].split())):
            text = "… " + text
        if not plain.endswith(" ".join(ends[1].split())):
            text += " …"
    html = escape(text)
    return mark_safe(  # noqa: S308 (escaped above; only our own markers become tags)
        html.replace(_START, "<mark>").replace(_STOP, "</mark>")
    )
