"""The handling workflow, step by step, through the services."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from incidents import services
from incidents.models import DatatilsynetNotification, Incident, Status, TimelineEntry
from tests.incidents.conftest import make_incident
from tests.incidents.steps import assess, close, contain, decide, escalate, notify, record_other, v

CPH = ZoneInfo("Europe/Copenhagen")
pytestmark = pytest.mark.django_db
Kind = TimelineEntry.Kind


def cph(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CPH)


def test_it_records_containment_with_old_and_new_values(incident, it_user):
    contain(incident, it_user)
    incident.refresh_from_db()
    assert incident.contained_by == it_user
    entry = incident.timeline.get(kind=Kind.CONTAINMENT)
    assert entry.actor == it_user
    # Free text is recorded as changed, never copied into the timeline.
    assert entry.changes["containment_description"] == "changed"
    assert entry.changes["contained_at"] == [None, incident.contained_at.isoformat()]
    assert incident.version == 2


def test_a_reporter_cannot_record_containment(incident, reporter):
    with pytest.raises(PermissionDenied):
        contain(incident, reporter)


def test_escalating_makes_the_gdpr_handler_the_owner(incident, gdpr_user):
    services.incident_escalate(incident=incident, actor=gdpr_user, expected_version=1)
    incident.refresh_from_db()
    assert incident.status == Status.ESCALATED
    assert incident.owner == gdpr_user
    assert incident.timeline.get(kind=Kind.ESCALATED).visibility == "reporter"


def test_it_cannot_take_ownership_for_the_gdpr_unit(incident, it_user):
    with pytest.raises(PermissionDenied):
        services.incident_escalate(incident=incident, actor=it_user, expected_version=1)


def test_people_notified_are_recorded(incident, it_user):
    at = incident.reported_at
    services.incident_record_people_notified(
        incident=incident,
        actor=it_user,
        manager_notified_at=at,
        it_notified_at=None,
        expected_version=1,
    )
    incident.refresh_from_db()
    assert incident.manager_notified_at == at


def test_changing_awareness_needs_a_reason_and_moves_the_deadline(reporter, gdpr_user):
    incident = make_incident(reporter, now=cph(2026, 10, 24, 12, 0))
    with pytest.raises(ValidationError):
        services.incident_change_awareness(
            incident=incident,
            actor=gdpr_user,
            aware_at=cph(2026, 10, 23, 10, 0),
            reason="  ",
            expected_version=1,
        )
    services.incident_change_awareness(
        incident=incident,
        actor=gdpr_user,
        aware_at=cph(2026, 10, 23, 10, 0),
        reason="Databehandleren vidste det allerede fredag.",
        expected_version=1,
    )
    incident.refresh_from_db()
    # Autumn DST change on 25 October: 72 real hours end at 09:00 Copenhagen time.
    assert incident.notification_deadline == cph(2026, 10, 26, 9, 0)
    entry = incident.timeline.get(kind=Kind.AWARE_CHANGED)
    assert entry.body.text == "Databehandleren vidste det allerede fredag."
    assert entry.changes["aware_at"][1] == "2026-10-23T10:00:00+02:00"


def test_assessment_requires_reasoning(incident, gdpr_user):
    with pytest.raises(ValidationError) as error:
        assess(incident, gdpr_user, risk_reasoning="")
    assert "risk_reasoning" in error.value.error_dict
    assess(incident, gdpr_user)
    incident.refresh_from_db()
    assert incident.assessed_by == gdpr_user
    assert incident.breach_types == ["confidentiality"]


def test_deciding_not_to_notify_stops_the_clock(incident, gdpr_user):
    assess(incident, gdpr_user, risk_level="none", risk_override_reason="")
    decide(incident, gdpr_user, "not_notify")
    incident.refresh_from_db()
    assert incident.clock_stopped_at == incident.decided_at
    assert incident.decided_by == gdpr_user
    assert not Incident.objects.awaiting_notification().exists()


def clock(incident: Incident) -> dt.datetime | None:
    """The stored clock, after checking it agrees with sync_clock()'s rule from the facts."""
    stored = Incident.objects.get(pk=incident.pk).clock_stopped_at
    Incident.objects.filter(pk=incident.pk).sync_clock()
    assert Incident.objects.get(pk=incident.pk).clock_stopped_at == stored
    return stored


