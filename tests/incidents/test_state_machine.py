"""A hypothesis state machine drives every service in random order, with random (often wrong)
input and stale versions, and checks every invariant of the breach record after each step.

A step the services refuse must leave no trace; a step they accept must leave the record true.
Time is a virtual clock that only moves forward (across the autumn daylight-saving change);
every service gets it as `now`.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from incidents import breach_record, duties, register, services
from incidents.breach_record import PROMISABLE
from incidents.history import CHANGED
from incidents.models import (
    NOTIFICATION_WINDOW,
    DataKind,
    DatatilsynetNotification,
    Incident,
    IncidentText,
    Notification,
    NotifyDecision,
    RiskLevel,
    StepRecord,
    SubjectCategory,
    SubjectsExemption,
    TimelineEntry,
    clock_stop,
)
from incidents.risk import below_steer, steer_reasons
from incidents.steps import STEPS_BY_ACTION
from portal import cpr
from tests.incidents.steps import ASSESSMENT

CPH = ZoneInfo("Europe/Copenhagen")
START = dt.datetime(2026, 10, 23, 14, 0, tzinfo=CPH)  # the clocks go back on 25 October
SKEW = services.CLOCK_SKEW
STEP_TABLES = StepRecord.__subclasses__()
TEXT_FIELDS = {
    f.name
    for model in (Incident, *STEP_TABLES)
    for f in model._meta.get_fields()
    if f.get_internal_type() == "TextField"
}
# The timeline line each step table's service writes with every change (its first save too).
STEP_TABLE_KIND = {
    STEPS_BY_ACTION["subjects"].record: TimelineEntry.Kind.SUBJECTS,
    STEPS_BY_ACTION["other"].record: TimelineEntry.Kind.RECORDS,
}

# Offsets (minutes) from "now" for the times people type: mostly the last few days, sometimes
# a little ahead (beyond the tolerated clock skew or not), sometimes years away.
_recent = st.integers(min_value=-4 * 24 * 60, max_value=0)
offsets = st.one_of(
    _recent,
    _recent,
    _recent,
    st.integers(min_value=1, max_value=60),
    st.sampled_from([-3 * 365 * 24 * 60, 3 * 365 * 24 * 60]),
)
# For the notification, whose time must follow awareness and any earlier notification.
lately = st.one_of(st.just(0), st.just(0), st.integers(min_value=-6 * 60, max_value=0), offsets)
# Mostly what a careful handler writes; sometimes nothing, or a CPR number.
maybe_text = st.sampled_from(["Forklaring."] * 4 + ["", "  ", "Borger 010190-1234 ringede."])
reasons = st.sampled_from(["Begrundet."] * 4 + ["", "CPR 0101901234"])
# Now and then a second handler acts on the version they saw before someone else saved.
stales = st.sampled_from([False] * 6 + [True])


class IncidentMachine(RuleBasedStateMachine):
    people: dict = {}
    outcomes: Counter = Counter()  # (step, outcome) over the whole run

    @initialize(discovered=st.integers(min_value=0, max_value=4 * 24 * 60), occurred=st.booleans())
    def report(self, discovered, occurred):
        self.now = START
        discovered_at = self.now - dt.timedelta(minutes=discovered)
        self.incident = services.incident_submit(
            reporter=self.people["reporter"],
            category="misdirected_mail",
            description="Et brev er sendt til en forkert modtager.",
            discovered_at=discovered_at,
            occurred_at=discovered_at - dt.timedelta(hours=1) if occurred else None,
            personal_data="yes",
            data_kinds=["ordinary"],
            affected_estimate=3,
            stopped="unknown",
            now=self.now,
        )
        self.seen_timeline: list[tuple] = []
        self.last_version = 0
        self.check_all()

    # --- Helpers -------------------------------------------------------------------------------

    def fresh(self) -> Incident:
        return Incident.objects.get(pk=self.incident.pk)

    def trace(self) -> tuple:
        incident = self.fresh()
        return (
            incident.version,
            incident.timeline.count(),
            incident.dt_notifications.count(),
            incident.texts.count(),
            Notification.objects.filter(incident=incident).exclude(status="cancelled").count(),
            [model.objects.filter(pk=incident.pk).values().first() for model in STEP_TABLES],
        )

    def attempt(self, call, *, stale: bool = False):
        """Run a service; a refusal must leave no trace. (`--hypothesis-show-statistics` shows
        how often each step was accepted, and that closing and reopening are reached.)"""
        step = inspect.stack()[1].function
        before = self.trace()
        try:
            with transaction.atomic():
                call()
        except services.StaleIncident:
            assert stale, "a current version was refused as stale"
            assert self.trace() == before
            event(f"{step}: stale")
            self.outcomes[step, "stale"] += 1
        except (ValidationError, PermissionDenied):
            assert self.trace() == before
            event(f"{step}: refused")
            self.outcomes[step, "refused"] += 1
        else:
            assert not stale, "a stale version was accepted"
            event(f"{step}: accepted")
            self.outcomes[step, "accepted"] += 1

    def version(self, stale: bool) -> int:
        current = self.fresh().version
        return current - 1 if stale else current

    def at(self, minutes: int) -> dt.datetime:
        return self.now + dt.timedelta(minutes=minutes)

    # --- Rules: every service ----------------------------------------------------------------

    @rule(minutes=st.integers(min_value=1, max_value=30 * 60))
    def time_passes(self, minutes):
        self.now += dt.timedelta(minutes=minutes)

    @rule(stale=stales, who=st.sampled_from(["gdpr", "it", "reporter"]))
    def escalate(self, stale, who):
        self.attempt(
            lambda: services.incident_escalate(
                incident=self.incident,
                actor=self.people[who],
                expected_version=self.version(stale),
                now=self.now,
            ),
            stale=stale,
        )

    @rule(offset=offsets, text=maybe_text, stale=stales)
    def contain(self, offset, text, stale):
        self.attempt(
            lambda: services.incident_record_containment(
                incident=self.incident,
                actor=self.people["it"],
                description=text,
                contained_at=self.at(offset),
                expected_version=self.version(stale),
                now=self.now,
            ),
            stale=stale,
        )

    @rule(manager=st.one_of(st.none(), offsets), it=st.one_of(st.none(), offsets))
    def people_notified(self, manager, it):
        self.attempt(
            lambda: services.incident_record_people_notified(
                incident=self.incident,
                actor=self.people["it"],
                manager_notified_at=None if manager is None else self.at(manager),
                it_notified_at=None if it is None else self.at(it),
                expected_version=self.version(False),
                now=self.now,
            )
        )

    @rule(offset=offsets, reason=reasons, delay=reasons, stale=stales)
    def change_awareness(self, offset, reason, delay, stale):
        self.attempt(
            lambda: services.incident_change_awareness(
                incident=self.incident,
                actor=self.people["gdpr"],
                aware_at=self.at(offset),
                reason=reason,
                delay_reasons=delay,
                expected_version=self.version(stale),
                now=self.now,
            ),
            stale=stale,
        )

    @rule(
        risk=st.sampled_from(RiskLevel.values),
        kinds=st.lists(st.sampled_from(DataKind.values), unique=True, max_size=3),
        categories=st.lists(st.sampled_from(SubjectCategory.values), unique=True, max_size=2),
        estimate=st.one_of(st.none(), st.integers(min_value=0, max_value=500)),
        classification=st.sampled_from(["breach", "not_breach"]),
        override=reasons,
        account=maybe_text,
        stale=stales,
    )
    def assess(self, risk, kinds, categories, estimate, classification, override, account, stale):
        values = {
            **ASSESSMENT,
            "classification": classification,
            "account": account,
            "data_kinds": kinds,
            "subject_categories": categories,
            "subjects_estimate": estimate,
        }
        self.attempt(
            lambda: services.incident_assess(
                incident=self.incident,
                actor=self.people["gdpr"],
                risk_level=risk,
                risk_override_reason=override,
                expected_version=self.version(stale),
                now=self.now,
                **values,
            ),
            stale=stale,
        )

    @rule(decision=st.sampled_from(NotifyDecision.values), deviation=reasons, stale=stales)
    def decide(self, decision, deviation, stale):
        self.attempt(
            lambda: services.incident_decide(
                incident=self.incident,
                actor=self.people["gdpr"],
                notify_decision=decision,
                decision_reasoning="Vurderet.",
                deviation_reason=deviation,
                expected_version=self.version(stale),
                now=self.now,
            ),
            stale=stale,
        )

    @rule(
        offset=lately,
        delay=reasons,
        supplied=st.one_of(
            st.just("outstanding"),
            st.just("outstanding"),
            st.lists(st.sampled_from(PROMISABLE), unique=True, max_size=3),
        ),
        reference=st.sampled_from(["2026-431-0001"] * 3 + ["", "010190-1234"]),
        stale=stales,
    )
    def notify_datatilsynet(self, offset, delay, supplied, reference, stale):
        self.attempt(
            lambda: services.incident_record_dt_notification(
                incident=self.incident,
                actor=self.people["gdpr"],
                notified_at=self.at(offset),
                dt_reference=reference,
                content="",
                delay_reasons=delay,
                items_supplied=(
                    self.fresh().dt_items_outstanding if supplied == "outstanding" else supplied
                ),
                expected_version=self.version(stale),
                now=self.now,
            ),
            stale=stale,
        )

    @rule(
        informed=st.one_of(st.none(), offsets),
        how=maybe_text,
        exemption=st.sampled_from(["", *SubjectsExemption.values]),
        public=st.one_of(st.none(), offsets),
        where=maybe_text,
    )
    def inform_subjects(self, informed, how, exemption, public, where):
        self.attempt(
            lambda: services.incident_record_subjects(
                incident=self.incident,
                actor=self.people["gdpr"],
                informed_at=None if informed is None else self.at(informed),
                informed_how=how,
                exemption=exemption,
                exemption_reason="Begrundet." if exemption else "",
                public_communication_at=None if public is None else self.at(public),
                public_communication_where=where,
                expected_version=self.version(False),
                now=self.now,
            )
        )

    @rule(
        processor=st.sampled_from([None, True, False]),
        discovered=st.one_of(st.none(), offsets),
        told=st.one_of(st.none(), offsets),
        sbsys=st.sampled_from(["", "27.12.08-G01-1-26", "2026-441-120326"]),
    )
    def other_records(self, processor, discovered, told, sbsys):
        self.attempt(
            lambda: services.incident_record_other(
                incident=self.incident,
                actor=self.people["gdpr"],
                processor_involved=processor,
                processor_discovered_at=None if discovered is None else self.at(discovered),
                processor_told_us_at=None if told is None else self.at(told),
                police_reported=False,
                police_reference="",
                sbsys_case_number=sbsys,
                expected_version=self.version(False),
                now=self.now,
            )
        )

    @rule(risk=st.sampled_from(RiskLevel.values), late=st.booleans())
    def finish_handling(self, risk, late):
        """A careful handler does every step that is still open, with sound facts, so that the
        machine also reaches the end of the workflow (closing, reopening) often."""
        gdpr, it = self.people["gdpr"], self.people["it"]
        incident = self.fresh()
        now = self.now
        steps = []
        if incident.escalated_at is None:
            steps.append(
                lambda: services.incident_escalate(
                    incident=incident, actor=gdpr, expected_version=self.version(False), now=now
                )
            )
        if incident.contained_at is None:
            steps.append(
                lambda: services.incident_record_containment(
                    incident=incident,
                    actor=it,
                    description="Stoppet.",
                    contained_at=now,
                    expected_version=self.version(False),
                    now=now,
                )
            )
        if incident.assessed_at is None:
            steps.append(
                lambda: services.incident_assess(
                    incident=incident,
                    actor=gdpr,
                    risk_level=risk,
                    expected_version=self.version(False),
                    risk_override_reason="Krypteret.",
                    now=now,
                    **ASSESSMENT,
                )
            )
        steps.append(
            lambda: services.incident_record_other(
                incident=incident,
                actor=gdpr,
                processor_involved=False,
                processor_discovered_at=None,
                processor_told_us_at=None,
                police_reported=False,
                police_reference="",
                sbsys_case_number="27.12.08-G01-1-26",
                expected_version=self.version(False),
                now=now,
            )
        )
        if not incident.notify_decision:
            steps.append(
                lambda: services.incident_decide(
                    incident=incident,
                    actor=gdpr,
                    notify_decision="notify",
                    decision_reasoning="Vurderet.",
                    expected_version=self.version(False),
                    now=now,
                )
            )
        steps.append(
            lambda: services.incident_record_dt_notification(
                incident=incident,
                actor=gdpr,
                notified_at=now,
                dt_reference="2026-431-0001",
                content="",
                delay_reasons="For sent." if late else "",
                items_supplied=self.fresh().dt_items_outstanding,
                expected_version=self.version(False),
                now=now,
            )
        )
        steps.append(
            lambda: services.incident_record_subjects(
                incident=incident,
                actor=gdpr,
                informed_at=now,
                informed_how="Brev.",
                exemption="",
                exemption_reason="",
                expected_version=self.version(False),
                now=now,
            )
        )
        for step in steps:
            self.attempt(step)  # fmt: skip

    @rule(stale=stales)
    def close(self, stale):
        self.attempt(
            lambda: services.incident_close(
                incident=self.incident,
                actor=self.people["gdpr"],
                expected_version=self.version(stale),
                now=self.now,
            ),
            stale=stale,
        )

    @rule(reason=reasons)
    def reopen(self, reason):
        self.attempt(
            lambda: services.incident_reopen(
                incident=self.incident,
                actor=self.people["gdpr"],
                reason=reason,
                expected_version=self.version(False),
                now=self.now,
            )
        )

    @rule(kind=st.sampled_from(["note", "message", "information"]), text=maybe_text)
    def write(self, kind, text):
        call = {
            "note": lambda: services.incident_add_note(
                incident=self.incident, actor=self.people["gdpr"], text=text, now=self.now
            ),
            "message": lambda: services.incident_send_message(
                incident=self.incident, actor=self.people["gdpr"], text=text, now=self.now
            ),
            "information": lambda: services.incident_add_information(
                incident=self.incident, actor=self.people["reporter"], text=text, now=self.now
            ),
        }[kind]
        self.attempt(call)

    # --- Invariants ----------------------------------------------------------------------------

    @invariant()
    def check_all(self):
        if not hasattr(self, "incident"):
            return
        # The deferred trigger (clock against the initial notification) runs now, not at commit.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        incident = Incident.objects.prefetch_related("dt_notifications").get(pk=self.incident.pk)
        self.check_clock(incident)
        self.check_notifications(incident)
        self.check_times(incident)
        self.check_decision(incident)
        self.check_duties(incident)
        self.check_step_tables(incident)
        self.check_reminders(incident)
        self.check_timeline(incident)
        self.check_record(incident)
        assert incident.version >= self.last_version
        self.last_version = incident.version

    def check_clock(self, incident):
        assert incident.notification_deadline - incident.aware_at == NOTIFICATION_WINDOW
        assert incident.notification_deadline == incident.aware_at.astimezone(dt.UTC) + (
            NOTIFICATION_WINDOW
        )
        initial = incident.initial_dt_notification()
        assert incident.clock_stopped_at == clock_stop(
            initial_notified_at=initial.notified_at if initial else None,
            notify_decision=incident.notify_decision,
            decided_at=incident.decided_at,
        )
        if incident.notified_late:
            assert incident.delay_reasons.strip()

    def check_notifications(self, incident):
        notifications = list(incident.dt_notifications.all())
        initials = [n for n in notifications if n.phase == DatatilsynetNotification.Phase.INITIAL]
        assert len(initials) <= 1
        for n in notifications:
            assert n.notified_at >= incident.aware_at
            assert n.notified_at <= n.recorded_at + SKEW
            if n.phase == DatatilsynetNotification.Phase.FOLLOW_UP:
                assert initials and n.follows_id == initials[0].pk
                assert n.notified_at >= initials[0].notified_at
            assert not cpr.looks_like_cpr(n.dt_reference)
        if notifications:
            assert incident.notify_decision == NotifyDecision.NOTIFY
        promised = set(initials[0].items_later) if initials else set()
        supplied = {key for n in notifications for key in n.items_supplied}
        assert set(incident.dt_items_outstanding) == promised - supplied

    def check_times(self, incident):
        notice, other = incident.subjects_notice, incident.other_records
        horizon = self.now + SKEW
        times = [
            incident.discovered_at,
            incident.aware_at,
            incident.contained_at,
            incident.manager_notified_at,
            incident.it_notified_at,
            notice.subjects_informed_at,
            notice.public_communication_at,
            other.processor_discovered_at,
            other.processor_told_us_at,
        ]
        assert all(t is None or t <= horizon for t in times)
        occurred = incident.occurred_at
        if occurred:
            for later in (incident.discovered_at, incident.aware_at, incident.contained_at):
                assert later is None or later >= occurred
        for later in (notice.subjects_informed_at, notice.public_communication_at):
            assert later is None or later >= incident.aware_at
        if other.processor_told_us_at:
            assert other.processor_told_us_at >= incident.aware_at
            if other.processor_discovered_at:
                assert other.processor_told_us_at >= other.processor_discovered_at

    def check_decision(self, incident):
        if incident.notify_decision:
            assert incident.assessed_at is not None
        if incident.decision_contradicts_risk:
            assert incident.decision_deviation_reason.strip()
        steer = steer_reasons(
            data_kinds=incident.data_kinds,
            subject_categories=incident.subject_categories,
            subjects_estimate=incident.subjects_estimate,
        )
        if incident.risk_level and below_steer(incident.risk_level, steer):
            assert incident.risk_override_reason.strip()
        if incident.classification == "not_breach":
            assert incident.risk_level == RiskLevel.NONE
        notice = incident.subjects_notice
        if notice.subjects_exemption == SubjectsExemption.ART34_3C:
            assert notice.public_communication_at and notice.public_communication_where
        for text in (incident.account, incident.risk_reasoning, incident.decision_deviation_reason):
            assert not cpr.looks_like_cpr(text)

    def check_duties(self, incident):
        # Each duty's Python rule and SQL rule agree on this state.
        for duty in duties.DUTIES:
            in_sql = Incident.objects.filter(duty.outstanding_q, pk=incident.pk).exists()
            assert duty.outstanding(incident) == in_sql, duty.code
            if duty.sql:  # the closing trigger's rule, on the step tables
                in_trigger = Incident.objects.annotate(
                    out=RawSQL(  # noqa: S611 - the duties' own constant SQL
                        f"SELECT {duty.sql} FROM incidents_incident i "  # noqa: S608
                        "WHERE i.id = incidents_incident.id",
                        (),
                    )
                ).get(pk=incident.pk)
                assert in_trigger.out == in_sql, duty.code
        if not incident.is_open:
            assert incident.outstanding_duties() == []
            assert incident.escalated_at and incident.assessed_at and incident.notify_decision
            assert incident.closed_at is not None
            assert incident.clock_stopped_at is not None  # a closed case has no running clock

    def check_step_tables(self, incident):
        # A step table's row is made by the step's first save, which bumped the version and
        # wrote the step's timeline line in the same transaction.
        for model, kind in STEP_TABLE_KIND.items():
            has_row = model.objects.filter(pk=incident.pk).exists()
            assert has_row == incident.timeline.filter(kind=kind).exists(), model.__name__

    def check_reminders(self, incident):
        unsent = Notification.objects.filter(
            incident=incident, kind__in=Notification.REMINDER_KINDS
        ).exclude(status__in=["sent", "cancelled"])
        running = incident.is_open and incident.clock_stopped_at is None
        for reminder in unsent:
            assert running and reminder.deadline == incident.notification_deadline

    def check_timeline(self, incident):
        entries = list(
            TimelineEntry.objects.filter(incident=incident)
            .order_by("pk")
            .values_list("pk", "kind", "at", "changes", "body_id", "actor_id")
        )
        # Append-only: everything seen before is still there, unchanged.
        assert entries[: len(self.seen_timeline)] == self.seen_timeline
        self.seen_timeline = entries
        for _pk, _kind, _at, changes, _body, _actor in entries:
            for name, change in changes.items():
                if name in TEXT_FIELDS:
                    assert change == CHANGED, name  # facts, never the words
            assert not cpr.looks_like_cpr(str(changes))
        for text in IncidentText.objects.filter(incident=incident):
            assert not cpr.looks_like_cpr(text.text)

    def check_record(self, incident):
        """The register and the draft say what the record says."""
        year = incident.reported_at.astimezone(CPH).year
        firsts = register.first_notifications(year, pks=[incident.pk])
        initial = incident.initial_dt_notification()
        assert firsts.get(incident.pk, (None,))[0] == (initial.notified_at if initial else None)
        items = breach_record.draft_items(incident, now=self.now)
        for item in items:
            assert not cpr.looks_like_cpr(item.value)
            assert "Et brev er sendt til en forkert modtager." not in item.value


@pytest.mark.django_db
def test_the_services_keep_every_invariant_in_any_order(reporter, gdpr_user, it_user):
    IncidentMachine.people = {"reporter": reporter, "gdpr": gdpr_user, "it": it_user}
    run_state_machine_as_test(
        IncidentMachine,
        settings=settings(
            max_examples=50,
            stateful_step_count=35,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    print(sorted(IncidentMachine.outcomes.items()))
