"""E-mails about incidents: queued with the report, sent once through the worker, retried while
the mail server is down, taken over when a worker dies, and free of personal data in their
subjects."""

from __future__ import annotations

import asyncio
import re
import signal
import threading
import time
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone

from incidents import notifications, outbox
from incidents.models import Notification, TimelineEntry
from portal.models import WorkerHeartbeat
from tests.gdpr.conftest import (
    Inbox,
    run_worker_in_process,
    run_worker_process,
    start_worker_process,
)
from tests.incidents.conftest import make_incident

Kind = Notification.Kind
Status = Notification.Status

CPR = "010190-1234"
CITIZEN = "Bodil Borgersen"
DESCRIPTION = f"Brev om {CITIZEN} (CPR {CPR}) blev sendt til en forkert adresse."


def expected_recipients(reporter, manager) -> dict[str, str]:
    return {
        Kind.NEW_REPORT_GDPR: settings.PORTAL_CONTACTS["gdpr_email"],
        Kind.NEW_REPORT_IT: settings.PORTAL_CONTACTS["it_email"],
        Kind.NEW_REPORT_MANAGER: manager.email,
        Kind.RECEIPT_REPORTER: reporter.email,
    }


@pytest.mark.django_db
def test_a_new_report_queues_four_emails_in_the_same_transaction(reporter, manager):
    incident = make_incident(reporter)
    rows = {n.kind: n.recipient_email for n in incident.notifications.all()}
    assert rows == expected_recipients(reporter, manager)
    assert set(incident.notifications.values_list("status", flat=True)) == {Status.PENDING}


@pytest.mark.django_db
def test_a_report_that_is_rolled_back_queues_nothing(reporter):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_incident(reporter)
        raise RuntimeError("the request failed after submitting")
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_a_reporter_without_a_manager_gets_no_manager_email(reporter):
    reporter.profile.manager = None
    reporter.profile.save()
    incident = make_incident(reporter)
    assert Kind.NEW_REPORT_MANAGER not in incident.notifications.values_list("kind", flat=True)
    assert incident.notifications.count() == 3


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_each_email_exactly_once_when_run_twice(reporter, manager):
    incident = make_incident(reporter)
    run_worker_in_process()
    run_worker_in_process()
    notifications.create_due_reminders()
    run_worker_in_process()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        expected_recipients(reporter, manager).values()
    )
    assert set(incident.notifications.values_list("status", flat=True)) == {Status.SENT}
    assert incident.timeline.filter(kind=TimelineEntry.Kind.EMAIL_SENT).count() == 4
    entry = incident.timeline.filter(kind=TimelineEntry.Kind.EMAIL_SENT).first()
    assert entry.visibility == TimelineEntry.Visibility.INTERNAL


@pytest.mark.django_db
def test_a_second_delivery_of_the_same_row_sends_nothing(incident):
    pk = incident.notifications.get(kind=Kind.NEW_REPORT_GDPR).pk
    assert outbox.deliver(pk) == "sent"
    assert outbox.deliver(pk) == "skipped"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_only_one_of_two_workers_claims_a_notification(incident):
    pk = incident.notifications.first().pk
    now = timezone.now()
    assert outbox.claim(pk, now=now) is not None
    assert outbox.claim(pk, now=now + timedelta(seconds=30)) is None


@pytest.mark.django_db
def test_a_send_interrupted_by_a_crash_is_taken_over_within_a_minute(incident):
    pk = incident.notifications.first().pk
    now = timezone.now()
    outbox.claim(pk, now=now)  # ... and the worker dies here
    assert timedelta(minutes=1) >= outbox.CLAIM_LEASE
    assert outbox.claim(pk, now=now + outbox.CLAIM_LEASE) is None
    taken = outbox.claim(pk, now=now + outbox.CLAIM_LEASE + timedelta(seconds=1))
    assert taken is not None
    assert taken.attempts == 2


@pytest.mark.django_db(transaction=True)
def test_a_claim_is_renewed_while_the_mail_server_is_slow_so_no_one_takes_it_over(reporter):
    incident = make_incident(reporter)
    pk = incident.notifications.first().pk
    claimed = outbox.claim(pk, now=timezone.now())
    with outbox.Lease(claimed, every=timedelta(seconds=0.05)):
        time.sleep(0.5)  # the mail server takes its time
    renewed = Notification.objects.get(pk=pk)
    assert renewed.claimed_at > claimed.claimed_at
    # Without the renewal the lease would have run out by now; with it the claim holds.
    later = claimed.claimed_at + outbox.CLAIM_LEASE + timedelta(seconds=0.01)
    assert outbox.claim(pk, now=later) is None