def test_every_service_path_keeps_the_stored_clock(incident, gdpr_user, it_user):
    assert clock(incident) is None
    escalate(incident, gdpr_user)
    contain(incident, it_user)
    record_other(incident, gdpr_user)
    assess(incident, gdpr_user, risk_level="none")
    decide(incident, gdpr_user, "not_notify")
    stopped = clock(incident)
    assert stopped == Incident.objects.get(pk=incident.pk).decided_at
    decide(incident, gdpr_user, "not_notify")  # decided again: stopped at the new decision
    assert clock(incident) == Incident.objects.get(pk=incident.pk).decided_at != stopped
    decide(incident, gdpr_user, "notify")  # changed its mind: the clock runs again
    assert clock(incident) is None
    assert incident in Incident.objects.awaiting_notification()
    first = notify(incident, gdpr_user, notified_at=incident.reported_at)
    assert clock(incident) == first.notified_at
    with time_machine.travel(incident.reported_at + dt.timedelta(days=1, minutes=1)):
        notify(incident, gdpr_user, notified_at=incident.reported_at + dt.timedelta(days=1))
    assert clock(incident) == first.notified_at  # a follow-up does not move it
    decide(incident, gdpr_user, "notify")  # deciding again keeps the notification's stop
    assert clock(incident) == first.notified_at
    stops = [e for e in incident.timeline.all() if "clock_stopped_at" in e.changes]
    assert [e.kind for e in stops] == [Kind.DECIDED] * 3 + [Kind.DT_NOTIFIED]  # on the timeline
    close(incident, gdpr_user)
    services.incident_reopen(
        incident=incident, actor=gdpr_user, reason="Ny viden.", expected_version=v(incident)
    )
    assert clock(incident) == first.notified_at
    assert incident not in Incident.objects.awaiting_notification()


def test_a_notification_needs_the_decision_first(incident, gdpr_user):
    with pytest.raises(ValidationError):
        services.incident_record_dt_notification(
            incident=incident,
            actor=gdpr_user,
            notified_at=incident.reported_at,
            dt_reference="2026-431-0001",
            content="",
            expected_version=1,
        )


def test_a_late_notification_without_reasons_is_refused(reporter, gdpr_user):
    incident = make_incident(reporter, now=cph(2026, 3, 27, 10, 0))
    assess(incident, gdpr_user)
    decide(incident, gdpr_user)
    # Summer time began on 29 March: the deadline is 11:00 on 30 March, so 11:30 is late.
    with pytest.raises(ValidationError) as error:
        services.incident_record_dt_notification(
            incident=incident,
            actor=gdpr_user,
            notified_at=cph(2026, 3, 30, 11, 30),
            dt_reference="2026-431-0001",
            content="Første anmeldelse",
            expected_version=v(incident),
        )
    assert "delay_reasons" in error.value.error_dict
    assert not DatatilsynetNotification.objects.exists()


def test_a_notification_just_inside_the_deadline_needs_no_reasons(reporter, gdpr_user):
    incident = make_incident(reporter, now=cph(2026, 3, 27, 10, 0))
    assess(incident, gdpr_user)
    decide(incident, gdpr_user)
    services.incident_record_dt_notification(
        incident=incident,
        actor=gdpr_user,
        notified_at=cph(2026, 3, 30, 10, 59),
        dt_reference="2026-431-0001",
        content="Første anmeldelse",
        expected_version=v(incident),
    )
    assert DatatilsynetNotification.objects.get().phase == "initial"


def test_late_notification_with_reasons_and_follow_ups_link_to_the_first(reporter, gdpr_user):
    incident = make_incident(reporter, now=cph(2026, 3, 2, 10, 0))
    assess(incident, gdpr_user)
    decide(incident, gdpr_user)
    receipt = SimpleUploadedFile("kvittering.pdf", b"%PDF-1.7 kvittering", "application/pdf")
    first = notify(
        incident,
        gdpr_user,
        notified_at=incident.notification_deadline + dt.timedelta(hours=5),
        content="Første anmeldelse",
        delay_reasons="Bruddet blev først forstået efter weekenden.",
        receipt=receipt,
    )
    follow_up = notify(
        incident,
        gdpr_user,
        notified_at=incident.notification_deadline + dt.timedelta(days=3),
        content="Antal registrerede opdateret",
    )
    assert first.phase == "initial" and first.receipt
    assert follow_up.phase == "follow_up" and follow_up.follows == first
    incident.refresh_from_db()
    assert incident.clock_stopped_at == first.notified_at
    assert incident.delay_reasons == "Bruddet blev først forstået efter weekenden."
    entry = incident.timeline.filter(kind=Kind.DT_NOTIFIED).first()
    assert entry.changes["delay_reasons"] == "changed"  # the words stay on the incident
    assert entry.changes["dt_notification"]["phase"] == "initial"


def test_data_subjects_need_when_and_how_or_an_exemption_with_reason(incident, gdpr_user):
    def record(**values):
        base = {"informed_at": None, "informed_how": "", "exemption": "", "exemption_reason": ""}
        base.update(values)
        return services.incident_record_subjects(
            incident=incident, actor=gdpr_user, expected_version=v(incident), **base
        )

    with pytest.raises(ValidationError):
        record()
    with pytest.raises(ValidationError):
        record(exemption="art34_3a")
    record(exemption="art34_3a", exemption_reason="Telefonen var krypteret.")
    incident.refresh_from_db()
    assert incident.subjects_notice.subjects_exemption == "art34_3a"


