"""The breach record cannot lie: one named test per invariant, through the services and, where
the database keeps it too, straight against the database.

Each of these was possible before (see the issue "The breach record cannot lie").
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InternalError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from incidents import notifications, services
from incidents.models import (
    DatatilsynetNotification,
    Incident,
    IncidentText,
    Notification,
    OtherRecords,
    Status,
    StepRecord,
    SubjectsNotice,
    TimelineEntry,
)
from tests.incidents.conftest import make_incident
from tests.incidents.steps import (
    assess,
    close,
    contain,
    decide,
    escalate,
    handle_to_closable,
    notify,
    record_other,
    v,
)

CPH = ZoneInfo("Europe/Copenhagen")
pytestmark = pytest.mark.django_db
Kind = TimelineEntry.Kind


def cph(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CPH)


@pytest.fixture
def notifiable(reporter, gdpr_user):
    """Rikke's lost phone, reported 2 March 2026 10:00 (deadline 5 March 10:00), assessed as a
    risk and decided notifiable; now is 6 March."""
    with time_machine.travel(cph(2026, 3, 6, 12, 0), tick=False):
        incident = make_incident(reporter, now=cph(2026, 3, 2, 10, 0))
        assess(incident, gdpr_user)
        decide(incident, gdpr_user, "notify")
        yield Incident.objects.get(pk=incident.pk)


def unchanged(incident: Incident):
    """A snapshot of everything a refused step must leave as it was."""
    fresh = Incident.objects.get(pk=incident.pk)
    return (
        fresh.version,
        fresh.timeline.count(),
        fresh.dt_notifications.count(),
        fresh.texts.count(),
        [model.objects.filter(pk=incident.pk).values().first() for model in STEP_TABLES],
    )


STEP_TABLES = StepRecord.__subclasses__()


# --- Notification phases -----------------------------------------------------------------------


def test_a_follow_up_dated_before_the_initial_notification_is_refused(notifiable, gdpr_user):
    notify(notifiable, gdpr_user, notified_at=cph(2026, 3, 4, 9, 0))
    before = unchanged(notifiable)
    with pytest.raises(ValidationError) as error:
        notify(notifiable, gdpr_user, notified_at=cph(2026, 3, 3, 9, 0))
    assert "notified_at" in error.value.error_dict
    assert unchanged(notifiable) == before


def test_the_database_refuses_a_follow_up_dated_before_the_initial_one(notifiable, gdpr_user):
    initial = notify(notifiable, gdpr_user, notified_at=cph(2026, 3, 4, 9, 0))
    with pytest.raises(IntegrityError), transaction.atomic():
        DatatilsynetNotification.objects.create(
            incident=notifiable,
            phase="follow_up",
            follows=initial,
            notified_at=cph(2026, 3, 3, 9, 0),
            recorded_by=gdpr_user,
            recorded_at=cph(2026, 3, 6, 9, 0),
        )


def test_only_the_initial_notification_is_the_first_in_the_draft_register_and_statistics(
    client, notifiable, gdpr_user
):
    """A late initial notification stays late whatever a follow-up says."""
    notify(
        notifiable,
        gdpr_user,
        notified_at=cph(2026, 3, 6, 9, 0),
        delay_reasons="Bruddet blev først forstået i weekenden.",
    )
    notify(notifiable, gdpr_user, notified_at=cph(2026, 3, 6, 10, 0))
    notifiable.refresh_from_db()
    assert notifiable.clock_stopped_at == cph(2026, 3, 6, 9, 0)
    assert notifiable.notified_late
    client.force_login(gdpr_user)
    with time_machine.travel(cph(2026, 3, 6, 12, 0), tick=False):
        draft = client.get(reverse("incidents:draft", args=[notifiable.reference])).text
        csv = b"".join(
            client.get(reverse("incidents:register_csv"), {"aar": "2026"}).streaming_content
        ).decode("utf-8-sig")
        stats = client.get(reverse("incidents:statistics"), {"aar": "2026"}).text
    assert "Bruddet blev først forstået i weekenden." in draft
    assert "2026-03-06 09:00" in csv and "Nej, Bruddet blev først forstået" in csv
    assert "0 % (0 af 1 anmeldte)" in stats


def test_a_notification_before_the_municipality_became_aware_is_refused(notifiable, gdpr_user):
    with pytest.raises(ValidationError) as error:
        notify(notifiable, gdpr_user, notified_at=cph(2026, 3, 2, 9, 0))
    assert "notified_at" in error.value.error_dict
    assert not notifiable.dt_notifications.exists()


def test_the_database_refuses_a_notification_before_awareness(notifiable, gdpr_user):
    with pytest.raises(IntegrityError), transaction.atomic():
        DatatilsynetNotification.objects.create(
            incident=notifiable,
            phase="initial",
            notified_at=cph(2026, 3, 1, 9, 0),
            recorded_by=gdpr_user,
            recorded_at=cph(2026, 3, 6, 9, 0),
        )


def test_a_notification_in_the_future_is_refused(notifiable, gdpr_user):
    with (
        time_machine.travel(cph(2026, 3, 4, 12, 0), tick=False),
        pytest.raises(ValidationError) as error,
    ):
        notify(notifiable, gdpr_user, notified_at=cph(2026, 3, 4, 13, 0))
    assert error.value.error_dict["notified_at"][0].message == (
        "Tidspunktet må ikke ligge i fremtiden."
    )


def test_the_database_checks_the_stored_clock_against_the_initial_notification(
    notifiable, gdpr_user
):
    notify(notifiable, gdpr_user, notified_at=cph(2026, 3, 4, 9, 0))
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=notifiable.pk).update(clock_stopped_at=cph(2026, 3, 4, 8, 0))
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred trigger runs now


# --- Times ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "field"),
    [
        ("containment", "contained_at"),
        ("subjects", "informed_at"),
        ("awareness", "aware_at"),
        ("people", "manager_notified_at"),
        ("other", "processor_told_us_at"),
    ],
)
def test_no_recorded_time_may_lie_in_the_future(incident, gdpr_user, step, field):
    future = timezone.now() + dt.timedelta(days=3 * 365)  # "informed on 1 Jan 2030"
    before = unchanged(incident)
    calls = {
        "containment": lambda: contain(incident, gdpr_user, contained_at=future),
        "subjects": lambda: services.incident_record_subjects(
            incident=incident,
            actor=gdpr_user,
            informed_at=future,
            informed_how="Brev",
            exemption="",
            exemption_reason="",
            expected_version=v(incident),
        ),
        "awareness": lambda: services.incident_change_awareness(
            incident=incident,
            actor=gdpr_user,
            aware_at=future,
            reason="Ny viden.",
            expected_version=v(incident),
        ),
        "people": lambda: services.incident_record_people_notified(
            incident=incident,
            actor=gdpr_user,
            manager_notified_at=future,
            it_notified_at=None,
            expected_version=v(incident),
        ),
        "other": lambda: record_other(
            incident,
            gdpr_user,
            processor_involved=True,
            processor_discovered_at=None,
            processor_told_us_at=future,
        ),
    }
    with pytest.raises(ValidationError) as error:
        calls[step]()
    assert error.value.error_dict[field][0].message == "Tidspunktet må ikke ligge i fremtiden."
    assert unchanged(incident) == before


def test_containment_cannot_precede_the_breach(reporter, it_user):
    incident = make_incident(reporter, occurred_at=timezone.now() - dt.timedelta(hours=5))
    with pytest.raises(ValidationError) as error:
        contain(incident, it_user, contained_at=timezone.now() - dt.timedelta(hours=6))
    assert "contained_at" in error.value.error_dict


def test_data_subjects_cannot_be_informed_before_the_municipality_knew(incident, gdpr_user):
    with pytest.raises(ValidationError) as error:
        services.incident_record_subjects(
            incident=incident,
            actor=gdpr_user,
            informed_at=incident.aware_at - dt.timedelta(hours=1),
            informed_how="Brev",
            exemption="",
            exemption_reason="",
            expected_version=v(incident),
        )
    assert "informed_at" in error.value.error_dict


def test_the_database_keeps_times_in_order(incident):
    with pytest.raises(IntegrityError), transaction.atomic():
        SubjectsNotice.objects.create(
            incident=incident, subjects_informed_at=incident.aware_at - dt.timedelta(hours=1)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        OtherRecords.objects.create(
            incident=incident,
            processor_discovered_at=incident.aware_at,
            processor_told_us_at=incident.aware_at - dt.timedelta(hours=1),
        )


def test_the_database_refuses_moving_awareness_past_a_step_tables_times(incident):
    told = incident.aware_at + dt.timedelta(hours=1)
    OtherRecords.objects.create(incident=incident, processor_told_us_at=told)
    later = told + dt.timedelta(hours=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(
            aware_at=later, notification_deadline=Incident.deadline_for(later)
        )


# --- Decision and assessment ----------------------------------------------------------------


def test_a_decision_needs_an_assessment(incident, gdpr_user):
    with pytest.raises(ValidationError):
        decide(incident, gdpr_user, "not_notify")
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(
            notify_decision="not_notify",
            decided_at=incident.reported_at,
            clock_stopped_at=incident.reported_at,
        )


def test_not_notifying_despite_a_high_risk_needs_a_justification(incident, gdpr_user):
    assess(incident, gdpr_user, risk_level="high")
    before = unchanged(incident)
    with pytest.raises(ValidationError) as error:
        decide(incident, gdpr_user, "not_notify")
    assert "deviation_reason" in error.value.error_dict
    assert unchanged(incident) == before
    decide(incident, gdpr_user, "not_notify", deviation_reason="Oplysningerne var krypteret.")
    incident.refresh_from_db()
    assert incident.decision_contradicts_risk
    assert incident.decision_deviation_reason == "Oplysningerne var krypteret."


def test_notifying_is_always_allowed_whatever_the_risk(incident, gdpr_user):
    assess(incident, gdpr_user, risk_level="none", risk_override_reason="")
    decide(incident, gdpr_user, "notify")
    assert Incident.objects.get(pk=incident.pk).notify_decision == "notify"


def test_the_database_refuses_an_unjustified_contradicting_decision(incident, gdpr_user):
    assess(incident, gdpr_user, risk_level="risk")
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(
            notify_decision="not_notify",
            decided_at=timezone.now(),
            clock_stopped_at=timezone.now(),
        )


def test_a_contradicting_decision_is_flagged_on_the_dashboard_the_case_and_the_register(
    client, incident, gdpr_user
):
    assess(incident, gdpr_user, risk_level="risk")
    decide(incident, gdpr_user, "not_notify", deviation_reason="Modtageren er en kollega.")
    client.force_login(gdpr_user)
    case = client.get(reverse("incidents:detail", args=[incident.reference])).text
    assert 'id="decision-contradiction"' in case
    assert "Modtageren er en kollega." in case
    dashboard = client.get(reverse("incidents:dashboard")).text
    assert "Anmeldes ikke trods risiko" in dashboard
    year = str(timezone.localtime().year)
    csv = b"".join(
        client.get(reverse("incidents:register_csv"), {"aar": year}).streaming_content
    ).decode("utf-8-sig")
    assert "Ja: Modtageren er en kollega." in csv


def test_reassessing_a_higher_risk_withdraws_a_decision_not_to_notify(incident, gdpr_user):
    assess(incident, gdpr_user, risk_level="none", risk_override_reason="")
    decide(incident, gdpr_user, "not_notify")
    assert Incident.objects.get(pk=incident.pk).clock_stopped_at is not None
    assess(incident, gdpr_user, risk_level="high")
    incident.refresh_from_db()
    assert incident.notify_decision == ""
    assert incident.clock_stopped_at is None  # the clock runs again: the deadline counts
    assert incident.timeline.filter(kind=Kind.DECISION_WITHDRAWN).count() == 1
    assert "notify_decision" in incident.missing_items(timezone.now())


def test_choosing_a_lower_risk_than_the_facts_suggest_needs_a_reason(incident, gdpr_user):
    with pytest.raises(ValidationError) as error:
        assess(incident, gdpr_user, risk_level="none", data_kinds=["cpr"])
    assert "CPR-numre" in error.value.error_dict["risk_override_reason"][0].message
    assess(
        incident,
        gdpr_user,
        risk_level="none",
        data_kinds=["cpr"],
        risk_override_reason="Brevet blev returneret uåbnet.",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(risk_override_reason="")


# --- Closing ---------------------------------------------------------------------------------


def test_closing_needs_escalation_an_assessment_and_a_decision(incident, gdpr_user, it_user):
    contain(incident, it_user)
    record_other(incident, gdpr_user)
    with pytest.raises(ValidationError) as error:
        close(incident, gdpr_user)
    assert error.value.messages == [
        "GDPR-enheden har ikke overtaget sagen.",
        "Vurderingen af bruddet og risikoen er ikke registreret.",
        "Beslutningen om anmeldelse til Datatilsynet er ikke truffet.",
    ]
    assert Incident.objects.get(pk=incident.pk).status == Status.REPORTED


def test_the_database_refuses_to_close_an_incomplete_case(incident):
    OtherRecords.objects.create(incident=incident, sbsys_case_number="27.12.08-G01-1-26")
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(
            status=Status.CLOSED, closed_at=timezone.now()
        )


def test_the_database_refuses_to_close_a_case_without_its_sbsys_number(
    incident, gdpr_user, it_user
):
    """The duty on the step table: the incident's own row is complete, the number is not."""
    handle_to_closable(incident, gdpr=gdpr_user, it=it_user)
    OtherRecords.objects.filter(pk=incident.pk).update(sbsys_case_number="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(
            status=Status.CLOSED, closed_at=timezone.now()
        )


