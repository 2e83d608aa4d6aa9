"""Every change to an incident: one typed, keyword-only function per step, each one transaction.

Views and background jobs call these; nothing else changes an incident. Each function checks the
invariants of its step against the locked row (the database checks them again where it can) and
writes a TimelineEntry of facts: {field: [old, new]} with codes, times and ids.

Invariants kept here (and where the database also keeps them, models.py names the constraint):
- times are never in the future (CLOCK_SKEW of tolerance) and never before what they follow:
  nothing before the breach occurred, no notification or informing before awareness;
- notification phases are ordered: the initial one first, follow-ups after it; only the initial
  one stops the clock; a late initial notification states its reasons, also when a moved
  awareness time makes it late;
- a decision needs an assessment; not notifying despite an assessed risk needs a justification;
  an assessment that contradicts an earlier decision not to notify withdraws it;
- closing needs every duty met (incidents/duties.py); a closed case accepts nothing but
  reopening;
- reminders follow the deadline: moving it or stopping the clock re-arms them.

This module is over 400 lines: one function per handling step keeps each step readable on its
own; the architecture issue splits the steps into their own declarations.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents import breach_record, notifications, risk
from incidents.files import check_quota, check_upload
from incidents.formatting import dk_datetime
from incidents.history import CHANGED, fact
from incidents.models import (
    Attachment,
    Classification,
    DatatilsynetNotification,
    Incident,
    IncidentText,
    NotifyDecision,
    ReferenceCounter,
    RiskLevel,
    Status,
    SubjectsExemption,
    TimelineEntry,
    clock_stop,
)
from portal import cpr, roles

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


# --- Rules shared by the steps ------------------------------------------------------------------


def _require(allowed: bool) -> None:
    # The views check first (with 403/404); this keeps jobs and shells honest too.
    if not allowed:
        raise PermissionDenied


def _require_open(incident: Incident) -> None:
    if not incident.is_open:
        raise ValidationError(_("Sagen er lukket. Genåbn den først."))


def _check_times(now: datetime, **fields: tuple[datetime | None, list[tuple]]) -> None:
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


def _after_occurrence(incident: Incident) -> tuple:
    return (
        incident.occurred_at,
        _("Tidspunktet ligger før bruddet skete (%(at)s)."),
    )


def _after_awareness(incident: Incident) -> tuple:
    return (
        incident.aware_at,
        _("Tidspunktet ligger før kommunen blev opmærksom på bruddet (%(at)s)."),
    )


def _check_no_cpr(**texts: str) -> None:
    """Handlers' texts end up in the register and the draft: no CPR numbers (portal/cpr.py)."""
    errors = {}
    for name, text in texts.items():
        try:
            cpr.reject_cpr(text)
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)


def _check_references(**references: str) -> None:
    """Journal and case numbers: never a CPR number (portal/cpr.py)."""
    errors = {}
    for name, value in references.items():
        try:
            cpr.reject_cpr_in_reference(value)
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)


def _lock(incident: Incident, expected_version: int | None) -> Incident:
    """The row, locked for this transaction; StaleIncident if someone changed it meanwhile."""
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleIncident(locked)
    return locked


