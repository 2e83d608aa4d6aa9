"""The folder's password rule ("Brugernavn og adgangskode") as a Django password validator.

guidance's in-browser password checker implements the same clauses; keep the two in step.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_LENGTH = 8
_DANISH_LETTERS = re.compile(r"[æøåÆØÅ]")


def _name_parts(user) -> list[str]:
    parts: list[str] = []
    for value in (getattr(user, "first_name", ""), getattr(user, "last_name", "")):
        parts += [p for p in re.split(r"[\s\-]+", value or "") if len(p) >= 3]
    return parts


def _initials(user) -> str:
    words = re.split(
        r"[\s\-]+", f"{getattr(user, 'first_name', '')} {getattr(user, 'last_name', '')}"
    )
    return "".join(w[0] for w in words if w)


def _clause_messages() -> dict[str, str]:
    return {
        "length": _("Adgangskoden skal være mindst %(n)d tegn lang.") % {"n": MIN_LENGTH},
        "digit": _("Adgangskoden skal indeholde mindst ét tal."),
        "upper": _("Adgangskoden skal indeholde mindst ét stort bogstav (A-Z)."),
        "lower": _("Adgangskoden skal indeholde mindst ét lille bogstav (a-z)."),
        "danish_letters": _("Adgangskoden må ikke indeholde æ, ø eller å."),
        "own_name": _(
            "Adgangskoden må ikke indeholde dit navn, dine initialer eller dit brugernavn."
        ),
    }


def folder_password_clauses() -> list[tuple[str, str]]:
    """The rule's clauses in order, as (code, Danish sentence), for the in-browser checker.

    guidance's static/js/password-checker.js implements each code; the sentence is the
    message folder_password_problems gives when the clause is broken.
    """
    return list(_clause_messages().items())


def folder_password_problems(password: str, user=None) -> list[str]:
    """Every clause of the folder's rule that `password` breaks, as Danish sentences."""
    messages = _clause_messages()
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(messages["length"])
    if not re.search(r"[0-9]", password):
        problems.append(messages["digit"])
    if not re.search(r"[A-Z]", password):
        problems.append(messages["upper"])
    if not re.search(r"[a-z]", password):
        problems.append(messages["lower"])
    if _DANISH_LETTERS.search(password):
        problems.append(messages["danish_letters"])
    if user is not None and _contains_own_name(password, user):
        problems.append(messages["own_name"])
    return problems


def _contains_own_name(password: str, user) -> bool:
    lowered = password.lower()
    username = (getattr(user, "username", "") or "").lower()
    if len(username) >= 3 and username in lowered:
        return True
    if any(part.lower() in lowered for part in _name_parts(user)):
        return True
    # Initials count when they stand on their own (not inside a longer word): "JH2026x!".
    initials = _initials(user).lower()
    if len(initials) >= 2:
        pattern = rf"(?<![a-z]){re.escape(initials)}(?![a-z])"
        return re.search(pattern, lowered) is not None
    return False


class FolderPasswordValidator:
    def validate(self, password: str, user=None) -> None:
        problems = folder_password_problems(password, user)
        if problems:
            raise ValidationError(problems, code="folder_password_rule")

    def get_help_text(self) -> str:
        return _(
            "Mindst %(n)d tegn med både tal, store og små bogstaver. Ingen æ, ø eller å, "
            "og ikke dit navn, dine initialer eller dit brugernavn."
        ) % {"n": MIN_LENGTH}
