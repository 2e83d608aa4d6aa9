"""The register of breaches (art. 33(5)): every column declared once, with the facts it reads and
how it reads them. The page and the CSV for Excel are built from COLUMNS.

Handlers' texts are shown with CPR-like numbers masked; the reporter's own words and name never
appear. Incidents assessed as not a personal-data breach are kept, but listed apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incidents.choices import (
    BreachType,
    Category,
    Classification,
    DataKind,
    NotifyDecision,
    RiskLevel,
    Status,
    SubjectCategory,
    SubjectsExemption,
)
from incidents.formatting import dk_datetime, iso_local
from incidents.models import DatatilsynetNotification, Incident
from portal.cpr import mask

First = tuple[datetime, str] | None  # the initial notification: when, Datatilsynet's number


class Labels:
    """Every label the register shows, looked up once per request (the active language), so a
    year of lines does not translate the same words thousands of times."""

    def __init__(self, *, spreadsheet: bool) -> None:
        def table(choices) -> dict[str, str]:
            return {code: str(label) for code, label in choices}

        self.classification = table(Classification.choices)
        self.category = table(Category.choices)
        self.risk = table(RiskLevel.choices)
        self.decision = table(NotifyDecision.choices)
        self.status = table(Status.choices)
        self.exemption = table(SubjectsExemption.choices)
        self.breach_type = table(BreachType.choices)
        self.subject_category = table(SubjectCategory.choices)
        self.data_kind = table(DataKind.choices)
        self.not_classified = _("Ikke vurderet endnu")
        self.yes = _("Ja")
        self.late = _("Nej, %(reasons)s")
        # ISO dates in the CSV (Excel sorts them), Danish words on the page.
        self.when = iso_local if spreadsheet else dk_datetime

    @staticmethod
    def some(table: dict[str, str], codes: list[str]) -> str:
        return ", ".join(table[code] for code in codes if code in table)


@dataclass(frozen=True)
class Column:
    label: Promise
    fields: tuple[str, ...]  # the incident values it reads
    cell: Callable[[Labels, dict, First], str]
    # Shown as a column of the page's table; the rest go in each line's "all facts" fold.
    # (The CSV has every column.)
    summary: bool = False


def _text(label: Promise, field: str) -> Column:
    return Column(label, (field,), lambda t, v, f: mask(v[field]))


def _number(label: Promise, field: str) -> Column:
    return Column(label, (field,), lambda t, v, f: "" if v[field] is None else str(v[field]))


def _informed(t: Labels, v: dict, first: First) -> str:
    # Through the step table's one-to-one: None for both when nothing is recorded.
    if v["subjectsnotice__subjects_informed_at"]:
        return t.when(v["subjectsnotice__subjects_informed_at"])
    return t.exemption.get(v["subjectsnotice__subjects_exemption"], "")


def _contradiction(t: Labels, v: dict, first: First) -> str:
    contradicts = v["notify_decision"] == NotifyDecision.NOT_NOTIFY and v["risk_level"] in (
        RiskLevel.RISK,
        RiskLevel.HIGH,
    )
    return f"{t.yes}: {mask(v['decision_deviation_reason'])}" if contradicts else ""


def _on_time(t: Labels, v: dict, first: First) -> str:
    if not first:
        return ""
    return t.late % {"reasons": mask(v["delay_reasons"])} if v["notified_late"] else t.yes


def _remedial(t: Labels, v: dict, first: First) -> str:
    texts = (mask(v["containment_description"]), mask(v["measures_taken"]))
    return "\n\n".join(text for text in texts if text)


# Facts, effects, remedial action, decision and reasoning, dates: what art. 33(5) asks for.
COLUMNS: tuple[Column, ...] = (
    Column(gettext_lazy("Reference"), ("reference",), lambda t, v, f: v["reference"], summary=True),
    Column(
        gettext_lazy("Klassifikation"),
        ("classification",),
        lambda t, v, f: t.classification.get(v["classification"], t.not_classified),
    ),
    Column(
        gettext_lazy("Kategori"),
        ("category",),
        lambda t, v, f: t.category.get(v["category"], ""),
        summary=True,
    ),
    Column(
        gettext_lazy("Afdeling"),
        ("department__name",),
        lambda t, v, f: v["department__name"] or "",
        summary=True,
    ),
    Column(gettext_lazy("Sket"), ("occurred_at",), lambda t, v, f: t.when(v["occurred_at"])),
    Column(gettext_lazy("Opdaget"), ("discovered_at",), lambda t, v, f: t.when(v["discovered_at"])),
    Column(
        gettext_lazy("Opmærksom"),
        ("aware_at",),
        lambda t, v, f: t.when(v["aware_at"]),
        summary=True,
    ),
    Column(gettext_lazy("Indberettet"), ("reported_at",), lambda t, v, f: t.when(v["reported_at"])),
    Column(gettext_lazy("Inddæmmet"), ("contained_at",), lambda t, v, f: t.when(v["contained_at"])),
    _text(gettext_lazy("Faktiske omstændigheder"), "account"),
    Column(
        gettext_lazy("Type af brud"),
        ("breach_types",),
        lambda t, v, f: t.some(t.breach_type, v["breach_types"]),
    ),
    Column(
        gettext_lazy("Kategorier af registrerede"),
        ("subject_categories",),
        lambda t, v, f: t.some(t.subject_category, v["subject_categories"]),
    ),
    _number(gettext_lazy("Registrerede (ca.)"), "subjects_estimate"),
    Column(
        gettext_lazy("Typer af oplysninger"),
        ("data_kinds",),
        lambda t, v, f: t.some(t.data_kind, v["data_kinds"]),
    ),
    _number(gettext_lazy("Registreringer (ca.)"), "records_estimate"),
    _text(gettext_lazy("Virkninger"), "likely_consequences"),
    Column(
        gettext_lazy("Afhjælpende foranstaltninger"),
        ("containment_description", "measures_taken"),
        _remedial,
    ),
    _text(gettext_lazy("Foreslåede foranstaltninger"), "measures_proposed"),
    Column(
        gettext_lazy("Risiko"),
        ("risk_level",),
        lambda t, v, f: t.risk.get(v["risk_level"], ""),
        summary=True,
    ),
    _text(gettext_lazy("Begrundelse for risikovurdering"), "risk_reasoning"),
    Column(
        gettext_lazy("Beslutning"),
        ("notify_decision",),
        lambda t, v, f: t.decision.get(v["notify_decision"], ""),
        summary=True,
    ),
    _text(gettext_lazy("Begrundelse for beslutningen"), "decision_reasoning"),
    Column(
        gettext_lazy("Afviger fra risikovurderingen"),
        ("notify_decision", "risk_level", "decision_deviation_reason"),
        _contradiction,
    ),
    Column(gettext_lazy("Besluttet"), ("decided_at",), lambda t, v, f: t.when(v["decided_at"])),
    Column(
        gettext_lazy("Anmeldt til Datatilsynet"),
        (),
        lambda t, v, f: t.when(f[0]) if f else "",
        summary=True,
    ),
    Column(gettext_lazy("Rettidigt"), ("notified_late", "delay_reasons"), _on_time, summary=True),
    Column(gettext_lazy("Datatilsynets j.nr."), (), lambda t, v, f: (f[1] or "") if f else ""),
    Column(
        gettext_lazy("Registrerede underrettet"),
        ("subjectsnotice__subjects_informed_at", "subjectsnotice__subjects_exemption"),
        _informed,
    ),
    Column(
        gettext_lazy("Status"),
        ("status",),
        lambda t, v, f: t.status.get(v["status"], ""),
        summary=True,
    ),
    Column(gettext_lazy("Lukket"), ("closed_at",), lambda t, v, f: t.when(v["closed_at"])),
)

# The incident values the columns read, fetched as plain values (never as models).
FIELDS = ("pk", *dict.fromkeys(name for column in COLUMNS for name in column.fields))


def columns() -> list[str]:
    return [str(column.label) for column in COLUMNS]


def summary_indexes() -> list[int]:
    """Which of COLUMNS the page's table shows (the rest go in each line's fold)."""
    return [i for i, column in enumerate(COLUMNS) if column.summary]


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The year as a half-open [start, end) range in local (Copenhagen) time."""
    zone = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def queryset(year: int, *, breaches: bool = True) -> QuerySet:
    """The year's incidents as dicts of FIELDS, in the register's order: the personal-data
    breaches (and those not yet classified), or (breaches=False) those assessed as not a breach.

    A plain range on reported_at, so PostgreSQL can use the reported_at index.
    """
    start, end = year_bounds(year)
    incidents = Incident.objects.filter(reported_at__gte=start, reported_at__lt=end)
    incidents = incidents.personal_data_breaches() if breaches else incidents.not_breaches()
    return (
        incidents.annotate(notified_late=Incident.NOTIFIED_LATE)
        .order_by("reported_at", "pk")
        .values(*FIELDS)
    )


def first_notifications(year: int, *, pks: Iterable[int] | None = None) -> dict[int, tuple]:
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


def rows(
    incidents: Iterable[dict], firsts: dict[int, tuple], *, spreadsheet: bool = False
) -> Iterator[list[str]]:
    """Register lines for FIELDS dicts, given first_notifications()."""
    labels = Labels(spreadsheet=spreadsheet)
    for values in incidents:
        first = firsts.get(values["pk"])
        yield [column.cell(labels, values, first) for column in COLUMNS]


# OWASP's CSV-injection rule: a spreadsheet treats a cell that begins with one of these as a
# formula (or, with tab and CR, as a cell boundary); such a cell gets a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell
