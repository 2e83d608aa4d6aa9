"""Campaign reminders through a durable outbox, as incidents/notifications.py sends the incident
e-mails: one row per (reminder, person), written with the reminder in one transaction together
with its task; sent by whoever wins the conditional UPDATE that claims it; retried with back-off
while the mail server is down; re-queued by the sweep (`send_due_notifications`) when a worker
died holding it.

Exactly once per person per reminder: the unique constraint and the claim. What is left of the
window for a duplicate is the incidents outbox's: a worker killed after the mail server accepted
the e-mail but before the row was marked sent; after CLAIM_LEASE it is sent again, with the
same Message-ID.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import CharField, Exists, F, OuterRef, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from awareness.models import Campaign, Reminder, ReminderEmail
from awareness.progress import progress
from portal import roles

logger = logging.getLogger(__name__)
Status = ReminderEmail.Status

CLAIM_LEASE = timedelta(minutes=10)
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=1)
SEND_TASK_PATH = "awareness.tasks.send_reminder_email"


def _enqueue(pk: int, run_after: datetime | None = None) -> None:
    from awareness.tasks import send_reminder_email  # the task module imports this one

    task = (
        send_reminder_email if run_after is None else send_reminder_email.using(run_after=run_after)
    )
    task.enqueue(pk)  # in the caller's transaction (django-tasks' database backend)


@transaction.atomic
def remind(
    *, actor: User, campaign: Campaign, token: uuid.UUID, now: datetime | None = None
) -> tuple[Reminder, int]:
    """A reminder to everyone in the campaign not done yet: (the reminder, e-mails queued).
    The same token again (a double click, a resent form) is the same reminder, nothing more."""
    if not roles.can_run_campaigns(actor):
        raise PermissionDenied
    now = now or timezone.now()
    reminder, created = Reminder.objects.get_or_create(
        token=token, defaults={"campaign": campaign, "sent_by": actor, "created_at": now}
    )
    if not created:
        return reminder, 0
    rows = ReminderEmail.objects.bulk_create(
        ReminderEmail(
            reminder=reminder, user=row.user, recipient_email=row.user.email, next_attempt_at=now
        )
        for row in progress(campaign, now=now)
        if not row.complete and row.user.email
    )
    for row in rows:
        _enqueue(row.pk)
    return reminder, len(rows)


# --- Composing --------------------------------------------------------------------------------


def message_id_for(email: ReminderEmail) -> str:
    """Deterministic, so a resend after a crash carries the same Message-ID."""
    domain = urlsplit(settings.SITE_URL).hostname or "sikkerhedsportalen.invalid"
    return f"<awareness-reminder-{email.pk}@{domain}>"


def compose(email: ReminderEmail) -> EmailMessage:
    """The campaign's title and deadline and a link; never anyone's name in the subject."""
    campaign = email.reminder.campaign
    with translation.override("da"):
        deadline = formats.date_format(campaign.deadline, "j. F Y")
        subject = _("Påmindelse: læs og bekræft afsnit af sikkerhedsfolderen – frist %(date)s") % {
            "date": deadline
        }
        body = render_to_string(
            "awareness/email/reminder.txt",
            {
                "campaign": campaign,
                "deadline": deadline,
                "url": settings.SITE_URL + reverse("awareness:mine"),
                "organisation": settings.PORTAL_ORGANISATION,
            },
        )
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.recipient_email],
        headers={"Message-ID": message_id_for(email), "Auto-Submitted": "auto-generated"},
    )


# --- Sending ----------------------------------------------------------------------------------


def retry_delay(attempts: int) -> timedelta:
    return min(RETRY_BASE * (2 ** max(attempts - 1, 0)), RETRY_CAP)


def _due(now: datetime) -> Q:
    return Q(status__in=[Status.PENDING, Status.FAILED], next_attempt_at__lte=now) | Q(
        status=Status.SENDING, claimed_at__lt=now - CLAIM_LEASE
    )


def claim(pk: int, *, now: datetime) -> ReminderEmail | None:
    """Take the row for sending, or None if it is sent, not yet due, or another worker has it."""
    if not ReminderEmail.objects.filter(_due(now), pk=pk).update(
        status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    ):
        return None
    return ReminderEmail.objects.select_related("reminder__campaign").get(pk=pk)


def deliver(pk: int) -> str:
    """Send one row if it is due and ours to send. Returns what happened, for logs."""
    email = claim(pk, now=timezone.now())
    if email is None:
        return "skipped"
    ours = ReminderEmail.objects.filter(pk=email.pk, status=Status.SENDING, attempts=email.attempts)
    try:
        compose(email).send()
    except (smtplib.SMTPException, OSError) as error:
        code = getattr(error, "smtp_code", None)
        text = f"{type(error).__name__}{f' {code}' if code else ''}"[:200]
        retry_at = timezone.now() + retry_delay(email.attempts)
        with transaction.atomic():
            if ours.update(status=Status.FAILED, next_attempt_at=retry_at, last_error=text):
                _enqueue(email.pk, run_after=retry_at)
        logger.warning("Reminder e-mail %s not sent (%s); retry at %s", pk, text, retry_at)
        return "failed"
    ours.update(status=Status.SENT, sent_at=timezone.now(), last_error="")
    return "sent"


def requeue_lost(*, now: datetime | None = None) -> int:
    """Give a task to due rows that have none waiting (their task was lost with a worker)."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    waiting = DBTaskResult.objects.annotate(first_arg=KT("args_kwargs__args__0")).filter(
        status="READY",
        task_path=SEND_TASK_PATH,
        first_arg=Cast(OuterRef("pk"), output_field=CharField()),
    )
    lost = ReminderEmail.objects.filter(_due(now)).exclude(Exists(waiting))
    count = 0
    for pk in lost.values_list("pk", flat=True)[:1000]:
        with transaction.atomic():
            _enqueue(pk)
        count += 1
    return count
