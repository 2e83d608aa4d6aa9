"""The conversation around a case — the reporter's new information, the GDPR unit's messages
to the reporter, internal notes — and the log of who opened it. Append only: these never
collide with another change, so they carry no version."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.models import Incident, IncidentText, TimelineEntry
from incidents.notifications import queue_conversation
from incidents.services._base import (
    Kind,
    Visibility,
    change,
    check_no_cpr,
    lock,
    log,
    require,
    require_open,
    write,
)
from incidents.services.reporting import store_attachments

VIEW_LOG_INTERVAL = timedelta(minutes=10)


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
    require(actor, incident, "add_information")
    if not text.strip() and not files:
        raise ValidationError({"text": _("Skriv de nye oplysninger eller vedhæft en fil.")})
    check_no_cpr(text=text)
    incident = lock(incident, None)
    if not incident.is_open:
        raise ValidationError(
            _("Sagen er afsluttet. Kontakt GDPR-enheden, hvis du har nye oplysninger.")
        )
    now = now or timezone.now()
    attachments = store_attachments(incident, files, by=actor, at=now)
    body = (
        write(incident, kind=IncidentText.Kind.INFORMATION, text=text, author=actor, at=now)
        if text.strip()
        else None
    )
    line = log(
        incident,
        actor=actor,
        kind=Kind.INFORMATION_ADDED,
        at=now,
        changes={"attachments": len(attachments)} if attachments else {},
        body=body,
        visibility=Visibility.REPORTER,
    )
    queue_conversation(line)
    return line


def _words(
    incident: Incident,
    *,
    actor: User,
    text: str,
    text_kind: str,
    line_kind: str,
    visibility: str = Visibility.INTERNAL,
    now: datetime | None,
) -> TimelineEntry:
    """Keep the words, and a line in the timeline that points at them."""
    incident = lock(incident, None)
    require_open(incident)
    now = now or timezone.now()
    body = write(incident, kind=text_kind, text=text, author=actor, at=now)
    return log(incident, actor=actor, kind=line_kind, at=now, body=body, visibility=visibility)


@transaction.atomic
def incident_add_note(
    *, incident: Incident, actor: User, text: str, now: datetime | None = None
) -> TimelineEntry:
    """An internal note: handlers see it, the reporter does not."""
    require(actor, incident, "note")
    if not text.strip():
        raise ValidationError({"text": _("Skriv noten.")})
    check_no_cpr(text=text)
    return _words(
        incident,
        actor=actor,
        text=text,
        text_kind=IncidentText.Kind.NOTE,
        line_kind=Kind.NOTE,
        now=now,
    )


@transaction.atomic
def incident_send_message(
    *, incident: Incident, actor: User, text: str, now: datetime | None = None
) -> TimelineEntry:
    """A message to the reporter, shown in their view of the incident."""
    require(actor, incident, "message")
    if not text.strip():
        raise ValidationError({"text": _("Skriv beskeden.")})
    check_no_cpr(text=text)
    line = _words(
        incident,
        actor=actor,
        text=text,
        text_kind=IncidentText.Kind.MESSAGE,
        line_kind=Kind.MESSAGE,
        visibility=Visibility.REPORTER,
        now=now,
    )
    queue_conversation(line)
    return line


@transaction.atomic
def incident_confirm_manager_acted(
    *, incident: Incident, actor: User, text: str = "", now: datetime | None = None
) -> TimelineEntry:
    """The manager e-mailed about the report confirms that they have acted (what they did, if
    they say); the case's owner is told."""
    require(actor, incident, "manager_acted")
    check_no_cpr(text=text)
    incident = lock(incident, None)
    require_open(incident)
    if incident.manager_acted_at is not None:
        raise ValidationError(_("Du har allerede bekræftet, at du har handlet."))
    now = now or timezone.now()
    body = (
        write(incident, kind=IncidentText.Kind.MANAGER_ACTION, text=text, author=actor, at=now)
        if text.strip()
        else None
    )
    line = change(
        incident, {"manager_acted_at": now}, actor=actor, kind=Kind.MANAGER_ACTED, at=now, body=body
    )
    queue_conversation(line)
    return line


# One statement: the line is written only if the same person has not opened the case within
# VIEW_LOG_INTERVAL, or has but something was said on it since (their opening is what marks it
# read: incidents/selectors.py). A page view should not cost a transaction and a look-up first.
_SAID = ", ".join(f"'{kind}'" for kind in (*TimelineEntry.TO_REPORTER, *TimelineEntry.TO_HANDLERS))
_LOG_VIEW_SQL = f"""
    INSERT INTO incidents_timelineentry (incident_id, at, actor_id, kind, visibility, changes)
    SELECT %(incident)s, %(at)s, %(actor)s, 'viewed', 'internal', '{{}}'::jsonb
    WHERE NOT EXISTS (
        SELECT 1 FROM incidents_timelineentry viewed
        WHERE viewed.incident_id = %(incident)s AND viewed.actor_id = %(actor)s
            AND viewed.kind = 'viewed' AND viewed.at > %(since)s
            AND NOT EXISTS (
                SELECT 1 FROM incidents_timelineentry said
                WHERE said.incident_id = %(incident)s AND said.kind IN ({_SAID})
                    AND said.at >= viewed.at AND said.actor_id IS DISTINCT FROM %(actor)s
            )
    )
"""  # noqa: S608 - _SAID is the model's own kind codes


def incident_log_view(*, incident: Incident, viewer: User, now: datetime | None = None) -> bool:
    """Record who opened the incident; repeated openings within 10 minutes count once. True if
    a line was written."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            _LOG_VIEW_SQL,
            {
                "incident": incident.pk,
                "actor": viewer.pk,
                "at": now,
                "since": now - VIEW_LOG_INTERVAL,
            },
        )
        return cursor.rowcount == 1
