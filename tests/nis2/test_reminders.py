"""NIS2's reminders through the incidents' outbox: scheduled when a clock is set, at the right real
hour across daylight saving, sent once by the real worker over SMTP, cancelled when the report is
sent, and never with NIS2 switched off."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from incidents.models import Notification
from nis2.models import Nis2Case
from tests.gdpr.conftest import run_worker_in_process
from tests.incidents.conftest import make_incident
from tests.nis2.steps import assess_nis2, submit

Kind = Notification.Kind
CPH = ZoneInfo("Europe/Copenhagen")
pytestmark = pytest.mark.django_db


def cph(*args) -> datetime:
    return datetime(*args, tzinfo=CPH)


def scheduled(incident) -> dict[tuple[str, datetime], tuple[str, datetime]]:
    """(kind, deadline) -> (status, when it is to be sent), for the NIS2 reminders."""
    return {
        (n.kind, n.deadline): (n.status, n.next_attempt_at)
        for n in Notification.objects.filter(
            incident=incident, kind__in=Notification.NIS2_REMINDER_KINDS
        )
    }


def nis2_mail(smtp_server) -> list:
    return [m for m in smtp_server.inbox.messages if "NIS2" in m["Subject"]]


def test_each_clock_gets_a_reminder_before_and_at_its_deadline_in_real_hours(reporter, gdpr_user):
    # Aware Saturday 28 March 2026 10:00 CET; the clocks go forward on Sunday at 02:00.
    incident = make_incident(reporter, now=cph(2026, 3, 28, 9, 0))
    assess_nis2(incident, gdpr_user, aware_at=cph(2026, 3, 28, 10, 0), now=cph(2026, 3, 28, 11))
    early, notification = cph(2026, 3, 29, 11, 0), cph(2026, 3, 31, 11, 0)
    assert scheduled(incident) == {
        (Kind.NIS2_EARLY_WARNING_SOON, early): ("pending", cph(2026, 3, 29, 5, 0)),
        (Kind.NIS2_DEADLINE_PASSED, early): ("pending", early),
        (Kind.NIS2_NOTIFICATION_SOON, notification): ("pending", cph(2026, 3, 30, 11, 0)),
        (Kind.NIS2_DEADLINE_PASSED, notification): ("pending", notification),
    }
    # 6 real hours before the early warning's deadline: 05:00 summer time, not 04:00.
    assert early - cph(2026, 3, 29, 5, 0) == timedelta(hours=6)


def test_a_report_cancels_its_clocks_reminders_and_starts_the_final_reports(reporter, gdpr_user):
    incident = make_incident(reporter, now=cph(2026, 3, 28, 9, 0))
    assess_nis2(incident, gdpr_user, aware_at=cph(2026, 3, 28, 10, 0), now=cph(2026, 3, 28, 11))
    later = cph(2026, 3, 29, 9, 0)
    submit(incident, gdpr_user, "early_warning", at=cph(2026, 3, 28, 20, 0), now=later)
    submit(incident, gdpr_user, "notification", at=cph(2026, 3, 29, 8, 0), now=later)
    rows = scheduled(incident)
    early, notification = cph(2026, 3, 29, 11, 0), cph(2026, 3, 31, 11, 0)
    final = cph(2026, 4, 29, 8, 0)  # a calendar month after the notification
    for kind, deadline in [
        (Kind.NIS2_EARLY_WARNING_SOON, early),
        (Kind.NIS2_DEADLINE_PASSED, early),
        (Kind.NIS2_NOTIFICATION_SOON, notification),
        (Kind.NIS2_DEADLINE_PASSED, notification),
    ]:
        assert rows[kind, deadline][0] == "cancelled"
    assert rows[Kind.NIS2_FINAL_REPORT_SOON, final] == ("pending", cph(2026, 4, 22, 8, 0))
    assert rows[Kind.NIS2_DEADLINE_PASSED, final] == ("pending", final)


def test_a_clock_set_late_is_reminded_now_and_when_it_passes(reporter, gdpr_user):
    now = cph(2026, 5, 4, 12, 0)
    incident = make_incident(reporter, now=now - timedelta(hours=23))
    assess_nis2(incident, gdpr_user, aware_at=now - timedelta(hours=22), now=now)
    rows = scheduled(incident)
    early = now + timedelta(hours=2)
    assert rows[Kind.NIS2_EARLY_WARNING_SOON, early] == ("pending", now)
    assert rows[Kind.NIS2_DEADLINE_PASSED, early] == ("pending", early)


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_a_due_reminder_once_by_smtp_without_names(
    smtp_server, reporter, gdpr_user
):
    now = timezone.now()
    incident = make_incident(reporter, now=now - timedelta(hours=21))
    assess_nis2(incident, gdpr_user, aware_at=now - timedelta(hours=20), now=now)
    run_worker_in_process()
    run_worker_in_process()
    [message] = nis2_mail(smtp_server)  # the early warning's, due now; the rest later
    assert message["To"] == settings.PORTAL_CONTACTS["nis2_email"]
    assert " ".join(message["Subject"].split()) == (
        f"[{incident.reference}] {incident.get_category_display()} – "
        "NIS2: frist for tidlig varsling nærmer sig"
    )
    body = message.get_content()
    assert "NIS2: tidlig varsling (24 timer)" in body
    assert "Rikke" not in body and "mistet min arbejdsmobil" not in body
    sent = Notification.objects.get(incident=incident, kind=Kind.NIS2_EARLY_WARNING_SOON)
    assert sent.status == "sent"


@pytest.mark.django_db(transaction=True)
def test_a_reminder_whose_clock_moved_meanwhile_is_cancelled_not_sent(
    smtp_server, reporter, gdpr_user
):
    now = timezone.now()
    incident = make_incident(reporter, now=now - timedelta(hours=21))
    assess_nis2(incident, gdpr_user, aware_at=now - timedelta(hours=20), now=now)
    # The clock moves without re-arming (as a repair would): the worker asks before sending.
    aware = now - timedelta(hours=2)
    Nis2Case.objects.filter(incident=incident).update(
        aware_at=aware,
        early_warning_deadline=aware + timedelta(hours=24),
        notification_deadline=aware + timedelta(hours=72),
    )
    run_worker_in_process()
    assert nis2_mail(smtp_server) == []
    reminder = Notification.objects.get(incident=incident, kind=Kind.NIS2_EARLY_WARNING_SOON)
    assert reminder.status == "cancelled"


@pytest.mark.django_db(transaction=True)
def test_switched_off_no_reminder_is_scheduled_or_sent(settings, smtp_server, reporter, gdpr_user):
    now = timezone.now()
    incident = make_incident(reporter, now=now - timedelta(hours=21))
    assess_nis2(incident, gdpr_user, aware_at=now - timedelta(hours=20), now=now)
    settings.NIS2_ENABLED = False
    run_worker_in_process()
    assert nis2_mail(smtp_server) == []
    assert set(
        Notification.objects.filter(
            incident=incident, kind__in=Notification.NIS2_REMINDER_KINDS
        ).values_list("status", flat=True)
    ) <= {"cancelled", "pending"}
    assert not Notification.objects.filter(incident=incident, status="sent").filter(
        kind__in=Notification.NIS2_REMINDER_KINDS
    )
