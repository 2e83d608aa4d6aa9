"""Every change to an incident: one typed, keyword-only function per step, each one transaction.

Views and background jobs call these; nothing else changes an incident. Each function writes an
immutable TimelineEntry recording {field: [old, new]}.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Count, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents import notifications
from incidents.files import check_quota, check_upload
from incidents.models import (
    Attachment,
    DatatilsynetNotification,
    Incident,
    NotifyDecision,
    ReferenceCounter,
    Status,
    TimelineEntry,
)
from portal import roles

Kind = TimelineEntry.Kind
Visibility = TimelineEntry.Visibility


class StaleIncident(Exception):
    """Someone else changed the incident after the form was shown; `current` is the new state."""

    def __init__(self, current: Incident) -> None:
        super().__init__(current.reference)
        self.current = current


# --- Helpers ---------------------------------------------------------------------------------


def _jsonable(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, User):
        return value.get_full_name() or value.get_username()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _next_reference(year: int) -> str:
    counter, _created = ReferenceCounter.objects.get_or_create(year=year)
    counter = ReferenceCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"SB-{year}-{counter.last_number:04d}"


def _log(
    incident: Incident,
    *,
    actor: User | None,
    kind: str,
    at: datetime,
    text: str = "",
    changes: dict | None = None,
    visibility: str = Visibility.INTERNAL,
) -> TimelineEntry:
    return TimelineEntry.objects.create(
        incident=incident,
        actor=actor,
        kind=kind,
        at=at,
        text=text,
        changes=changes or {},
        visibility=visibility,
    )


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


# --- Reporting -------------------------------------------------------------------------------


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
    _store_attachments(incident, files, by=reporter, at=now)
    _log(
        incident,
        actor=reporter,
        kind=Kind.REPORTED,
        at=now,
        text=_("Sikkerhedsbruddet blev anmeldt."),
        visibility=Visibility.REPORTER,
    )
    # Notifications are queued here (GDPR dashboard issue).
    notifications.queue_new_report(incident=incident, now=now)
    return incident


# --- Handling --------------------------------------------------------------------------------

VIEW_LOG_INTERVAL = timedelta(minutes=10)


def _lock(incident: Incident, expected_version: int | None) -> Incident:
    """The row, locked for this transaction; StaleIncident if someone changed it meanwhile."""
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleIncident(locked)
    return locked


def _require(allowed: bool) -> None:
    # The views check first (with 403/404); this keeps jobs and shells honest too.
    if not allowed:
        raise PermissionDenied


def _require_open(incident: Incident) -> None:
    if not incident.is_open:
        raise ValidationError(_("Sagen er lukket. Genåbn den først."))


def _change(
    incident: Incident,
    values: dict,
    *,
    actor: User | None,
    kind: str,
    at: datetime,
    text: str = "",
    visibility: str = Visibility.INTERNAL,
    extra_changes: dict | None = None,
) -> TimelineEntry:
    """Set the fields, bump the version, save only those fields and log {field: [old, new]}."""
    changes = dict(extra_changes or {})
    for field, new in values.items():
        old = getattr(incident, field)
        if old != new:
            changes[field] = [_jsonable(old), _jsonable(new)]
        setattr(incident, field, new)
    incident.version += 1
    incident.save(update_fields=[*values, "version", "updated"])
    return _log(
        incident, actor=actor, kind=kind, at=at, text=text, changes=changes, visibility=visibility
    )


def _clock_stopped_at(
    incident: Incident, *, notify_decision: str, decided_at: datetime | None
) -> datetime | None:
    """When the clock stopped, for the facts being saved: IncidentQuerySet.sync_clock()'s rule
    (the first notification to Datatilsynet; without one, a decision not to notify)."""
    first = incident.dt_notifications.aggregate(first=Min("notified_at"))["first"]
    if first is not None:
        return first
    return decided_at if notify_decision == NotifyDecision.NOT_NOTIFY else None


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
    _change(
        incident,
        {
            "contained_at": contained_at,
            "contained_by": actor,
            "containment_description": description,
        },
        actor=actor,
        kind=Kind.CONTAINMENT,
        at=now or timezone.now(),
        text=_("Inddæmning registreret."),
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
    _change(
        incident,
        {"manager_notified_at": manager_notified_at, "it_notified_at": it_notified_at},
        actor=actor,
        kind=Kind.PEOPLE_NOTIFIED,
        at=now or timezone.now(),
        text=_("Underretning af leder og IT registreret."),
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
        incident,
        values,
        actor=actor,
        kind=Kind.ESCALATED,
        at=now,
        text=_("GDPR-enheden har overtaget sagen."),
        visibility=Visibility.REPORTER,
    )
    return incident


@transaction.atomic
def incident_change_awareness(
    *,
    incident: Incident,
    actor: User,
    aware_at: datetime,
    reason: str,
    expected_version: int | None,
    now: datetime | None = None,
) -> Incident:
    _require(roles.can_handle_incidents(actor))
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv hvorfor tidspunktet ændres.")})
    incident = _lock(incident, expected_version)
    _require_open(incident)
    _change(
        incident,
        {"aware_at": aware_at, "notification_deadline": Incident.deadline_for(aware_at)},
        actor=actor,
        kind=Kind.AWARE_CHANGED,
        at=now or timezone.now(),
        text=reason,
    )
    return incident


@transaction.atomic
def incident_assess(
    *,
    incident: Incident,
    actor: User,
    breach_types: Sequence[str],
    data_kinds: Sequence[str],
    subjects_estimate: int | None,
    records_estimate: int | None,
    likely_consequences: str,
    measures_taken: str,
    measures_proposed: str,
    measures_before: str,
    risk_level: str,
    risk_reasoning: str,
    expected_version: int | None,
    now: datetime | None = None,
) -> Incident:
    _require(roles.can_handle_incidents(actor))
    if not risk_reasoning.strip():
        raise ValidationError({"risk_reasoning": _("Begrund risikovurderingen.")})
    incident = _lock(incident, expected_version)
    _require_open(incident)
    now = now or timezone.now()
    _change(
        incident,
        {
            "breach_types": list(breach_types),
            "data_kinds": list(data_kinds),
            "subjects_estimate": subjects_estimate,
            "records_estimate": records_estimate,
            "likely_consequences": likely_consequences,
            "measures_taken": measures_taken,
            "measures_proposed": measures_proposed,
            "measures_before": measures_before,
            "risk_level": risk_level,
            "risk_reasoning": risk_reasoning,
            "assessed_at": now,
            "assessed_by": actor,
        },
        actor=actor,
        kind=Kind.ASSESSED,
        at=now,
        text=risk_reasoning,
    )
    return incident


@transaction.atomic
def incident_decide(
    *,
    incident: Incident,
    actor: User,
    notify_decision: str,
    decision_reasoning: str,
    expected_version: int | None,
    now: datetime | None = None,
) -> Incident:
    _require(roles.can_handle_incidents(actor))
    if not decision_reasoning.strip():
        raise ValidationError({"decision_reasoning": _("Begrund beslutningen.")})
    incident = _lock(incident, expected_version)
    _require_open(incident)
    if notify_decision == NotifyDecision.NOT_NOTIFY and incident.dt_notifications.exists():
        raise ValidationError(
            _("Bruddet er allerede anmeldt til Datatilsynet; beslutningen kan ikke ændres.")
        )
    now = now or timezone.now()
    _change(
        incident,
        {
            "notify_decision": notify_decision,
            "decision_reasoning": decision_reasoning,
            "decided_at": now,
            "decided_by": actor,
            # Not notifying stops the clock now; notifying (again) restarts it unless a
            # notification already stopped it.
            "clock_stopped_at": _clock_stopped_at(
                incident, notify_decision=notify_decision, decided_at=now
            ),
        },
        actor=actor,
        kind=Kind.DECIDED,
        at=now,
        text=decision_reasoning,
    )
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
    receipt: UploadedFile | None = None,
    expected_version: int | None,
    now: datetime | None = None,
) -> DatatilsynetNotification:
    """The first notification is the initial one; later ones are follow-ups (art. 33(4))."""
    _require(roles.can_handle_incidents(actor))
    incident = _lock(incident, expected_version)
    _require_open(incident)
    if incident.notify_decision != NotifyDecision.NOTIFY:
        raise ValidationError(
            _("Registrer først beslutningen om at anmelde bruddet til Datatilsynet.")
        )
    initial = incident.dt_notifications.filter(phase=DatatilsynetNotification.Phase.INITIAL).first()
    if (
        initial is None
        and notified_at > incident.notification_deadline
        and not (delay_reasons.strip())
    ):
        raise ValidationError(
            {
                "delay_reasons": _(
                    "Anmeldelsen er sket efter fristen på 72 timer. Skriv begrundelsen for "
                    "forsinkelsen (art. 33, stk. 1)."
                )
            }
        )
    now = now or timezone.now()
    notification = DatatilsynetNotification(
        incident=incident,
        phase=(
            DatatilsynetNotification.Phase.INITIAL
            if initial is None
            else DatatilsynetNotification.Phase.FOLLOW_UP
        ),
        follows=initial,
        notified_at=notified_at,
        dt_reference=dt_reference,
        content=content,
        delay_reasons=delay_reasons,
        recorded_by=actor,
        recorded_at=now,
    )
    if receipt is not None:
        check_upload(receipt)
        notification.receipt.save("receipt", receipt, save=False)
    notification.save()
    _change(
        incident,
        # The first notification stops the clock (a follow-up dated earlier would move it).
        {
            "clock_stopped_at": _clock_stopped_at(
                incident,
                notify_decision=incident.notify_decision,
                decided_at=incident.decided_at,
            )
        },
        actor=actor,
        kind=Kind.DT_NOTIFIED,
        at=now,
        text=_("%(phase)s til Datatilsynet registreret.")
        % {"phase": notification.get_phase_display()},
        extra_changes={
            "dt_notification": [
                None,
                {
                    "phase": notification.phase,
                    "notified_at": _jsonable(notified_at),
                    "dt_reference": dt_reference,
                    "delay_reasons": delay_reasons,
                },
            ]
        },
    )
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
    expected_version: int | None,
    now: datetime | None = None,
) -> Incident:
    _require(roles.can_handle_incidents(actor))
    if informed_at is None and not exemption:
        raise ValidationError(
            _("Angiv hvornår og hvordan de registrerede er underrettet, eller vælg en undtagelse.")
        )
    if informed_at is not None and not informed_how.strip():
        raise ValidationError({"informed_how": _("Skriv hvordan de registrerede er underrettet.")})
    if exemption and not exemption_reason.strip():
        raise ValidationError({"exemption_reason": _("Begrund hvorfor undtagelsen gælder.")})
    incident = _lock(incident, expected_version)
    _require_open(incident)
    _change(
        incident,
        {
            "subjects_informed_at": informed_at,
            "subjects_informed_how": informed_how,
            "subjects_exemption": exemption,
            "subjects_exemption_reason": exemption_reason,
        },
        actor=actor,
        kind=Kind.SUBJECTS,
        at=now or timezone.now(),
        text=_("Underretning af de registrerede registreret."),
    )
    return incident


@transaction.atomic
def incident_record_other(
    *,
    incident: Incident,
    actor: User,
    processor_involved: bool,
    processor_discovered_at: datetime | None,
    processor_told_us_at: datetime | None,
    police_reported: bool,
    police_reference: str,
    sbsys_case_number: str,
    expected_version: int | None,
    now: datetime | None = None,
) -> Incident:
    _require(roles.can_handle_incidents(actor))
    incident = _lock(incident, expected_version)
    now = now or timezone.now()
    values = {
        "processor_involved": processor_involved,
        "processor_discovered_at": processor_discovered_at if processor_involved else None,
        "processor_told_us_at": processor_told_us_at if processor_involved else None,
        "police_reported": police_reported,
        "police_reference": police_reference if police_reported else "",
        "sbsys_case_number": sbsys_case_number,
    }
    if sbsys_case_number != incident.sbsys_case_number:
        values["journalised_at"] = now if sbsys_case_number else None
    _change(
        incident,
        values,
        actor=actor,
        kind=Kind.RECORDS,
        at=now,
        text=_("Databehandler, politianmeldelse og journalisering opdateret."),
    )
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
        text=_("Sagen er lukket."),
        visibility=Visibility.REPORTER,
    )
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
    incident = _lock(incident, expected_version)
    if incident.is_open:
        raise ValidationError(_("Sagen er ikke lukket."))
    _change(
        incident,
        {
            "status": Status.ESCALATED if incident.owner_id else Status.REPORTED,
            "closed_at": None,
            "closed_by": None,
        },
        actor=actor,
        kind=Kind.REOPENED,
        at=now or timezone.now(),
        text=reason,
        visibility=Visibility.REPORTER,
    )
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
    now = now or timezone.now()
    attachments = _store_attachments(incident, files, by=actor, at=now)
    changes = {"attachments": [None, [a.original_name for a in attachments]]} if files else {}
    return _log(
        incident,
        actor=actor,
        kind=Kind.INFORMATION_ADDED,
        at=now,
        text=text,
        changes=changes,
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
    return _log(incident, actor=actor, kind=Kind.NOTE, at=now or timezone.now(), text=text)


@transaction.atomic
def incident_send_message(
    *, incident: Incident, actor: User, text: str, now: datetime | None = None
) -> TimelineEntry:
    """A message to the reporter, shown in their view of the incident."""
    _require(roles.can_see_all_incidents(actor))
    if not text.strip():
        raise ValidationError({"text": _("Skriv beskeden.")})
    return _log(
        incident,
        actor=actor,
        kind=Kind.MESSAGE,
        at=now or timezone.now(),
        text=text,
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