@pytest.mark.django_db
def test_the_worker_takes_the_oldest_due_email_and_leaves_a_retry_until_its_time(reporter):
    first, second = make_incident(reporter), make_incident(reporter)
    now = timezone.now()
    waiting = first.notifications.order_by("pk").first()
    Notification.objects.filter(pk=waiting.pk).update(
        status=Status.FAILED, next_attempt_at=now + timedelta(minutes=4)
    )
    taken = []
    while (claimed := outbox.claim_next(now=now)) is not None:
        taken.append(claimed.pk)
    expected = [
        n.pk for n in Notification.objects.order_by("next_attempt_at", "pk") if n.pk != waiting.pk
    ]
    assert taken == expected
    assert second.notifications.filter(status=Status.SENDING).count() == 4


@pytest.mark.django_db
def test_subjects_carry_only_the_reference_and_the_category(reporter):
    incident = make_incident(reporter, category="misdirected_mail", description=DESCRIPTION)
    for row in incident.notifications.all():
        outbox.deliver(row.pk)
    assert len(mail.outbox) == 4
    for message in mail.outbox:
        assert re.fullmatch(
            rf"\[{incident.reference}\] Følsom e-mail sendt usikkert eller til forkert "
            r"modtager – [a-zæøå0-9 ]+",
            message.subject,
        ), message.subject
        for text in (message.subject, message.body):
            assert CPR not in text
            assert CITIZEN not in text
            assert "forkert adresse" not in text
            assert reporter.get_full_name() not in text
        assert f"{settings.SITE_URL}/sikkerhedsbrud/{incident.reference}/" in message.body
        assert message.extra_headers["Message-ID"].startswith("<notification-")


@pytest.mark.django_db
def test_the_gdpr_unit_is_told_what_to_do_in_danish(incident):
    outbox.deliver(incident.notifications.get(kind=Kind.NEW_REPORT_GDPR).pk)
    body = mail.outbox[0].body
    assert "Der er indberettet et nyt sikkerhedsbrud." in body
    assert "Frist for anmeldelse til Datatilsynet" in body


@pytest.mark.django_db(transaction=True)
def test_nothing_is_lost_while_the_mail_server_refuses_connections(smtp_server, reporter):
    smtp_server.stop()
    incident = make_incident(reporter)
    run_worker_in_process()
    failed = list(incident.notifications.all())
    assert {n.status for n in failed} == {Status.FAILED}
    assert all(n.attempts == 1 and n.last_error for n in failed)
    assert "@" not in "".join(n.last_error for n in failed)  # no addresses in the error
    assert smtp_server.inbox.messages == []

    smtp_server.start()
    run_worker_in_process()  # the retries wait for their back-off: nothing sent yet
    assert smtp_server.inbox.messages == []
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        run_worker_in_process()
        run_worker_in_process()
    assert len(smtp_server.inbox.messages) == 4
    assert {n.status for n in incident.notifications.all()} == {Status.SENT}
    subjects = {m["Subject"].strip() for m in smtp_server.inbox.messages}
    assert all(s.startswith(f"[{incident.reference}]") for s in subjects), subjects


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_process_sends_a_new_report_once_over_smtp(smtp_server, reporter, manager):
    make_incident(reporter, description=DESCRIPTION)
    run_worker_process(smtp_server.port)
    run_worker_process(smtp_server.port)
    received = smtp_server.inbox.messages
    assert sorted(m["To"] for m in received) == sorted(
        expected_recipients(reporter, manager).values()
    )
    assert len({m["Message-ID"] for m in received}) == 4
    for message in received:
        text = message["Subject"] + message.get_content()
        assert CPR not in text
        assert CITIZEN not in text


def test_back_off_doubles_up_to_an_hour():
    delays = [outbox.retry_delay(n) for n in range(1, 10)]
    assert delays[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert delays[-1] == timedelta(hours=1)


class SlowInbox(Inbox):
    """A mail server that takes a second over each e-mail, and says when one has begun."""

    def __init__(self) -> None:
        super().__init__()
        self.receiving = threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:
        self.receiving.set()
        await asyncio.sleep(1)
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.django_db(transaction=True)
def test_sigterm_lets_the_worker_finish_the_email_in_hand_and_stop(smtp_server, reporter):
    smtp_server.stop()
    smtp_server.inbox = SlowInbox()
    smtp_server.start()
    incident = make_incident(reporter)
    worker = start_worker_process(smtp_server.port)
    try:
        assert smtp_server.inbox.receiving.wait(timeout=60), "the worker sent nothing"
        heartbeat = WorkerHeartbeat.objects.get()
        assert heartbeat.name.endswith(f":{worker.pid}")
        worker.send_signal(signal.SIGTERM)  # in the middle of the first e-mail
        output, _ = worker.communicate(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, output
    statuses = sorted(incident.notifications.values_list("status", flat=True))
    assert statuses == [Status.PENDING] * 3 + [Status.SENT]
    assert len(smtp_server.inbox.messages) == 1
    assert not WorkerHeartbeat.objects.exists()  # it said goodbye