def test_other_records_set_journalised_at_with_the_sbsys_number(incident, gdpr_user):
    services.incident_record_other(
        incident=incident,
        actor=gdpr_user,
        processor_involved=False,
        processor_discovered_at=None,
        processor_told_us_at=None,
        police_reported=True,
        police_reference="0100-12345-00001-26",
        sbsys_case_number="27.12.08-G01-1-26",
        expected_version=1,
    )
    incident.refresh_from_db()
    assert incident.other_records.journalised_at is not None
    assert incident.other_records.police_reported


def test_closing_with_missing_duties_is_refused_with_the_list(incident, gdpr_user):
    with pytest.raises(ValidationError) as error:
        services.incident_close(incident=incident, actor=gdpr_user, expected_version=1)
    assert "Vurderingen af bruddet og risikoen er ikke registreret." in error.value.messages
    incident.refresh_from_db()
    assert incident.status == Status.REPORTED


def test_high_risk_without_informing_subjects_blocks_closing(incident, gdpr_user, it_user):
    contain(incident, it_user)
    assess(incident, gdpr_user, risk_level="high")
    decide(incident, gdpr_user, "not_notify", deviation_reason="Oplysningerne var krypteret.")
    incident.refresh_from_db()
    assert any("registrerede" in blocker for blocker in incident.close_blockers())


def test_the_gdpr_unit_takes_an_incident_from_report_to_closed_and_back(
    incident, gdpr_user, it_user
):
    services.incident_escalate(incident=incident, actor=gdpr_user, expected_version=1)
    contain(incident, it_user)
    record_other(incident, gdpr_user)
    assess(incident, gdpr_user)
    decide(incident, gdpr_user)
    notify(incident, gdpr_user, notified_at=incident.reported_at)
    close(incident, gdpr_user)
    incident.refresh_from_db()
    assert incident.status == Status.CLOSED and incident.closed_by == gdpr_user

    with pytest.raises(ValidationError):
        services.incident_reopen(
            incident=incident, actor=gdpr_user, reason="", expected_version=v(incident)
        )
    services.incident_reopen(
        incident=incident,
        actor=gdpr_user,
        reason="Der er fundet flere berørte.",
        expected_version=v(incident),
    )
    incident.refresh_from_db()
    assert incident.status == Status.ESCALATED and incident.closed_at is None
    kinds = list(incident.timeline.values_list("kind", flat=True))
    assert kinds == [
        "reported",
        "escalated",
        "containment",
        "records",
        "assessed",
        "decided",
        "dt_notified",
        "closed",
        "reopened",
    ]


def test_a_second_handler_with_an_old_version_is_told_not_overwritten(
    incident, gdpr_user, superuser
):
    assess(incident, gdpr_user)
    seen = v(incident)
    decide(incident, gdpr_user, "notify")
    with pytest.raises(services.StaleIncident) as stale:
        services.incident_decide(
            incident=incident,
            actor=superuser,
            notify_decision="not_notify",
            decision_reasoning="Ingen risiko.",
            expected_version=seen,
        )
    assert stale.value.current.notify_decision == "notify"
    incident.refresh_from_db()
    assert incident.notify_decision == "notify"
    assert incident.timeline.filter(kind=Kind.DECIDED).count() == 1


def test_notes_are_internal_and_messages_reach_the_reporter(incident, gdpr_user, reporter):
    services.incident_add_note(incident=incident, actor=gdpr_user, text="Ring til IT.")
    services.incident_send_message(incident=incident, actor=gdpr_user, text="Tak, vi kigger.")
    services.incident_add_information(incident=incident, actor=reporter, text="Den var låst.")
    visibility = dict(incident.timeline.values_list("kind", "visibility"))
    assert visibility["note"] == "internal"
    assert visibility["message"] == "reporter"
    assert visibility["information_added"] == "reporter"


def test_only_the_reporter_adds_information(incident, colleague):
    with pytest.raises(PermissionDenied):
        services.incident_add_information(incident=incident, actor=colleague, text="Hej")


def test_opening_is_logged_once_per_ten_minutes(incident, gdpr_user):
    with time_machine.travel(incident.reported_at, tick=False) as traveller:
        services.incident_log_view(incident=incident, viewer=gdpr_user)
        services.incident_log_view(incident=incident, viewer=gdpr_user)
        traveller.shift(dt.timedelta(minutes=11))
        services.incident_log_view(incident=incident, viewer=gdpr_user)
    assert incident.timeline.filter(kind=Kind.VIEWED).count() == 2
