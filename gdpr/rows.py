"""The deadline dashboard's rows: one per clock (the GDPR 72-hour clock, NIS2's three), with
every text ready, written as the table's markup here: it is the page's hot loop, and a template
costs a variable look-up and an escape per cell (twice the time of the rest of the page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from gdpr import deadlines
from incidents.duties import DUTIES
from incidents.formatting import TimeLeftFormatter, dk_datetime
from incidents.models import Category, Incident
from nis2 import selectors as nis2_selectors


@dataclass(frozen=True)
class Band:
    """deadlines.Band with its label translated once per request."""

    code: str
    label: str
    icon: str


@dataclass(frozen=True)
class DashboardRow:
    """One table row with every text ready: the template only prints (it is the hot loop)."""

    incident: Incident
    time_left: timedelta | None
    time_left_text: str
    band: Band
    missing: list[tuple[str, str]]
    contradicts: bool
    category: str
    department: str
    reported: str
    aware: str
    deadline: str
    # Which clock the row is: the GDPR 72-hour clock, or one of NIS2's three (a row each).
    regime: str = "gdpr"
    clock: str = ""
    deadline_iso: str = ""  # for the countdown script; empty when the clock is not running
    note: str = ""  # a NIS2 clock met: which report, when
    unread: str = ""  # the badge's text when something was said on the case since it was opened


class RowMaker:
    """Builds DashboardRows with every label translated once per request, not once per row."""

    def __init__(self, now: datetime, *, user) -> None:
        self.now = now
        self.user_pk = user.pk
        self.time_left_text = TimeLeftFormatter.current(compact=True)
        self.bands = {c: Band(b.code, str(b.label), b.icon) for c, b in deadlines.BANDS.items()}
        self.missing = {duty.code: str(duty.label) for duty in DUTIES}
        self.categories = {code: str(label) for code, label in Category.choices}
        self.gdpr_clock = _("GDPR: anmeldelse til Datatilsynet (72 timer)")
        self.sent = _("%(report)s sendt %(at)s")
        self.waiting = Band("waiting", _("Venter"), "◷")
        # As incidents/_unread.html words it for the case lists.
        self.new_message = _("Ny besked")
        self.news = _("Nyt på sagen")
        # Column names, also the labels of a row's values when rows stack on a phone.
        self.labels = {
            "clock": _("Frist for"),
            "category": _("Kategori"),
            "department": _("Afdeling"),
            "reported": _("Indberettet / opmærksom"),
            "deadline": _("Frist"),
            "time_left": _("Tid tilbage"),
            "missing": _("Mangler"),
        }
        self.contradicts_label = _("Anmeldes ikke trods risiko")
        self.nothing_missing = _("Intet")
        # References are ^SB-[0-9]{4}-[0-9]{4,}$ (a check constraint): URL-safe as they are.
        self.detail_prefix = reverse("incidents:detail", args=["SB-0000-0000"]).removesuffix(
            "SB-0000-0000/"
        )

    def __call__(self, incident: Incident) -> DashboardRow:
        left = incident.time_left(self.now)
        return DashboardRow(
            incident=incident,
            time_left=left,
            time_left_text=self.time_left_text(left),
            band=self.bands[deadlines.band_for(left).code],
            missing=[(c, self.missing[c]) for c in incident.missing_items(self.now)],
            contradicts=incident.decision_contradicts_risk,
            category=self.categories.get(incident.category, incident.category),
            department=incident.department.name if incident.department else "–",
            reported=dk_datetime(incident.reported_at),
            aware=dk_datetime(incident.aware_at),
            deadline=dk_datetime(incident.notification_deadline),
            clock=self.gdpr_clock,
            deadline_iso=incident.notification_deadline.isoformat() if left is not None else "",
            unread=self._unread(incident),
        )

    def _unread(self, incident: Incident) -> str:
        if not incident.unread:
            return ""
        return self.new_message if incident.reporter_id == self.user_pk else self.news

    def nis2_rows(self, incident: Incident, case) -> list[DashboardRow]:
        """A row per NIS2 clock of a significant incident (nis2.selectors.clocks)."""
        rows = []
        for clock in nis2_selectors.clocks(case):
            left = clock.time_left(self.now)
            met = clock.met_at is not None
            rows.append(
                DashboardRow(
                    incident=incident,
                    time_left=left,
                    time_left_text=self.time_left_text(left) if left is not None else "",
                    band=self.bands["stopped" if met else deadlines.band_for(left).code]
                    if met or left is not None
                    else self.waiting,
                    missing=[],
                    contradicts=False,
                    category=self.categories.get(incident.category, incident.category),
                    department=incident.department.name if incident.department else "–",
                    reported=dk_datetime(incident.reported_at),
                    aware=dk_datetime(case.aware_at),
                    deadline=dk_datetime(clock.deadline) if clock.deadline else str(clock.waiting),
                    regime="nis2",
                    clock=str(clock.label),
                    deadline_iso=clock.deadline.isoformat() if left is not None else "",
                    note=self.sent % {"report": clock.met_by, "at": dk_datetime(clock.met_at)}
                    if met
                    else "",
                )
            )
        return rows

    def html(self, rows: list[DashboardRow]) -> SafeString:
        """The table's rows as markup: every text escaped by format_html."""
        return mark_safe("".join(self._row_html(row) for row in rows))  # noqa: S308

    def _row_html(self, row: DashboardRow) -> str:
        labels = self.labels
        return format_html(
            _ROW,
            band=row.band.code,
            regime=row.regime,
            deadline=format_html(' data-deadline="{}"', row.deadline_iso)
            if row.deadline_iso
            else "",
            prefix=self.detail_prefix,
            reference=row.incident.reference,
            unread=format_html(' <span class="badge text-bg-dark unread">{}</span>', row.unread)
            if row.unread
            else "",
            clock_label=labels["clock"],
            clock=row.clock,
            category_label=labels["category"],
            category=row.category,
            department_label=labels["department"],
            department=row.department,
            reported_label=labels["reported"],
            reported=row.reported,
            aware=row.aware,
            deadline_label=labels["deadline"],
            deadline_text=row.deadline,
            time_left_label=labels["time_left"],
            icon=row.band.icon,
            band_label=row.band.label,
            time_left=row.time_left_text,
            missing_label=labels["missing"],
            missing=self._missing_html(row),
        )

    def _missing_html(self, row: DashboardRow) -> SafeString:
        if row.note:
            return format_html('<span class="small">{}</span>', row.note)
        if row.regime == "nis2":
            return mark_safe('<span class="text-body-secondary">–</span>')
        contradiction = (
            format_html(
                '<span class="badge text-bg-danger contradiction">{}</span> ',
                self.contradicts_label,
            )
            if row.contradicts
            else ""
        )
        if row.missing:
            badges = format_html_join(
                "", '<span class="badge missing missing-{}">{}</span> ', row.missing
            )
        elif not row.contradicts:
            badges = format_html(
                '<span class="text-body-secondary">{}</span>', self.nothing_missing
            )
        else:
            badges = ""
        return format_html("{}{}", contradiction, badges)

    def script_labels(self) -> dict:
        """What the page's countdown script needs to say the same as the server."""
        text = self.time_left_text
        return {
            "left": text.left,
            "overdue": text.overdue,
            "hours": text.hours,
            "minutes": text.minutes,
            "bands": {code: b.label for code, b in self.bands.items()},
            "icons": {code: b.icon for code, b in self.bands.items()},
            "limits": {code: limit.total_seconds() * 1000 for code, limit in deadlines.BAND_LIMITS},
        }


