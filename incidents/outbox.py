"""Sending the outbox (incidents.Notification): claim a due e-mail with a conditional UPDATE and a
short lease, renew the lease while the mail server talks, retry with back-off when it refuses,
and record "sent" even when the database blinks right after. `manage.py run_worker` runs this.

Exactly once: only the worker whose UPDATE claimed a row sends it, and a claim is known by the
row's attempt number, which every claim raises. What is left of the window for a duplicate: the
mail server accepted the e-mail, and then the worker died (SIGKILL, power), or the database was
unreachable for longer than the lease right then (another worker may take the row over before
this one can record it; a restart takes seconds). Then the row is sent again, with the same
Message-ID, so mail systems can recognise the copy.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    connection,
    connections,
    transaction,
)
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from incidents.models import Notification, TimelineEntry
from incidents.notifications import compose, is_current, message_id_for, record_delivery

logger = logging.getLogger(__name__)

Status = Notification.Status

# A claim not renewed for this long is presumed dead (its worker was killed) and is taken over:
# an interrupted e-mail goes out about a minute later. Renewed every RENEW_EVERY while sending,
# so a slow mail server (EMAIL_TIMEOUT per step) never loses the claim to another worker.
CLAIM_LEASE = timedelta(seconds=60)
RENEW_EVERY = timedelta(seconds=15)
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=1)
# How long a worker keeps trying to record an e-mail the mail server has accepted while the
# database is unreachable; after that it gives the row up (its lease runs out: sent again).
RECORD_PATIENCE = timedelta(minutes=5)


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, … minutes, at most an hour: keeps trying while the mail server is down."""
    return min(RETRY_BASE * (2 ** max(attempts - 1, 0)), RETRY_CAP)


def connection_lost(error: DatabaseError) -> bool:
    """The database went away (restart, crash, network), as opposed to a bug in a query.
    psycopg2 reports a server gone mid-query sometimes as a bare DatabaseError: then the
    connection no longer answers."""
    if isinstance(error, OperationalError | InterfaceError):
        return True
    return connection.connection is None or not connection.is_usable()


def reset_connection() -> None:
    """Drop this thread's database connection after an error; the next query opens a new one."""
    with contextlib.suppress(Exception):
        connection.close()


# --- Claiming ---------------------------------------------------------------------------------


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


def claim_next(*, now: datetime) -> Notification | None:
    """The oldest due row, claimed; None when nothing is due. Another worker may win the race
    for a row (its UPDATE comes first): then the next one is tried."""
    due = Notification.objects.filter(_due(now)).order_by("next_attempt_at", "pk")
    for pk in due.values_list("pk", flat=True)[:20]:
        notification = claim(pk, now=now)
        if notification is not None:
            return notification
    return None


def _ours(notification: Notification) -> QuerySet:
    """The row while our claim holds: a takeover would have raised its attempt number."""
    return Notification.objects.filter(
        pk=notification.pk, status=Status.SENDING, attempts=notification.attempts
    )


class Lease:
    """Renews a claim every RENEW_EVERY while the e-mail is being sent, from a thread with its
    own database connection, so only a dead worker's claim runs out."""

    def __init__(
        self,
        notification: Notification | None = None,
        every: timedelta = RENEW_EVERY,
        *,
        ours: Callable[[], QuerySet] | None = None,
    ) -> None:
        # `ours`: the claimed row while the claim holds, for an outbox other than this one's
        # (awareness/outbox.py); by default the Notification's.
        self.ours = ours or (lambda: _ours(notification))
        self.every = every.total_seconds()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._renew, daemon=True, name="outbox-lease")

    def __enter__(self) -> Lease:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._done.set()
        self._thread.join()

    def _renew(self) -> None:
        try:
            while not self._done.wait(self.every):
                try:
                    self.ours().update(claimed_at=timezone.now())
                except DatabaseError as error:
                    if not connection_lost(error):
                        raise
                    reset_connection()  # try again at the next turn
        finally:
            connections.close_all()  # this thread's own connection


# --- Sending ----------------------------------------------------------------------------------


def _error_text(error: Exception) -> str:
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__}{f' {code}' if code else ''}"[:200]


def send(notification: Notification) -> str:
    """Send a row we have claimed. Returns what happened, for logs and tests."""
    if not is_current(notification):
        # The deadline moved or the clock stopped after the reminder was queued.
        _ours(notification).update(status=Status.CANCELLED)
        return "cancelled"
    with Lease(notification):
        try:
            compose(notification).send()
        except (smtplib.SMTPException, OSError) as error:
            retry_at = timezone.now() + retry_delay(notification.attempts)
            _ours(notification).update(
                status=Status.FAILED, next_attempt_at=retry_at, last_error=_error_text(error)
            )
            logger.warning(
                "Notification %s not sent (%s); retry at %s",
                notification.pk,
                _error_text(error),
                retry_at.isoformat(),
            )
            return "failed"
        _record_sent(notification)
    return "sent"


def _record_sent(notification: Notification) -> None:
    """Mark the row sent and note it on the timeline, retrying while the database is away: the
    mail server has the e-mail, and a row left "sending" would be sent again."""
    give_up = time.monotonic() + RECORD_PATIENCE.total_seconds()
    pause = 0.25
    while True:
        try:
            with transaction.atomic():
                now = timezone.now()
                # 0 rows: an earlier try committed before its connection broke (or, after a long
                # outage, another worker took the row over).
                if _ours(notification).update(
                    status=Status.SENT,
                    sent_at=now,
                    message_id=message_id_for(notification),
                    last_error="",
                ):
                    TimelineEntry.objects.create(
                        incident=notification.incident,
                        at=now,
                        kind=TimelineEntry.Kind.EMAIL_SENT,
                        visibility=TimelineEntry.Visibility.INTERNAL,
                        changes={
                            "email": notification.kind,
                            **record_delivery(notification, at=now),
                        },
                    )
            return
        except DatabaseError as error:
            if not connection_lost(error) or time.monotonic() > give_up:
                raise
            logger.warning(
                "Notification %s was sent but not yet recorded (%s); trying again",
                notification.pk,
                type(error).__name__,
            )
            reset_connection()
            time.sleep(pause)
            pause = min(pause * 2, 2.0)


def deliver(notification_id: int) -> str:
    """Send one row if it is due and ours to take."""
    notification = claim(notification_id, now=timezone.now())
    if notification is None:
        return "skipped"
    return send(notification)


def deliver_next() -> str | None:
    """Send the oldest due row; None when nothing is due."""
    notification = claim_next(now=timezone.now())
    if notification is None:
        return None
    return send(notification)
