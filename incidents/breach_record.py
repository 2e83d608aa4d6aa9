"""What Datatilsynet and the art. 33(5) register ask for, laid out from an incident's record.

Only the handlers' structured facts and their own texts are used — never the reporter's free
text — and anything that looks like a CPR number is masked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from incidents.models import (
    DatatilsynetNotification,
    Incident,
    IncidentQuerySet,
    NotifyDecision,
    RiskLevel,
)
from incidents.templatetags.incidents import dk_datetime

CPR_LIKE = re.compile(r"(?<!\d)\d{6}[- ]?\d{4}(?!\d)")


def scrub(text: str) -> str:
    """Mask CPR-like numbers in a handler's text."""
    return CPR_LIKE.sub(_("[CPR-nummer fjernet]"), text or "").strip()


def with_first_notification(queryset: IncidentQuerySet) -> IncidentQuerySet:
    first = DatatilsynetNotification.objects.filter(incident=OuterRef("pk")).order_by("notified_at")
    return queryset.annotate(
        first_dt_at=Subquery(first.values("notified_at")[:1]),
        first_dt_reference=Subquery(first.values("dt_reference")[:1]),
    )


@dataclass(frozen=True)
class DraftItem:
    key: str
    label: str
    value: str
    missing: bool = False
    hint: str = ""


def _join(*parts: str) -> str:
    return "\n\n".join(p for p in (scrub(p) for p in parts) if p)


def draft_items(incident: Incident, *, now: datetime) -> list[DraftItem]:
    """Datatilsynet's questions in order, answered from the record; missing ones flagged."""
    first = incident.first_dt_notification()
    contacts = settings.PORTAL_CONTACTS
    items: list[DraftItem] = []

    def add(key, label, value, missing=None, hint=""):
        value = value or ""
        items.append(
            DraftItem(key, str(label), value, not value if missing is None else missing, hint)
        )

    add(
        "contact",
        _("Kontaktpunkt"),
        _("%(org)s, GDPR-enheden, %(email)s")
        % {"org": settings.PORTAL_ORGANISATION, "email": contacts["gdpr_email"]},
    )
    description = _("Hændelse: %(category)s.") % {"category": incident.get_category_display()}
    if incident.breach_types:
        description += " " + _("Bruddet angår %(types)s.") % {
            "types": ", ".join(t.split(" (")[0].lower() for t in incident.breach_type_labels())
        }
    add(
        "description",
        _("Beskrivelse af bruddet"),
        _join(description, first.content if first else ""),
        missing=not incident.breach_types,
        hint=_("Suppler med egne ord uden navne og CPR-numre."),
    )
    add(
        "subjects",
        _("Kategorier og omtrentligt antal berørte personer"),
        _("Ca. %(n)s personer") % {"n": incident.subjects_estimate}
        if incident.subjects_estimate is not None
        else "",
        hint=_("Angiv også kategorierne, fx borgere, elever eller ansatte."),
    )
    kinds = ", ".join(incident.data_kind_labels())
    records = (
        _("ca. %(n)s registreringer") % {"n": incident.records_estimate}
        if incident.records_estimate is not None
        else ""
    )
    add(
        "records",
        _("Kategorier og omtrentligt antal berørte registreringer"),
        "; ".join(p for p in (kinds, records) if p),
        missing=not (kinds and records),
    )
    add(
        "subject_consequences",
        _("Konsekvenser for de registrerede"),
        _join(
            _("Risiko: %(level)s.") % {"level": incident.get_risk_level_display()}
            if incident.risk_level
            else "",
            incident.risk_reasoning,
        ),
        missing=not incident.risk_level,
    )
    add("likely_consequences", _("Sandsynlige konsekvenser"), scrub(incident.likely_consequences))
    add(
        "measures",
        _("Trufne eller foreslåede foranstaltninger"),
        _join(incident.measures_taken, incident.measures_proposed),
    )
    add("measures_before", _("Foranstaltninger før bruddet"), scrub(incident.measures_before))
    add(
        "mitigation",
        _("Foranstaltninger til at begrænse skadevirkningerne"),
        scrub(incident.containment_description),
    )
    if incident.subjects_informed_at:
        informed = _("Ja, %(when)s. %(how)s") % {
            "when": dk_datetime(incident.subjects_informed_at),
            "how": scrub(incident.subjects_informed_how),
        }
    elif incident.subjects_exemption:
        informed = _("Nej. %(exemption)s. %(reason)s") % {
            "exemption": incident.get_subjects_exemption_display(),
            "reason": scrub(incident.subjects_exemption_reason),
        }
    elif incident.risk_level in (RiskLevel.NONE, RiskLevel.RISK):
        informed = _("Nej. Risikoen er ikke høj, så underretning er ikke krævet (art. 34).")
    else:
        informed = ""
    add(
        "informed",
        _("Er de registrerede underrettet (hvordan, hvornår) – eller hvorfor ikke"),
        informed,
    )
    outstanding = [item.label for item in items if item.missing]
    add(
        "later",
        _("Oplysninger, der eftersendes"),
        _("Følgende eftersendes, så snart de kendes (art. 33, stk. 4): %(items)s.")
        % {"items": ", ".join(outstanding)}
        if outstanding
        else _("Ingen – anmeldelsen er fuldstændig."),
        missing=False,
    )
    add(
        "breach_type",
        _("Type af brud"),
        ", ".join(incident.breach_type_labels()),
    )
    timeline = [
        (_("Sket"), incident.occurred_at),
        (_("Opdaget"), incident.discovered_at),
        (_("Kommunen blev opmærksom"), incident.aware_at),
        (_("Inddæmmet"), incident.contained_at),
        (_("Frist for anmeldelse"), incident.notification_deadline),
        (_("Anmeldt til Datatilsynet"), first.notified_at if first else None),
    ]
    add(
        "timeline",
        _("Tidslinje"),
        "\n".join(f"{label}: {dk_datetime(at) or _('ukendt')}" for label, at in timeline),
        missing=incident.occurred_at is None or incident.contained_at is None,
    )
    late = (first.notified_at if first else now) > incident.notification_deadline
    if late and incident.notify_decision != NotifyDecision.NOT_NOTIFY:
        reasons = scrub(first.delay_reasons) if first else ""
        add("delay", _("Begrundelse for forsinkelse"), reasons)
    else:
        add(
            "delay",
            _("Begrundelse for forsinkelse"),
            _("Ikke relevant: anmeldt inden for 72 timer.")
            if first
            else _("Fristen er ikke overskredet."),
            missing=False,
        )
    return items


# --- The register ---------------------------------------------------------------------------


def register_columns() -> list[str]:
    return [
        _("Reference"),
        _("Kategori"),
        _("Afdeling"),
        _("Sket"),
        _("Opdaget"),
        _("Opmærksom"),
        _("Anmeldt internt"),
        _("Inddæmmet"),
        _("Type af brud"),
        _("Typer af oplysninger"),
        _("Registrerede (ca.)"),
        _("Registreringer (ca.)"),
        _("Virkninger"),
        _("Afhjælpende foranstaltninger"),
        _("Risiko"),
        _("Begrundelse for risikovurdering"),
        _("Beslutning"),
        _("Begrundelse for beslutningen"),
        _("Besluttet"),
        _("Anmeldt til Datatilsynet"),
        _("Datatilsynets j.nr."),
        _("Registrerede underrettet"),
        _("Status"),
        _("Lukket"),
    ]


def register_row(incident: Incident) -> list[str]:
    """One register line: facts, effects, remedial action, decision and reasoning, dates."""

    def number(value):
        return "" if value is None else str(value)

    if incident.subjects_informed_at:
        informed = dk_datetime(incident.subjects_informed_at)
    elif incident.subjects_exemption:
        informed = incident.get_subjects_exemption_display()
    else:
        informed = ""
    return [
        incident.reference,
        incident.get_category_display(),
        str(incident.department or ""),
        dk_datetime(incident.occurred_at),
        dk_datetime(incident.discovered_at),
        dk_datetime(incident.aware_at),
        dk_datetime(incident.reported_at),
        dk_datetime(incident.contained_at),
        ", ".join(incident.breach_type_labels()),
        ", ".join(incident.data_kind_labels()),
        number(incident.subjects_estimate),
        number(incident.records_estimate),
        scrub(incident.likely_consequences),
        _join(incident.containment_description, incident.measures_taken),
        incident.get_risk_level_display(),
        scrub(incident.risk_reasoning),
        incident.get_notify_decision_display(),
        scrub(incident.decision_reasoning),
        dk_datetime(incident.decided_at),
        dk_datetime(incident.first_dt_at),
        incident.first_dt_reference or "",
        informed,
        incident.get_status_display(),
        dk_datetime(incident.closed_at),
    ]


def register_queryset(year: int) -> IncidentQuerySet:
    return with_first_notification(
        Incident.objects.filter(reported_at__year=year).select_related("department")
    ).order_by("reported_at", "pk")
