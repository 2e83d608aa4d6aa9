"""The first handling steps: stop the breach, tell the manager and IT, the GDPR unit takes the
case over, and the moment the municipality became aware (which starts the 72-hour clock)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents import notifications
from incidents.formatting import dk_datetime
from incidents.models import Incident, IncidentText, Status
from incidents.services._base import (
    Kind,
    Visibility,
    after_occurrence,
    change,
    check_no_cpr,
    check_times,
    initial_notification,
    lock,
    require,
    require_open,
    write,
)
from incidents.steps import STEPS_BY_ACTION


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
    require(actor, incident, "containment")
    incident = lock(incident, expected_version)
    require_open(incident)
    now = now or timezone.now()
    check_times(now, contained_at=(contained_at, [after_occurrence(incident)]))
    check_no_cpr(description=description)
    values = STEPS_BY_ACTION["containment"].values(
        contained_at=contained_at, description=description
    )
    change(incident, {**values, "contained_by": actor}, actor=actor, kind=Kind.CONTAINMENT, at=now)
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
    require(actor, incident, "people_notified")
    incident = lock(incident, expected_version)
    require_open(incident)
    now = now or timezone.now()
    after = [after_occurrence(incident)]
    check_times(
        now,
        manager_notified_at=(manager_notified_at, after),
        it_notified_at=(it_notified_at, after),
    )
    values = STEPS_BY_ACTION["people_notified"].values(
        manager_notified_at=manager_notified_at, it_notified_at=it_notified_at
    )
    change(incident, values, actor=actor, kind=Kind.PEOPLE_NOTIFIED, at=now)
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
    require(actor, incident, "escalate")
    incident = lock(incident, expected_version)
    require_open(incident)
    if incident.status == Status.ESCALATED and incident.owner_id == actor.pk:
        raise ValidationError(_("Sagen er allerede hos dig."))
    now = now or timezone.now()
    values = {"status": Status.ESCALATED, "owner": actor}
    if incident.escalated_at is None:
        values["escalated_at"] = now
    change(
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
    require(actor, incident, "awareness")
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv hvorfor tidspunktet ændres.")})
    check_no_cpr(reason=reason, delay_reasons=delay_reasons)
    incident = lock(incident, expected_version)
    require_open(incident)
    now = now or timezone.now()
    check_times(now, aware_at=(aware_at, [after_occurrence(incident)]))
    _check_before_what_followed(incident, aware_at)
    deadline = Incident.deadline_for(aware_at)
    values = {"aware_at": aware_at, "notification_deadline": deadline}
    _check_delay_reasons(incident, deadline, delay_reasons)
    if delay_reasons.strip():
        values["delay_reasons"] = delay_reasons
    body = write(
        incident, kind=IncidentText.Kind.AWARENESS_REASON, text=reason, author=actor, at=now
    )
    change(incident, values, actor=actor, kind=Kind.AWARE_CHANGED, at=now, body=body)
    notifications.rearm_reminders(incident=incident, now=now)
    return incident


def _check_before_what_followed(incident: Incident, aware_at: datetime) -> None:
    initial = initial_notification(incident)
    followers = [
        (initial.notified_at if initial else None, _("anmeldelsen til Datatilsynet")),
        (incident.subjects_notice.subjects_informed_at, _("underretningen af de registrerede")),
        (incident.subjects_notice.public_communication_at, _("den offentlige meddelelse")),
        (incident.other_records.processor_told_us_at, _("databehandlerens underretning")),
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


def _check_delay_reasons(incident: Incident, deadline: datetime, delay_reasons: str) -> None:
    """With the new deadline, is the initial notification late and without its reasons?"""
    initial = initial_notification(incident)
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
