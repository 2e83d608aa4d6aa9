"""What Datatilsynet and the art. 33(5) register ask for, laid out from an incident's record.

Only the handlers' structured facts and their own texts are used — never the reporter's free
text — and anything that looks like a CPR number is masked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.models import (
    BreachType,
    Category,
    DataKind,
    DatatilsynetNotification,
    Incident,
    IncidentQuerySet,
    NotifyDecision,
    RiskLevel,
    Status,
    SubjectsExemption,
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


# The incident columns a register line needs; fetched as plain values, never as models.
REGISTER_FIELDS = (
    "pk",
    "reference",
    "category",
    "department__name",
    "occurred_at",
    "discovered_at",
    "aware_at",
    "reported_at",
    "contained_at",
    "breach_types",
    "data_kinds",
    "subjects_estimate",
    "records_estimate",
    "likely_consequences",
    "containment_description",
    "measures_taken",
    "risk_level",
    "risk_reasoning",
    "notify_decision",
    "decision_reasoning",
    "decided_at",
    "subjects_informed_at",
    "subjects_exemption",
    "status",
    "closed_at",
)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The year as a half-open [start, end) range in local (Copenhagen) time."""
    zone = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def register_queryset(year: int) -> QuerySet:
    """The year's incidents as dicts of REGISTER_FIELDS, in the register's order.

    A plain range on reported_at, so PostgreSQL can use the reported_at index.
    """
    start, end = year_bounds(year)
    return (
        Incident.objects.filter(reported_at__gte=start, reported_at__lt=end)
        .order_by("reported_at", "pk")
        .values(*REGISTER_FIELDS)
    )


def first_notifications(
    year: int, *, pks: Iterable[int] | None = None
) -> dict[int, tuple[datetime, str]]:
    """{incident pk: (notified_at, dt_reference)} of the first notification to Datatilsynet of
    each incident reported in the year (or only of those pks): one DISTINCT ON query instead of
    a subquery per line."""
    start, end = year_bounds(year)
    notifications = DatatilsynetNotification.objects.filter(
        incident__reported_at__gte=start, incident__reported_at__lt=end
    )
    if pks is not None:
        notifications = notifications.filter(incident_id__in=list(pks))
    rows = (
        notifications.order_by("incident_id", "notified_at", "pk")
        .distinct("incident_id")
        .values_list("incident_id", "notified_at", "dt_reference")
    )
    return {incident_id: (at, reference) for incident_id, at, reference in rows}


class RegisterFormatter:
    """Turns REGISTER_FIELDS dicts into register lines with look-up tables built once.

    Built per request, so it uses the active language and time zone; the output is exactly
    that of dk_datetime(), get_FOO_display(), the *_labels() methods and scrub().
    """

    def __init__(self) -> None:
        self.category = {k: str(v) for k, v in Category.choices}
        self.risk = {k: str(v) for k, v in RiskLevel.choices}
        self.decision = {k: str(v) for k, v in NotifyDecision.choices}
        self.status = {k: str(v) for k, v in Status.choices}
        self.exemption = {k: str(v) for k, v in SubjectsExemption.choices}
        self.breach_type = {k: str(v) for k, v in BreachType.choices}
        self.data_kind = {k: str(v) for k, v in DataKind.choices}
        # re.sub() would read backslashes in a translation as group references.
        self.mask = _("[CPR-nummer fjernet]").replace("\\", "\\\\")

    # dk_datetime is already built for pages that format hundreds of dates.
    datetime = staticmethod(dk_datetime)

    def scrub(self, text: str) -> str:
        return CPR_LIKE.sub(self.mask, text).strip() if text else ""

    def row(self, values: dict, first: tuple[datetime, str] | None) -> list[str]:
        """One register line: facts, effects, remedial action, decision and reasoning, dates."""
        when = self.datetime
        scrub = self.scrub
        if values["subjects_informed_at"]:
            informed = when(values["subjects_informed_at"])
        elif values["subjects_exemption"]:
            exemption = values["subjects_exemption"]
            informed = self.exemption.get(exemption, exemption)
        else:
            informed = ""
        remedial = "\n\n".join(
            p
            for p in (
                scrub(values["containment_description"]),
                scrub(values["measures_taken"]),
            )
            if p
        )
        return [
            values["reference"],
            self.category.get(values["category"], values["category"]),
            values["department__name"] or "",
            when(values["occurred_at"]),
            when(values["discovered_at"]),
            when(values["aware_at"]),
            when(values["reported_at"]),
            when(values["contained_at"]),
            ", ".join(self.breach_type[k] for k in values["breach_types"] if k in self.breach_type),
            ", ".join(self.data_kind[k] for k in values["data_kinds"] if k in self.data_kind),
            _number(values["subjects_estimate"]),
            _number(values["records_estimate"]),
            scrub(values["likely_consequences"]),
            remedial,
            self.risk.get(values["risk_level"], values["risk_level"]),
            scrub(values["risk_reasoning"]),
            self.decision.get(values["notify_decision"], values["notify_decision"]),
            scrub(values["decision_reasoning"]),
            when(values["decided_at"]),
            when(first[0]) if first else "",
            (first[1] or "") if first else "",
            informed,
            self.status.get(values["status"], values["status"]),
            when(values["closed_at"]),
        ]


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def register_rows(
    incidents: Iterable[dict],
    firsts: dict[int, tuple[datetime, str]],
    *,
    formatter: RegisterFormatter | None = None,
) -> Iterator[list[str]]:
    """Register lines for REGISTER_FIELDS dicts, given first_notifications()."""
    formatter = formatter or RegisterFormatter()
    for values in incidents:
        yield formatter.row(values, firsts.get(values["pk"]))
