"""NIS2's steps as tests take them: through the services, with sensible facts. Each helper reads
the current version, so a chain of steps never trips the optimistic lock."""

from __future__ import annotations

from datetime import datetime

from nis2 import services
from nis2.models import Nis2Case


def nv(incident) -> int:
    case = Nis2Case.objects.filter(incident=incident).first()
    return case.version if case else 0


def assess_nis2(
    incident,
    actor,
    *,
    aware_at: datetime | None,
    significant: bool = True,
    criteria=("operational",),
    reason: str = "Borgerservice kunne ikke betjene borgere i to dage.",
    now: datetime | None = None,
):
    return services.nis2_assess(
        incident=incident,
        actor=actor,
        significant=significant,
        criteria=list(criteria),
        aware_at=aware_at,
        reason=reason,
        expected_version=nv(incident),
        now=now,
    )


def submit(incident, actor, phase: str, *, at: datetime, now: datetime | None = None, **kwargs):
    values = {"reference": "CFCS-2026-0042", "content": ""} | kwargs
    return services.nis2_record_submission(
        incident=incident,
        actor=actor,
        phase=phase,
        submitted_at=at,
        expected_version=nv(incident),
        now=now,
        **values,
    )


def end(incident, actor, *, at: datetime, now: datetime | None = None):
    return services.nis2_record_end(
        incident=incident, actor=actor, ended_at=at, expected_version=nv(incident), now=now
    )


def details(incident, actor, *, now: datetime | None = None, **overrides):
    values = {
        "suspected_malicious": True,
        "cross_border": False,
        "severity_impact": "Selvbetjeningen var nede i 40 timer.",
        "indicators": "185.220.101.7; update-herlev.example",
        "threat": "Ransomware via phishing.",
        "mitigations": "Serverne er genskabt fra backup; adgangskoder skiftet.",
    } | overrides
    return services.nis2_record_details(
        incident=incident, actor=actor, expected_version=nv(incident), now=now, **values
    )
