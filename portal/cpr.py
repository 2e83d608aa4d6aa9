"""The folder's rule, in one place: no CPR numbers where they do not belong.

Every form field, every handler's reference field and every masked text (the Datatilsynet draft,
the register, letters) asks this module. A CPR number is a date DDMMYY and four digits; people
write it with spaces, dots, dashes or en dashes between the groups, and sometimes paste it with
full-width or other non-ASCII digits. Six digits alone that form a valid date also count (a date
of birth written as one number). A number that is one group of a longer chain, such as the
journal number 2026-441-120326, does not.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Characters people put between the groups; all become "-" in the comparison text. NFKC already
# folds full-width and compatibility forms (e.g. U+FF0D) into these or into ASCII.
_SEPARATORS = frozenset(" .-\u00a0\u2007\u2009\u202f\u2010\u2011\u2012\u2013\u2014\u2212")

_DAY = r"(?:0[1-9]|[12][0-9]|3[01])"
_MONTH = r"(?:0[1-9]|1[0-2])"
_YEAR = r"[0-9]{2}"
# Not the tail of a longer number: no digit, and no digit-then-separator, right before it.
_START = r"(?<![0-9])(?<![0-9]-)"
_PATTERN = re.compile(
    _START
    + "(?:"
    # The full number: DDMMYY (groups optionally separated) and four digits.
    + rf"{_DAY}-{{0,3}}{_MONTH}-{{0,3}}{_YEAR}-{{0,3}}[0-9]{{4}}(?![0-9])"
    + "|"
    # Six digits that are a date, standing alone (not followed by another group of digits).
    + rf"{_DAY}{_MONTH}{_YEAR}(?![0-9])(?!-[0-9])"
    + ")"
)

MASK = gettext_lazy("[CPR-nummer fjernet]")


def _comparable(text: str) -> str:
    """One character per character of `text`: ASCII digits, "-" for separators, "x" otherwise.

    Keeping the length lets a match be masked in the original text.
    """
    out = []
    for char in text:
        folded = unicodedata.normalize("NFKC", char)
        if len(folded) == 1 and folded.isdecimal():
            out.append(str(unicodedata.decimal(folded)))
        elif folded in _SEPARATORS or char in _SEPARATORS:
            out.append("-")
        else:
            out.append("x")
    return "".join(out)


def find(text: str | None) -> list[tuple[int, int]]:
    """The (start, end) spans of CPR-like numbers in `text`."""
    if not text:
        return []
    return [match.span() for match in _PATTERN.finditer(_comparable(text))]


def looks_like_cpr(text: str | None) -> bool:
    return bool(find(text))


def mask(text: str | None) -> str:
    """`text` with every CPR-like number replaced by "[CPR-nummer fjernet]", trimmed."""
    if not text:
        return ""
    spans = find(text)
    if not spans:
        return text.strip()
    replacement = str(MASK)
    pieces, last = [], 0
    for start, end in spans:
        pieces += [text[last:start], replacement]
        last = end
    pieces.append(text[last:])
    return "".join(pieces).strip()


def reject_cpr(value: str) -> None:
    """Form validator for free text: refuse anything that looks like a CPR number."""
    if looks_like_cpr(value):
        raise ValidationError(
            _(
                "Teksten ser ud til at indeholde et CPR-nummer. Skriv ikke CPR-numre eller "
                "borgeres navne her – beskriv i stedet hvad der er sket, fx „et brev med "
                "CPR-numre på 12 borgere“. GDPR-enheden finder selv oplysningerne, hvis de "
                "skal bruges."
            ),
            code="cpr",
        )


def reject_cpr_in_reference(value: str) -> None:
    """Form validator for journal and case numbers: a CPR number is never a reference."""
    if looks_like_cpr(value):
        raise ValidationError(
            _(
                "Nummeret ligner et CPR-nummer. Skriv sagens eller journalens nummer, "
                "ikke en persons CPR-nummer."
            ),
            code="cpr",
        )
