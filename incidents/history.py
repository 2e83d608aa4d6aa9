"""The timeline as people read it: stored facts (codes, times, ids) turned into labels in the
reader's language. The timeline never holds sentences; this is the one place that writes them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from incidents.formatting import dk_datetime
from incidents.models import (
    DatatilsynetNotification,
    Incident,
    IncidentText,
    Notification,
    TimelineEntry,
    record_field,
)

# How a changed free-text field is recorded: that it changed, never what it says.
CHANGED = "changed"

# Who an e-mail of each kind goes to, as the history names them.
RECIPIENT_ROLE = {
    Notification.Kind.NEW_REPORT_GDPR: gettext_lazy("GDPR-enheden"),
    Notification.Kind.NEW_REPORT_IT: gettext_lazy("IT"),
    Notification.Kind.NEW_REPORT_MANAGER: gettext_lazy("lederen"),
    Notification.Kind.RECEIPT_REPORTER: gettext_lazy("indberetteren"),
    Notification.Kind.REMINDER_24H: gettext_lazy("GDPR-enheden"),
    Notification.Kind.REMINDER_6H: gettext_lazy("GDPR-enheden"),
    Notification.Kind.DEADLINE_PASSED: gettext_lazy("GDPR-enheden"),
    Notification.Kind.NIS2_EARLY_WARNING_SOON: gettext_lazy("NIS2-ansvarlige"),
    Notification.Kind.NIS2_NOTIFICATION_SOON: gettext_lazy("NIS2-ansvarlige"),
    Notification.Kind.NIS2_FINAL_REPORT_SOON: gettext_lazy("NIS2-ansvarlige"),
    Notification.Kind.NIS2_DEADLINE_PASSED: gettext_lazy("NIS2-ansvarlige"),
    Notification.Kind.MESSAGE_REPORTER: gettext_lazy("indberetteren"),
    Notification.Kind.INFORMATION_HANDLER: gettext_lazy("sagsbehandleren"),
}


def fact(model: type[models.Model], name: str, value):
    """A field's value as the timeline stores it: codes, ISO times, ids; free text not at all."""
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        model_field = None
    if isinstance(model_field, models.TextField):
        return CHANGED
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return value


def field_label(name: str) -> str:
    """An incident field's label (on the incident or a step table), capitalised: "Risiko",
    "Kategorier af registrerede"."""
    label = str(record_field(name)[1].verbose_name)
    return label[:1].upper() + label[1:]


def field_value(incident: Incident, name: str) -> str:
    """An Incident field's current value as a person reads it: labels for codes, Danish times,
    names for people, Ja/Nej, "–" for nothing."""
    _model, model_field = record_field(name)
    value = incident.record_value(name)
    if value is None or value == "" or value == []:
        return "–"
    if model_field.is_relation:
        return value.get_full_name() or value.get_username()
    base = getattr(model_field, "base_field", model_field)
    choices = dict(base.flatchoices or [])
    if isinstance(value, list):
        return ", ".join(str(choices.get(v, v)) for v in value)
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    if choices:
        return str(choices.get(value, value))
    if isinstance(value, datetime):
        return dk_datetime(value)
    return str(value)


@dataclass
class HistoryLine:
    entry: TimelineEntry
    title: str
    text: str = ""
    text_removed: bool = False
    details: list[tuple[str, str]] = field(default_factory=list)


