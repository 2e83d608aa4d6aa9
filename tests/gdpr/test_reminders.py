"""Deadline reminders to the GDPR unit: 24 h and 6 h before the deadline and when it passes, in
real hours across a daylight-saving change, once each, and only while the clock runs."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command

from incidents import notifications, outbox
from incidents.models import Incident, Notification, NotifyDecision
from tests.incidents.conftest import make_incident
from tests.incidents.steps import close, handle_to_closable

Kind = Notification.Kind
CPH = ZoneInfo("Europe/Copenhagen")


def cph(*args) -> datetime:
    return datetime(*args, tzinfo=CPH)


def reminders(incident) -> list[str]:
    return list(
        incident.notifications.filter(
            kind__in=[Kind.REMINDER_24H, Kind.REMINDER_6H, Kind.DEADLINE_PASSED]
        ).values_list("kind", flat=True)
    )


@pytest.fixture
def spring_incident(reporter):
    """Aware Saturday 28 March 2026 10:00 CET; clocks go forward on Sunday at 02:00, so the
    deadline, 72 real hours later, is Tuesday 31 March 11:00 CEST."""
    incident = make_incident(reporter, now=cph(2026, 3, 28, 10, 0))
    assert incident.notification_deadline == cph(2026, 3, 31, 11, 0)
    return incident


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (cph(2026, 3, 30, 10, 59), []),
        (cph(2026, 3, 30, 11, 0), [Kind.REMINDER_24H]),
        (cph(2026, 3, 31, 4, 59), [Kind.REMINDER_24H]),
        (cph(2026, 3, 31, 5, 0), [Kind.REMINDER_24H, Kind.REMINDER_6H]),
        (cph(2026, 3, 31, 10, 59), [Kind.REMINDER_24H, Kind.REMINDER_6H]),
        (cph(2026, 3, 31, 11, 0), [Kind.REMINDER_24H, Kind.REMINDER_6H, Kind.DEADLINE_PASSED]),
    ],
)
def test_reminders_come_at_the_right_real_hour_across_the_spring_dst_change(
    spring_incident, at, expected
):
    # Walk the clock up to `at`, looking every hour and at `at` itself, as the worker does.
    moment = cph(2026, 3, 28, 10, 0)
    while moment < at:
        with time_machine.travel(moment, tick=False):
            notifications.create_due_reminders()
        moment += timedelta(hours=1)
    with time_machine.travel(at, tick=False):
        notifications.create_due_reminders()
        notifications.create_due_reminders()
    assert sorted(reminders(spring_incident)) == sorted(expected)


@pytest.mark.django_db
def test_reminders_go_to_the_gdpr_mailbox_once(spring_incident):
    with time_machine.travel(cph(2026, 3, 31, 12, 0), tick=False):
        call_command("run_worker", "--once", verbosity=0)
        call_command("run_worker", "--once", verbosity=0)
    rows = spring_incident.notifications.filter(kind=Kind.DEADLINE_PASSED)
    assert [r.recipient_email for r in rows] == [settings.PORTAL_CONTACTS["gdpr_email"]]


@pytest.mark.django_db
def test_a_late_report_gets_only_the_latest_reminder(reporter):
    with time_machine.travel(cph(2026, 5, 4, 12, 0), tick=False):
        incident = make_incident(reporter, discovered_at=cph(2026, 5, 1, 15, 0))  # 3 h left
        notifications.create_due_reminders()
    assert reminders(incident) == [Kind.REMINDER_6H]


@pytest.mark.django_db
def test_no_reminders_once_decided_not_to_notify_or_closed(
    reporter, spring_incident, gdpr_user, it_user
):
    Incident.objects.filter(pk=spring_incident.pk).update(
        assessed_at=cph(2026, 3, 29, 9, 0),
        notify_decision=NotifyDecision.NOT_NOTIFY,
        decided_at=cph(2026, 3, 29, 9, 0),
        clock_stopped_at=cph(2026, 3, 29, 9, 0),
    )
    closed = make_incident(reporter, now=cph(2026, 3, 28, 10, 0))
    with time_machine.travel(cph(2026, 3, 28, 11, 0), tick=False):
        close(handle_to_closable(closed, gdpr=gdpr_user, it=it_user), gdpr_user)
    with time_machine.travel(cph(2026, 4, 2, 12, 0), tick=False):
        notifications.create_due_reminders()
    assert reminders(spring_incident) == []
    assert reminders(closed) == []


@pytest.mark.django_db
def test_the_reminder_email_names_no_one(spring_incident):
    from django.core import mail

    with time_machine.travel(cph(2026, 3, 31, 12, 0), tick=False):
        notifications.create_due_reminders()
        row = spring_incident.notifications.get(kind=Kind.DEADLINE_PASSED)
        assert outbox.deliver(row.pk) == "sent"
    message = mail.outbox[-1]
    assert message.subject == (
        f"[{spring_incident.reference}] Mistet eller stjålet udstyr (pc, mobil, tablet, "
        "USB-nøgle) – fristen er overskredet"
    )
    assert "Fristen for at anmelde sikkerhedsbruddet til Datatilsynet er overskredet" in (
        message.body
    )
    assert "mistet min arbejdsmobil" not in message.body
