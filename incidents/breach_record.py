"""What Datatilsynet, the art. 33(5) register and the data subjects (art. 34) are told, laid out
from an incident's record.

Only the GDPR unit's and IT's structured facts and texts are used — never the reporter's free
text or name — and anything that looks like a CPR number is masked (portal/cpr.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incidents.choices import (
    BreachType,
    Category,
    Classification,
    DataKind,
    DtIncidentType,
    NotifyDecision,
    RiskLevel,
    Status,
    SubjectCategory,
    SubjectsExemption,
)
from incidents.formatting import dk_datetime, iso_local
from incidents.models import DatatilsynetNotification, Incident
from portal.cpr import mask

scrub = mask  # handlers' texts are shown with CPR-like numbers masked

# Datatilsynet's questions (art. 33(3) and the notification form), in the draft's order. The
# first twelve are what a complete notification answers; "delay" is asked only when the initial
# notification is late, and "later" lists what is promised for a follow-up (art. 33(4)).
DRAFT_ITEM_LABELS = {
    "contact": gettext_lazy("Kontaktoplysninger, herunder databeskyttelsesrådgiveren"),
    "timeline": gettext_lazy("Tidspunkter"),
    "description": gettext_lazy("Beskrivelse af bruddet"),
    "breach_type": gettext_lazy("Type af brud"),
    "subjects": gettext_lazy("Kategorier og omtrentligt antal berørte personer"),
    "records": gettext_lazy("Kategorier og omtrentligt antal berørte registreringer"),
    "likely_consequences": gettext_lazy("Sandsynlige konsekvenser"),
    "subject_consequences": gettext_lazy("Risikovurdering"),
    "measures": gettext_lazy(
        "Trufne eller foreslåede foranstaltninger, også for at begrænse skadevirkningerne"
    ),
    "measures_before": gettext_lazy("Sikkerhedsforanstaltninger før bruddet"),
    "informed": gettext_lazy("Underretning af de registrerede (art. 34)"),
    "other_parties": gettext_lazy("Databehandler og politi"),
    "delay": gettext_lazy("Begrundelse for forsinkelse"),
    "later": gettext_lazy("Oplysninger, der eftersendes"),
}
# The items a notification can promise to send later and a follow-up can supply.
PROMISABLE = tuple(key for key in DRAFT_ITEM_LABELS if key not in ("delay", "later"))


@dataclass(frozen=True)
class DraftItem:
    key: str
    label: str
    value: str
    missing: bool = False
    hint: str = ""


def _join(*parts: str) -> str:
    return "\n\n".join(p for p in (scrub(p) for p in parts) if p)


def _labels(choices, codes: Iterable[str]) -> str:
    names = dict(choices)
    return ", ".join(str(names[c]) for c in codes if c in names)


def _contact() -> tuple[str, bool]:
    contacts = settings.PORTAL_CONTACTS
    dpo = [contacts["dpo_name"], contacts["dpo_email"], contacts["dpo_phone"]]
    text = _(
        "%(org)s, GDPR-enheden, %(email)s.\nDatabeskyttelsesrådgiver: %(name)s, %(dpo_email)s, "
        "tlf. %(phone)s."
    ) % {
        "org": settings.PORTAL_ORGANISATION,
        "email": contacts["gdpr_email"],
        "name": dpo[0] or "?",
        "dpo_email": dpo[1] or "?",
        "phone": dpo[2] or "?",
    }
    return text, not all(dpo)


def _informed(incident: Incident) -> str:
    if incident.subjects_informed_at:
        return _("Ja, %(when)s. %(how)s") % {
            "when": dk_datetime(incident.subjects_informed_at),
            "how": scrub(incident.subjects_informed_how),
        }
    if incident.subjects_exemption:
        text = _("Nej. %(exemption)s. %(reason)s") % {
            "exemption": incident.get_subjects_exemption_display(),
            "reason": scrub(incident.subjects_exemption_reason),
        }
        if incident.subjects_exemption == SubjectsExemption.ART34_3C:
            text += " " + _("Offentlig meddelelse %(when)s: %(where)s") % {
                "when": dk_datetime(incident.public_communication_at),
                "where": scrub(incident.public_communication_where),
            }
        return text
    if incident.risk_level in (RiskLevel.NONE, RiskLevel.RISK):
        return _("Nej. Risikoen er ikke høj, så underretning er ikke krævet (art. 34).")
    return ""


def _other_parties(incident: Incident) -> tuple[str, bool]:
    parts = []
    if incident.processor_involved is True:
        parts.append(
            _(
                "En databehandler har anmeldt bruddet: opdaget %(found)s, kommunen underrettet "
                "%(told)s."
            )
            % {
                "found": dk_datetime(incident.processor_discovered_at) or _("ukendt"),
                "told": dk_datetime(incident.processor_told_us_at) or _("ukendt"),
            }
        )
    elif incident.processor_involved is False:
        parts.append(_("Ingen databehandler involveret."))
    if incident.police_reported is True:
        parts.append(
            _("Politianmeldt (journalnummer %(ref)s).")
            % {"ref": incident.police_reference or _("ukendt")}
        )
    elif incident.police_reported is False:
        parts.append(_("Ikke politianmeldt."))
    missing = incident.processor_involved is None or incident.police_reported is None
    return " ".join(parts), missing


def _measures(incident: Incident) -> str:
    labelled = [
        (_("Inddæmning"), incident.containment_description),
        (_("Trufne foranstaltninger"), incident.measures_taken),
        (_("Foreslåede foranstaltninger"), incident.measures_proposed),
    ]
    return "\n\n".join(f"{label}: {scrub(text)}" for label, text in labelled if scrub(text))


def draft_items(
    incident: Incident, *, now: datetime, notified_at: datetime | None = None
) -> list[DraftItem]:
    """Datatilsynet's questions in order, answered from the record; missing ones flagged.

    `notified_at`: judge lateness as of this notification time (default: the initial
    notification, or now if there is none).
    """
    initial = incident.initial_dt_notification()
    items: list[DraftItem] = []

    def add(key, value, missing=None, hint=""):
        value = value or ""
        label = str(DRAFT_ITEM_LABELS[key])
        items.append(DraftItem(key, label, value, not value if missing is None else missing, hint))

    contact, contact_missing = _contact()
    add("contact", contact, missing=contact_missing)
    moments = [
        (_("Sket"), incident.occurred_at),
        (_("Opdaget"), incident.discovered_at),
        (_("Kommunen blev opmærksom"), incident.aware_at),
        (_("Inddæmmet"), incident.contained_at),
        (_("Frist for anmeldelse"), incident.notification_deadline),
        (_("Anmeldt til Datatilsynet"), initial.notified_at if initial else None),
    ]
    add(
        "timeline",
        "\n".join(f"{label}: {dk_datetime(at) or _('ukendt')}" for label, at in moments),
        missing=incident.contained_at is None,
    )
    add(
        "description",
        scrub(incident.account),
        hint=_("GDPR-enhedens egen beskrivelse af hændelsesforløbet – aldrig anmelderens tekst."),
    )
    types = _labels(BreachType.choices, incident.breach_types)
    dt_type = _labels(DtIncidentType.choices, [incident.dt_incident_type])
    add(
        "breach_type",
        "\n".join(
            p
            for p in (
                types,
                _("Hændelsestype: %(type)s") % {"type": dt_type} if dt_type else "",
            )
            if p
        ),
        missing=not (types and dt_type),
    )
    categories = _labels(SubjectCategory.choices, incident.subject_categories)
    count = (
        _("ca. %(n)s personer") % {"n": incident.subjects_estimate}
        if incident.subjects_estimate is not None
        else ""
    )
    add(
        "subjects",
        " – ".join(p for p in (categories, count) if p),
        missing=not (categories and count),
    )
    kinds = _labels(DataKind.choices, incident.data_kinds)
    records = (
        _("ca. %(n)s registreringer") % {"n": incident.records_estimate}
        if incident.records_estimate is not None
        else ""
    )
    add("records", "; ".join(p for p in (kinds, records) if p), missing=not (kinds and records))
    add("likely_consequences", scrub(incident.likely_consequences))
    add(
        "subject_consequences",
        _join(
            _("Risiko: %(level)s.") % {"level": incident.get_risk_level_display()}
            if incident.risk_level
            else "",
            incident.risk_reasoning,
        ),
        missing=not incident.risk_level,
    )
    add("measures", _measures(incident))
    add("measures_before", scrub(incident.measures_before))
    add("informed", _informed(incident) if incident.assessed_at else "")
    other, other_missing = _other_parties(incident)
    add("other_parties", other, missing=other_missing)

    at = notified_at or (initial.notified_at if initial else now)
    if incident.notify_decision != NotifyDecision.NOT_NOTIFY and at > (
        incident.notification_deadline
    ):
        add("delay", scrub(incident.delay_reasons))
    else:
        add(
            "delay",
            _("Ikke relevant: anmeldt inden for 72 timer.")
            if initial
            else _("Fristen er ikke overskredet."),
            missing=False,
        )
    items.append(_later(incident, items, initial))
    return items


def _later(
    incident: Incident, items: list[DraftItem], initial: DatatilsynetNotification | None
) -> DraftItem:
    label = str(DRAFT_ITEM_LABELS["later"])
    if initial is None:
        outstanding = [item.label for item in items if item.missing and item.key in PROMISABLE]
        value = (
            _("Følgende eftersendes, så snart de kendes (art. 33, stk. 4): %(items)s.")
            % {"items": ", ".join(outstanding)}
            if outstanding
            else _("Ingen – anmeldelsen er fuldstændig.")
        )
        return DraftItem("later", label, value, False)
    if not initial.items_later:
        return DraftItem("later", label, _("Intet blev lovet eftersendt."), False)
    supplied_at = {}
    for notification in incident.dt_notifications.all():
        for key in notification.items_supplied:
            supplied_at.setdefault(key, notification.notified_at)
    lines = []
    for key in initial.items_later:
        name = str(DRAFT_ITEM_LABELS.get(key, key))
        if key in supplied_at:
            lines.append(
                _("%(item)s: sendt %(at)s") % {"item": name, "at": dk_datetime(supplied_at[key])}
            )
        else:
            lines.append(_("%(item)s: ikke sendt endnu") % {"item": name})
    return DraftItem("later", label, "\n".join(lines), bool(incident.dt_items_outstanding))


def missing_item_keys(
    incident: Incident, *, now: datetime, notified_at: datetime | None
) -> list[str]:
    """Keys of the draft items that are not answered yet (what a notification now would have
    to promise later)."""
    return [
        item.key
        for item in draft_items(incident, now=now, notified_at=notified_at)
        if item.missing and item.key in PROMISABLE
    ]


# --- Art. 34: the letter to the data subjects -------------------------------------------------


def subjects_letter(incident: Incident) -> list[DraftItem]:
    """A plain-Danish letter to the people affected, with what art. 34(2) requires: the nature
    of the breach and 33(3)(b–d): whom to contact, the likely consequences, the measures."""
    contacts = settings.PORTAL_CONTACTS
    items = []

    def add(key, label, value, hint=""):
        items.append(DraftItem(key, str(label), value or "", not value, hint))

    add(
        "what",
        _("Hvad er der sket?"),
        scrub(incident.account),
        hint=_("Fra GDPR-enhedens beskrivelse af hændelsesforløbet."),
    )
    add(
        "consequences",
        _("Hvad kan det betyde for dig?"),
        scrub(incident.likely_consequences),
    )
    add(
        "measures",
        _("Hvad har vi gjort?"),
        "\n\n".join(
            p
            for p in (
                scrub(incident.containment_description),
                scrub(incident.measures_taken),
                scrub(incident.measures_proposed),
            )
            if p
        ),
    )
    add(
        "contact",
        _("Hvem kan du kontakte?"),
        _(
            "Du er velkommen til at kontakte vores databeskyttelsesrådgiver, %(name)s, på "
            "%(email)s eller telefon %(phone)s. Skriv sagens nummer %(ref)s, ikke dit "
            "CPR-nummer."
        )
        % {
            "name": contacts["dpo_name"],
            "email": contacts["dpo_email"],
            "phone": contacts["dpo_phone"],
            "ref": incident.reference,
        }
        if all(contacts[k] for k in ("dpo_name", "dpo_email", "dpo_phone"))
        else "",
    )
    return items


# --- The register (art. 33(5)) -------------------------------------------------------------------


def register_columns() -> list[str]:
    return [
        _("Reference"),
        _("Klassifikation"),
        _("Kategori"),
        _("Afdeling"),
        _("Sket"),
        _("Opdaget"),
        _("Opmærksom"),
        _("Anmeldt internt"),
        _("Inddæmmet"),
        _("Faktiske omstændigheder"),
        _("Type af brud"),
        _("Kategorier af registrerede"),
        _("Registrerede (ca.)"),
        _("Typer af oplysninger"),
        _("Registreringer (ca.)"),
        _("Virkninger"),
        _("Afhjælpende foranstaltninger"),
        _("Foreslåede foranstaltninger"),
        _("Risiko"),
        _("Begrundelse for risikovurdering"),
        _("Beslutning"),
        _("Begrundelse for beslutningen"),
        _("Afviger fra risikovurderingen"),
        _("Besluttet"),
        _("Anmeldt til Datatilsynet"),
        _("Rettidigt"),
        _("Datatilsynets j.nr."),
        _("Registrerede underrettet"),
        _("Status"),
        _("Lukket"),
    ]


# The incident columns a register line needs; fetched as plain values, never as models.
REGISTER_FIELDS = (
    "pk",
    "reference",
    "classification",
    "category",
    "department__name",
    "occurred_at",
    "discovered_at",
    "aware_at",
    "reported_at",
    "contained_at",
    "account",
    "breach_types",
    "subject_categories",
    "subjects_estimate",
    "data_kinds",
    "records_estimate",
    "likely_consequences",
    "containment_description",
    "measures_taken",
    "measures_proposed",
    "risk_level",
    "risk_reasoning",
    "notify_decision",
    "decision_reasoning",
    "decision_deviation_reason",
    "decided_at",
    "clock_stopped_at",
    "notification_deadline",
    "delay_reasons",
    "subjects_informed_at",
    "subjects_exemption",
    "status",
    "closed_at",
)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The year as a half-open [start, end) range in local (Copenhagen) time."""
    zone = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def register_queryset(year: int, *, breaches: bool = True) -> QuerySet:
    """The year's incidents as dicts of REGISTER_FIELDS, in the register's order: the personal-
    data breaches (and those not yet classified), or (breaches=False) the ones assessed as not
    a breach, which are kept apart.

    A plain range on reported_at, so PostgreSQL can use the reported_at index.
    """
    start, end = year_bounds(year)
    incidents = Incident.objects.filter(reported_at__gte=start, reported_at__lt=end)
    incidents = incidents.personal_data_breaches() if breaches else incidents.not_breaches()
    return incidents.order_by("reported_at", "pk").values(*REGISTER_FIELDS)


