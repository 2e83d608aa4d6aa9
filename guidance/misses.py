"""Learning from searches that found nothing: count them for the staff, without personal data.

A miss is stored without CPR-like numbers and without words that look like a person's name,
never with who searched, and with the day only (guidance.models.SearchMiss). Staff read the
list in the admin and add synonyms for what people look for.
"""

from __future__ import annotations

import re

from django.db import connection
from django.utils import timezone

# The project's one CPR rule; imported here only, so the search has a single place to follow it.
from portal.cpr import looks_like_cpr

_TOKEN = re.compile(r"\S+")
_FOUR_DIGITS = re.compile(r"\d{4}")
_LONG_NUMBER = re.compile(r"\d{5}")


def scrub(query: str, known: dict[str, bool]) -> str:
    """The query in lower case without CPR-like numbers, other long numbers and words that look
    like a person's name; "" when nothing is left.

    `known` tells, per lower-case word, whether the folder (or a synonym) has it; stop words
    count as known. A word looks like a name when the folder does not know it and it is either
    written like a name ("Bodil") or next to another unknown word ("bodil borgersen": first name
    and surname). A single unknown word in lower case stays: that is how "phishing" reaches the
    staff.
    """
    tokens = _TOKEN.findall(query)
    drop = [False] * len(tokens)
    for i, token in enumerate(tokens):
        if looks_like_cpr(token):
            drop[i] = True
            # "010190 1234": the last four digits typed as a word of their own.
            if i + 1 < len(tokens) and _FOUR_DIGITS.fullmatch(tokens[i + 1]):
                drop[i + 1] = True
        elif _LONG_NUMBER.search(token):
            drop[i] = True  # phone and case numbers say nothing about what the folder lacks

    unknown = [
        not drop[i] and any(not known.get(w, False) for w in re.findall(r"\w+", t.lower()))
        for i, t in enumerate(tokens)
    ]
    for i, token in enumerate(tokens):
        written_like_a_name = token[:1].isupper() and not token.isupper()
        beside_unknown = (i > 0 and unknown[i - 1]) or (i + 1 < len(tokens) and unknown[i + 1])
        if unknown[i] and (written_like_a_name or beside_unknown):
            drop[i] = True
    kept = [t.lower() for t, dropped in zip(tokens, drop, strict=True) if not dropped]
    return " ".join(kept)[:100]


def record_miss(query: str, known: dict[str, bool]) -> None:
    """Count one search without results (one statement; safe when many count at once)."""
    cleaned = scrub(query, known)
    if not cleaned:
        return
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO guidance_searchmiss (query, count, first_seen, last_seen)
            VALUES (%s, 1, %s, %s)
            ON CONFLICT (query) DO UPDATE
                SET count = guidance_searchmiss.count + 1, last_seen = excluded.last_seen
            """,
            [cleaned, today, today],
        )
