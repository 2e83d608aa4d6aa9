"""Reads for NIS2: each clock of a case as one row (the incident page, the dashboard, the
reminder e-mail), the dashboard's NIS2 rows for a page of incidents, and the drafts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Case, Exists, F, OuterRef, Q, When
from django.db.models.functions import Least
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from incidents.models import IncidentQuerySet
from nis2.models import Nis2Case, Phase


@dataclass(frozen=True)
class Clock:
    code: str  # early_warning, notification, final_report
    label: Promise
    deadline: datetime | None
    met_at: datetime | None  # when the report that meets it was sent
    met_by: str  # that report's label
    waiting: Promise | str = ""  # why there is no deadline yet

    def time_left(self, now: datetime) -> timedelta | None:
        """Until the deadline (negative when passed); None once met or while it waits."""
        if self.met_at is not None or self.deadline is None:
            return None
        return self.deadline - now


LABELS = {
    "early_warning": _("NIS2: tidlig varsling (24 timer)"),
    "notification": _("NIS2: hændelsesunderretning (72 timer)"),
    "final_report": _("NIS2: endelig rapport (1 måned)"),
}


def clocks(case: Nis2Case) -> list[Clock]:
    """The three clocks of a significant incident; none for any other."""
    if case.significant is not True:
        return []
    return [
        Clock(
            "early_warning",
            LABELS["early_warning"],
            case.early_warning_deadline,
            case.early_warning_at,
            str(Phase.EARLY_WARNING.label),
        ),
        Clock(
            "notification",
            LABELS["notification"],
            case.notification_deadline,
            case.notification_at,
            str(Phase.NOTIFICATION.label),
        ),
        _final_clock(case),
    ]


def _final_clock(case: Nis2Case) -> Clock:
    if case.final_at is not None:
        met_at, met_by = case.final_at, str(Phase.FINAL.label)
    else:
        met_at, met_by = None, ""
    waiting = ""
    if case.notification_at is None:
        waiting = _("En måned efter hændelsesunderretningen")
    elif case.still_ongoing:
        waiting = _("Statusrapport sendt: en måned efter, at hændelsen er håndteret")
    label = LABELS["final_report"]
    if case.progress_at is None and case.final_at is None and case.notification_at:
        label = _("NIS2: endelig rapport, eller statusrapport hvis hændelsen stadig er i gang")
    return Clock("final_report", label, case.final_report_deadline, met_at, met_by, waiting)


def cases_for(incident_ids: Iterable[int]) -> dict[int, Nis2Case]:
    """The significant NIS2 cases of these incidents, in one query (the dashboard's page)."""
    if not settings.NIS2_ENABLED:
        return {}
    rows = Nis2Case.objects.filter(incident_id__in=list(incident_ids), significant=True)
    return {case.incident_id: case for case in rows}


# --- The dashboard's NIS2 regime -----------------------------------------------------------------

SIGNIFICANT = Exists(Nis2Case.objects.filter(incident=OuterRef("pk"), significant=True))
_CLOCK_FIELDS = (
    ("nis2__early_warning_deadline", "nis2__early_warning_at"),
    ("nis2__notification_deadline", "nis2__notification_at"),
    ("nis2__final_report_deadline", "nis2__final_at"),
)


def _running(deadline: str, met: str) -> Case:
    return Case(When(Q(**{f"{met}__isnull": True}), then=F(deadline)))


def significant_incidents(incidents: IncidentQuerySet) -> IncidentQuerySet:
    """Only incidents assessed significant under NIS2, the soonest deadline of a clock still
    running first (PostgreSQL's LEAST skips the met clocks' NULLs; none running sorts last)."""
    return (
        incidents.filter(SIGNIFICANT)
        .annotate(nis2_next=Least(*(_running(d, m) for d, m in _CLOCK_FIELDS)))
        .order_by("nis2_next", "pk")
    )
