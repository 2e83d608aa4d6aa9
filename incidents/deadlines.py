"""The deadline dashboard's rules: urgency bands, compact time-left text and the queues."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incidents.models import Incident, IncidentQuerySet, RiskLevel


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    icon: str  # decorative: the label says the same in words


BANDS = {
    "overdue": Band("overdue", gettext_lazy("Overskredet"), "✖"),
    "6h": Band("6h", gettext_lazy("Under 6 timer"), "⚠"),
    "24h": Band("24h", gettext_lazy("Under 24 timer"), "◔"),
    "later": Band("later", gettext_lazy("Over 24 timer"), "◷"),
    "stopped": Band("stopped", gettext_lazy("Fristen er stoppet"), "✓"),
}

MISSING_LABELS = {
    "containment": gettext_lazy("Inddæmning"),
    "assessment": gettext_lazy("Vurdering"),
    "notify_decision": gettext_lazy("Beslutning"),
    "datatilsynet": gettext_lazy("Anmeldelse til Datatilsynet"),
    "subjects": gettext_lazy("Underretning af de registrerede"),
    "journalising": gettext_lazy("Journalisering (over 7 dage)"),
}


def band_for(time_left: timedelta | None) -> Band:
    if time_left is None:
        return BANDS["stopped"]
    if time_left < timedelta(0):
        return BANDS["overdue"]
    if time_left <= timedelta(hours=6):
        return BANDS["6h"]
    if time_left <= timedelta(hours=24):
        return BANDS["24h"]
    return BANDS["later"]


@dataclass(frozen=True)
class SpanLabels:
    """The translated pieces of the compact texts, looked up once per request, not per row."""

    left: str
    overdue: str
    hours: str
    minutes: str
    stopped: str

    @classmethod
    def current(cls) -> SpanLabels:
        return cls(
            left=_("%(span)s tilbage"),
            overdue=_("overskredet med %(span)s"),
            hours=_("%(n)d t"),
            minutes=_("%(n)d min"),
            stopped=_("Fristen er stoppet"),
        )


def compact_span(delta: timedelta, labels: SpanLabels | None = None) -> str:
    """'2 t 14 min', '5 t', '12 min' — whole minutes, rounded down."""
    labels = labels or SpanLabels.current()
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    parts = [labels.hours % {"n": hours}] if hours else []
    if minutes or not hours:
        parts.append(labels.minutes % {"n": minutes})
    return " ".join(parts)


def compact_time_left(time_left: timedelta | None, labels: SpanLabels | None = None) -> str:
    labels = labels or SpanLabels.current()
    if time_left is None:
        return labels.stopped
    if time_left < timedelta(0):
        return labels.overdue % {"span": compact_span(-time_left, labels)}
    return labels.left % {"span": compact_span(time_left, labels)}


# --- Queues -------------------------------------------------------------------------------------

QUEUES = {
    "vurdering": gettext_lazy("Afventer vurdering"),
    "anmeldelse": gettext_lazy("Afventer anmeldelse"),
    "registrerede": gettext_lazy("Afventer underretning af registrerede"),
    "overskredet": gettext_lazy("Overskredet"),
    "mine": gettext_lazy("Mine sager"),
}


def queue_condition(code: str, *, now: datetime, user) -> Q:
    return {
        "vurdering": Q(assessed_at__isnull=True),
        # The stored clock (Incident.clock_stopped_at): no subquery per row in the counts.
        "anmeldelse": Q(clock_stopped_at__isnull=True),
        "registrerede": Q(
            risk_level=RiskLevel.HIGH, subjects_informed_at__isnull=True, subjects_exemption=""
        ),
        "overskredet": Q(clock_stopped_at__isnull=True, notification_deadline__lt=now),
        "mine": Q(owner=user),
    }[code]


def open_incidents() -> IncidentQuerySet:
    return Incident.objects.open()
