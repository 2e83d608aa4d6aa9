from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pgtrigger
import pytest
from django.db import IntegrityError, transaction

from incidents.models import (
    DatatilsynetNotification,
    Incident,
    NotifyDecision,
    RiskLevel,
    Status,
    TimelineEntry,
)
from tests.incidents.conftest import make_incident
from tests.incidents.steps import close, handle_to_closable

CPH = ZoneInfo("Europe/Copenhagen")
pytestmark = pytest.mark.django_db


def cph(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CPH)


def test_references_are_sequential_per_year_and_start_again_in_a_new_year(reporter):
    first = make_incident(reporter, now=cph(2026, 12, 31, 23, 0))
    second = make_incident(reporter, now=cph(2026, 12, 31, 23, 30))
    # 00:30 in Copenhagen on New Year's Day is still 2026 in UTC: the Danish year counts.
    third = make_incident(reporter, now=cph(2027, 1, 1, 0, 30))
    assert [first.reference, second.reference, third.reference] == [
        "SB-2026-0001",
        "SB-2026-0002",
        "SB-2027-0001",
    ]


def test_a_reference_is_never_reused_even_if_its_report_disappears(reporter):
    first = make_incident(reporter)
    # Only possible in a test: the timeline is append-only in the database.
    with transaction.atomic(), pgtrigger.ignore("incidents.TimelineEntry:timeline_never_deleted"):
        TimelineEntry.objects.filter(incident=first).delete()
        first.attachments.all().delete()
        first.delete()
    assert make_incident(reporter).reference.endswith("-0002")


def test_the_report_snapshots_department_and_manager(reporter, manager):
    incident = make_incident(reporter)
    assert incident.department.name == "Borgerservice"
    assert incident.manager == manager
    assert incident.status == Status.REPORTED


def test_aware_at_defaults_to_the_earlier_of_discovery_and_report(reporter):
    now = cph(2026, 5, 4, 12, 0)
    incident = make_incident(reporter, now=now, discovered_at=cph(2026, 5, 3, 9, 0))
    assert incident.aware_at == cph(2026, 5, 3, 9, 0)
    assert incident.notification_deadline == cph(2026, 5, 6, 9, 0)


def test_the_deadline_is_72_real_hours_across_the_spring_dst_change(reporter):
    incident = make_incident(reporter, now=cph(2026, 3, 27, 10, 0))
    # Summer time starts 29 March: 72 real hours later the clocks show 11:00, not 10:00.
    assert incident.notification_deadline == cph(2026, 3, 30, 11, 0)
    assert incident.notification_deadline - incident.aware_at == dt.timedelta(hours=72)


def test_the_deadline_is_72_real_hours_across_the_autumn_dst_change(reporter):
    incident = make_incident(reporter, now=cph(2026, 10, 23, 10, 0))
    # Winter time starts 25 October: 72 real hours later the clocks show 09:00.
    assert incident.notification_deadline == cph(2026, 10, 26, 9, 0)
    assert incident.notification_deadline.astimezone(dt.UTC) == dt.datetime(
        2026, 10, 26, 8, 0, tzinfo=dt.UTC
    )


def test_the_database_refuses_a_deadline_that_is_not_aware_plus_72_hours(incident):
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(
            notification_deadline=incident.aware_at + dt.timedelta(hours=71)
        )


def test_time_left_counts_down_and_stops_with_the_decision(incident):
    assert incident.time_left(incident.aware_at + dt.timedelta(hours=70)) == dt.timedelta(hours=2)
    assert incident.is_overdue(incident.aware_at + dt.timedelta(hours=73))
    decided_at = incident.aware_at + dt.timedelta(hours=5)
    # The services set the stored clock with the decision (tests/incidents/test_workflow.py).
    incident.notify_decision = NotifyDecision.NOT_NOTIFY
    incident.decided_at = incident.clock_stopped_at = decided_at
    assert incident.time_left(incident.aware_at + dt.timedelta(hours=73)) is None
    assert not incident.is_overdue(incident.aware_at + dt.timedelta(hours=73))


