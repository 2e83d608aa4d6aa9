"""Campaign reminders: one e-mail per person not done per reminder, through the real worker and a
real SMTP server on loopback, exactly once across worker restarts and a worker killed while it
held an e-mail; a double click is one reminder; subjects name no one."""

from __future__ import annotations

import signal
import time
import uuid
from collections import Counter

import pytest
from django.utils import timezone

from awareness import outbox
from awareness.models import ReminderEmail
from portal.models import WorkerHeartbeat
from tests.awareness.conftest import EMAIL_SECTION, start
from tests.gdpr.conftest import run_worker_process, start_worker_process

pytestmark = pytest.mark.django_db(transaction=True)


def recipients(smtp_server) -> Counter:
    return Counter(
        message["To"]
        for message in smtp_server.inbox.messages
        if "sikkerhedsfolderen" in (message["Subject"])
    )


@pytest.fixture
def campaign(folder, gdpr_user, reporter, colleague, manager, other_manager):
    """For everyone; the reporter has already read the one section."""
    current = start(gdpr_user, title="Alle skal læse", slugs=[EMAIL_SECTION])
    from awareness import services
    from guidance.models import Section

    services.section_confirm(
        user=reporter,
        campaign=current,
        section=Section.objects.get(slug=EMAIL_SECTION),
        read_version=1,
        choice=None,
        understood=True,
    )
    return current


def test_a_reminder_goes_once_to_each_person_not_done_across_worker_restarts(
    smtp_server, campaign, gdpr_user, reporter, colleague
):
    token = uuid.uuid4()
    _reminder, queued = outbox.remind(actor=gdpr_user, campaign=campaign, token=token)
    _again, queued_again = outbox.remind(actor=gdpr_user, campaign=campaign, token=token)
    assert queued_again == 0  # the same form twice (a double click) is one reminder

    run_worker_process(smtp_server.port)
    run_worker_process(smtp_server.port)  # a restarted worker finds nothing more to send
    sent = recipients(smtp_server)
    assert reporter.email not in sent  # done already
    assert set(sent.values()) == {1}
    assert len(sent) == queued == 4  # Carl, Mona, Ole, Gry (everyone but Rikke)


def test_an_email_held_by_a_killed_worker_is_sent_once_after_its_lease(
    smtp_server, campaign, gdpr_user, colleague
):
    _reminder, queued = outbox.remind(actor=gdpr_user, campaign=campaign, token=uuid.uuid4())
    # A worker claimed Carl's e-mail and was killed before sending it: its lease has run out.
    held = ReminderEmail.objects.get(user=colleague)
    ReminderEmail.objects.filter(pk=held.pk).update(
        status="sending", attempts=1, claimed_at=timezone.now() - outbox.CLAIM_LEASE * 2
    )
    run_worker_process(smtp_server.port)
    run_worker_process(smtp_server.port)
    sent = recipients(smtp_server)
    assert sent[colleague.email] == 1
    assert set(sent.values()) == {1} and len(sent) == queued
    held.refresh_from_db()
    assert held.status == "sent" and held.attempts == 2


def test_an_email_another_worker_holds_is_left_to_it(smtp_server, campaign, gdpr_user, colleague):
    outbox.remind(actor=gdpr_user, campaign=campaign, token=uuid.uuid4())
    # Claimed a moment ago by a live worker (its lease is being renewed): not ours to send.
    ReminderEmail.objects.filter(user=colleague).update(
        status="sending", attempts=1, claimed_at=timezone.now()
    )
    run_worker_process(smtp_server.port)
    assert colleague.email not in recipients(smtp_server)


def test_the_unique_row_key_refuses_a_second_email_for_the_same_reminder_and_person(
    campaign, gdpr_user, colleague
):
    from django.db import IntegrityError, transaction

    outbox.remind(actor=gdpr_user, campaign=campaign, token=uuid.uuid4())
    row = ReminderEmail.objects.get(user=colleague)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderEmail.objects.create(
            reminder=row.reminder,
            user=colleague,
            recipient_email=colleague.email,
            next_attempt_at=timezone.now(),
        )


def test_a_second_reminder_reaches_only_those_still_not_done_once_more(
    smtp_server, campaign, gdpr_user, colleague, manager
):
    outbox.remind(actor=gdpr_user, campaign=campaign, token=uuid.uuid4())
    run_worker_process(smtp_server.port)
    from awareness import services
    from guidance.models import Section

    services.section_confirm(
        user=colleague,
        campaign=campaign,
        section=Section.objects.get(slug=EMAIL_SECTION),
        read_version=1,
        choice=None,
        understood=True,
    )
    outbox.remind(actor=gdpr_user, campaign=campaign, token=uuid.uuid4())
    run_worker_process(smtp_server.port)
    sent = recipients(smtp_server)
    assert sent[colleague.email] == 1  # done before the second reminder
    assert sent[manager.email] == 2  # once per reminder


def test_the_reminder_names_the_campaign_and_deadline_but_no_one(smtp_server, campaign, gdpr_user):
    outbox.remind(actor=gdpr_user, campaign=campaign, token=uuid.uuid4())
    run_worker_process(smtp_server.port)
    message = smtp_server.inbox.messages[0]
    subject = " ".join(message["Subject"].split())
    assert subject.startswith("Påmindelse: læs og bekræft afsnit af sikkerhedsfolderen – frist ")
    body = message.get_content()
    assert "Alle skal læse" in body and "/laesning/" in body
    for name in ("Carl", "Mona", "Ole", "Gry", "Rikke"):
        assert name not in subject and name not in body


def test_two_workers_running_at_once_send_each_reminder_email_once(
    smtp_server, campaign, gdpr_user
):
    """Two looping workers (as two machines would run them), then both stopped with SIGTERM."""
    _reminder, queued = outbox.remind(actor=gdpr_user, campaign=campaign, token=uuid.uuid4())
    workers = [start_worker_process(smtp_server.port) for _ in range(2)]
    try:
        deadline = time.monotonic() + 60
        while ReminderEmail.objects.exclude(status="sent").exists():
            assert time.monotonic() < deadline, "the workers did not send everything"
            time.sleep(0.2)
        # One worker may have sent everything before the other finished starting; a SIGTERM
        # before its handler is installed would kill it. Its heartbeat row says it is running.
        while WorkerHeartbeat.objects.count() < len(workers):
            assert time.monotonic() < deadline, "a worker did not start"
            time.sleep(0.2)
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.communicate(timeout=60)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    sent = recipients(smtp_server)
    assert len(sent) == queued and set(sent.values()) == {1}
    assert all(worker.returncode == 0 for worker in workers)
