"""E-mails about incidents through a durable outbox: queueing, composing, claiming, sending, and
the periodic sweep that creates deadline reminders and re-queues work whose task was lost.

Exactly once: a Notification row exists once per (incident, kind, recipient) — a database
constraint — and is sent only by whoever wins the conditional UPDATE that claims it. The one
residual window is a worker dying after the SMTP server accepted the message but before the row
is marked sent: after CLAIM_LEASE the row is sent again, with the same Message-ID so mail
clients can recognise the duplicate.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import CharField, Exists, F, OuterRef, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _lazy

from incidents.models import Incident, Notification, TimelineEntry

logger = logging.getLogger(__name__)

Kind = Notification.Kind
Status = Notification.Status

# A claim older than this is presumed dead (its worker crashed); EMAIL_TIMEOUT is far shorter.
CLAIM_LEASE = timedelta(minutes=10)
# Rows due for longer than this with no queued task are re-queued by the sweep.
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=1)

REMINDERS = [
    # (kind, fires when the time left is at most this)
    (Kind.REMINDER_24H, timedelta(hours=24)),
    (Kind.REMINDER_6H, timedelta(hours=6)),
    (Kind.DEADLINE_PASSED, timedelta(0)),
]

SEND_TASK_PATH = "incidents.tasks.send_notification"


def _gdpr_email() -> str:
    return settings.PORTAL_CONTACTS["gdpr_email"]


# --- Queueing ---------------------------------------------------------------------------------


def _enqueue(notification_id: int, run_after: datetime | None = None) -> None:
    from incidents.tasks import send_notification  # the task module imports this one

    task = send_notification if run_after is None else send_notification.using(run_after=run_after)
    # The database backend writes the task row in the caller's transaction: committed together
    # with the outbox row, or not at all.
    task.enqueue(notification_id)


def queue(
    *,
    incident: Incident,
    kind: str,
    recipient_email: str,
    now: datetime,
    deadline: datetime | None = None,
) -> bool:
    """Create the outbox row and its task unless it exists already. True if created.

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
            defaults={"next_attempt_at": now},
        )
        revived = not created and Notification.objects.filter(
            pk=notification.pk, status=Status.CANCELLED
        ).update(status=Status.PENDING, next_attempt_at=now)
        if created or revived:
            _enqueue(notification.pk)
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
    now, in the caller's transaction, so it follows from the change that called for it. True if
    created or revived (a cancelled one for the same deadline, due again)."""
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
        if created or revived:
            _enqueue(notification.pk, run_after=at if at > now else None)
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
    created = Notification.objects.bulk_create(
        Notification(incident=incident, kind=kind, recipient_email=email, next_attempt_at=now)
        for kind, email in recipients
        if email
    )
    for notification in created:
        _enqueue(notification.pk)


# --- Composing --------------------------------------------------------------------------------

SUBJECT_SUFFIX = {
    Kind.NEW_REPORT_GDPR: _lazy("nyt sikkerhedsbrud"),
    Kind.NEW_REPORT_IT: _lazy("nyt sikkerhedsbrud"),
    Kind.NEW_REPORT_MANAGER: _lazy("nyt sikkerhedsbrud i din afdeling"),
    Kind.RECEIPT_REPORTER: _lazy("kvittering for din anmeldelse"),
    Kind.REMINDER_24H: _lazy("24 timer til fristen"),
    Kind.REMINDER_6H: _lazy("6 timer til fristen"),
    Kind.DEADLINE_PASSED: _lazy("fristen er overskredet"),
    Kind.NIS2_EARLY_WARNING_SOON: _lazy("NIS2: frist for tidlig varsling nærmer sig"),
    Kind.NIS2_NOTIFICATION_SOON: _lazy("NIS2: frist for hændelsesunderretning nærmer sig"),
    Kind.NIS2_FINAL_REPORT_SOON: _lazy("NIS2: frist for endelig rapport nærmer sig"),
    Kind.NIS2_DEADLINE_PASSED: _lazy("NIS2: en frist er overskredet"),
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


# --- Sending ----------------------------------------------------------------------------------


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, … minutes, at most an hour: keeps trying while the mail server is down."""
    return min(RETRY_BASE * (2 ** max(attempts - 1, 0)), RETRY_CAP)


