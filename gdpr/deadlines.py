"""The deadline dashboard's rules: urgency bands and the queues. (Time-left text:
incidents/formatting.py; what is missing: incidents/duties.py.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils.translation import gettext_lazy

from incidents.duties import DUTIES_BY_CODE
from incidents.models import Incident, IncidentQuerySet


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


# The bands' upper limits, tightest first (the dashboard's script gets them too).
BAND_LIMITS = (("6h", timedelta(hours=6)), ("24h", timedelta(hours=24)))


def band_for(time_left: timedelta | None) -> Band:
    if time_left is None:
        return BANDS["stopped"]
    if time_left < timedelta(0):
        return BANDS["overdue"]
    for code, limit in BAND_LIMITS:
        if time_left <= limit:
            return BANDS[code]
    return BANDS["later"]


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
        "vurdering": DUTIES_BY_CODE["assessment"].outstanding_q,
        # The stored clock (Incident.clock_stopped_at): no subquery per row in the counts.
        "anmeldelse": Q(clock_stopped_at__isnull=True),
        "registrerede": DUTIES_BY_CODE["subjects"].outstanding_q,
        "overskredet": Q(clock_stopped_at__isnull=True, notification_deadline__lt=now),
        "mine": Q(owner=user),
    }[code]


def open_incidents() -> IncidentQuerySet:
    return Incident.objects.open()
