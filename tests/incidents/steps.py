"""The handling steps as tests take them: through the services, with sensible facts.

Each helper reads the current version, so a chain of steps never trips the optimistic lock.
"""

from __future__ import annotations

from datetime import datetime

from incidents import services
from incidents.models import Incident


def v(incident: Incident) -> int:
    return Incident.objects.get(pk=incident.pk).version


def escalate(incident, actor, **kwargs):
    return services.incident_escalate(
        incident=incident, actor=actor, expected_version=v(incident), **kwargs
    )


def contain(incident, actor, *, contained_at: datetime | None = None, **kwargs):
    return services.incident_record_containment(
        incident=incident,
        actor=actor,
        description="Mobilen er fjernslettet.",
        contained_at=contained_at or Incident.objects.get(pk=incident.pk).reported_at,
        expected_version=v(incident),
        **kwargs,
    )


ASSESSMENT = {
    "classification": "breach",
    "account": "En arbejdsmobil med adgang til e-mail blev glemt i en bus.",
    "dt_incident_type": "lost_device",
    "breach_types": ["confidentiality"],
    "subject_categories": ["citizens"],
    "data_kinds": ["ordinary"],
    "subjects_estimate": 10,
    "records_estimate": 10,
    "likely_consequences": "Uvedkommende kan se navne og adresser.",
    "measures_taken": "Mobilen er spærret og slettet.",
    "measures_proposed": "Husk skærmlås.",
    "measures_before": "Mobilen havde pinkode.",
    "identifiability": "maximum",
    "risk_reasoning": "Begrænset antal, almindelige oplysninger.",
}


def assess(incident, actor, *, risk_level: str = "risk", **overrides):
    values = {**ASSESSMENT, **overrides}
    return services.incident_assess(
        incident=incident,
        actor=actor,
        risk_level=risk_level,
        expected_version=v(incident),
        **values,
    )


def decide(incident, actor, decision: str = "notify", **kwargs):
    kwargs.setdefault("decision_reasoning", "Der er risiko for de registrerede.")
    return services.incident_decide(
        incident=incident,
        actor=actor,
        notify_decision=decision,
        expected_version=v(incident),
        **kwargs,
    )


def notify(incident, actor, *, notified_at: datetime, **kwargs):
    kwargs.setdefault("dt_reference", "2026-431-0001")
    kwargs.setdefault("content", "Anmeldt via virk.dk.")
    return services.incident_record_dt_notification(
        incident=incident,
        actor=actor,
        notified_at=notified_at,
        expected_version=v(incident),
        **kwargs,
    )


def record_other(incident, actor, **overrides):
    values = {
        "processor_involved": False,
        "processor_discovered_at": None,
        "processor_told_us_at": None,
        "police_reported": False,
        "police_reference": "",
        "sbsys_case_number": "27.12.08-G01-1-26",
        **overrides,
    }
    return services.incident_record_other(
        incident=incident, actor=actor, expected_version=v(incident), **values
    )


def close(incident, actor):
    return services.incident_close(incident=incident, actor=actor, expected_version=v(incident))


def handle_to_closable(incident, *, gdpr, it, risk_level: str = "none"):
    """Escalate, contain, assess (no risk by default), decide not to notify, journalise."""
    escalate(incident, gdpr)
    contain(incident, it)
    assess(
        incident,
        gdpr,
        risk_level=risk_level,
        risk_override_reason="Telefonen var krypteret." if risk_level == "none" else "",
    )
    decide(
        incident,
        gdpr,
        "not_notify",
        decision_reasoning="Ingen risiko for de registrerede.",
        deviation_reason="" if risk_level == "none" else "Krypteret enhed.",
    )
    record_other(incident, gdpr)
    return Incident.objects.get(pk=incident.pk)
