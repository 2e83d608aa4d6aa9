"""Retention: delete evidence files a while after an incident is closed, and later remove the
reporter's free text, keeping the register's facts (art. 33(5)). Run daily by
`manage.py apply_retention`; running it twice changes nothing the second time."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.models import Incident, Status, TimelineEntry

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
        for entry in incident.timeline.filter(kind=Kind.INFORMATION_ADDED):
            if "attachments" in entry.changes:  # the uploaded file names
                entry.changes.pop("attachments")
                entry.save(update_fields=["changes"])
        TimelineEntry.objects.create(
            incident=incident,
            at=now,
            kind=Kind.RECORDS,
            text=_("Opbevaringsperioden for bilag er udløbet: %(n)d bilag er slettet.")
            % {"n": len(attachments)},
            changes={"retention": "attachments", "deleted": len(attachments)},
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
        incident.timeline.filter(kind=Kind.INFORMATION_ADDED).update(text=SCRUBBED, changes={})
        TimelineEntry.objects.create(
            incident=incident,
            at=now,
            kind=Kind.RECORDS,
            # Says what was removed, never what it said.
            text=_(
                "Opbevaringsperioden for anmelderens fritekst er udløbet: beskrivelsen og "
                "tilføjede oplysninger er slettet. Registrets fakta er bevaret."
            ),
            changes={"retention": "personal_text"},
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