def _due(now: datetime) -> Q:
    return Q(status__in=[Status.PENDING, Status.FAILED], next_attempt_at__lte=now) | Q(
        status=Status.SENDING, claimed_at__lt=now - CLAIM_LEASE
    )


def claim(notification_id: int, *, now: datetime) -> Notification | None:
    """Take the row for sending, or None if it is sent, not yet due, or another worker has it."""
    claimed = Notification.objects.filter(_due(now), pk=notification_id).update(
        status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    return Notification.objects.select_related(
        "incident", "incident__department", "incident__reporter", "incident__manager"
    ).get(pk=notification_id)


def _error_text(error: Exception) -> str:
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__}{f' {code}' if code else ''}"[:200]


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


def deliver(notification_id: int) -> str:
    """Send one outbox row if it is due and ours to send. Returns what happened, for logs."""
    notification = claim(notification_id, now=timezone.now())
    if notification is None:
        return "skipped"
    ours = Notification.objects.filter(
        pk=notification.pk, status=Status.SENDING, claimed_at=notification.claimed_at
    )
    if not is_current(notification):
        # The deadline moved or the clock stopped after the reminder was queued.
        ours.update(status=Status.CANCELLED)
        return "cancelled"
    try:
        compose(notification).send()
    except (smtplib.SMTPException, OSError) as error:
        retry_at = timezone.now() + retry_delay(notification.attempts)
        with transaction.atomic():
            if ours.update(
                status=Status.FAILED, next_attempt_at=retry_at, last_error=_error_text(error)
            ):
                _enqueue(notification.pk, run_after=retry_at)
        logger.warning(
            "Notification %s not sent (%s); retry at %s",
            notification.pk,
            _error_text(error),
            retry_at.isoformat(),
        )
        return "failed"
    now = timezone.now()
    with transaction.atomic():
        if ours.update(
            status=Status.SENT, sent_at=now, message_id=message_id_for(notification), last_error=""
        ):
            TimelineEntry.objects.create(
                incident=notification.incident,
                at=now,
                kind=TimelineEntry.Kind.EMAIL_SENT,
                visibility=TimelineEntry.Visibility.INTERNAL,
                changes={"email": notification.kind},
            )
    return "sent"


# --- The sweep ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    reminders: int
    requeued: int


def _stage(time_left: timedelta) -> str | None:
    """The reminder that fits the time left: only the latest stage (an incident reported 5
    hours before its deadline gets the 6-hour reminder, not a belated 24-hour one too)."""
    due = [kind for kind, upper in REMINDERS if time_left <= upper]
    return due[-1] if due else None


def create_due_reminders(*, now: datetime) -> int:
    """Queue the reminder that fits each unnotified, undecided incident's time left."""
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


def requeue_lost(*, now: datetime) -> int:
    """Give a task to due rows that have none waiting (their task was lost with a worker)."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.annotate(first_arg=KT("args_kwargs__args__0")).filter(
        status="READY",
        task_path=SEND_TASK_PATH,
        first_arg=Cast(OuterRef("pk"), output_field=CharField()),
    )
    lost = Notification.objects.filter(_due(now)).exclude(Exists(waiting))
    count = 0
    for pk in lost.values_list("pk", flat=True)[:1000]:
        with transaction.atomic():
            _enqueue(pk)
        count += 1
    return count


def sweep(*, now: datetime | None = None) -> SweepResult:
    now = now or timezone.now()
    reminders = create_due_reminders(now=now)
    requeued = requeue_lost(now=now)
    return SweepResult(reminders=reminders, requeued=requeued)