def first_notifications(
    year: int, *, pks: Iterable[int] | None = None
) -> dict[int, tuple[datetime, str]]:
    """{incident pk: (notified_at, dt_reference)} of the initial notification to Datatilsynet
    of each incident reported in the year (or only of those pks). Only the initial notification
    counts as the first, whatever a follow-up's date says."""
    start, end = year_bounds(year)
    notifications = DatatilsynetNotification.objects.filter(
        incident__reported_at__gte=start,
        incident__reported_at__lt=end,
        phase=DatatilsynetNotification.Phase.INITIAL,
    )
    if pks is not None:
        notifications = notifications.filter(incident_id__in=list(pks))
    rows = notifications.values_list("incident_id", "notified_at", "dt_reference")
    return {incident_id: (at, reference) for incident_id, at, reference in rows}


# OWASP's CSV-injection rule: a spreadsheet treats a cell that begins with one of these as a
# formula (or, with tab and CR, as a cell boundary); such a cell gets a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


class RegisterFormatter:
    """Turns REGISTER_FIELDS dicts into register lines with look-up tables built once.

    Built per request, so it uses the active language and time zone. `spreadsheet` gives ISO
    dates (sortable in Excel) instead of Danish words.
    """

    def __init__(self, *, spreadsheet: bool = False) -> None:
        self.classification = {k: str(v) for k, v in Classification.choices}
        self.category = {k: str(v) for k, v in Category.choices}
        self.risk = {k: str(v) for k, v in RiskLevel.choices}
        self.decision = {k: str(v) for k, v in NotifyDecision.choices}
        self.status = {k: str(v) for k, v in Status.choices}
        self.exemption = {k: str(v) for k, v in SubjectsExemption.choices}
        self.breach_type = {k: str(v) for k, v in BreachType.choices}
        self.subject_category = {k: str(v) for k, v in SubjectCategory.choices}
        self.data_kind = {k: str(v) for k, v in DataKind.choices}
        self.not_classified = _("Ikke vurderet endnu")
        self.yes, self.no = _("Ja"), _("Nej")
        self.on_time = _("Ja")
        self.late = _("Nej, %(reasons)s")
        self.datetime = iso_local if spreadsheet else dk_datetime

    def _list(self, labels: dict, codes: list[str]) -> str:
        return ", ".join(labels[k] for k in codes if k in labels)

    def row(self, values: dict, first: tuple[datetime, str] | None) -> list[str]:
        """One register line: facts, effects, remedial action, decision and reasoning, dates."""
        when = self.datetime
        if values["subjects_informed_at"]:
            informed = when(values["subjects_informed_at"])
        elif values["subjects_exemption"]:
            informed = self.exemption.get(values["subjects_exemption"], "")
        else:
            informed = ""
        remedial = "\n\n".join(
            p
            for p in (scrub(values["containment_description"]), scrub(values["measures_taken"]))
            if p
        )
        contradicts = values["notify_decision"] == NotifyDecision.NOT_NOTIFY and values[
            "risk_level"
        ] in (RiskLevel.RISK, RiskLevel.HIGH)
        on_time = ""
        if first:
            late = first[0] > values["notification_deadline"]
            on_time = (
                self.late % {"reasons": scrub(values["delay_reasons"])} if late else self.on_time
            )
        return [
            values["reference"],
            self.classification.get(values["classification"], self.not_classified),
            self.category.get(values["category"], values["category"]),
            values["department__name"] or "",
            when(values["occurred_at"]),
            when(values["discovered_at"]),
            when(values["aware_at"]),
            when(values["reported_at"]),
            when(values["contained_at"]),
            scrub(values["account"]),
            self._list(self.breach_type, values["breach_types"]),
            self._list(self.subject_category, values["subject_categories"]),
            _number(values["subjects_estimate"]),
            self._list(self.data_kind, values["data_kinds"]),
            _number(values["records_estimate"]),
            scrub(values["likely_consequences"]),
            remedial,
            scrub(values["measures_proposed"]),
            self.risk.get(values["risk_level"], ""),
            scrub(values["risk_reasoning"]),
            self.decision.get(values["notify_decision"], ""),
            scrub(values["decision_reasoning"]),
            f"{self.yes}: {scrub(values['decision_deviation_reason'])}" if contradicts else "",
            when(values["decided_at"]),
            when(first[0]) if first else "",
            on_time,
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
