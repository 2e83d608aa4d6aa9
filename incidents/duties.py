"""The handling duties, each declared once: what is outstanding, in Python and in SQL, its words,
and the panel that meets it.

Everything that speaks of duties reads this list: Incident.missing_items() and close_blockers(),
the database constraint that a closed incident has none outstanding, the dashboard's badges and
queues, and the incident page's "Mangler" list. The Python predicate and the SQL condition of
a duty sit side by side; the state-machine test checks that they agree on every state it reaches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

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
    outstanding: Callable[[Incident], bool]
    outstanding_q: Q  # the same rule, for the database
    # Listed as missing only this long after the report (until then it is not yet late);
    # it blocks closing all along.
    listed_after: timedelta | None = None
    # A duty met on a step's table (incidents/models.py StepRecord), which the incident's CHECK
    # cannot see: the same rule in SQL over the incident row `i`, for the closing trigger.
    # `outstanding_q` then reads the table through its one-to-one (no row: nothing recorded).
    sql: str = ""


DUTIES: tuple[Duty, ...] = (
    Duty(
        "escalation",
        _("Overtagelse af GDPR-enheden"),
        _("GDPR-enheden har ikke overtaget sagen."),
        "escalate",
        lambda i: i.escalated_at is None,
        Q(escalated_at__isnull=True),
    ),
    Duty(
        "containment",
        _("Bruddet stoppet"),
        _("Det er ikke registreret, hvad der er gjort for at stoppe bruddet, af hvem og hvornår."),
        "containment",
        lambda i: i.contained_at is None,
        Q(contained_at__isnull=True),
    ),
    Duty(
        "assessment",
        _("Vurdering"),
        _("Vurderingen af bruddet og risikoen er ikke registreret."),
        "assess",
        lambda i: i.assessed_at is None,
        Q(assessed_at__isnull=True),
    ),
    Duty(
        "notify_decision",
        _("Beslutning om anmeldelse"),
        _("Beslutningen om anmeldelse til Datatilsynet er ikke truffet."),
        "decide",
        lambda i: not i.notify_decision,
        Q(notify_decision=""),
    ),
    Duty(
        "datatilsynet",
        _("Anmeldelse til Datatilsynet"),
        _("Det er besluttet at anmelde til Datatilsynet, men anmeldelsen er ikke registreret."),
        "datatilsynet",
        # Decided to notify, the clock stops only at the initial notification.
        lambda i: i.notify_decision == NotifyDecision.NOTIFY and i.clock_stopped_at is None,
        Q(notify_decision=NotifyDecision.NOTIFY, clock_stopped_at__isnull=True),
    ),
    Duty(
        "dt_follow_up",
        _("Opfølgning til Datatilsynet"),
        _("Oplysninger, der blev lovet eftersendt til Datatilsynet, er ikke sendt."),
        "datatilsynet",
        lambda i: bool(i.dt_items_outstanding),
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
        lambda i: (
            i.risk_level == RiskLevel.HIGH
            and i.subjects_notice.subjects_informed_at is None
            and not i.subjects_notice.subjects_exemption
        ),
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
        lambda i: not i.other_records.sbsys_case_number,
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
