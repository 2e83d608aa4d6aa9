"""Closing a case when every duty is met, and reopening it (the only change a closed case
accepts)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents import notifications
from incidents.models import Incident, IncidentText, Status
from incidents.services._base import (
    Kind,
    Visibility,
    change,
    check_no_cpr,
    lock,
    require,
    write,
)


@transaction.atomic
def incident_close(
    *,
    incident: Incident,
    actor: User,
    expected_version: int | None,
    now: datetime | None = None,
) -> Incident:
    """Close the incident, or raise ValidationError listing exactly what is missing."""
    require(actor, incident, "close")
    incident = lock(incident, expected_version)
    blockers = incident.close_blockers()
    if blockers:
        raise ValidationError(blockers)
    now = now or timezone.now()
    change(
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
    require(actor, incident, "reopen")
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv hvorfor sagen genåbnes.")})
    check_no_cpr(reason=reason)
    incident = lock(incident, expected_version)
    if incident.is_open:
        raise ValidationError(_("Sagen er ikke lukket."))
    now = now or timezone.now()
    body = write(incident, kind=IncidentText.Kind.REOPEN_REASON, text=reason, author=actor, at=now)
    change(
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
