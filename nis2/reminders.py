"""Reminders of the NIS2 clocks through the incidents' outbox (incidents.Notification): one
shortly before each deadline and one when it passes, written when the clock is set and
re-armed whenever it changes, so a met or moved deadline never reminds anyone.

Each row names the deadline it warns of; the outbox's unique constraint makes "once per
incident, kind, recipient and deadline" a database fact, and the worker checks is_current()
before sending.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from incidents import notifications
from incidents.models import Notification
from nis2.models import Nis2Case

Kind = Notification.Kind
Status = Notification.Status

# Each clock: the report that meets it, its "soon" reminder and how long before the deadline.
CLOCKS = {
    "early_warning": (Kind.NIS2_EARLY_WARNING_SOON, timedelta(hours=6)),
    "notification": (Kind.NIS2_NOTIFICATION_SOON, timedelta(hours=24)),
    "final_report": (Kind.NIS2_FINAL_REPORT_SOON, timedelta(days=7)),
}


def open_clocks(case: Nis2Case) -> list[tuple[str, datetime]]:
    """(clock, deadline) for each clock still running: significant, deadline set, report not
    yet sent. The final report's clock is also met by a progress report (still ongoing): then
    it runs again from the end of the handling (nis2.deadlines.final_report_deadline)."""
    if not settings.NIS2_ENABLED or case.significant is not True:
        return []
    clocks = []
    if case.early_warning_at is None and case.early_warning_deadline:
        clocks.append(("early_warning", case.early_warning_deadline))
    if case.notification_at is None and case.notification_deadline:
        clocks.append(("notification", case.notification_deadline))
    if case.final_at is None and case.final_report_deadline:
        clocks.append(("final_report", case.final_report_deadline))
    return clocks


def wanted(case: Nis2Case) -> set[tuple[str, datetime]]:
    """The (kind, deadline) of every reminder the case's clocks call for."""
    if not case.incident.is_open:
        return set()
    rows = set()
    for clock, deadline in open_clocks(case):
        rows.add((CLOCKS[clock][0], deadline))
        rows.add((Kind.NIS2_DEADLINE_PASSED, deadline))
    return rows


def _recipient() -> str:
    return settings.PORTAL_CONTACTS["nis2_email"]


def rearm(*, case: Nis2Case, now: datetime) -> int:
    """Make the reminders follow the clocks (call in the transaction that changed them): unsent
    ones no clock calls for any more are cancelled, the others scheduled. Returns how many were
    cancelled."""
    keep = wanted(case)
    unsent = Notification.objects.filter(
        incident=case.incident, kind__in=Notification.NIS2_REMINDER_KINDS
    ).exclude(status__in=[Status.SENT, Status.CANCELLED])
    stale = [n.pk for n in unsent if (n.kind, n.deadline) not in keep]
    cancelled = Notification.objects.filter(pk__in=stale).update(status=Status.CANCELLED)
    for clock, deadline in open_clocks(case) if case.incident.is_open else []:
        soon, lead = CLOCKS[clock]
        if now < deadline:
            # Only the latest stage: a clock set 2 hours before its deadline is not reminded
            # "6 hours before" too late; it gets "soon" now and "passed" at the deadline.
            _schedule(case, soon, deadline, at=deadline - lead, now=now)
        _schedule(case, Kind.NIS2_DEADLINE_PASSED, deadline, at=deadline, now=now)
    return cancelled


def _schedule(case: Nis2Case, kind: str, deadline: datetime, *, at: datetime, now: datetime):
    notifications.schedule(
        incident=case.incident,
        kind=kind,
        recipient_email=_recipient(),
        deadline=deadline,
        at=at,
        now=now,
    )


def is_current(notification: Notification) -> bool:
    """The reminder still warns of a running clock (the worker asks before sending)."""
    case = (
        Nis2Case.objects.select_related("incident")
        .filter(incident_id=notification.incident_id)
        .first()
    )
    if case is None:
        return False
    return (notification.kind, notification.deadline) in wanted(case)
