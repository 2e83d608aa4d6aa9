"""The codes an incident's facts are stored as; labels are rendered in the reader's language.

Kept apart from the models so that the rules built on them (incidents/duties.py, risk.py) can
be declared once and used by the models' database constraints as well as by the code.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    LOST_DEVICE = "lost_device", _("Mistet eller stjålet udstyr (pc, mobil, tablet, USB-nøgle)")
    MISDIRECTED_MAIL = (
        "misdirected_mail",
        _("Følsom e-mail sendt usikkert eller til forkert modtager"),
    )
    PHISHING = "phishing", _("Klikket på et link eller åbnet en vedhæftet fil (phishing)")
    MALWARE = "malware", _("Virus eller anden skadelig software")
    UNAUTHORISED_ACCESS = "unauthorised_access", _("Uautoriseret adgang eller brug")
    LOST_PAPERS = "lost_papers", _("Mistede eller forlagte papirer")
    PASSWORD_DISCLOSED = "password_disclosed", _("Adgangskode røbet eller kendt af andre")
    OTHER = "other", _("Andet")


class PersonalData(models.TextChoices):
    YES = "yes", _("Ja")
    NO = "no", _("Nej")
    UNKNOWN = "unknown", _("Ved ikke")


class Stopped(models.TextChoices):
    YES = "yes", _("Ja")
    NO = "no", _("Nej")
    UNKNOWN = "unknown", _("Ved ikke")


class DataKind(models.TextChoices):
    ORDINARY = "ordinary", _("Almindelige personoplysninger (fx navn, adresse, telefon)")
    CPR = "cpr", _("CPR-numre")
    SENSITIVE = (
        "sensitive",
        _("Følsomme oplysninger, fx helbred, etnisk oprindelse, religion eller fagforening"),
    )
    CRIMINAL = "criminal", _("Oplysninger om strafbare forhold")
    FINANCIAL = "financial", _("Økonomiske oplysninger")
    CREDENTIALS = "credentials", _("Brugernavne og adgangskoder")


class SubjectCategory(models.TextChoices):
    """Who the data is about: Datatilsynet asks for the categories next to their number."""

    CITIZENS = "citizens", _("Borgere")
    EMPLOYEES = "employees", _("Ansatte")
    CHILDREN = "children", _("Børn")
    PATIENTS_CLIENTS = "patients_clients", _("Patienter eller klienter")
    OTHERS = "others", _("Andre")


class BreachType(models.TextChoices):
    CONFIDENTIALITY = "confidentiality", _("Fortrolighed (uvedkommende har fået adgang)")
    INTEGRITY = "integrity", _("Integritet (oplysninger er ændret uden lov)")
    AVAILABILITY = "availability", _("Tilgængelighed (oplysninger er mistet eller utilgængelige)")


class DtIncidentType(models.TextChoices):
    """The kind of incident as Datatilsynet's notification form asks for it."""

    LOST_DEVICE = "lost_device", _("Bortkommet eller stjålet udstyr (pc, mobil, USB-nøgle)")
    LOST_PAPER = "lost_paper", _("Bortkommet eller stjålet papir")
    WRONG_RECIPIENT = "wrong_recipient", _("Oplysninger sendt til forkert modtager")
    UNPROTECTED_TRANSMISSION = (
        "unprotected_transmission",
        _("Oplysninger sendt uden tilstrækkelig sikkerhed (fx ukrypteret e-mail)"),
    )
    PHISHING = "phishing", _("Phishing")
    MALWARE = "malware", _("Malware, fx ransomware")
    HACKING = "hacking", _("Hacking eller andet angreb udefra")
    UNAUTHORISED_ACCESS = "unauthorised_access", _("Uautoriseret adgang eller brug (internt)")
    PUBLICATION = "publication", _("Utilsigtet offentliggørelse")
    DISPOSAL = "disposal", _("Forkert bortskaffelse")
    OTHER = "other", _("Andet")


# What each reporting category usually is in Datatilsynet's terms; the GDPR unit may change it.
DT_TYPE_FOR_CATEGORY = {
    Category.LOST_DEVICE: DtIncidentType.LOST_DEVICE,
    Category.MISDIRECTED_MAIL: DtIncidentType.WRONG_RECIPIENT,
    Category.PHISHING: DtIncidentType.PHISHING,
    Category.MALWARE: DtIncidentType.MALWARE,
    Category.UNAUTHORISED_ACCESS: DtIncidentType.UNAUTHORISED_ACCESS,
    Category.LOST_PAPERS: DtIncidentType.LOST_PAPER,
    Category.PASSWORD_DISCLOSED: DtIncidentType.UNAUTHORISED_ACCESS,
    Category.OTHER: DtIncidentType.OTHER,
}


class Classification(models.TextChoices):
    """Art. 4(12): is it a personal-data breach at all? Both kinds are kept; the register
    lists them apart."""

    BREACH = "breach", _("Brud på persondatasikkerheden")
    NOT_BREACH = "not_breach", _("Ikke et brud på persondatasikkerheden")


class RiskLevel(models.TextChoices):
    NONE = "none", _("Ingen risiko")
    RISK = "risk", _("Risiko")
    HIGH = "high", _("Høj risiko")


# Risk levels in order, for "at least" comparisons.
RISK_ORDER = {"": -1, RiskLevel.NONE: 0, RiskLevel.RISK: 1, RiskLevel.HIGH: 2}


class Identifiability(models.TextChoices):
    """ENISA's "ease of identification" of the people in the data."""

    NEGLIGIBLE = "negligible", _("Ubetydelig – kan næppe identificeres")
    LIMITED = "limited", _("Begrænset – kræver en del ekstra oplysninger")
    SIGNIFICANT = "significant", _("Betydelig – kan identificeres med lidt ekstra")
    MAXIMUM = "maximum", _("Fuld – direkte identificerbare (fx navn, CPR-nummer)")


class Status(models.TextChoices):
    REPORTED = "reported", _("Modtaget")
    ESCALATED = "escalated", _("Under behandling")
    CLOSED = "closed", _("Afsluttet")


class NotifyDecision(models.TextChoices):
    NOTIFY = "notify", _("Anmeldes til Datatilsynet")
    NOT_NOTIFY = "not_notify", _("Anmeldes ikke til Datatilsynet")


class SubjectsExemption(models.TextChoices):
    ART34_3A = "art34_3a", _("Art. 34, stk. 3, litra a: oplysningerne var beskyttet (fx krypteret)")
    ART34_3B = (
        "art34_3b",
        _("Art. 34, stk. 3, litra b: efterfølgende foranstaltninger fjerner risikoen"),
    )
    ART34_3C = (
        "art34_3c",
        _("Art. 34, stk. 3, litra c: uforholdsmæssig indsats (offentlig meddelelse i stedet)"),
    )
    DBL_22 = "dbl_22", _("Databeskyttelseslovens § 22")
