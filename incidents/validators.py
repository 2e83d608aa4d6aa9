"""The folder's rule: no CPR numbers in free text (they belong in SBSYS, not here)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# DDMMYY with a valid day and month, optionally followed by "-" or a space and four digits.
CPR_LIKE = re.compile(r"(?<!\d)(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d{2}(?:[- ]?\d{4})?(?!\d)")


def looks_like_cpr(text: str) -> bool:
    return CPR_LIKE.search(text or "") is not None


def reject_cpr(value: str) -> None:
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
