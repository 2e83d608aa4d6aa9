""" "Hvad gør jeg nu?": first-aid guides for the accidents the folder names.

Each step repeats what the folder says to do at once, with the contact to use and the rule or
note it comes from; each guide links to the breach report form with its category chosen.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Contact names as in content/folder.toml ([[contacts]] name).
IT = "IT"
GDPR = "GDPR-enheden"


@dataclass(frozen=True)
class Step:
    text: str
    contact: str = ""  # a Contact.name to show beside the step
    source: tuple[str, str] = ("", "")  # (section slug, rule anchor or "") it comes from


@dataclass(frozen=True)
class Guide:
    slug: str
    title: str
    summary: str
    category: str  # the breach report form's `kategori` code
    steps: tuple[Step, ...]


_REPORT = Step(
    _(
        "Indberet sikkerhedsbruddet, så GDPR-enheden kan nå at anmelde det til Datatilsynet inden "
        "72 timer, hvis det omhandler personoplysninger."
    ),
    GDPR,
    ("sikkerhedsbrud-og-brud-paa-persondatasikkerheden", "kontakte-gdpr-enheden"),
)

GUIDES: tuple[Guide, ...] = (
    Guide(
        slug="mistet-udstyr",
        title=_("Jeg har mistet min telefon, bærbare pc, tablet eller USB-nøgle"),
        summary=_("Arbejds-mobil, bærbar pc, tablet eller USB-nøgle er væk eller stjålet."),
        category="lost_device",
        steps=(
            Step(
                _("Kontakt straks din leder og IT. IT kan spærre udstyret og fjerne adgangen."),
                IT,
                ("sikkerhed-paa-mobile-enheder", "straks-kontakte-it"),
            ),
            _REPORT,
        ),
    ),
    Guide(
        slug="klikket-paa-link",
        title=_("Jeg har klikket på et link eller åbnet en vedhæftet fil fra en ukendt afsender"),
        summary=_("En mistænkelig e-mail – også hvis den ser ud til at komme fra en, du kender."),
        category="phishing",
        steps=(
            Step(
                _("Hiv netværksstikket ud, så du ikke spreder virus."),
                "",
                ("virus", ""),
            ),
            Step(_("Kontakt IT med det samme."), IT, ("virus", "kontakte-it-ved-virus")),
            Step(
                _(
                    "Videresend ikke mailen eller advarsler om den. Lad IT vurdere, om det er en "
                    "reel trussel."
                ),
                "",
                ("virus", ""),
            ),
            Step(
                _("Fortæl din leder, hvad der er sket."),
                "",
                ("sikkerhedsbrud-og-brud-paa-persondatasikkerheden", "fortaelle-din-leder"),
            ),
        ),
    ),
    Guide(
        slug="virus",
        title=_("Jeg tror, min pc har fået virus"),
        summary=_("Pc’en opfører sig mærkeligt, eller du har fået mistanke om virus."),
        category="malware",
        steps=(
            Step(_("Hiv netværksstikket ud, så du ikke spreder virus."), "", ("virus", "")),
            Step(_("Kontakt IT med det samme."), IT, ("virus", "kontakte-it-ved-virus")),
            Step(
                _("Fortæl din leder, hvad der er sket."),
                "",
                ("sikkerhedsbrud-og-brud-paa-persondatasikkerheden", "fortaelle-din-leder"),
            ),
        ),
    ),
    Guide(
        slug="sendt-usikker-mail",
        title=_("Jeg har sendt følsomt eller fortroligt indhold som almindelig mail"),
        summary=_("Oplysningerne skulle have været sendt med Sikker Mail, eller til en anden."),
        category="misdirected_mail",
        steps=(
            Step(
                _("Tag kontakt til din leder hurtigst muligt."),
                "",
                ("e-mail-og-sikkerhed", ""),
            ),
            Step(
                _("Hændelsen skal muligvis anmeldes til Datatilsynet: kontakt GDPR-enheden."),
                GDPR,
                ("e-mail-og-sikkerhed", ""),
            ),
            _REPORT,
        ),
    ),
    Guide(
        slug="mistede-papirer",
        title=_("Jeg har mistet papirer med personoplysninger"),
        summary=_("Dokumenter med personoplysninger eller fortroligt indhold er væk."),
        category="lost_papers",
        steps=(
            Step(
                _("Tag straks kontakt til din leder og IT."),
                IT,
                ("naar-du-arbejder-hjemme", ""),
            ),
            _REPORT,
        ),
    ),
    Guide(
        slug="adgangskode-kendt",
        title=_("Nogen kender måske min adgangskode"),
        summary=_("Du har sagt, skrevet eller vist din adgangskode, eller har mistanke om det."),
        category="password_disclosed",
        steps=(
            Step(
                _("Skift din adgangskode med det samme."),
                "",
                ("brugernavn-og-adgangskode", "skifte-adgangskode"),
            ),
            Step(_("Kontakt derefter IT."), IT, ("brugernavn-og-adgangskode", "")),
            Step(
                _("Fortæl din leder, hvis du har mistanke om misbrug."),
                "",
                ("sikkerhedsbrud-og-brud-paa-persondatasikkerheden", "fortaelle-din-leder"),
            ),
        ),
    ),
)

GUIDES_BY_SLUG = {guide.slug: guide for guide in GUIDES}
