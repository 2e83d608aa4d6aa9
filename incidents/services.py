"""Every change to an incident: one typed, keyword-only function per step, each one transaction.

Views and background jobs call these; nothing else changes an incident. Each function writes an
immutable TimelineEntry recording {field: [old, new]}.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.files import check_upload
from incidents.models import (
    Attachment,
    Incident,
    ReferenceCounter,
    TimelineEntry,
)

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
    if submission_token is not None:
        existing = Incident.objects.filter(
            submission_token=submission_token, reporter=reporter
        ).first()
        if existing is not None:
            return existing
    now = now or timezone.now()
    try:
        with transaction.atomic():
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
    except IntegrityError:
        # The same form posted twice at once: the other request created it.
        if submission_token is not None:
            existing = Incident.objects.filter(
                submission_token=submission_token, reporter=reporter
            ).first()
            if existing is not None:
                return existing
        raise


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
    return incident
