"""The draft of each report to the CSIRT (art. 23(4)): what it asks, answered from the NIS2
record and the GDPR unit's own facts (never the reporter's words or name; CPR-like numbers
masked), each item marked when it is missing."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from incidents.breach_record import DraftItem
from incidents.formatting import dk_datetime
from incidents.models import Incident
from nis2.models import Criterion, Nis2Case, Phase
from portal.cpr import mask as mask_cpr


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("Ja") if value else _("Nej")


def _text(value: str) -> str:
    return mask_cpr(value.strip())


def _common(incident: Incident, case: Nis2Case) -> list[DraftItem]:
    criteria = dict(Criterion.choices)
    contacts = settings.PORTAL_CONTACTS
    return [
        DraftItem(
            "entity",
            _("Enhed og kontakt"),
            f"{settings.PORTAL_ORGANISATION} · {contacts['nis2_email']} · {contacts['it_phone']}",
        ),
        DraftItem("reference", _("Kommunens sagsnummer"), incident.reference),
        DraftItem(
            "aware_at",
            _("Kommunen blev opmærksom på den væsentlige hændelse"),
            dk_datetime(case.aware_at) if case.aware_at else "",
        ),
        DraftItem(
            "criteria",
            _("Hvorfor hændelsen er væsentlig"),
            _text(
                "\n".join(str(criteria.get(c, c)) for c in case.criteria)
                + ("\n\n" + case.reason if case.reason else "")
            ),
        ),
    ]


def _item(key: str, label, value: str, hint: str = "") -> DraftItem:
    return DraftItem(key, str(label), value, missing=not value, hint=hint)


def draft_items(incident: Incident, case: Nis2Case, phase: str) -> list[DraftItem]:
    """What the report of `phase` tells the CSIRT. The later reports repeat and update the
    earlier ones' answers, as the law asks (art. 23(4)(b))."""
    items = _common(incident, case)
    items += [
        _item(
            "suspected_malicious",
            _("Mistanke om ulovlig eller ondsindet handling"),
            _yes_no(case.suspected_malicious),
        ),
        _item("cross_border", _("Grænseoverskridende virkning"), _yes_no(case.cross_border)),
    ]
    if phase == Phase.EARLY_WARNING:
        return items
    items.append(
        _item(
            "severity_impact",
            _("Alvor og virkning"),
            _text(case.severity_impact),
            _("Den første vurdering af hændelsen: hvor alvorlig, hvilke tjenester, hvor længe."),
        )
    )
    if phase in (Phase.NOTIFICATION, Phase.PROGRESS):
        items.append(
            _item("indicators", _("Kompromitteringsindikatorer (IoC)"), _text(case.indicators))
        )
    if phase in (Phase.PROGRESS, Phase.FINAL):
        items.append(
            _item("mitigations", _("Afhjælpende foranstaltninger"), _text(case.mitigations))
        )
    if phase == Phase.FINAL:
        items.append(
            _item("threat", _("Trusselstype eller grundlæggende årsag"), _text(case.threat))
        )
    if phase == Phase.PROGRESS:
        items.append(DraftItem("status", _("Status"), _("Hændelsen er stadig under håndtering.")))
    return items
