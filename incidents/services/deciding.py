"""The assessment (art. 33(5)) and the decision on notifying Datatilsynet it stands on.

A risk below what the facts suggest needs a reason; not notifying despite an assessed risk needs
its own justification; a higher risk assessed later withdraws a decision not to notify."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents import notifications, risk
from incidents.models import Classification, Incident, NotifyDecision, RiskLevel
from incidents.services._base import (
    Kind,
    change,
    check_no_cpr,
    clock_values,
    lock,
    require,
    require_open,
)
from incidents.steps import STEPS_BY_ACTION

FOUND_RISK = (RiskLevel.RISK, RiskLevel.HIGH)


# Over 60 lines: the signature names the assessment's 17 facts; the body is some 35 lines.
@transaction.atomic
# Over 60 lines only by its signature: one keyword per fact of the assessment (steps.py).
def incident_assess(
    *,
    incident: Incident,
    actor: User,
    classification: str = Classification.BREACH,
    account: str = "",
    dt_incident_type: str = "",
    breach_types: Sequence[str],
    subject_categories: Sequence[str] = (),
    data_kinds: Sequence[str],
    subjects_estimate: int | None,
    records_estimate: int | None,
    likely_consequences: str,
    measures_taken: str,
    measures_proposed: str,
    measures_before: str,
    identifiability: str = "",
    malicious: bool = False,
    risk_level: str,
    risk_reasoning: str,
    risk_override_reason: str = "",
    expected_version: int | None,
    now: datetime | None = None,
) -> Incident:
    """Record the assessment. Below the risk steer needs a reason; a risk that contradicts an
    earlier decision not to notify withdraws that decision (it must be taken again)."""
    require(actor, incident, "assess")
    facts = STEPS_BY_ACTION["assess"].values(
        classification=classification,
        account=account,
        dt_incident_type=dt_incident_type,
        breach_types=list(breach_types),
        subject_categories=list(subject_categories),
        data_kinds=list(data_kinds),
        subjects_estimate=subjects_estimate,
        records_estimate=records_estimate,
        likely_consequences=likely_consequences,
        measures_taken=measures_taken,
        measures_proposed=measures_proposed,
        measures_before=measures_before,
        identifiability=identifiability,
        malicious=malicious,
        risk_level=risk_level,
        risk_reasoning=risk_reasoning,
        risk_override_reason=risk_override_reason,
    )
    _check_assessment(facts)
    incident = lock(incident, expected_version)
    require_open(incident)
    now = now or timezone.now()
    withdraw = (
        incident.notify_decision == NotifyDecision.NOT_NOTIFY
        and risk_level in FOUND_RISK
        and risk_level != incident.risk_level
    )
    if withdraw:
        # Withdrawn first, in its own line: the row never holds the contradiction unjustified.
        _withdraw_decision(incident, actor=actor, now=now)
    values = {**facts, "assessed_at": now, "assessed_by": actor}
    change(incident, values, actor=actor, kind=Kind.ASSESSED, at=now)
    if withdraw:
        notifications.rearm_reminders(incident=incident, now=now)
    return incident


def _check_assessment(facts: dict) -> None:
    errors = {}
    if not facts["risk_reasoning"].strip():
        errors["risk_reasoning"] = _("Begrund risikovurderingen.")
    steer = risk.steer_reasons(
        data_kinds=facts["data_kinds"],
        subject_categories=facts["subject_categories"],
        subjects_estimate=facts["subjects_estimate"],
    )
    if risk.below_steer(facts["risk_level"], steer):
        if not facts["risk_override_reason"].strip():
            errors["risk_override_reason"] = _(
                "Oplysningerne tyder på mindst „Risiko“ (%(why)s). Skriv hvorfor risikoen "
                "alligevel vurderes lavere."
            ) % {"why": ", ".join(steer)}
    else:
        facts["risk_override_reason"] = ""  # a reason for what was not done is no fact
    if (
        facts["classification"] == Classification.NOT_BREACH
        and facts["risk_level"] != RiskLevel.NONE
    ):
        errors["risk_level"] = _(
            "Er hændelsen ikke et brud på persondatasikkerheden, er der ingen risiko for de "
            "registrerede. Vælg „Ingen risiko“ eller ret klassifikationen."
        )
    if errors:
        raise ValidationError(errors)
    check_no_cpr(
        **{
            name: facts[name]
            for name in (
                "account",
                "likely_consequences",
                "measures_taken",
                "measures_proposed",
                "measures_before",
                "risk_reasoning",
                "risk_override_reason",
            )
        }
    )


def _withdraw_decision(incident: Incident, *, actor: User, now: datetime) -> None:
    values = {
        "notify_decision": "",
        "decision_reasoning": "",
        "decision_deviation_reason": "",
        "decided_at": None,
        "decided_by": None,
        "clock_stopped_at": None,
    }
    change(incident, values, actor=actor, kind=Kind.DECISION_WITHDRAWN, at=now)


@transaction.atomic
def incident_decide(
    *,
    incident: Incident,
    actor: User,
    notify_decision: str,
    decision_reasoning: str,
    deviation_reason: str = "",
    expected_version: int | None,
    now: datetime | None = None,
) -> Incident:
    """Decide on notifying Datatilsynet, on an assessment. Not notifying although the risk was
    assessed as "Risiko" or "Høj risiko" needs its own justification (and stays flagged)."""
    require(actor, incident, "decide")
    if not decision_reasoning.strip():
        raise ValidationError({"decision_reasoning": _("Begrund beslutningen.")})
    check_no_cpr(decision_reasoning=decision_reasoning, deviation_reason=deviation_reason)
    incident = lock(incident, expected_version)
    require_open(incident)
    if incident.assessed_at is None:
        raise ValidationError(
            _("Vurder bruddet og risikoen først; beslutningen træffes på vurderingen.")
        )
    if notify_decision == NotifyDecision.NOT_NOTIFY and incident.dt_notifications.exists():
        raise ValidationError(
            _("Bruddet er allerede anmeldt til Datatilsynet; beslutningen kan ikke ændres.")
        )
    contradicts = notify_decision == NotifyDecision.NOT_NOTIFY and incident.risk_level in (
        FOUND_RISK
    )
    if contradicts and not deviation_reason.strip():
        raise ValidationError(
            {
                "deviation_reason": _(
                    "Risikoen er vurderet som „%(risk)s“, og beslutningen er ikke at anmelde. "
                    "Begrund udtrykkeligt, hvorfor bruddet alligevel ikke anmeldes."
                )
                % {"risk": incident.get_risk_level_display()}
            }
        )
    now = now or timezone.now()
    values = STEPS_BY_ACTION["decide"].values(
        notify_decision=notify_decision,
        decision_reasoning=decision_reasoning,
        deviation_reason=deviation_reason if contradicts else "",
    )
    values |= {"decided_at": now, "decided_by": actor}
    values |= clock_values(incident, notify_decision=notify_decision, decided_at=now)
    change(incident, values, actor=actor, kind=Kind.DECIDED, at=now)
    notifications.rearm_reminders(incident=incident, now=now)
    return incident
