"""Retention: delete evidence files a while after an incident is closed, and later remove the
reporter's free text and the case's conversation, keeping the register's facts (art. 33(5)).
The timeline is never edited: it holds facts, not words. Also deletes stored files no row points
at (saved by a form whose transaction then rolled back). Run daily by
`manage.py apply_retention`; running it twice changes nothing the second time."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models, transaction
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
    orphan_files_deleted: int = 0


# A file is saved before the row that names it is committed: younger files may still get theirs.
ORPHAN_GRACE = timedelta(days=1)


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


def _stored_names() -> set[str]:
    """Every file name a row of any model points at (attachments, receipts, ...)."""
    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField) and field.storage is default_storage:
                names.update(
                    model._default_manager.exclude(**{field.name: ""}).values_list(
                        field.name, flat=True
                    )
                )
    return names


def _walk(folder: str):
    try:
        directories, files = default_storage.listdir(folder)
    except FileNotFoundError:  # nothing uploaded yet: the local folder is made by the first file
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for directory in directories:
        yield from _walk(f"{folder}/{directory}" if folder else directory)


def _delete_orphan_files(now: datetime) -> int:
    """Files no row points at: the uploads of a report or step whose transaction rolled back.
    They may hold personal data, so they go once they are older than ORPHAN_GRACE."""
    referenced = _stored_names()
    deleted = 0
    for name in _walk(""):
        if name in referenced or default_storage.get_modified_time(name) > now - ORPHAN_GRACE:
            continue
        default_storage.delete(name)
        deleted += 1
    return deleted


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
    result = RetentionResult(deleted, emptied, scrubbed, _delete_orphan_files(now))
    # Counts only: never references, names or text.
    logger.info(
        "retention: %d attachments deleted from %d incidents; free text removed from %d "
        "incidents; %d files without a case deleted",
        deleted,
        emptied,
        scrubbed,
        result.orphan_files_deleted,
    )
    return result
