"""Retention: delete evidence files a while after an incident is closed, and later remove the
reporter's free text and the case's conversation, keeping the register's facts (art. 33(5)).
The timeline is never edited: it holds facts, not words. Run daily by
`manage.py apply_retention`; running it twice changes nothing the second time."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from incidents.models import Incident, IncidentText, Status, TimelineEntry

logger = logging.getLogger(__name__)

Kind = TimelineEntry.Kind

# What the reporter's free text is replaced with. Also how the job knows it has been here.
SCRUBBED = "[Slettet efter opbevaringsperioden]"


@dataclass(frozen=True)
class RetentionResult:
    attachments_deleted: int
    incidents_without_attachments: int
    incidents_scrubbed: int


def _closed_before(cutoff: datetime):
    return Incident.objects.filter(status=Status.CLOSED, closed_at__lt=cutoff)


def _delete_attachments(incident: Incident, now: datetime) -> int:
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if incident.status != Status.CLOSED:  # reopened meanwhile
            return 0
        attachments = list(incident.attachments.all())
        for attachment in attachments:
            # The file goes only once the rows are gone for good.
            transaction.on_commit(lambda f=attachment.file: f.delete(save=False))
            attachment.delete()
        # The timeline holds no file names (only counts), so it needs no change: a new line
        # says what was removed.
        TimelineEntry.objects.create(
            incident=incident,
            at=now,
            kind=Kind.RETENTION,
            changes={"retention": {"what": "attachments", "deleted": len(attachments)}},
        )
        return len(attachments)


def _scrub_text(incident: Incident, now: datetime) -> bool:
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if incident.status != Status.CLOSED or incident.description == SCRUBBED:
            return False
        incident.description = SCRUBBED
        incident.stop_description = SCRUBBED if incident.stop_description else ""
        incident.version += 1
        incident.save(update_fields=["description", "stop_description", "version", "updated"])
        # The conversation and notes; the timeline only points at them, so it is not touched.
        incident.texts.filter(kind__in=IncidentText.PERSONAL_KINDS, removed_at__isnull=True).update(
            text="", removed_at=now
        )
        TimelineEntry.objects.create(
            incident=incident,
            at=now,
            kind=Kind.RETENTION,
            # Says what was removed, never what it said.
            changes={"retention": {"what": "personal_text"}},
        )
        return True


def apply_retention(*, now: datetime | None = None) -> RetentionResult:
    now = now or timezone.now()
    files_cutoff = now - timedelta(days=settings.RETENTION_ATTACHMENTS_DAYS)
    text_cutoff = now - timedelta(days=settings.RETENTION_PERSONAL_TEXT_DAYS)

    deleted = emptied = 0
    for incident in _closed_before(files_cutoff).filter(attachments__isnull=False).distinct():
        count = _delete_attachments(incident, now)
        deleted += count
        emptied += bool(count)
    scrubbed = sum(
        _scrub_text(incident, now)
        for incident in _closed_before(text_cutoff).exclude(description=SCRUBBED)
    )
    result = RetentionResult(deleted, emptied, scrubbed)
    # Counts only: never references, names or text.
    logger.info(
        "retention: %d attachments deleted from %d incidents; free text removed from %d incidents",
        deleted,
        emptied,
        scrubbed,
    )
    return result