def test_sync_clock_stops_the_clock_at_the_initial_notification_only(incident, gdpr_user):
    Incident.objects.filter(pk=incident.pk).update(
        notify_decision=NotifyDecision.NOTIFY,
        decided_at=incident.aware_at,
        assessed_at=incident.aware_at,
    )
    initial = DatatilsynetNotification.objects.create(
        incident=incident,
        phase="initial",
        notified_at=incident.aware_at + dt.timedelta(hours=40),
        recorded_by=gdpr_user,
        recorded_at=incident.aware_at + dt.timedelta(hours=40),
    )
    DatatilsynetNotification.objects.create(
        incident=incident,
        phase="follow_up",
        follows=initial,
        notified_at=incident.aware_at + dt.timedelta(hours=50),
        recorded_by=gdpr_user,
        recorded_at=incident.aware_at + dt.timedelta(hours=50),
    )
    assert Incident.objects.overdue(incident.aware_at + dt.timedelta(hours=80)).exists()
    Incident.objects.filter(pk=incident.pk).sync_clock()
    incident.refresh_from_db()
    assert incident.clock_stopped_at == initial.notified_at
    assert not Incident.objects.overdue(incident.aware_at + dt.timedelta(hours=80)).exists()


def test_a_clock_no_fact_has_stopped_is_refused_and_sync_clock_restarts_it(incident):
    rows = Incident.objects.filter(pk=incident.pk)
    rows.update(notify_decision=NotifyDecision.NOTIFY, assessed_at=incident.aware_at)
    # Decided to notify, but no notification: the clock cannot have stopped.
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(clock_stopped_at=incident.aware_at)
    # A repair of data written past the triggers (only possible in a test) puts it right.
    with pgtrigger.ignore("incidents.Incident:incident_clock_matches_notification"):
        rows.update(clock_stopped_at=incident.aware_at)
    assert rows.sync_clock() == 1
    incident.refresh_from_db()
    assert incident.clock_stopped_at is None


def test_the_database_keeps_the_clock_in_step_with_the_decision(incident):
    at = incident.aware_at + dt.timedelta(hours=5)
    rows = Incident.objects.filter(pk=incident.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(notify_decision=NotifyDecision.NOT_NOTIFY, decided_at=at)  # clock not stopped
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(clock_stopped_at=at)  # stopped without any decision
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(
            notify_decision=NotifyDecision.NOT_NOTIFY,
            decided_at=at,
            clock_stopped_at=at + dt.timedelta(hours=1),
        )


def test_missing_items_name_only_what_the_facts_require(incident):
    now = incident.reported_at + dt.timedelta(days=1)
    assert incident.missing_items(now) == [
        "escalation",
        "containment",
        "assessment",
        "notify_decision",
    ]
    incident.notify_decision = NotifyDecision.NOTIFY
    incident.risk_level = RiskLevel.HIGH
    assert incident.missing_items(now) == [
        "escalation",
        "containment",
        "assessment",
        "datatilsynet",
        "subjects",
    ]
    later = incident.reported_at + dt.timedelta(days=8)
    assert "journalising" in incident.missing_items(later)
    incident.other_records.sbsys_case_number = "27.12.08-G01-1-26"
    assert "journalising" not in incident.missing_items(later)


def test_close_blockers_are_danish_sentences(incident):
    blockers = incident.close_blockers()
    assert (
        "Det er ikke registreret, hvad der er gjort for at stoppe bruddet, af hvem og hvornår."
        in blockers
    )
    assert "Sagen er ikke journaliseret: SBSYS-sagsnummeret mangler." in blockers
    assert not incident.can_close


def test_the_queryset_filters_read_like_the_dashboard(reporter, gdpr_user, it_user):
    now = cph(2026, 6, 1, 12, 0)
    late = make_incident(reporter, now=now - dt.timedelta(hours=80))
    fresh = make_incident(reporter, now=now)
    assert list(Incident.objects.open().overdue(now)) == [late]
    assert set(Incident.objects.awaiting_notification()) == {late, fresh}
    close(handle_to_closable(fresh, gdpr=gdpr_user, it=it_user), gdpr_user)
    assert list(Incident.objects.closed()) == [fresh]
    assert set(Incident.objects.awaiting_notification()) == {late}


def test_visible_to_follows_the_roles(
    reporter, colleague, manager, other_manager, it_user, gdpr_user, superuser
):
    mine = make_incident(reporter)
    theirs = make_incident(colleague)
    visible = Incident.objects.visible_to
    assert set(visible(reporter)) == {mine}
    assert set(visible(colleague)) == {theirs}
    assert set(visible(manager)) == {mine}
    assert set(visible(other_manager)) == {theirs}
    for handler in (it_user, gdpr_user, superuser):
        assert set(visible(handler)) == {mine, theirs}


def test_submitting_writes_a_reporter_visible_timeline_entry(incident, reporter):
    (entry,) = incident.timeline.all()
    assert entry.kind == TimelineEntry.Kind.REPORTED
    assert entry.actor == reporter
    assert entry.visibility == TimelineEntry.Visibility.REPORTER