def test_the_database_refuses_to_close_a_high_risk_case_whose_subjects_are_not_informed(
    incident, gdpr_user, it_user
):
    handle_to_closable(incident, gdpr=gdpr_user, it=it_user, risk_level="high")
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(
            status=Status.CLOSED, closed_at=timezone.now()
        )
    SubjectsNotice.objects.create(
        incident=incident, subjects_exemption="art34_3a", subjects_exemption_reason="Krypteret."
    )
    Incident.objects.filter(pk=incident.pk).update(status=Status.CLOSED, closed_at=timezone.now())


@pytest.fixture
def closed(incident, gdpr_user, it_user):
    handle_to_closable(incident, gdpr=gdpr_user, it=it_user)
    close(incident, gdpr_user)
    return Incident.objects.get(pk=incident.pk)


@pytest.mark.parametrize(
    "step",
    ["people_notified", "other", "note", "message", "information", "assess", "awareness"],
)
def test_a_closed_case_accepts_nothing_but_reopening(closed, gdpr_user, reporter, step):
    before = unchanged(closed)
    calls = {
        "people_notified": lambda: services.incident_record_people_notified(
            incident=closed,
            actor=gdpr_user,
            manager_notified_at=closed.reported_at,
            it_notified_at=None,
            expected_version=v(closed),
        ),
        "other": lambda: record_other(closed, gdpr_user, sbsys_case_number=""),
        "note": lambda: services.incident_add_note(incident=closed, actor=gdpr_user, text="Hej"),
        "message": lambda: services.incident_send_message(
            incident=closed, actor=gdpr_user, text="Hej"
        ),
        "information": lambda: services.incident_add_information(
            incident=closed, actor=reporter, text="Mere"
        ),
        "assess": lambda: assess(closed, gdpr_user, risk_level="high"),
        "awareness": lambda: services.incident_change_awareness(
            incident=closed,
            actor=gdpr_user,
            aware_at=closed.aware_at - dt.timedelta(hours=1),
            reason="Ny viden.",
            expected_version=v(closed),
        ),
    }
    with pytest.raises(ValidationError):
        calls[step]()
    assert unchanged(closed) == before
    assert OtherRecords.objects.get(pk=closed.pk).sbsys_case_number == "27.12.08-G01-1-26"
    services.incident_reopen(
        incident=closed, actor=gdpr_user, reason="Nye oplysninger.", expected_version=v(closed)
    )
    assert Incident.objects.get(pk=closed.pk).status == Status.ESCALATED


