"""The handling duties, each declared once: what is outstanding (one `Q`), its words, and the
panel that meets it.

Everything that speaks of duties reads this list: Incident.missing_items() and close_blockers(),
the database constraint that a closed incident has none outstanding, the dashboard's badges and
queues, and the incident page's "Mangler" list. The database filters by a duty's `Q`; an incident
in memory is judged by the same `Q` (`holds`), so there is no second rule to keep in step. The
state-machine test checks on every state it reaches that both judge alike, and that the closing
trigger's `sql` (duties on the step tables) agrees.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from incidents.choices import NotifyDecision, RiskLevel

if TYPE_CHECKING:
    from incidents.models import Incident

# The folder: a case is journalised in SBSYS within 7 days of the report.
JOURNALISING_WINDOW = timedelta(days=7)


@dataclass(frozen=True)
class Duty:
    code: str
    label: Promise  # short: a badge on the dashboard, an item in "Mangler"
    sentence: Promise  # why the incident cannot be closed yet
    panel: str  # the incident page's panel (incidents.views.PANELS action) that meets it
    outstanding_q: Q  # the rule, for the database and (by `holds`) for an incident in memory
    # Listed as missing only this long after the report (until then it is not yet late);
    # it blocks closing all along.
    listed_after: timedelta | None = None
    # A duty met on a step's table (incidents/models.py StepRecord), which the incident's CHECK
    # cannot see: the same rule in SQL over the incident row `i`, for the closing trigger.
    # `outstanding_q` then reads the table through its one-to-one (no row: nothing recorded).
    sql: str = ""

    def outstanding(self, incident: Incident) -> bool:
        return holds(self.outstanding_q, incident)


DUTIES: tuple[Duty, ...] = (
    Duty(
        "escalation",
        _("Overtagelse af GDPR-enheden"),
        _("GDPR-enheden har ikke overtaget sagen."),
        "escalate",
        Q(escalated_at__isnull=True),
    ),
    Duty(
        "containment",
        _("Bruddet stoppet"),
        _("Det er ikke registreret, hvad der er gjort for at stoppe bruddet, af hvem og hvornår."),
        "containment",
        Q(contained_at__isnull=True),
    ),
    Duty(
        "assessment",
        _("Vurdering"),
        _("Vurderingen af bruddet og risikoen er ikke registreret."),
        "assess",
        Q(assessed_at__isnull=True),
    ),
    Duty(
        "notify_decision",
        _("Beslutning om anmeldelse"),
        _("Beslutningen om anmeldelse til Datatilsynet er ikke truffet."),
        "decide",
        Q(notify_decision=""),
    ),
    Duty(
        "datatilsynet",
        _("Anmeldelse til Datatilsynet"),
        _("Det er besluttet at anmelde til Datatilsynet, men anmeldelsen er ikke registreret."),
        "datatilsynet",
        # Decided to notify: the clock stops only at the initial notification.
        Q(notify_decision=NotifyDecision.NOTIFY, clock_stopped_at__isnull=True),
    ),
    Duty(
        "dt_follow_up",
        _("Opfølgning til Datatilsynet"),
        _("Oplysninger, der blev lovet eftersendt til Datatilsynet, er ikke sendt."),
        "datatilsynet",
        Q(dt_items_outstanding__len__gt=0),
    ),
    Duty(
        "subjects",
        _("Underretning af de registrerede"),
        _(
            "Risikoen er høj: registrer hvornår og hvordan de registrerede er underrettet, "
            "eller hvilken undtagelse der gælder."
        ),
        "subjects",
        Q(risk_level=RiskLevel.HIGH)
        & (
            Q(subjectsnotice__isnull=True)
            | Q(
                subjectsnotice__subjects_informed_at__isnull=True,
                subjectsnotice__subjects_exemption="",
            )
        ),
        sql="i.risk_level = 'high' AND NOT EXISTS (SELECT FROM incidents_subjectsnotice r "
        "WHERE r.incident_id = i.id AND (r.subjects_informed_at IS NOT NULL "
        "OR r.subjects_exemption <> ''))",
    ),
    Duty(
        "journalising",
        _("Journalisering i SBSYS"),
        _("Sagen er ikke journaliseret: SBSYS-sagsnummeret mangler."),
        "other",
        Q(otherrecords__isnull=True) | Q(otherrecords__sbsys_case_number=""),
        listed_after=JOURNALISING_WINDOW,
        sql="NOT EXISTS (SELECT FROM incidents_otherrecords r WHERE r.incident_id = i.id "
        "AND r.sbsys_case_number <> '')",
    ),
)
DUTIES_BY_CODE = {duty.code: duty for duty in DUTIES}

# Duties other apps keep on their own tables, which the incident's row cannot check: each a
# function incident -> sentences saying what blocks closing. NIS2's reports (nis2/duties.py)
# are added by nis2's AppConfig.ready(). The services refuse to close while any is outstanding.
OTHER_CLOSE_BLOCKERS: list[Callable[[Incident], list[str]]] = []


def none_outstanding() -> Q:
    """SQL: every duty on the incident's own row is met (what a closed incident must satisfy;
    the step tables' duties are the closing trigger's, by their `sql`)."""
    condition = Q()
    for duty in DUTIES:
        if not duty.sql:
            condition &= ~duty.outstanding_q
    return condition


# --- Judging an incident in memory by a duty's Q ---------------------------------------------

_LOOKUPS: dict[str, Callable[[Any, Any], bool]] = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


def holds(condition: Q, instance: models.Model) -> bool:
    """Whether `instance`, as it is in memory, matches `condition` as the database would judge
    its row (no query for what select_related loaded). As in SQL, a missing related row makes
    its fields NULL and a comparison with NULL is not true. Supports what duties use: AND/OR,
    field paths across one-to-one and foreign keys, `isnull`, `len` and comparisons; negated Qs
    only over the instance's own fields (SQL's NOT of unknown is unknown, which a bool cannot
    say)."""
    results = (
        holds(child, instance) if isinstance(child, Q) else _matches(instance, *child)
        for child in condition.children
    )
    result = all(results) if condition.connector == Q.AND else any(results)
    return not result if condition.negated else result


def _matches(instance: models.Model, path: str, expected: Any) -> bool:
    parts = path.split("__")
    value: Any = instance
    while parts and isinstance(value, models.Model):
        try:
            field = value._meta.get_field(parts[0])
        except FieldDoesNotExist:
            break
        parts.pop(0)
        value = _field_value(value, field, last=not parts or parts[0] not in _fields_of(field))
    if parts and parts[0] == "len":
        parts.pop(0)
        value = None if value is None else len(value)
    lookup = parts[0] if parts else "exact"
    if lookup == "isnull":
        return (value is None) == expected
    return value is not None and _LOOKUPS[lookup](value, expected)


def _fields_of(field) -> set[str]:
    if not field.is_relation:
        return set()
    return {f.name for f in field.related_model._meta.get_fields()}


def _field_value(instance: models.Model, field, *, last: bool) -> Any:
    """A field's value; for a relation the related row as the instance holds it (None if there
    is none; a step's blank unsaved row counts by its values, which say "nothing recorded"), or
    only its key where the path ends."""
    if not field.is_relation:
        return getattr(instance, field.attname)
    if field.concrete and last:
        return getattr(instance, field.attname)
    try:
        return getattr(instance, field.get_accessor_name() if field.auto_created else field.name)
    except ObjectDoesNotExist:
        return None
