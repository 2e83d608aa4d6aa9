"""The risk steer: what the recorded facts say about the risk to the people in the data.

Two aids sit beside the GDPR unit's own choice of risk level:

* the steer — CPR numbers, art. 9 or art. 10 data, children or many people suggest at least
  "Risiko"; choosing lower needs a written reason (the services and a database constraint
  insist, both from `steer_condition()` below);
* ENISA's severity method (Recommendations for a methodology of the assessment of severity of
  personal data breaches, 2013): SE = DPC × EI + CB, shown as a computed suggestion.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from incidents.choices import (
    RISK_ORDER,
    BreachType,
    DataKind,
    Identifiability,
    RiskLevel,
    SubjectCategory,
)

# From this many people a breach is "many" (a mass mailing, a whole register).
MANY_SUBJECTS = 100

STEER_DATA_KINDS: dict[str, Promise] = {
    DataKind.CPR: _("CPR-numre"),
    DataKind.SENSITIVE: _("følsomme oplysninger (art. 9)"),
    DataKind.CRIMINAL: _("oplysninger om strafbare forhold (art. 10)"),
}
STEER_SUBJECTS: dict[str, Promise] = {SubjectCategory.CHILDREN: _("børn")}


def steer_reasons(
    *,
    data_kinds: Iterable[str],
    subject_categories: Iterable[str],
    subjects_estimate: int | None,
) -> list[str]:
    """Why the facts suggest at least "Risiko", in words; empty when they do not."""
    kinds, categories = set(data_kinds), set(subject_categories)
    reasons = [str(label) for code, label in STEER_DATA_KINDS.items() if code in kinds]
    reasons += [str(label) for code, label in STEER_SUBJECTS.items() if code in categories]
    if subjects_estimate is not None and subjects_estimate >= MANY_SUBJECTS:
        reasons.append(str(_("mange berørte (%(n)d eller flere)") % {"n": MANY_SUBJECTS}))
    return reasons


def steer_condition() -> Q:
    """The same rule as steer_reasons(), for the database: the facts suggest at least "Risiko"."""
    return (
        Q(data_kinds__overlap=list(STEER_DATA_KINDS))
        | Q(subject_categories__overlap=list(STEER_SUBJECTS))
        | Q(subjects_estimate__gte=MANY_SUBJECTS)
    )


def below_steer(risk_level: str, reasons: list[str]) -> bool:
    """True when the chosen level is lower than the steer's "at least Risiko"."""
    return bool(reasons) and RISK_ORDER.get(risk_level, -1) < RISK_ORDER[RiskLevel.RISK]


# --- ENISA ------------------------------------------------------------------------------------

# Data processing context: the base score of the most serious kind of data in the breach.
_DPC = {
    DataKind.ORDINARY: Decimal(1),
    DataKind.CREDENTIALS: Decimal(2),
    DataKind.FINANCIAL: Decimal(3),
    DataKind.CPR: Decimal(3),
    DataKind.SENSITIVE: Decimal(4),
    DataKind.CRIMINAL: Decimal(4),
}
_EI = {
    Identifiability.NEGLIGIBLE: Decimal("0.25"),
    Identifiability.LIMITED: Decimal("0.5"),
    Identifiability.SIGNIFICANT: Decimal("0.75"),
    Identifiability.MAXIMUM: Decimal(1),
}
# Circumstances of the breach: each kind of loss, and malicious intent.
_CB_PER_TYPE = Decimal("0.25")
_CB_MALICIOUS = Decimal("0.5")

_SEVERITIES = [
    # (score below, label, the risk level it suggests)
    (Decimal(2), _("lav"), RiskLevel.NONE),
    (Decimal(3), _("middel"), RiskLevel.RISK),
    (Decimal(4), _("høj"), RiskLevel.HIGH),
    (None, _("meget høj"), RiskLevel.HIGH),
]


@dataclass(frozen=True)
class Severity:
    score: Decimal
    label: str
    suggests: str  # a RiskLevel code
    explanation: str

    @property
    def suggests_label(self) -> str:
        return str(RiskLevel(self.suggests).label)


def enisa_severity(
    *,
    data_kinds: Iterable[str],
    identifiability: str,
    breach_types: Iterable[str],
    malicious: bool,
) -> Severity | None:
    """ENISA's severity score, or None until the ease of identification is chosen."""
    if identifiability not in _EI:
        return None
    dpc = max((_DPC[k] for k in data_kinds if k in _DPC), default=Decimal(1))
    types = [t for t in breach_types if t in BreachType.values]
    cb = _CB_PER_TYPE * len(types) + (_CB_MALICIOUS if malicious else 0)
    score = dpc * _EI[identifiability] + cb
    label, suggests = next(
        (label, suggests)
        for below, label, suggests in _SEVERITIES
        if below is None or score < below
    )
    explanation = _(
        "Datakontekst %(dpc)s × identificerbarhed %(ei)s + omstændigheder %(cb)s = %(score)s"
    ) % {
        "dpc": _number(dpc),
        "ei": _number(_EI[identifiability]),
        "cb": _number(cb),
        "score": _number(score),
    }
    return Severity(score, str(label), suggests, str(explanation))


def _number(value: Decimal) -> str:
    # Danish decimal comma, no trailing zeros: 0,25 · 1 · 2,5
    text = f"{value.normalize():f}"
    return text.replace(".", ",")
