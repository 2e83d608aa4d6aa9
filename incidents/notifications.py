"""E-mails about incidents through a durable outbox: queueing them with their cause, composing
them, and the deadline reminders. incidents/outbox.py sends them; `manage.py run_worker` runs
both, in one loop.

Exactly once: a Notification row exists once per (incident, kind, recipient, deadline) — a
database constraint — and is sent only by whoever wins the conditional UPDATE that claims it
(incidents/outbox.py, which also says what remains of the window for a duplicate).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _lazy

from incidents.models import Incident, Notification, TimelineEntry

Kind = Notification.Kind
Status = Notification.Status

REMINDERS = [
    # (kind, fires when the time left is at most this)
    (Kind.REMINDER_24H, timedelta(hours=24)),
    (Kind.REMINDER_6H, timedelta(hours=6)),
    (Kind.DEADLINE_PASSED, timedelta(0)),
]


def _gdpr_email() -> str:
    return settings.PORTAL_CONTACTS["gdpr_email"]


# --- Queueing ---------------------------------------------------------------------------------


def queue(
    *,
    incident: Incident,
    kind: str,
    recipient_email: str,
    now: datetime,
    deadline: datetime | None = None,
    about: TimelineEntry | None = None,
) -> bool:
    """Create the outbox row unless it exists already; the worker finds it. True if created.

    A reminder (`deadline` given) that was cancelled because the clock stopped and that is due
    again for the same deadline (the clock restarted) is put back in the queue instead.
    """
    if not recipient_email:
        return False
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            incident=incident,
            kind=kind,
            recipient_email=recipient_email,
            deadline=deadline,
            about=about,
            defaults={"next_attempt_at": now},
        )
        revived = not created and Notification.objects.filter(
            pk=notification.pk, status=Status.CANCELLED
        ).update(status=Status.PENDING, next_attempt_at=now)
    return bool(created or revived)


def schedule(
    *,
    incident: Incident,
    kind: str,
    recipient_email: str,
    deadline: datetime,
    at: datetime,
    now: datetime,
) -> bool:
    """A reminder sent at `at`, not before (now, if `at` has passed): the outbox row is written
    now, in the caller's transaction, so it follows from the change that called for it; the worker
    claims it once next_attempt_at has come. True if created or revived (a cancelled one for the
    same deadline, due again)."""
    if not recipient_email:
        return False
    at = max(at, now)
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            incident=incident,
            kind=kind,
            recipient_email=recipient_email,
            deadline=deadline,
            defaults={"next_attempt_at": at},
        )
        revived = not created and Notification.objects.filter(
            pk=notification.pk, status=Status.CANCELLED
        ).update(status=Status.PENDING, next_attempt_at=at)
    return bool(created or revived)


def queue_new_report(*, incident: Incident, now: datetime) -> None:
    """The four e-mails of a new report. Call inside the transaction that creates it.

    The incident is brand new, so none of its e-mails can exist yet: one INSERT writes them all
    (the unique constraint still stands guard) instead of queue()'s look-up per e-mail.
    """
    manager_email = incident.manager.email if incident.manager else ""
    recipients = [
        (Kind.NEW_REPORT_GDPR, _gdpr_email()),
        (Kind.NEW_REPORT_IT, settings.PORTAL_CONTACTS["it_email"]),
        (Kind.NEW_REPORT_MANAGER, manager_email),
        (Kind.RECEIPT_REPORTER, incident.reporter.email),
    ]
    Notification.objects.bulk_create(
        Notification(incident=incident, kind=kind, recipient_email=email, next_attempt_at=now)
        for kind, email in recipients
        if email
    )


def queue_conversation(line: TimelineEntry) -> None:
    """Tell the other side that something was said on the case: a message reaches the reporter,
    the reporter's new information or the manager's confirmation reaches the case's owner (the
    GDPR unit's mailbox while nobody owns it). Call in the transaction that wrote the line."""
    incident = line.incident
    if line.kind in TimelineEntry.TO_REPORTER:
        kind, recipient = Kind.MESSAGE_REPORTER, incident.reporter.email
    else:
        kind = Kind.INFORMATION_HANDLER
        recipient = incident.owner.email if incident.owner_id else _gdpr_email()
    queue(incident=incident, kind=kind, recipient_email=recipient, now=line.at, about=line)


# The e-mails that tell someone the folder says must be told: sending one is telling them.
NOTIFIES = {
    Kind.NEW_REPORT_MANAGER: "manager_notified_at",
    Kind.NEW_REPORT_IT: "it_notified_at",
}


def record_delivery(notification: Notification, *, at: datetime) -> dict:
    """The facts a sent e-mail establishes on its open incident (call in the transaction that
    marks it sent): the manager or IT was notified at `at`, unless a time is recorded already.
    Returns the changes, for the timeline line that records the sending."""
    name = NOTIFIES.get(notification.kind)
    if name is None:
        return {}
    updated = (
        Incident.objects.open()
        .filter(pk=notification.incident_id, **{f"{name}__isnull": True})
        .update(**{name: at, "version": F("version") + 1, "updated": at})
    )
    return {name: [None, at.isoformat()]} if updated else {}


# --- Composing --------------------------------------------------------------------------------