class _Renderer:
    def __init__(self, entries: list[TimelineEntry]) -> None:
        user_ids = {
            value
            for entry in entries
            for name, change in (entry.changes or {}).items()
            if name == "owner" and isinstance(change, list)
            for value in change
            if isinstance(value, int)
        }
        users = get_user_model().objects.filter(pk__in=user_ids) if user_ids else []
        self.names = {user.pk: user.get_full_name() or user.get_username() for user in users}
        self.draft_labels = _draft_labels()

    def value(self, name: str, value) -> str:
        if value is None or value == "" or value == []:
            return "–"
        if name == "owner":
            return self.names.get(value, "–")
        try:
            _model, model_field = record_field(name)
        except FieldDoesNotExist:
            model_field = None
        base = getattr(model_field, "base_field", model_field)
        choices = dict(getattr(base, "flatchoices", None) or [])
        if isinstance(value, list):
            return ", ".join(str(choices.get(v, self.draft_labels.get(v, v))) for v in value)
        if isinstance(value, bool):
            return _("Ja") if value else _("Nej")
        if choices:
            return str(choices.get(value, value))
        if isinstance(model_field, models.DateTimeField):
            return dk_datetime(datetime.fromisoformat(value))
        return str(value)

    def label(self, name: str) -> str:
        try:
            return field_label(name)
        except FieldDoesNotExist:
            return name

    def details(self, entry: TimelineEntry) -> list[tuple[str, str]]:
        rows = []
        for name, change in (entry.changes or {}).items():
            special = getattr(self, f"_fact_{name}", None)
            if special is not None:
                rows += special(change)
            elif change == CHANGED:
                rows.append((self.label(name), _("ændret")))
            elif isinstance(change, list) and len(change) == 2:
                old, new = (self.value(name, v) for v in change)
                rows.append((self.label(name), f"{old} → {new}"))
        return rows

    # Facts that are not incident fields.

    def _fact_dt_notification(self, change: dict) -> list[tuple[str, str]]:
        phases = dict(DatatilsynetNotification.Phase.choices)
        rows = [
            (_("Fase"), str(phases.get(change.get("phase"), change.get("phase")))),
            (
                _("Anmeldt til Datatilsynet"),
                dk_datetime(datetime.fromisoformat(change["notified_at"])),
            ),
        ]
        if change.get("dt_reference"):
            rows.append((_("Datatilsynets journalnummer"), change["dt_reference"]))
        for key, label in (("items_later", _("Eftersendes")), ("items_supplied", _("Eftersendt"))):
            if change.get(key):
                rows.append((label, self.value(key, change[key])))
        return rows

    def _fact_email(self, change: dict) -> list[tuple[str, str]]:
        kinds = dict(Notification.Kind.choices)
        return [
            (_("Til"), str(RECIPIENT_ROLE.get(change, "–"))),
            (_("E-mail"), str(kinds.get(change, change))),
        ]

    def _fact_nis2(self, change: dict) -> list[tuple[str, str]]:
        from nis2.history import fact_rows  # NIS2's facts are its own (nis2/history.py)

        return fact_rows(change)

    def _fact_attachments(self, count: int) -> list[tuple[str, str]]:
        return [(_("Bilag"), ngettext("%(n)d fil", "%(n)d filer", count) % {"n": count})]

    def _fact_retention(self, change: dict) -> list[tuple[str, str]]:
        if change.get("what") == "attachments":
            n = change.get("deleted", 0)
            return [(_("Slettet"), ngettext("%(n)d bilag", "%(n)d bilag", n) % {"n": n})]
        return [
            (
                _("Slettet"),
                _(
                    "Indberetterens beskrivelse og sagens beskeder og noter. Registrets fakta er "
                    "bevaret."
                ),
            )
        ]


def _draft_labels() -> dict[str, str]:
    from incidents.breach_record import DRAFT_ITEM_LABELS

    return {key: str(label) for key, label in DRAFT_ITEM_LABELS.items()}


# The texts a reporter reads in their own case: the conversation, not the handlers' reasons.
REPORTER_TEXT_KINDS = (IncidentText.Kind.INFORMATION, IncidentText.Kind.MESSAGE)


def history(entries: Iterable[TimelineEntry], *, internal: bool) -> list[HistoryLine]:
    """The entries as lines to show, newest first. Entries should come with `body` and `actor`
    selected (select_related) so this makes at most one query (owners' names). For a reporter
    (`internal` false) only the conversation's texts are shown, and no change details."""
    entries = list(entries)
    renderer = _Renderer(entries)
    lines = []
    for entry in reversed(entries):
        body: IncidentText | None = entry.body
        if body is not None and not internal and body.kind not in REPORTER_TEXT_KINDS:
            body = None
        lines.append(
            HistoryLine(
                entry=entry,
                title=entry.get_kind_display(),
                text=body.text if body else "",
                text_removed=bool(body and body.removed_at),
                details=renderer.details(entry) if internal else [],
            )
        )
    return lines
