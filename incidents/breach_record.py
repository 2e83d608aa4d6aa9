"""What Datatilsynet, the art. 33(5) register and the data subjects (art. 34) are told, laid out
from an incident's record.

Only the GDPR unit's and IT's structured facts and texts are used — never the reporter's free
text or name — and anything that looks like a CPR number is masked (portal/cpr.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incidents.choices import (
    BreachType,
    DataKind,
    DtIncidentType,
    NotifyDecision,
    RiskLevel,
    SubjectCategory,
    SubjectsExemption,
)
from incidents.formatting import dk_datetime
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
    notice = incident.subjects_notice
    if notice.subjects_informed_at:
        return _("Ja, %(when)s. %(how)s") % {
            "when": dk_datetime(notice.subjects_informed_at),
            "how": scrub(notice.subjects_informed_how),
        }
    if notice.subjects_exemption:
        text = _("Nej. %(exemption)s. %(reason)s") % {
            "exemption": notice.get_subjects_exemption_display(),
            "reason": scrub(notice.subjects_exemption_reason),
        }
        if notice.subjects_exemption == SubjectsExemption.ART34_3C:
            text += " " + _("Offentlig meddelelse %(when)s: %(where)s") % {
                "when": dk_datetime(notice.public_communication_at),
                "where": scrub(notice.public_communication_where),
            }
        return text
    if incident.risk_level in (RiskLevel.NONE, RiskLevel.RISK):
        return _("Nej. Risikoen er ikke høj, så underretning er ikke krævet (art. 34).")
    return ""


def _other_parties(incident: Incident) -> tuple[str, bool]:
    parts = []
    other = incident.other_records
    if other.processor_involved is True:
        parts.append(
            _(
                "En databehandler har anmeldt bruddet: opdaget %(found)s, kommunen underrettet "
                "%(told)s."
            )
            % {
                "found": dk_datetime(other.processor_discovered_at) or _("ukendt"),
                "told": dk_datetime(other.processor_told_us_at) or _("ukendt"),
            }
        )
    elif other.processor_involved is False:
        parts.append(_("Ingen databehandler involveret."))
    if other.police_reported is True:
        parts.append(
            _("Politianmeldt (journalnummer %(ref)s).")
            % {"ref": other.police_reference or _("ukendt")}
        )
    elif other.police_reported is False:
        parts.append(_("Ikke politianmeldt."))
    missing = other.processor_involved is None or other.police_reported is None
    return " ".join(parts), missing


def _measures(incident: Incident) -> str:
    labelled = [
        (_("Inddæmning"), incident.containment_description),
        (_("Trufne foranstaltninger"), incident.measures_taken),
        (_("Foreslåede foranstaltninger"), incident.measures_proposed),
    ]
    return "\n\n".join(f"{label}: {scrub(text)}" for label, text in labelled if scrub(text))


@dataclass(frozen=True)
class _Context:
    incident: Incident
    initial: DatatilsynetNotification | None
    late_at: datetime  # lateness is judged as of this notification time


Answer = tuple[str, bool | None]  # the text; missing (None: missing when the text is empty)


def _contact_answer(c: _Context) -> Answer:
    return _contact()


def _timeline(c: _Context) -> Answer:
    i = c.incident
    moments = [
        (_("Sket"), i.occurred_at),
        (_("Opdaget"), i.discovered_at),
        (_("Kommunen blev opmærksom"), i.aware_at),
        (_("Inddæmmet"), i.contained_at),
        (_("Frist for anmeldelse"), i.notification_deadline),
        (_("Anmeldt til Datatilsynet"), c.initial.notified_at if c.initial else None),
    ]
    text = "\n".join(f"{label}: {dk_datetime(at) or _('ukendt')}" for label, at in moments)
    return text, i.contained_at is None


def _breach_type(c: _Context) -> Answer:
    types = _labels(BreachType.choices, c.incident.breach_types)
    dt_type = _labels(DtIncidentType.choices, [c.incident.dt_incident_type])
    dt_line = _("Hændelsestype: %(type)s") % {"type": dt_type} if dt_type else ""
    return "\n".join(p for p in (types, dt_line) if p), not (types and dt_type)


def _counted(labels: str, number: int | None, unit: str, separator: str) -> Answer:
    count = unit % {"n": number} if number is not None else ""
    return separator.join(p for p in (labels, count) if p), not (labels and count)


def _subjects(c: _Context) -> Answer:
    categories = _labels(SubjectCategory.choices, c.incident.subject_categories)
    return _counted(categories, c.incident.subjects_estimate, _("ca. %(n)s personer"), " – ")


def _records(c: _Context) -> Answer:
    kinds = _labels(DataKind.choices, c.incident.data_kinds)
    return _counted(kinds, c.incident.records_estimate, _("ca. %(n)s registreringer"), "; ")


def _risk(c: _Context) -> Answer:
    i = c.incident
    level = _("Risiko: %(level)s.") % {"level": i.get_risk_level_display()} if i.risk_level else ""
    return _join(level, i.risk_reasoning), not i.risk_level


def _delay(c: _Context) -> Answer:
    i = c.incident
    if i.notify_decision != NotifyDecision.NOT_NOTIFY and c.late_at > i.notification_deadline:
        return scrub(i.delay_reasons), None
    if c.initial:
        return _("Ikke relevant: anmeldt inden for 72 timer."), False
    return _("Fristen er ikke overskredet."), False


HINTS = {
    "description": gettext_lazy(
        "GDPR-enhedens egen beskrivelse af hændelsesforløbet – aldrig indberetterens tekst."
    ),
}
# How each of Datatilsynet's questions is answered from the record.
ANSWERS = {
    "contact": _contact_answer,
    "timeline": _timeline,
    "description": lambda c: (scrub(c.incident.account), None),
    "breach_type": _breach_type,
    "subjects": _subjects,
    "records": _records,
    "likely_consequences": lambda c: (scrub(c.incident.likely_consequences), None),
    "subject_consequences": _risk,
    "measures": lambda c: (_measures(c.incident), None),
    "measures_before": lambda c: (scrub(c.incident.measures_before), None),
    "informed": lambda c: (_informed(c.incident) if c.incident.assessed_at else "", None),
    "other_parties": lambda c: _other_parties(c.incident),
    "delay": _delay,
}


def draft_items(
    incident: Incident, *, now: datetime, notified_at: datetime | None = None
) -> list[DraftItem]:
    """Datatilsynet's questions in order, answered from the record; missing ones flagged.

    `notified_at`: judge lateness as of this notification time (default: the initial
    notification, or now if there is none).
    """
    initial = incident.initial_dt_notification()
    context = _Context(incident, initial, notified_at or (initial.notified_at if initial else now))
    items = []
    for key, answer in ANSWERS.items():
        value, missing = answer(context)
        value = value or ""
        items.append(
            DraftItem(
                key,
                str(DRAFT_ITEM_LABELS[key]),
                value,
                not value if missing is None else missing,
                str(HINTS.get(key, "")),
            )
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
