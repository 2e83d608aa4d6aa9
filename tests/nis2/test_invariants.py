"""The NIS2 record cannot lie: one named test per invariant, through the services and, where the
database keeps it too, straight against the database."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, InternalError, transaction

from incidents.models import Incident, TimelineEntry
from nis2 import services
from nis2.models import Nis2Case, Nis2Submission
from tests.incidents.conftest import make_incident
from tests.incidents.steps import close, handle_to_closable
from tests.nis2.steps import assess_nis2, end, nv, submit

CPH = ZoneInfo("Europe/Copenhagen")
pytestmark = pytest.mark.django_db


def cph(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CPH)


NOW = cph(2026, 4, 30, 12, 0)


@pytest.fixture
def significant(reporter, gdpr_user):
    """Rikke's report of 27 March 2026, assessed significant: aware 28 March 10:00, the day
    before the clocks go forward."""
    incident = make_incident(reporter, now=cph(2026, 3, 27, 9, 0))
    assess_nis2(incident, gdpr_user, aware_at=cph(2026, 3, 28, 10, 0), now=cph(2026, 3, 28, 11, 0))
    return Incident.objects.get(pk=incident.pk)


def case(incident) -> Nis2Case:
    return Nis2Case.objects.get(incident=incident)


def trace(incident) -> tuple:
    found = Nis2Case.objects.filter(incident=incident).first()
    return (
        found.version if found else 0,
        Incident.objects.get(pk=incident.pk).timeline.count(),
        Nis2Submission.objects.filter(nis2_case__incident=incident).count(),
    )


# --- The clocks --------------------------------------------------------------------------------


def test_the_deadlines_are_24_and_72_real_hours_after_awareness_across_the_spring_change(
    significant,
):
    record = case(significant)
    assert record.early_warning_deadline == cph(2026, 3, 29, 11, 0)
    assert record.notification_deadline == cph(2026, 3, 31, 11, 0)
    assert record.final_report_deadline is None


def test_the_deadlines_follow_awareness_across_the_autumn_change(reporter, gdpr_user):
    incident = make_incident(reporter, now=cph(2026, 10, 23, 9, 0))
    assess_nis2(incident, gdpr_user, aware_at=cph(2026, 10, 24, 10, 0), now=cph(2026, 10, 24, 11))
    record = case(incident)
    assert record.early_warning_deadline == cph(2026, 10, 25, 9, 0)
    assert record.notification_deadline == cph(2026, 10, 27, 9, 0)


def test_the_database_refuses_a_deadline_that_is_not_awareness_plus_24_hours(significant):
    with pytest.raises(IntegrityError), transaction.atomic():
        Nis2Case.objects.filter(incident=significant).update(
            early_warning_deadline=cph(2026, 3, 29, 10, 0)  # the wall clock's 24 hours
        )


def test_the_final_report_is_due_a_calendar_month_after_the_notification(significant, gdpr_user):
    submit(significant, gdpr_user, "early_warning", at=cph(2026, 3, 28, 18, 0), now=NOW)
    submit(significant, gdpr_user, "notification", at=cph(2026, 3, 30, 15, 0), now=NOW)
    assert case(significant).final_report_deadline == cph(2026, 4, 30, 15, 0)


def test_the_database_refuses_a_final_deadline_that_is_not_a_month_later(significant, gdpr_user):
    submit(significant, gdpr_user, "early_warning", at=cph(2026, 3, 28, 18, 0), now=NOW)
    submit(significant, gdpr_user, "notification", at=cph(2026, 3, 30, 15, 0), now=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        Nis2Case.objects.filter(incident=significant).update(
            final_report_deadline=cph(2026, 4, 29, 15, 0)  # 30 days, not a month
        )


def test_still_ongoing_a_progress_report_stops_the_final_clock_until_the_end(
    significant, gdpr_user
):
    submit(significant, gdpr_user, "early_warning", at=cph(2026, 3, 28, 18, 0), now=NOW)
    submit(significant, gdpr_user, "notification", at=cph(2026, 3, 30, 15, 0), now=NOW)
    submit(significant, gdpr_user, "progress", at=cph(2026, 4, 30, 9, 0), now=NOW)
    assert case(significant).final_report_deadline is None
    assert case(significant).still_ongoing
    with pytest.raises(ValidationError) as error:
        submit(significant, gdpr_user, "final", at=cph(2026, 4, 30, 10, 0), now=NOW)
    assert "phase" in error.value.error_dict  # the end must be recorded first

    later = cph(2026, 6, 1, 12, 0)
    end(significant, gdpr_user, at=cph(2026, 5, 15, 16, 0), now=later)
    assert case(significant).final_report_deadline == cph(2026, 6, 15, 16, 0)
    submit(significant, gdpr_user, "final", at=cph(2026, 5, 20, 9, 0), now=later)
    assert case(significant).final_at == cph(2026, 5, 20, 9, 0)


def test_the_end_cannot_come_before_the_progress_report_that_said_it_was_ongoing(
    significant, gdpr_user
):
    submit(significant, gdpr_user, "early_warning", at=cph(2026, 3, 28, 18, 0), now=NOW)
    submit(significant, gdpr_user, "notification", at=cph(2026, 3, 30, 15, 0), now=NOW)
    submit(significant, gdpr_user, "progress", at=cph(2026, 4, 30, 9, 0), now=NOW)
    with pytest.raises(ValidationError) as error:
        end(significant, gdpr_user, at=cph(2026, 4, 29, 9, 0), now=NOW)
    assert "ended_at" in error.value.error_dict


# --- Reports in order ----------------------------------------------------------------------


def test_a_notification_before_the_early_warning_is_refused(significant, gdpr_user):
    before = trace(significant)
    with pytest.raises(ValidationError) as error:
        submit(significant, gdpr_user, "notification", at=cph(2026, 3, 28, 18, 0), now=NOW)
    assert "phase" in error.value.error_dict
    assert trace(significant) == before


def test_the_database_refuses_a_notification_without_an_early_warning(significant, gdpr_user):
    with pytest.raises(IntegrityError), transaction.atomic():
        Nis2Submission.objects.create(
            nis2_case=case(significant),
            phase="notification",
            submitted_at=cph(2026, 3, 28, 18, 0),
            recorded_by=gdpr_user,
            recorded_at=NOW,
        )


def test_a_report_dated_before_the_one_it_follows_is_refused(significant, gdpr_user):
    submit(significant, gdpr_user, "early_warning", at=cph(2026, 3, 28, 18, 0), now=NOW)
    with pytest.raises(ValidationError) as error:
        submit(significant, gdpr_user, "notification", at=cph(2026, 3, 28, 17, 0), now=NOW)
    assert "submitted_at" in error.value.error_dict


def test_a_report_before_awareness_is_refused_by_the_services_and_the_database(
    significant, gdpr_user
):
    with pytest.raises(ValidationError) as error:
        submit(significant, gdpr_user, "early_warning", at=cph(2026, 3, 28, 9, 0), now=NOW)
    assert "submitted_at" in error.value.error_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Nis2Submission.objects.create(
            nis2_case=case(significant),
            phase="early_warning",
            submitted_at=cph(2026, 3, 28, 9, 0),
            recorded_by=gdpr_user,
            recorded_at=NOW,
        )


def test_a_report_in_the_future_is_refused(significant, gdpr_user):
    with pytest.raises(ValidationError) as error:
        submit(significant, gdpr_user, "early_warning", at=NOW + dt.timedelta(hours=1), now=NOW)
    assert "submitted_at" in error.value.error_dict


def test_each_report_is_recorded_once(significant, gdpr_user):
    submit(significant, gdpr_user, "early_warning", at=cph(2026, 3, 28, 18, 0), now=NOW)
    with pytest.raises(ValidationError):
        submit(significant, gdpr_user, "early_warning", at=cph(2026, 3, 28, 19, 0), now=NOW)
    assert Nis2Submission.objects.filter(nis2_case__incident=significant).count() == 1


def test_the_database_keeps_the_reports_append_only(significant, gdpr_user):
    sent = submit(significant, gdpr_user, "early_warning", at=cph(2026, 3, 28, 18, 0), now=NOW)
    with pytest.raises(InternalError), transaction.atomic():
        Nis2Submission.objects.filter(pk=sent.pk).update(reference="ændret")
    with pytest.raises(InternalError), transaction.atomic():
        Nis2Submission.objects.filter(pk=sent.pk).delete()


def test_the_database_refuses_a_report_time_on_the_case_that_is_not_the_reports(
    significant, gdpr_user
):
    submit(significant, gdpr_user, "early_warning", at=cph(2026, 3, 28, 18, 0), now=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        Nis2Case.objects.filter(incident=significant).update(
            early_warning_at=cph(2026, 3, 28, 19, 0)
        )


# --- The assessment --------------------------------------------------------------------------


def test_a_significant_assessment_needs_criteria_a_reason_and_an_awareness_time(
    incident, gdpr_user
):
    with pytest.raises(ValidationError) as error:
        assess_nis2(incident, gdpr_user, aware_at=None, criteria=(), reason=" ")
    assert set(error.value.error_dict) == {"criteria", "aware_at", "reason"}
    assert not Nis2Case.objects.filter(incident=incident).exists()


def test_not_significant_needs_a_reason_and_starts_no_clock(incident, gdpr_user):
    assess_nis2(incident, gdpr_user, significant=False, aware_at=None, reason="Kun én PC ramt.")
    record = case(incident)
    assert (record.significant, record.aware_at, record.early_warning_deadline) == (
        False,
        None,
        None,
    )


def test_an_incident_reported_to_the_csirt_cannot_become_not_significant(significant, gdpr_user):
    submit(significant, gdpr_user, "early_warning", at=cph(2026, 3, 28, 18, 0), now=NOW)
    before = trace(significant)
    with pytest.raises(ValidationError):
        assess_nis2(significant, gdpr_user, significant=False, aware_at=None, now=NOW)
    assert trace(significant) == before


def test_awareness_cannot_move_past_the_early_warning(significant, gdpr_user):
    submit(significant, gdpr_user, "early_warning", at=cph(2026, 3, 28, 18, 0), now=NOW)
    with pytest.raises(ValidationError) as error:
        assess_nis2(significant, gdpr_user, aware_at=cph(2026, 3, 28, 19, 0), now=NOW)
    assert "aware_at" in error.value.error_dict


def test_the_reason_may_hold_no_cpr_number(incident, gdpr_user):
    with pytest.raises(ValidationError) as error:
        assess_nis2(incident, gdpr_user, aware_at=incident.reported_at, reason="Om 010190-1234.")
    assert "reason" in error.value.error_dict


def test_a_stale_version_is_refused(significant, gdpr_user):
    with pytest.raises(services.StaleNis2):
        services.nis2_assess(
            incident=significant,
            actor=gdpr_user,
            significant=True,
            criteria=["financial"],
            aware_at=cph(2026, 3, 28, 10, 0),
            reason="Begrundet.",
            expected_version=nv(significant) - 1,
            now=NOW,
        )


def test_only_it_and_the_gdpr_unit_take_nis2_steps(incident, reporter, manager, it_user):
    for person in (reporter, manager):
        with pytest.raises(PermissionDenied):
            assess_nis2(incident, person, aware_at=incident.reported_at)
    assess_nis2(incident, it_user, aware_at=incident.reported_at)


# --- The timeline and the closed case ----------------------------------------------------------


def test_the_timeline_holds_nis2_facts_never_the_words(significant, gdpr_user):
    entry = significant.timeline.filter(kind=TimelineEntry.Kind.NIS2_ASSESSED).get()
    facts = entry.changes["nis2"]
    assert facts["reason"] == "changed"
    assert facts["significant"] == [None, True]
    assert facts["aware_at"][1] == cph(2026, 3, 28, 10, 0).isoformat()


def test_a_closed_incident_takes_no_nis2_report(reporter, gdpr_user, it_user):
    with time_machine.travel(cph(2026, 3, 27, 12, 0), tick=False):
        incident = handle_to_closable(make_incident(reporter), gdpr=gdpr_user, it=it_user)
        assess_nis2(incident, gdpr_user, aware_at=cph(2026, 3, 27, 10, 0))
        record = case(incident)
        # Closing is refused while the reports are outstanding …
        with pytest.raises(ValidationError) as error:
            close(incident, gdpr_user)
        assert any("NIS2" in message for message in error.value.messages)
        # … so the database must refuse a report on a case closed nonetheless.
        Incident.objects.filter(pk=incident.pk).update(status="closed", closed_at=NOW)
        with pytest.raises(IntegrityError), transaction.atomic():
            Nis2Submission.objects.create(
                nis2_case=record,
                phase="early_warning",
                submitted_at=cph(2026, 3, 27, 11, 0),
                recorded_by=gdpr_user,
                recorded_at=cph(2026, 3, 27, 11, 0),
            )
        with pytest.raises(ValidationError):
            submit(incident, gdpr_user, "early_warning", at=cph(2026, 3, 27, 11, 0))


def test_the_case_closes_once_every_report_is_sent(reporter, gdpr_user, it_user):
    with time_machine.travel(cph(2026, 3, 27, 12, 0), tick=False):
        incident = handle_to_closable(make_incident(reporter), gdpr=gdpr_user, it=it_user)
        assess_nis2(incident, gdpr_user, aware_at=cph(2026, 3, 27, 10, 0))
        for phase in ("early_warning", "notification", "final"):
            submit(incident, gdpr_user, phase, at=cph(2026, 3, 27, 11, 0))
        close(incident, gdpr_user)
    assert Incident.objects.get(pk=incident.pk).status == "closed"
