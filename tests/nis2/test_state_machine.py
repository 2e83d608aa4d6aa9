"""A hypothesis state machine drives every NIS2 service, and closing and reopening the incident,
in random order with random (often wrong) input and stale versions, and checks every NIS2
invariant after each step (the standard of tests/incidents/test_state_machine.py).

A refused step leaves no trace; an accepted one leaves the record true. Time is a virtual clock
that only moves forward, starting two days before the spring daylight-saving change.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from incidents import services as incident_services
from incidents.history import CHANGED
from incidents.models import Incident, Notification, TimelineEntry
from nis2 import deadlines, reminders, services
from nis2.models import PHASE_FIELD, Nis2Case, Nis2Submission, Phase
from nis2.steps import next_phases
from portal import cpr
from tests.incidents.conftest import make_incident
from tests.incidents.steps import handle_to_closable
from tests.nis2.steps import assess_nis2, end, submit

CPH = ZoneInfo("Europe/Copenhagen")
START = dt.datetime(2026, 3, 27, 14, 0, tzinfo=CPH)  # the clocks go forward on 29 March
SKEW = incident_services.CLOCK_SKEW
TEXT_FIELDS = {f.name for f in Nis2Case._meta.get_fields() if f.get_internal_type() == "TextField"}

_recent = st.integers(min_value=-3 * 24 * 60, max_value=0)
offsets = st.one_of(_recent, _recent, _recent, st.integers(min_value=1, max_value=60))
maybe_text = st.sampled_from(["Begrundet."] * 4 + ["", "Borger 010190-1234 ringede."])
stales = st.sampled_from([False] * 6 + [True])
actors = st.sampled_from(["gdpr", "gdpr", "it", "reporter"])


class Nis2Machine(RuleBasedStateMachine):
    people: dict = {}
    outcomes: Counter = Counter()

    @initialize()
    def report(self):
        self.now = START
        incident = incident_services.incident_submit(
            reporter=self.people["reporter"],
            category="malware",
            description="Skærmen viste en løsesumsbesked.",
            discovered_at=START - dt.timedelta(hours=2),
            personal_data="unknown",
            data_kinds=[],
            affected_estimate=None,
            stopped="unknown",
            now=START,
        )
        with time_machine.travel(START, tick=False):
            self.incident = handle_to_closable(
                incident, gdpr=self.people["gdpr"], it=self.people["it"]
            )
        self.seen_timeline: list[tuple] = []
        self.seen_submissions: list[tuple] = []

    # --- Helpers -------------------------------------------------------------------------------

    def case(self) -> Nis2Case | None:
        return Nis2Case.objects.filter(incident_id=self.incident.pk).first()

    def version(self, stale: bool) -> int:
        case = self.case()
        current = case.version if case else 0
        return current - 1 if stale else current

    def trace(self) -> tuple:
        case = self.case()
        return (
            case.version if case else 0,
            TimelineEntry.objects.filter(incident_id=self.incident.pk).count(),
            Nis2Submission.objects.filter(nis2_case_id=self.incident.pk).count(),
            Incident.objects.get(pk=self.incident.pk).status,
        )

    def attempt(self, call, *, stale: bool = False):
        step = inspect.stack()[1].function
        before = self.trace()
        try:
            with transaction.atomic():
                call()
        except (services.StaleNis2, incident_services.StaleIncident):
            assert stale, "a current version was refused as stale"
            assert self.trace() == before
            self.outcomes[step, "stale"] += 1
        except (ValidationError, PermissionDenied):
            assert self.trace() == before
            event(f"{step}: refused")
            self.outcomes[step, "refused"] += 1
        else:
            assert not stale, "a stale version was accepted"
            event(f"{step}: accepted")
            self.outcomes[step, "accepted"] += 1

    def at(self, minutes: int) -> dt.datetime:
        return self.now + dt.timedelta(minutes=minutes)

    # --- Rules -------------------------------------------------------------------------------

    @rule(minutes=st.integers(min_value=1, max_value=40 * 60))
    def time_passes(self, minutes):
        self.now += dt.timedelta(minutes=minutes)

    @rule(
        significant=st.booleans(),
        criteria=st.lists(st.sampled_from(["operational", "financial", "damage"]), max_size=2),
        aware=st.one_of(st.none(), offsets),
        reason=maybe_text,
        who=actors,
        stale=stales,
    )
    def assess(self, significant, criteria, aware, reason, who, stale):
        self.attempt(
            lambda: services.nis2_assess(
                incident=self.incident,
                actor=self.people[who],
                significant=significant,
                criteria=sorted(set(criteria)),
                aware_at=None if aware is None else self.at(aware),
                reason=reason,
                expected_version=self.version(stale),
                now=self.now,
            ),
            stale=stale,
        )

    @rule(aware=st.sampled_from([0, -60, -25 * 60]))
    def assess_carefully(self, aware):
        """A careful handler: significant, on a criterion, with a reason."""
        self.attempt(
            lambda: services.nis2_assess(
                incident=self.incident,
                actor=self.people["gdpr"],
                significant=True,
                criteria=["operational"],
                aware_at=self.at(aware),
                reason="Borgerservice var nede.",
                expected_version=self.version(False),
                now=self.now,
            )
        )

    @rule(text=maybe_text, malicious=st.sampled_from([None, True, False]))
    def details(self, text, malicious):
        self.attempt(
            lambda: services.nis2_record_details(
                incident=self.incident,
                actor=self.people["it"],
                suspected_malicious=malicious,
                cross_border=False,
                severity_impact=text,
                indicators="",
                threat=text,
                mitigations="",
                expected_version=self.version(False),
                now=self.now,
            )
        )

    @rule(
        phase=st.sampled_from(Phase.values),
        offset=st.one_of(st.just(0), offsets),
        reference=st.sampled_from(["CFCS-1"] * 3 + ["", "010190-1234"]),
        stale=stales,
    )
    def submit(self, phase, offset, reference, stale):
        self.attempt(
            lambda: services.nis2_record_submission(
                incident=self.incident,
                actor=self.people["gdpr"],
                phase=phase,
                submitted_at=self.at(offset),
                reference=reference,
                content="",
                expected_version=self.version(stale),
                now=self.now,
            ),
            stale=stale,
        )

    @rule(pick=st.integers(min_value=0, max_value=1), offset=st.sampled_from([0, 0, -30]))
    def submit_next(self, pick, offset):
        """A careful handler sends the next report due, so the machine reaches the later
        phases, the "still ongoing" branch and closing often."""
        phases = next_phases(self.case())
        if not phases:
            return
        self.attempt(
            lambda: services.nis2_record_submission(
                incident=self.incident,
                actor=self.people["it"],
                phase=phases[min(pick, len(phases) - 1)],
                submitted_at=self.at(offset),
                reference="CFCS-2",
                content="Sendt.",
                expected_version=self.version(False),
                now=self.now,
            )
        )

    @rule(offset=st.one_of(st.just(0), offsets))
    def end(self, offset):
        self.attempt(
            lambda: services.nis2_record_end(
                incident=self.incident,
                actor=self.people["gdpr"],
                ended_at=self.at(offset),
                expected_version=self.version(False),
                now=self.now,
            )
        )

    @rule()
    def close_incident(self):
        self.attempt(
            lambda: incident_services.incident_close(
                incident=self.incident,
                actor=self.people["gdpr"],
                expected_version=Incident.objects.get(pk=self.incident.pk).version,
                now=self.now,
            )
        )

    @rule()
    def reopen_incident(self):
        self.attempt(
            lambda: incident_services.incident_reopen(
                incident=self.incident,
                actor=self.people["gdpr"],
                reason="Ny viden.",
                expected_version=Incident.objects.get(pk=self.incident.pk).version,
                now=self.now,
            )
        )

    # --- Invariants ----------------------------------------------------------------------------

    @invariant()
    def check_all(self):
        if not hasattr(self, "incident"):
            return
        with connection.cursor() as cursor:  # the deferred triggers run now, not at commit
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        incident = Incident.objects.get(pk=self.incident.pk)
        case = self.case()
        submissions = list(Nis2Submission.objects.filter(nis2_case_id=incident.pk).order_by("pk"))
        self.check_append_only(incident, submissions)
        if case is None:
            assert not submissions
            return
        self.check_clocks(case)
        self.check_reports(case, submissions)
        self.check_closed(incident, case)
        self.check_reminders(incident, case)

    def check_clocks(self, case):
        if case.significant:
            assert case.aware_at is not None and case.criteria and case.reason.strip()
            assert case.early_warning_deadline == deadlines.early_warning_deadline(case.aware_at)
            assert case.notification_deadline == deadlines.notification_deadline(case.aware_at)
        else:
            assert case.aware_at is None and case.early_warning_deadline is None
        assert case.final_report_deadline == deadlines.final_report_deadline(
            notification_at=case.notification_at,
            progress_at=case.progress_at,
            ended_at=case.ended_at,
        )
        assert not cpr.looks_like_cpr(case.reason)

    def check_reports(self, case, submissions):
        by_phase = {s.phase: s for s in submissions}
        assert len(by_phase) == len(submissions)
        for phase, field in PHASE_FIELD.items():
            sent = by_phase.get(phase)
            assert getattr(case, field) == (sent.submitted_at if sent else None)
        if submissions:
            assert case.significant is True
        order = [case.aware_at, case.early_warning_at, case.notification_at]
        present = [t is not None for t in order]
        assert present == sorted(present, reverse=True)  # no report without the one before
        known = [t for t in order if t is not None]
        assert known == sorted(known)
        for later in (case.progress_at, case.final_at):
            assert later is None or (case.notification_at and later >= case.notification_at)
        if case.progress_at and case.final_at:
            assert case.ended_at and case.progress_at <= case.ended_at <= case.final_at
        for sent in submissions:
            assert sent.submitted_at <= sent.recorded_at + SKEW
            assert not cpr.looks_like_cpr(sent.reference)

    def check_closed(self, incident, case):
        if not incident.is_open and case.significant:
            assert case.early_warning_at and case.notification_at and case.final_at

    def check_reminders(self, incident, case):
        unsent = Notification.objects.filter(
            incident=incident, kind__in=Notification.NIS2_REMINDER_KINDS
        ).exclude(status__in=["sent", "cancelled"])
        rows = {(n.kind, n.deadline) for n in unsent}
        # Exactly the reminders the running clocks call for (none once a clock is met).
        wanted = reminders.wanted(case)
        assert rows <= wanted
        passed = {(k, d) for k, d in wanted if k == Notification.Kind.NIS2_DEADLINE_PASSED}
        assert passed <= rows

    def check_append_only(self, incident, submissions):
        entries = list(
            TimelineEntry.objects.filter(incident=incident)
            .order_by("pk")
            .values_list("pk", "kind", "changes")
        )
        assert entries[: len(self.seen_timeline)] == self.seen_timeline
        self.seen_timeline = entries
        for _pk, _kind, changes in entries:
            for name, change in changes.get("nis2", {}).items():
                if name in TEXT_FIELDS:
                    assert change == CHANGED, name
        seen = [(s.pk, s.phase, s.submitted_at, s.reference) for s in submissions]
        assert seen[: len(self.seen_submissions)] == self.seen_submissions
        self.seen_submissions = seen


@pytest.mark.django_db
def test_the_nis2_services_keep_every_invariant_in_any_order(reporter, gdpr_user, it_user):
    Nis2Machine.people = {"reporter": reporter, "gdpr": gdpr_user, "it": it_user}
    run_state_machine_as_test(
        Nis2Machine,
        settings=settings(
            max_examples=30,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    print(sorted(Nis2Machine.outcomes.items()))
    accepted = {step for (step, outcome) in Nis2Machine.outcomes if outcome == "accepted"}
    # "end" (the still-ongoing branch) needs three reports in order first; random rules reach it
    # in too few of 30 examples to count on, so test_the_still_ongoing_branch_is_accepted_in_order
    # takes that path on purpose.
    assert {"assess_carefully", "submit_next", "close_incident"} <= accepted


@pytest.mark.django_db
def test_the_still_ongoing_branch_is_accepted_in_order(reporter, gdpr_user, it_user):
    """Early warning, notification, a progress report (still ongoing), the end, the final
    report: each accepted, and the final report due a month after the end."""
    now = dt.datetime(2026, 3, 27, 12, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))
    with time_machine.travel(now, tick=False):
        incident = make_incident(reporter, now=now - dt.timedelta(hours=5))
        assess_nis2(incident, gdpr_user, aware_at=now - dt.timedelta(hours=4))
        submit(incident, it_user, "early_warning", at=now - dt.timedelta(hours=3))
        submit(incident, it_user, "notification", at=now - dt.timedelta(hours=2))
        submit(incident, it_user, "progress", at=now - dt.timedelta(hours=1))
        case = Nis2Case.objects.get(incident=incident)
        assert case.final_report_deadline is None  # still ongoing: no final deadline runs
        end(incident, gdpr_user, at=now)
        case.refresh_from_db()
        assert case.final_report_deadline == deadlines.month_after(now)
        submit(incident, it_user, "final", at=now)
        case.refresh_from_db()
        assert case.final_at is not None
