"""Campaign reminders through a durable outbox beside the incidents' (incidents/outbox.py): one
row per (reminder, person), written with the reminder in one transaction; sent by the one worker
(`manage.py run_worker`), by whoever wins the conditional UPDATE that claims a due row, under a
lease renewed while the mail server talks; retried with back-off while it is down.

Exactly once per person per reminder: the unique constraint and the claim. What is left of the
window for a duplicate is the incidents outbox's: a worker killed after the mail server accepted
the e-mail but before the row was marked sent; after the lease runs out it is sent again, with
the same Message-ID.
"""

from __future__ import annotations

import logging
import smtplib
import time
import uuid
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import DatabaseError, transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from awareness.models import Campaign, Reminder, ReminderEmail
from awareness.progress import progress
from incidents import outbox as incidents_outbox
from portal import roles

logger = logging.getLogger(__name__)
Status = ReminderEmail.Status

# The incidents outbox's lease, renewal, back-off and patience: one worker, one behaviour.
CLAIM_LEASE = incidents_outbox.CLAIM_LEASE
RECORD_PATIENCE = incidents_outbox.RECORD_PATIENCE
retry_delay = incidents_outbox.retry_delay


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
    # The worker finds the rows (next_attempt_at is now): nothing else to queue.
    rows = ReminderEmail.objects.bulk_create(
        ReminderEmail(
            reminder=reminder, user=row.user, recipient_email=row.user.email, next_attempt_at=now
        )
        for row in progress(campaign, now=now)
        if not row.complete and row.user.email
    )
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


# --- Sending (`manage.py run_worker` calls deliver_next) ---------------------------------------


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


def claim_next(*, now: datetime) -> ReminderEmail | None:
    """The oldest due row, claimed; None when nothing is due."""
    due = ReminderEmail.objects.filter(_due(now)).order_by("next_attempt_at", "pk")
    for pk in due.values_list("pk", flat=True)[:20]:
        email = claim(pk, now=now)
        if email is not None:
            return email
    return None


def _ours(email: ReminderEmail) -> QuerySet:
    """The row while our claim holds: a takeover would have raised its attempt number."""
    return ReminderEmail.objects.filter(pk=email.pk, status=Status.SENDING, attempts=email.attempts)


def send(email: ReminderEmail) -> str:
    """Send a row we have claimed. Returns what happened, for logs and tests."""
    with incidents_outbox.Lease(ours=lambda: _ours(email)):
        try:
            compose(email).send()
        except (smtplib.SMTPException, OSError) as error:
            code = getattr(error, "smtp_code", None)
            text = f"{type(error).__name__}{f' {code}' if code else ''}"[:200]
            retry_at = timezone.now() + retry_delay(email.attempts)
            _ours(email).update(status=Status.FAILED, next_attempt_at=retry_at, last_error=text)
            logger.warning(
                "Reminder e-mail %s not sent (%s); retry at %s", email.pk, text, retry_at
            )
            return "failed"
        _record_sent(email)
    return "sent"


def _record_sent(email: ReminderEmail) -> None:
    """Mark the row sent, retrying while the database is away: the mail server has the e-mail,
    and a row left "sending" would be sent again once its lease ran out."""
    give_up = time.monotonic() + RECORD_PATIENCE.total_seconds()
    pause = 0.25
    while True:
        try:
            _ours(email).update(status=Status.SENT, sent_at=timezone.now(), last_error="")
            return
        except DatabaseError as error:
            if not incidents_outbox.connection_lost(error) or time.monotonic() > give_up:
                raise
            incidents_outbox.reset_connection()
            time.sleep(pause)
            pause = min(pause * 2, 2.0)


def deliver(pk: int) -> str:
    """Send one row if it is due and ours to take."""
    email = claim(pk, now=timezone.now())
    if email is None:
        return "skipped"
    return send(email)


def deliver_next() -> str | None:
    """Send the oldest due row; None when nothing is due."""
    email = claim_next(now=timezone.now())
    if email is None:
        return None
    return send(email)