SUBJECT_SUFFIX = {
    Kind.NEW_REPORT_GDPR: _lazy("nyt sikkerhedsbrud"),
    Kind.NEW_REPORT_IT: _lazy("nyt sikkerhedsbrud"),
    Kind.NEW_REPORT_MANAGER: _lazy("nyt sikkerhedsbrud i din afdeling"),
    Kind.RECEIPT_REPORTER: _lazy("kvittering for din indberetning"),
    Kind.REMINDER_24H: _lazy("24 timer til fristen"),
    Kind.REMINDER_6H: _lazy("6 timer til fristen"),
    Kind.DEADLINE_PASSED: _lazy("fristen er overskredet"),
    Kind.NIS2_EARLY_WARNING_SOON: _lazy("NIS2: frist for tidlig varsling nærmer sig"),
    Kind.NIS2_NOTIFICATION_SOON: _lazy("NIS2: frist for hændelsesunderretning nærmer sig"),
    Kind.NIS2_FINAL_REPORT_SOON: _lazy("NIS2: frist for endelig rapport nærmer sig"),
    Kind.NIS2_DEADLINE_PASSED: _lazy("NIS2: en frist er overskredet"),
    Kind.MESSAGE_REPORTER: _lazy("ny besked om din indberetning"),
    Kind.INFORMATION_HANDLER: _lazy("nyt på sagen"),
}


def message_id_for(notification: Notification) -> str:
    """Deterministic, so a resend after a crash carries the same Message-ID."""
    domain = urlsplit(settings.SITE_URL).hostname or "sikkerhedsportalen.invalid"
    return f"<notification-{notification.pk}.{notification.kind}@{domain}>"


def subject_for(notification: Notification) -> str:
    """Reference and category only: never anything the reporter typed."""
    incident = notification.incident
    with translation.override("da"):
        suffix = SUBJECT_SUFFIX[notification.kind]
        return f"[{incident.reference}] {incident.get_category_display()} – {suffix}"


def compose(notification: Notification) -> EmailMessage:
    incident = notification.incident
    if notification.kind == Kind.RECEIPT_REPORTER:
        path = reverse("incidents:receipt", args=[incident.reference])
    else:
        path = reverse("incidents:detail", args=[incident.reference])
    template = "incidents/email/notification.txt"
    if notification.kind in Notification.NIS2_REMINDER_KINDS:
        template = "nis2/email/reminder.txt"
    with translation.override("da"):
        body = render_to_string(
            template,
            {
                "kind": notification.kind,
                "deadline": notification.deadline,
                "about": notification.about,
                "incident": incident,
                "url": settings.SITE_URL + path,
                "organisation": settings.PORTAL_ORGANISATION,
                "contacts": settings.PORTAL_CONTACTS,
            },
        )
        subject = subject_for(notification)
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient_email],
        headers={"Message-ID": message_id_for(notification), "Auto-Submitted": "auto-generated"},
    )


# --- Deadline reminders ----------------------------------------------------------------------


def _stage(time_left: timedelta) -> str | None:
    """The reminder that fits the time left: only the latest stage (an incident reported 5
    hours before its deadline gets the 6-hour reminder, not a belated 24-hour one too)."""
    due = [kind for kind, upper in REMINDERS if time_left <= upper]
    return due[-1] if due else None


def is_current(notification: Notification) -> bool:
    """A reminder still warns of the incident's deadline: open, clock running, same deadline."""
    if notification.kind in Notification.NIS2_REMINDER_KINDS:
        from nis2.reminders import is_current as nis2_is_current  # NIS2's clocks are its own

        return nis2_is_current(notification)
    if notification.kind not in Notification.REMINDER_KINDS:
        return True
    incident = notification.incident
    return (
        incident.is_open
        and incident.clock_stopped_at is None
        and incident.notification_deadline == notification.deadline
    )


def create_due_reminders(*, now: datetime | None = None) -> int:
    """Queue the reminder that fits each unnotified, undecided incident's time left. The worker
    runs this in its loop; running it twice queues nothing twice (the unique constraint)."""
    now = now or timezone.now()
    created = 0
    bounds = [timedelta(hours=24), timedelta(hours=6), timedelta(0), None]
    for (kind, upper), lower in zip(REMINDERS, bounds[1:], strict=True):
        sent_already = Notification.objects.filter(
            incident=OuterRef("pk"), kind=kind, deadline=OuterRef("notification_deadline")
        )
        candidates = (
            Incident.objects.awaiting_notification()
            .filter(notification_deadline__lte=now + upper)
            .exclude(Exists(sent_already))
        )
        if lower is not None:
            candidates = candidates.filter(notification_deadline__gt=now + lower)
        for incident in candidates.only("pk", "reference", "notification_deadline"):
            created += queue(
                incident=incident,
                kind=kind,
                recipient_email=_gdpr_email(),
                now=now,
                deadline=incident.notification_deadline,
            )
    return created


def rearm_reminders(*, incident: Incident, now: datetime) -> int:
    """Make the reminders follow the incident's clock after a change to it (call inside the
    transaction that made the change): unsent reminders for another deadline, or for a clock
    that has stopped, are cancelled; a running clock gets the reminder due now for its deadline.
    Returns how many were cancelled."""
    running = incident.is_open and incident.clock_stopped_at is None
    unsent = Notification.objects.filter(
        incident=incident, kind__in=Notification.REMINDER_KINDS
    ).exclude(status__in=[Status.SENT, Status.CANCELLED])
    if running:
        unsent = unsent.exclude(deadline=incident.notification_deadline)
    cancelled = unsent.update(status=Status.CANCELLED)
    if running:
        kind = _stage(incident.notification_deadline - now)
        if kind is not None:
            queue(
                incident=incident,
                kind=kind,
                recipient_email=_gdpr_email(),
                now=now,
                deadline=incident.notification_deadline,
            )
    return cancelled