def test_the_database_refuses_changes_to_a_closed_case(closed):
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=closed.pk).update(account="")
    # Its step tables' rows are as final as its columns: not changed, added or deleted.
    with pytest.raises(IntegrityError), transaction.atomic():
        OtherRecords.objects.filter(pk=closed.pk).update(sbsys_case_number="")
    with pytest.raises(IntegrityError), transaction.atomic():
        SubjectsNotice.objects.create(incident=closed, subjects_informed_at=timezone.now())
    with pytest.raises(InternalError), transaction.atomic():
        OtherRecords.objects.filter(pk=closed.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        TimelineEntry.objects.create(incident=closed, at=timezone.now(), kind=Kind.NOTE)


# --- Moving the awareness time ------------------------------------------------------------------


def test_moving_awareness_so_a_notification_becomes_late_asks_for_delay_reasons(
    reporter, gdpr_user
):
    with time_machine.travel(cph(2026, 3, 6, 12, 0), tick=False):
        incident = make_incident(reporter, now=cph(2026, 3, 3, 10, 0))
        assess(incident, gdpr_user)
        decide(incident, gdpr_user)
        notify(incident, gdpr_user, notified_at=cph(2026, 3, 5, 10, 0))  # on time: 48 hours
        assert not Incident.objects.get(pk=incident.pk).notified_late
        move = dict(
            incident=incident,
            actor=gdpr_user,
            aware_at=cph(2026, 3, 1, 9, 0),  # the processor knew on Sunday: now it is late
            reason="Databehandleren vidste det søndag.",
        )
        before = unchanged(incident)
        with pytest.raises(ValidationError) as error:
            services.incident_change_awareness(expected_version=v(incident), **move)
        assert "delay_reasons" in error.value.error_dict
        assert unchanged(incident) == before
        services.incident_change_awareness(
            expected_version=v(incident), delay_reasons="Vi kendte ikke til det.", **move
        )
    incident.refresh_from_db()
    assert incident.notified_late
    assert incident.delay_reasons == "Vi kendte ikke til det."


def test_awareness_cannot_move_past_the_initial_notification(notifiable, gdpr_user):
    notify(notifiable, gdpr_user, notified_at=cph(2026, 3, 6, 9, 0), delay_reasons="For sent.")
    with pytest.raises(ValidationError) as error:
        services.incident_change_awareness(
            incident=notifiable,
            actor=gdpr_user,
            aware_at=cph(2026, 3, 6, 10, 0),
            reason="Vi vidste det først fredag.",
            expected_version=v(notifiable),
        )
    assert "aware_at" in error.value.error_dict


def test_moving_the_deadline_rearms_the_reminders(reporter, gdpr_user):
    gdpr_mail = "sikkerhedsbrud@herlev.dk"
    with time_machine.travel(cph(2026, 3, 4, 12, 0), tick=False):
        incident = make_incident(reporter, now=cph(2026, 3, 2, 10, 0))  # deadline 5 March 10:00
        notifications.create_due_reminders()
        old = incident.notifications.get(kind=Notification.Kind.REMINDER_24H)
        assert old.deadline == cph(2026, 3, 5, 10, 0)
        services.incident_change_awareness(
            incident=incident,
            actor=gdpr_user,
            aware_at=cph(2026, 3, 3, 9, 0),  # the deadline moves a day on
            reason="Opdaget først tirsdag.",
            expected_version=v(incident),
        )
        old.refresh_from_db()
        assert old.status == Notification.Status.CANCELLED
    with time_machine.travel(cph(2026, 3, 5, 9, 30), tick=False):
        notifications.create_due_reminders()
    fresh = incident.notifications.get(
        kind=Notification.Kind.REMINDER_24H, deadline=cph(2026, 3, 6, 9, 0)
    )
    assert fresh.recipient_email == gdpr_mail
    assert fresh.status == Notification.Status.PENDING


# --- The timeline --------------------------------------------------------------------------------


def test_the_database_keeps_the_timeline_append_only(incident):
    entry = incident.timeline.get()
    with pytest.raises(InternalError), transaction.atomic():
        TimelineEntry.objects.filter(pk=entry.pk).update(changes={"x": "y"})
    with pytest.raises(InternalError), transaction.atomic():
        TimelineEntry.objects.filter(pk=entry.pk).delete()


def test_the_timeline_stores_codes_and_shows_labels(client, incident, gdpr_user, it_user):
    escalate(incident, gdpr_user)
    contain(incident, it_user)
    assess(incident, gdpr_user, risk_level="high")
    decide(incident, gdpr_user, "notify", decision_reasoning="Høj risiko for Bodil.")
    entry = incident.timeline.get(kind=Kind.DECIDED)
    assert entry.changes["notify_decision"] == ["", "notify"]  # the fact, as a code
    assert entry.changes["decision_reasoning"] == "changed"  # never the words
    assert "Bodil" not in str(entry.changes)
    client.force_login(gdpr_user)
    html = client.get(reverse("incidents:detail", args=[incident.reference])).text
    history = html[html.index('id="timeline"') :]
    assert "Beslutning: – → Anmeldes til Datatilsynet" in history
    assert "Risiko: – → Høj risiko" in history
    assert "Status: Modtaget → Under behandling" in history
    for code in ("notify", "high", "reported → escalated"):
        assert f": {code}" not in history and f"→ {code}" not in history


def test_no_free_text_is_copied_into_the_timeline(incident, gdpr_user, reporter):
    services.incident_add_information(incident=incident, actor=reporter, text="Bodil ringede.")
    services.incident_add_note(incident=incident, actor=gdpr_user, text="Ring til Bodil.")
    assess(incident, gdpr_user, likely_consequences="Bodils adresse er kendt.")
    assert "Bodil" not in str(list(incident.timeline.values_list("changes", flat=True)))
    assert IncidentText.objects.filter(incident=incident).count() == 2
