"""The rules every step shares: who may act, the lock and version, times that may not lie, no
CPR numbers, and the timeline of facts each change writes."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from incidents.formatting import dk_datetime
from incidents.history import CHANGED, fact
from incidents.models import (
    DatatilsynetNotification,
    Incident,
    IncidentText,
    StepRecord,
    TimelineEntry,
    clock_stop,
    record_field,
)
from incidents.steps import may
from portal import cpr

Kind = TimelineEntry.Kind
Visibility = TimelineEntry.Visibility
Phase = DatatilsynetNotification.Phase

# How far ahead of the server's clock a recorded time may be (a slightly fast PC clock).
CLOCK_SKEW = timedelta(minutes=5)


class StaleIncident(Exception):
    """Someone else changed the incident after the form was shown; `current` is the new state."""

    def __init__(self, current: Incident) -> None:
        super().__init__(current.reference)
        self.current = current


def require(actor: User, incident: Incident, action: str) -> None:
    """The step's own rule (incidents/steps.py). The views check first, with 403/404; this
    keeps jobs, shells and tests honest too."""
    if not may(actor, incident, action):
        raise PermissionDenied


def require_open(incident: Incident) -> None:
    if not incident.is_open:
        raise ValidationError(_("Sagen er lukket. Genåbn den først."))


def check_times(now: datetime, **fields: tuple[datetime | None, list[tuple]]) -> None:
    """Each named time must not be in the future nor before the bounds it follows.

    `fields` maps a form field name to (time, [(lower bound or None, message), …]). All errors
    are raised together, each on its field.
    """
    errors: dict[str, list[str]] = {}
    for name, (value, lower_bounds) in fields.items():
        if value is None:
            continue
        if value > now + CLOCK_SKEW:
            errors.setdefault(name, []).append(_("Tidspunktet må ikke ligge i fremtiden."))
        for bound, message in lower_bounds:
            if bound is not None and value < bound:
                errors.setdefault(name, []).append(message % {"at": dk_datetime(bound)})
    if errors:
        raise ValidationError(errors)


def after_occurrence(incident: Incident) -> tuple:
    return (incident.occurred_at, _("Tidspunktet ligger før bruddet skete (%(at)s)."))


def after_awareness(incident: Incident) -> tuple:
    return (
        incident.aware_at,
        _("Tidspunktet ligger før kommunen blev opmærksom på bruddet (%(at)s)."),
    )


def _each(validate, values: dict[str, str]) -> None:
    errors = {}
    for name, value in values.items():
        try:
            validate(value)
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)


def check_no_cpr(**texts: str) -> None:
    """Handlers' texts end up in the register and the draft: no CPR numbers (portal/cpr.py)."""
    _each(cpr.reject_cpr, texts)


def check_references(**references: str) -> None:
    """Journal and case numbers: never a CPR number (portal/cpr.py)."""
    _each(cpr.reject_cpr_in_reference, references)


def lock(incident: Incident, expected_version: int | None) -> Incident:
    """The row, locked for this transaction; StaleIncident if someone changed it meanwhile."""
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleIncident(locked)
    return locked


def log(
    incident: Incident,
    *,
    actor: User | None,
    kind: str,
    at: datetime,
    changes: dict | None = None,
    body: IncidentText | None = None,
    visibility: str = Visibility.INTERNAL,
) -> TimelineEntry:
    return TimelineEntry.objects.create(
        incident=incident,
        actor=actor,
        kind=kind,
        at=at,
        changes=changes or {},
        body=body,
        visibility=visibility,
    )


def write(incident: Incident, *, kind: str, text: str, author: User, at: datetime):
    """Somebody's own words, kept beside the timeline (which only points at them)."""
    return IncidentText.objects.create(
        incident=incident, kind=kind, text=text, author=author, written_at=at
    )


def change(
    incident: Incident,
    values: dict,
    *,
    actor: User | None,
    kind: str,
    at: datetime,
    visibility: str = Visibility.INTERNAL,
    extra: dict | None = None,
    body: IncidentText | None = None,
) -> TimelineEntry:
    """Set the fields (on the incident or its step tables), bump the version, save only those
    fields and log the facts.

    A step table's row is created by the step's first save: the caller holds the incident's
    row lock (lock()), so no one else creates it meanwhile."""
    changes = dict(extra or {})
    by_model: dict[type, list[str]] = {}
    for name, new in values.items():
        model, _field = record_field(name)
        by_model.setdefault(model, []).append(name)
        target = incident if model is Incident else incident.step_record(model)
        old = getattr(target, name)
        if old != new and not name.endswith("_by"):  # the actor is on the entry
            old_fact, new_fact = fact(model, name, old), fact(model, name, new)
            changes[name] = new_fact if new_fact == CHANGED else [old_fact, new_fact]
        setattr(target, name, new)
    for model, names in by_model.items():
        if model is not Incident:
            _save_step_record(incident.step_record(model), names)
    incident.version += 1
    incident.save(update_fields=[*by_model.get(Incident, []), "version", "updated"])
    return log(
        incident, actor=actor, kind=kind, at=at, changes=changes, body=body, visibility=visibility
    )


def _save_step_record(record: StepRecord, names: list[str]) -> None:
    if record._state.adding:  # the step's first save
        record.save(force_insert=True)
    else:
        record.save(update_fields=names)


def initial_notification(incident: Incident) -> DatatilsynetNotification | None:
    return incident.dt_notifications.filter(phase=Phase.INITIAL).first()


def clock_values(incident: Incident, *, notify_decision: str, decided_at) -> dict:
    initial = initial_notification(incident)
    return {
        "clock_stopped_at": clock_stop(
            initial_notified_at=initial.notified_at if initial else None,
            notify_decision=notify_decision,
            decided_at=decided_at,
        )
    }