def _log(
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


def _write(incident: Incident, *, kind: str, text: str, author: User, at: datetime):
    return IncidentText.objects.create(
        incident=incident, kind=kind, text=text, author=author, written_at=at
    )


def _change(
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
    """Set the fields, bump the version, save only those fields and log the facts."""
    changes = dict(extra or {})
    for name, new in values.items():
        old = getattr(incident, name)
        if old != new and not name.endswith("_by"):  # the actor is on the entry
            old_fact, new_fact = fact(Incident, name, old), fact(Incident, name, new)
            changes[name] = new_fact if new_fact == CHANGED else [old_fact, new_fact]
        setattr(incident, name, new)
    incident.version += 1
    incident.save(update_fields=[*values, "version", "updated"])
    return _log(
        incident, actor=actor, kind=kind, at=at, changes=changes, body=body, visibility=visibility
    )


def _initial_notification(incident: Incident) -> DatatilsynetNotification | None:
    return incident.dt_notifications.filter(phase=Phase.INITIAL).first()


def _clock_values(incident: Incident, *, notify_decision: str, decided_at) -> dict:
    initial = _initial_notification(incident)
    return {
        "clock_stopped_at": clock_stop(
            initial_notified_at=initial.notified_at if initial else None,
            notify_decision=notify_decision,
            decided_at=decided_at,
        )
    }


# --- Reporting -------------------------------------------------------------------------------


def _next_reference(year: int) -> str:
    counter, _created = ReferenceCounter.objects.get_or_create(year=year)
    counter = ReferenceCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"SB-{year}-{counter.last_number:04d}"


def _store_attachments(
    incident: Incident, files: Iterable[UploadedFile], *, by: User, at: datetime
) -> list[Attachment]:
    stored = []
    files = list(files)
    already = incident.attachments.aggregate(count=Count("pk"), size=Sum("size"))
    check_quota(files, stored_count=already["count"], stored_bytes=already["size"] or 0)
    for upload in files:
        content_type = check_upload(upload)
        attachment = Attachment(
            incident=incident,
            original_name=upload.name[:255],
            content_type=content_type,
            size=upload.size,
            uploaded_by=by,
            uploaded_at=at,
        )
        attachment.file.save("upload", upload, save=False)
        attachment.save()
        stored.append(attachment)
    return stored


def incident_submit(
    *,
    reporter: User,
    category: str,
    description: str,
    discovered_at: datetime,
    personal_data: str,
    stopped: str,
    occurred_at: datetime | None = None,
    data_kinds: Sequence[str] = (),
    affected_estimate: int | None = None,
    stop_description: str = "",
    manager_informed: bool = False,
    it_informed: bool = False,
    files: Sequence[UploadedFile] = (),
    submission_token: uuid.UUID | None = None,
    now: datetime | None = None,
) -> Incident:
    """Register a new report. A repeated submission_token returns the report made the first time."""
    now = now or timezone.now()
    _check_times(now, discovered_at=(discovered_at, []), occurred_at=(occurred_at, []))
    if occurred_at is not None and occurred_at > discovered_at:
        raise ValidationError(
            {"occurred_at": _("Hændelsen kan ikke være sket, efter at du opdagede den.")}
        )
    with transaction.atomic():
        if submission_token is not None:
            # A double click posts the form twice at once. Both wait here for the first to
            # commit, so the second finds its report instead of breaking the unique index:
            # PostgreSQL logs a failed INSERT with its values, the reporter's text included.
            with connection.cursor() as cursor:
                key = int.from_bytes(uuid.UUID(str(submission_token)).bytes[:8], "big", signed=True)
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
            existing = Incident.objects.filter(submission_token=submission_token).first()
            if existing is not None:
                if existing.reporter_id == reporter.pk:
                    return existing
                # Someone else's token (copied, or forged): a report of its own, without it.
                submission_token = None
        return _submit(
            reporter=reporter,
            category=category,
            description=description,
            discovered_at=discovered_at,
            occurred_at=occurred_at,
            personal_data=personal_data,
            data_kinds=list(data_kinds),
            affected_estimate=affected_estimate,
            stopped=stopped,
            stop_description=stop_description,
            manager_informed=manager_informed,
            it_informed=it_informed,
            files=files,
            submission_token=submission_token,
            now=now,
        )


def _submit(*, reporter: User, files, now: datetime, **facts) -> Incident:
    profile = getattr(reporter, "profile", None)
    aware_at = min(facts["discovered_at"], now)
    incident = Incident.objects.create(
        reference=_next_reference(timezone.localtime(now).year),
        reporter=reporter,
        department=profile.department if profile else None,
        manager=profile.manager if profile else None,
        reported_at=now,
        aware_at=aware_at,
        notification_deadline=Incident.deadline_for(aware_at),
        **facts,
    )
    attachments = _store_attachments(incident, files, by=reporter, at=now)
    _log(
        incident,
        actor=reporter,
        kind=Kind.REPORTED,
        at=now,
        changes={"attachments": len(attachments)} if attachments else {},
        visibility=Visibility.REPORTER,
    )
    notifications.queue_new_report(incident=incident, now=now)
    return incident


# --- Handling --------------------------------------------------------------------------------

VIEW_LOG_INTERVAL = timedelta(minutes=10)


@transaction.atomic
def incident_record_containment(
    *,
    incident: Incident,
    actor: User,
    description: str,
    contained_at: datetime,
    expected_version: int | None,
    now: datetime | None = None,
) -> Incident:
    _require(roles.can_record_containment(actor))
    incident = _lock(incident, expected_version)
    _require_open(incident)
    now = now or timezone.now()
    _check_times(now, contained_at=(contained_at, [_after_occurrence(incident)]))
    _check_no_cpr(description=description)
    _change(
        incident,
        {
            "contained_at": contained_at,
            "contained_by": actor,
            "containment_description": description,
        },
        actor=actor,
        kind=Kind.CONTAINMENT,
        at=now,
    )
    return incident


@transaction.atomic
def incident_record_people_notified(
    *,
    incident: Incident,
    actor: User,
    manager_notified_at: datetime | None,
    it_notified_at: datetime | None,
    expected_version: int | None,
    now: datetime | None = None,
) -> Incident:
    _require(roles.can_record_containment(actor))
    incident = _lock(incident, expected_version)
    _require_open(incident)
    now = now or timezone.now()
    after = [_after_occurrence(incident)]
    _check_times(
        now,
        manager_notified_at=(manager_notified_at, after),
        it_notified_at=(it_notified_at, after),
    )
    _change(
        incident,
        {"manager_notified_at": manager_notified_at, "it_notified_at": it_notified_at},
        actor=actor,
        kind=Kind.PEOPLE_NOTIFIED,
        at=now,
    )
    return incident


@transaction.atomic
def incident_escalate(
    *,
    incident: Incident,
    actor: User,
    expected_version: int | None,
    now: datetime | None = None,
) -> Incident:
    """The GDPR unit takes ownership; the acting handler becomes the owner."""
    _require(roles.can_handle_incidents(actor))
    incident = _lock(incident, expected_version)
    _require_open(incident)
    if incident.status == Status.ESCALATED and incident.owner_id == actor.pk:
        raise ValidationError(_("Sagen er allerede hos dig."))
    now = now or timezone.now()
    values = {"status": Status.ESCALATED, "owner": actor}
    if incident.escalated_at is None:
        values["escalated_at"] = now
    _change(
        incident, values, actor=actor, kind=Kind.ESCALATED, at=now, visibility=Visibility.REPORTER
    )
    return incident


@transaction.atomic
def incident_change_awareness(
    *,
    incident: Incident,
    actor: User,
    aware_at: datetime,
    reason: str,
    delay_reasons: str = "",
    expected_version: int | None,
    now: datetime | None = None,
) -> Incident:
    """Move the awareness time and with it the deadline; lateness is judged anew.

    The awareness time cannot pass what followed from it (the initial notification, informing
    the data subjects, a public communication, the processor's notice). If the initial
    notification becomes late, the reasons for the delay are required (art. 33(1)).
    """
    _require(roles.can_handle_incidents(actor))
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv hvorfor tidspunktet ændres.")})
    _check_no_cpr(reason=reason, delay_reasons=delay_reasons)
    incident = _lock(incident, expected_version)
    _require_open(incident)
    now = now or timezone.now()
    _check_times(now, aware_at=(aware_at, [_after_occurrence(incident)]))
    initial = _initial_notification(incident)
    followers = [
        (initial.notified_at if initial else None, _("anmeldelsen til Datatilsynet")),
        (incident.subjects_informed_at, _("underretningen af de registrerede")),
        (incident.public_communication_at, _("den offentlige meddelelse")),
        (incident.processor_told_us_at, _("databehandlerens underretning")),
    ]
    for at, what in followers:
        if at is not None and aware_at > at:
            raise ValidationError(
                {
                    "aware_at": _(
                        "Kommunen var opmærksom senest ved %(what)s (%(at)s). Vælg et tidspunkt "
                        "før det."
                    )
                    % {"what": what, "at": dk_datetime(at)}
                }
            )
    deadline = Incident.deadline_for(aware_at)
    values = {"aware_at": aware_at, "notification_deadline": deadline}
    late = initial is not None and initial.notified_at > deadline
    if late and not (delay_reasons.strip() or incident.delay_reasons):
        raise ValidationError(
            {
                "delay_reasons": _(
                    "Med det nye tidspunkt er anmeldelsen til Datatilsynet (%(at)s) sket efter "
                    "fristen på 72 timer (%(deadline)s). Skriv begrundelsen for forsinkelsen "
                    "(art. 33, stk. 1)."
                )
                % {"at": dk_datetime(initial.notified_at), "deadline": dk_datetime(deadline)}
            }
        )
    if delay_reasons.strip():
        values["delay_reasons"] = delay_reasons
    body = _write(
        incident, kind=IncidentText.Kind.AWARENESS_REASON, text=reason, author=actor, at=now
    )
    _change(incident, values, actor=actor, kind=Kind.AWARE_CHANGED, at=now, body=body)
    notifications.rearm_reminders(incident=incident, now=now)
    return incident


@transaction.atomic
def incident_assess(
    *,
    incident: Incident,
    actor: User,
    classification: str = Classification.BREACH,
    account: str = "",
    dt_incident_type: str = "",
    breach_types: Sequence[str],
    subject_categories: Sequence[str] = (),
    data_kinds: Sequence[str],
    subjects_estimate: int | None,
    records_estimate: int | None,
    likely_consequences: str,
    measures_taken: str,
    measures_proposed: str,
    measures_before: str,
    identifiability: str = "",
    malicious: bool = False,
    risk_level: str,
    risk_reasoning: str,
    risk_override_reason: str = "",
    expected_version: int | None,
    now: datetime | None = None,
) -> Incident:
    """Record the assessment. Below the risk steer needs a reason; a risk that contradicts an
    earlier decision not to notify withdraws that decision (it must be taken again)."""
    _require(roles.can_handle_incidents(actor))
    errors = {}
    if not risk_reasoning.strip():
        errors["risk_reasoning"] = _("Begrund risikovurderingen.")
    steer = risk.steer_reasons(
        data_kinds=data_kinds,
        subject_categories=subject_categories,
        subjects_estimate=subjects_estimate,
    )
    if risk.below_steer(risk_level, steer) and not risk_override_reason.strip():
        errors["risk_override_reason"] = _(
            "Oplysningerne tyder på mindst „Risiko“ (%(why)s). Skriv hvorfor risikoen alligevel "
            "vurderes lavere."
        ) % {"why": ", ".join(steer)}
    if classification == Classification.NOT_BREACH and risk_level != RiskLevel.NONE:
        errors["risk_level"] = _(
            "Er hændelsen ikke et brud på persondatasikkerheden, er der ingen risiko for de "
            "registrerede. Vælg „Ingen risiko“ eller ret klassifikationen."
        )
    if errors:
        raise ValidationError(errors)
    _check_no_cpr(
        account=account,
        likely_consequences=likely_consequences,
        measures_taken=measures_taken,
        measures_proposed=measures_proposed,
        measures_before=measures_before,
        risk_reasoning=risk_reasoning,
        risk_override_reason=risk_override_reason,
    )
    incident = _lock(incident, expected_version)
    _require_open(incident)
    now = now or timezone.now()
    withdraw = (
        incident.notify_decision == NotifyDecision.NOT_NOTIFY
        and risk_level in (RiskLevel.RISK, RiskLevel.HIGH)
        and risk_level != incident.risk_level
    )
    if withdraw:
        # Withdrawn first, in its own line: the row never holds the contradiction unjustified.
        _change(
            incident,
            {
                "notify_decision": "",
                "decision_reasoning": "",
                "decision_deviation_reason": "",
                "decided_at": None,
                "decided_by": None,
                "clock_stopped_at": None,
            },
            actor=actor,
            kind=Kind.DECISION_WITHDRAWN,
            at=now,
        )
    _change(
        incident,
        {
            "classification": classification,
            "account": account,
            "dt_incident_type": dt_incident_type,
            "breach_types": list(breach_types),
            "subject_categories": list(subject_categories),
            "data_kinds": list(data_kinds),
            "subjects_estimate": subjects_estimate,
            "records_estimate": records_estimate,
            "likely_consequences": likely_consequences,
            "measures_taken": measures_taken,
            "measures_proposed": measures_proposed,
            "measures_before": measures_before,
            "identifiability": identifiability,
            "malicious": malicious,
            "risk_level": risk_level,
            "risk_reasoning": risk_reasoning,
            "risk_override_reason": risk_override_reason if steer else "",
            "assessed_at": now,
            "assessed_by": actor,
        },
        actor=actor,
        kind=Kind.ASSESSED,
        at=now,
    )
    if withdraw:
        notifications.rearm_reminders(incident=incident, now=now)
    return incident


@transaction.atomic
def incident_decide(
    *,
    incident: Incident,
    actor: User,
    notify_decision: str,
    decision_reasoning: str,
    deviation_reason: str = "",
    expected_version: int | None,
    now: datetime | None = None,
) -> Incident:
    """Decide on notifying Datatilsynet, on an assessment. Not notifying although the risk was
    assessed as "Risiko" or "Høj risiko" needs its own justification (and stays flagged)."""
    _require(roles.can_handle_incidents(actor))
    if not decision_reasoning.strip():
        raise ValidationError({"decision_reasoning": _("Begrund beslutningen.")})
    _check_no_cpr(decision_reasoning=decision_reasoning, deviation_reason=deviation_reason)
    incident = _lock(incident, expected_version)
    _require_open(incident)
    if incident.assessed_at is None:
        raise ValidationError(
            _("Vurder bruddet og risikoen først; beslutningen træffes på vurderingen.")
        )
    if notify_decision == NotifyDecision.NOT_NOTIFY and incident.dt_notifications.exists():
        raise ValidationError(
            _("Bruddet er allerede anmeldt til Datatilsynet; beslutningen kan ikke ændres.")
        )
    contradicts = notify_decision == NotifyDecision.NOT_NOTIFY and incident.risk_level in (
        RiskLevel.RISK,
        RiskLevel.HIGH,
    )
    if contradicts and not deviation_reason.strip():
        raise ValidationError(
            {
                "deviation_reason": _(
                    "Risikoen er vurderet som „%(risk)s“, og beslutningen er ikke at anmelde. "
                    "Begrund udtrykkeligt, hvorfor bruddet alligevel ikke anmeldes."
                )
                % {"risk": incident.get_risk_level_display()}
            }
        )
    now = now or timezone.now()
    _change(
        incident,
        {
            "notify_decision": notify_decision,
            "decision_reasoning": decision_reasoning,
            "decision_deviation_reason": deviation_reason if contradicts else "",
            "decided_at": now,
            "decided_by": actor,
            **_clock_values(incident, notify_decision=notify_decision, decided_at=now),
        },
        actor=actor,
        kind=Kind.DECIDED,
        at=now,
    )
    notifications.rearm_reminders(incident=incident, now=now)
    return incident


@transaction.atomic
def incident_record_dt_notification(
    *,
    incident: Incident,
    actor: User,
    notified_at: datetime,
    dt_reference: str,
    content: str,
    delay_reasons: str = "",
    items_supplied: Sequence[str] = (),
    receipt: UploadedFile | None = None,
    expected_version: int | None,
    now: datetime | None = None,
) -> DatatilsynetNotification:
    """Record what was sent to Datatilsynet (art. 33(1), 33(4)).

    The first one is the initial notification: it stops the clock and promises "later" what the
    draft does not yet have. Later ones are follow-ups, dated no earlier, supplying promised
    items. A late initial notification needs the reasons for the delay.
    """
    _require(roles.can_handle_incidents(actor))
    _check_no_cpr(content=content, delay_reasons=delay_reasons)
    _check_references(dt_reference=dt_reference)
    incident = _lock(incident, expected_version)
    _require_open(incident)
    if incident.notify_decision != NotifyDecision.NOTIFY:
        raise ValidationError(
            _("Registrer først beslutningen om at anmelde bruddet til Datatilsynet.")
        )
    now = now or timezone.now()
    initial = _initial_notification(incident)
    bounds = [_after_awareness(incident)]
    if initial is not None:
        bounds.append(
            (
                initial.notified_at,
                _("En opfølgning kan ikke ligge før den første anmeldelse (%(at)s)."),
            )
        )
    _check_times(now, notified_at=(notified_at, bounds))

    values: dict = {}
    if initial is None:
        late = notified_at > incident.notification_deadline
        if late and not (delay_reasons.strip() or incident.delay_reasons):
            raise ValidationError(
                {
                    "delay_reasons": _(
                        "Anmeldelsen er sket efter fristen på 72 timer. Skriv begrundelsen for "
                        "forsinkelsen (art. 33, stk. 1)."
                    )
                }
            )
        if delay_reasons.strip():
            values["delay_reasons"] = delay_reasons
        promised = breach_record.missing_item_keys(incident, now=now, notified_at=notified_at)
        supplied: list[str] = []
        values["dt_items_outstanding"] = promised
    else:
        promised = []
        supplied = list(dict.fromkeys(items_supplied))
        outstanding = incident.dt_items_outstanding
        not_promised = [key for key in supplied if key not in outstanding]
        still_missing = [
            key
            for key in supplied
            if key in breach_record.missing_item_keys(incident, now=now, notified_at=None)
        ]
        if not_promised or still_missing:
            raise ValidationError(
                {
                    "items_supplied": _(
                        "Vælg kun oplysninger, der blev lovet eftersendt og nu er registreret."
                    )
                }
            )
        values["dt_items_outstanding"] = [key for key in outstanding if key not in supplied]

    notification = DatatilsynetNotification(
        incident=incident,
        phase=Phase.INITIAL if initial is None else Phase.FOLLOW_UP,
        follows=initial,
        notified_at=notified_at,
        dt_reference=dt_reference,
        content=content,
        items_later=promised,
        items_supplied=supplied,
        recorded_by=actor,
        recorded_at=now,
    )
    if receipt is not None:
        check_upload(receipt)
        notification.receipt.save("receipt", receipt, save=False)
    notification.save()
    if initial is None:
        # Only the initial notification stops the clock.
        values["clock_stopped_at"] = notified_at
    _change(
        incident,
        values,
        actor=actor,
        kind=Kind.DT_NOTIFIED,
        at=now,
        extra={
            "dt_notification": {
                "id": notification.pk,
                "phase": notification.phase,
                "notified_at": notified_at.isoformat(),
                "dt_reference": dt_reference,
                "items_later": promised,
                "items_supplied": supplied,
            }
        },
    )
    notifications.rearm_reminders(incident=incident, now=now)
    return notification


@transaction.atomic
def incident_record_subjects(
    *,
    incident: Incident,
    actor: User,
    informed_at: datetime | None,
    informed_how: str,
    exemption: str,
    exemption_reason: str,
    public_communication_at: datetime | None = None,
    public_communication_where: str = "",
    expected_version: int | None,
    now: datetime | None = None,
) -> Incident:
    """Art. 34: when and how the data subjects were told, or the exemption that applies; the
    exemption of 34(3)(c) stands on a public communication (when and where)."""
    _require(roles.can_handle_incidents(actor))
    errors = {}
    if informed_at is None and not exemption:
        errors["__all__"] = _(
            "Angiv hvornår og hvordan de registrerede er underrettet, eller vælg en undtagelse."
        )
    if informed_at is not None and not informed_how.strip():
        errors["informed_how"] = _("Skriv hvordan de registrerede er underrettet.")
    if exemption and not exemption_reason.strip():
        errors["exemption_reason"] = _("Begrund hvorfor undtagelsen gælder.")
    if exemption == SubjectsExemption.ART34_3C:
        if public_communication_at is None:
            errors["public_communication_at"] = _("Angiv hvornår den offentlige meddelelse kom.")
        if not public_communication_where.strip():
            errors["public_communication_where"] = _(
                "Angiv hvor den offentlige meddelelse blev bragt."
            )
    if errors:
        raise ValidationError(errors)
    _check_no_cpr(
        informed_how=informed_how,
        exemption_reason=exemption_reason,
        public_communication_where=public_communication_where,
    )
    incident = _lock(incident, expected_version)
    _require_open(incident)
    now = now or timezone.now()
    after = [_after_awareness(incident)]
    _check_times(
        now,
        informed_at=(informed_at, after),
        public_communication_at=(public_communication_at, after),
    )
    public = exemption == SubjectsExemption.ART34_3C
    _change(
        incident,
        {
            "subjects_informed_at": informed_at,
            "subjects_informed_how": informed_how if informed_at else "",
            "subjects_exemption": exemption,
            "subjects_exemption_reason": exemption_reason if exemption else "",
            "public_communication_at": public_communication_at if public else None,
            "public_communication_where": public_communication_where if public else "",
        },
        actor=actor,
        kind=Kind.SUBJECTS,
        at=now,
    )
    return incident


@transaction.atomic
def incident_record_other(
    *,
    incident: Incident,
    actor: User,
    processor_involved: bool | None,
    processor_discovered_at: datetime | None,
    processor_told_us_at: datetime | None,
    police_reported: bool | None,
    police_reference: str,
    sbsys_case_number: str,
    expected_version: int | None,
    now: datetime | None = None,
) -> Incident:
    _require(roles.can_handle_incidents(actor))
    _check_references(police_reference=police_reference, sbsys_case_number=sbsys_case_number)
    incident = _lock(incident, expected_version)
    _require_open(incident)
    now = now or timezone.now()
    if not processor_involved:
        processor_discovered_at = processor_told_us_at = None
    _check_times(
        now,
        processor_discovered_at=(processor_discovered_at, []),
        processor_told_us_at=(
            processor_told_us_at,
            [
                (
                    processor_discovered_at,
                    _(
                        "Databehandleren kan ikke have underrettet jer, før den opdagede bruddet "
                        "(%(at)s)."
                    ),
                ),
            ],
        ),
    )
    if processor_told_us_at is not None and processor_told_us_at < incident.aware_at:
        raise ValidationError(
            {
                "processor_told_us_at": _(
                    "Databehandleren underrettede jer før det registrerede opmærksomhedstidspunkt "
                    "(%(at)s). Kommunen var opmærksom fra underretningen: ret først "
                    "opmærksomhedstidspunktet."
                )
                % {"at": dk_datetime(incident.aware_at)}
            }
        )
    values = {
        "processor_involved": processor_involved,
        "processor_discovered_at": processor_discovered_at,
        "processor_told_us_at": processor_told_us_at,
        "police_reported": police_reported,
        "police_reference": police_reference if police_reported else "",
        "sbsys_case_number": sbsys_case_number,
    }
    if sbsys_case_number != incident.sbsys_case_number:
        values["journalised_at"] = now if sbsys_case_number else None
    _change(incident, values, actor=actor, kind=Kind.RECORDS, at=now)
    return incident


@transaction.atomic
def incident_close(
    *,
    incident: Incident,
    actor: User,
    expected_version: int | None,
    now: datetime | None = None,
) -> Incident:
    """Close the incident, or raise ValidationError listing exactly what is missing."""
    _require(roles.can_handle_incidents(actor))
    incident = _lock(incident, expected_version)
    blockers = incident.close_blockers()
    if blockers:
        raise ValidationError(blockers)
    now = now or timezone.now()
    _change(
        incident,
        {"status": Status.CLOSED, "closed_at": now, "closed_by": actor},
        actor=actor,
        kind=Kind.CLOSED,
        at=now,
        visibility=Visibility.REPORTER,
    )
    notifications.rearm_reminders(incident=incident, now=now)
    return incident


@transaction.atomic
def incident_reopen(
    *,
    incident: Incident,
    actor: User,
    reason: str,
    expected_version: int | None,
    now: datetime | None = None,
) -> Incident:
    _require(roles.can_handle_incidents(actor))
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv hvorfor sagen genåbnes.")})
    _check_no_cpr(reason=reason)
    incident = _lock(incident, expected_version)
    if incident.is_open:
        raise ValidationError(_("Sagen er ikke lukket."))
    now = now or timezone.now()
    body = _write(incident, kind=IncidentText.Kind.REOPEN_REASON, text=reason, author=actor, at=now)
    _change(
        incident,
        {
            "status": Status.ESCALATED if incident.owner_id else Status.REPORTED,
            "closed_at": None,
            "closed_by": None,
        },
        actor=actor,
        kind=Kind.REOPENED,
        at=now,
        body=body,
        visibility=Visibility.REPORTER,
    )
    notifications.rearm_reminders(incident=incident, now=now)
    return incident


# --- Messages, notes and views (append only; they never collide) ----------------------------


@transaction.atomic
def incident_add_information(
    *,
    incident: Incident,
    actor: User,
    text: str,
    files: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> TimelineEntry:
    """The reporter adds what they have learnt since; visible to them and to the handlers."""
    _require(incident.reporter_id == actor.pk)
    if not text.strip() and not files:
        raise ValidationError({"text": _("Skriv de nye oplysninger eller vedhæft en fil.")})
    _check_no_cpr(text=text)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if not incident.is_open:
        raise ValidationError(
            _("Sagen er afsluttet. Kontakt GDPR-enheden, hvis du har nye oplysninger.")
        )
    now = now or timezone.now()
    attachments = _store_attachments(incident, files, by=actor, at=now)
    body = (
        _write(incident, kind=IncidentText.Kind.INFORMATION, text=text, author=actor, at=now)
        if text.strip()
        else None
    )
    return _log(
        incident,
        actor=actor,
        kind=Kind.INFORMATION_ADDED,
        at=now,
        changes={"attachments": len(attachments)} if attachments else {},
        body=body,
        visibility=Visibility.REPORTER,
    )


@transaction.atomic
def incident_add_note(
    *, incident: Incident, actor: User, text: str, now: datetime | None = None
) -> TimelineEntry:
    """An internal note: handlers see it, the reporter does not."""
    _require(roles.can_see_all_incidents(actor))
    if not text.strip():
        raise ValidationError({"text": _("Skriv noten.")})
    _check_no_cpr(text=text)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    _require_open(incident)
    now = now or timezone.now()
    body = _write(incident, kind=IncidentText.Kind.NOTE, text=text, author=actor, at=now)
    return _log(incident, actor=actor, kind=Kind.NOTE, at=now, body=body)


@transaction.atomic
def incident_send_message(
    *, incident: Incident, actor: User, text: str, now: datetime | None = None
) -> TimelineEntry:
    """A message to the reporter, shown in their view of the incident."""
    _require(roles.can_see_all_incidents(actor))
    if not text.strip():
        raise ValidationError({"text": _("Skriv beskeden.")})
    _check_no_cpr(text=text)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    _require_open(incident)
    now = now or timezone.now()
    body = _write(incident, kind=IncidentText.Kind.MESSAGE, text=text, author=actor, at=now)
    return _log(
        incident,
        actor=actor,
        kind=Kind.MESSAGE,
        at=now,
        body=body,
        visibility=Visibility.REPORTER,
    )


@transaction.atomic
def incident_log_view(
    *, incident: Incident, viewer: User, now: datetime | None = None
) -> TimelineEntry | None:
    """Record who opened the incident; repeated openings within 10 minutes count once."""
    now = now or timezone.now()
    recent = incident.timeline.filter(
        kind=Kind.VIEWED, actor=viewer, at__gt=now - VIEW_LOG_INTERVAL
    ).exists()
    if recent:
        return None
    return _log(incident, actor=viewer, kind=Kind.VIEWED, at=now)
