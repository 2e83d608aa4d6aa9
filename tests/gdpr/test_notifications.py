"""E-mails about incidents: queued with the report, sent once through the worker, retried while
the mail server is down, and free of personal data in their subjects."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from incidents import notifications
from incidents.models import Notification, TimelineEntry
from tests.gdpr.conftest import run_worker_in_process, run_worker_process
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
def test_a_new_report_queues_four_emails_and_their_tasks_in_the_same_transaction(reporter, manager):
    incident = make_incident(reporter)
    rows = {n.kind: n.recipient_email for n in incident.notifications.all()}
    assert rows == expected_recipients(reporter, manager)
    assert set(incident.notifications.values_list("status", flat=True)) == {Status.PENDING}
    tasks = DBTaskResult.objects.filter(task_path="incidents.tasks.send_notification")
    assert sorted(t.args_kwargs["args"][0] for t in tasks) == sorted(
        incident.notifications.values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_a_report_that_is_rolled_back_queues_nothing(reporter):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_incident(reporter)
        raise RuntimeError("the request failed after submitting")
    assert not Notification.objects.exists()
    assert not DBTaskResult.objects.exists()


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
    notifications.sweep()
    notifications.sweep()
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
    assert notifications.deliver(pk) == "sent"
    assert notifications.deliver(pk) == "skipped"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_only_one_of_two_workers_claims_a_notification(incident):
    pk = incident.notifications.first().pk
    now = timezone.now()
    assert notifications.claim(pk, now=now) is not None
    assert notifications.claim(pk, now=now + timedelta(minutes=1)) is None


@pytest.mark.django_db
def test_a_send_interrupted_by_a_crash_is_taken_over_after_the_lease(incident):
    pk = incident.notifications.first().pk
    now = timezone.now()
    notifications.claim(pk, now=now)  # ... and the worker dies here
    assert notifications.claim(pk, now=now + notifications.CLAIM_LEASE) is None
    taken = notifications.claim(pk, now=now + notifications.CLAIM_LEASE + timedelta(seconds=1))
    assert taken is not None
    assert taken.attempts == 2


@pytest.mark.django_db
def test_the_sweep_requeues_a_due_email_whose_task_was_lost_but_not_one_still_waiting(incident):
    assert notifications.sweep().requeued == 0  # every row still has its task waiting
    DBTaskResult.objects.all().delete()  # the tasks are lost
    assert notifications.sweep().requeued == 4
    assert notifications.sweep().requeued == 0


@pytest.mark.django_db
def test_subjects_carry_only_the_reference_and_the_category(reporter):
    incident = make_incident(reporter, category="misdirected_mail", description=DESCRIPTION)
    for row in incident.notifications.all():
        notifications.deliver(row.pk)
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
    notifications.deliver(incident.notifications.get(kind=Kind.NEW_REPORT_GDPR).pk)
    body = mail.outbox[0].body
    assert "Der er anmeldt et nyt sikkerhedsbrud." in body
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
    delays = [notifications.retry_delay(n) for n in range(1, 10)]
    assert delays[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert delays[-1] == timedelta(hours=1)
