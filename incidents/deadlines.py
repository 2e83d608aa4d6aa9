"""The deadline dashboard's rules: urgency bands, compact time-left text and the queues."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incidents.models import (
    DatatilsynetNotification,
    Incident,
    IncidentQuerySet,
    NotifyDecision,
    RiskLevel,
)


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


def compact_span(delta: timedelta) -> str:
    """'2 t 14 min', '5 t', '12 min' — whole minutes, rounded down."""
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    parts = [_("%(n)d t") % {"n": hours}] if hours else []
    if minutes or not hours:
        parts.append(_("%(n)d min") % {"n": minutes})
    return " ".join(parts)


def compact_time_left(time_left: timedelta | None) -> str:
    if time_left is None:
        return _("Fristen er stoppet")
    if time_left < timedelta(0):
        return _("overskredet med %(span)s") % {"span": compact_span(-time_left)}
    return _("%(span)s tilbage") % {"span": compact_span(time_left)}


# --- Queues -------------------------------------------------------------------------------------

QUEUES = {
    "vurdering": gettext_lazy("Afventer vurdering"),
    "anmeldelse": gettext_lazy("Afventer anmeldelse"),
    "registrerede": gettext_lazy("Afventer underretning af registrerede"),
    "overskredet": gettext_lazy("Overskredet"),
    "mine": gettext_lazy("Mine sager"),
}


def with_clock(queryset: IncidentQuerySet) -> IncidentQuerySet:
    """Annotate `clock_running` in SQL, so queues, counts and ordering need no per-row query."""
    notified = DatatilsynetNotification.objects.filter(incident=OuterRef("pk"))
    return queryset.annotate(
        clock_is_running=ExpressionWrapper(
            ~Q(notify_decision=NotifyDecision.NOT_NOTIFY) & ~Q(Exists(notified)),
            output_field=BooleanField(),
        )
    )


def queue_condition(code: str, *, now: datetime, user) -> Q:
    return {
        "vurdering": Q(assessed_at__isnull=True),
        "anmeldelse": Q(clock_is_running=True),
        "registrerede": Q(
            risk_level=RiskLevel.HIGH, subjects_informed_at__isnull=True, subjects_exemption=""
        ),
        "overskredet": Q(clock_is_running=True, notification_deadline__lt=now),
        "mine": Q(owner=user),
    }[code]


def open_incidents() -> IncidentQuerySet:
    return with_clock(Incident.objects.open())