# One row as the table has it (with the whitespace between rows).
_ROW = """
            <tr class="deadline-row band-{band}" data-regime="{regime}"{deadline}>
              <th scope="row" class="stack-lead"><a class="reference" \
href="{prefix}{reference}/">{reference}</a>{unread}</th>
              <td class="small clock-label" data-label="{clock_label}">{clock}</td>
              <td data-label="{category_label}">{category}</td>
              <td data-label="{department_label}">{department}</td>
              <td class="small" data-label="{reported_label}">{reported}<br>\
<span class="text-body-secondary">{aware}</span></td>
              <td class="small" data-label="{deadline_label}">{deadline_text}</td>
              <td class="stack-first" data-label="{time_left_label}">
                <span class="band-label"><span class="band-icon" aria-hidden="true">{icon}</span> \
<span class="band-text">{band_label}</span></span><br>
                <strong class="time-left">{time_left}</strong>
              </td>
              <td class="stack-first" data-label="{missing_label}">
                {missing}
              </td>
            </tr>
          """


def rows_for(make_row: RowMaker, incidents: list[Incident], regime: str) -> list[DashboardRow]:
    """The page's rows: each incident's GDPR clock, then its NIS2 clocks (one query for the
    page's NIS2 records), or only one regime's."""
    cases = nis2_selectors.cases_for(i.pk for i in incidents) if regime != "gdpr" else {}
    rows = []
    for incident in incidents:
        if regime != "nis2":
            rows.append(make_row(incident))
        if incident.pk in cases:
            rows += make_row.nis2_rows(incident, cases[incident.pk])
    return rows
