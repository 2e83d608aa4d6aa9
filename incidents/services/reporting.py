"""A new report: the reference, the facts as the reporter gave them, the evidence files, and the
e-mails it owes, in one transaction; a double submission returns the first report."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents import notifications
from incidents.files import check_quota, check_upload
from incidents.models import Attachment, Incident, ReferenceCounter
from incidents.services._base import Kind, Visibility, check_times, log


def next_reference(year: int) -> str:
    """SB-YYYY-NNNN, gapless per year: the year's counter row is locked while it is taken."""
    counter, _created = ReferenceCounter.objects.get_or_create(year=year)
    counter = ReferenceCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"SB-{year}-{counter.last_number:04d}"


def store_attachments(
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
    check_times(now, discovered_at=(discovered_at, []), occurred_at=(occurred_at, []))
    if occurred_at is not None and occurred_at > discovered_at:
        raise ValidationError(
            {"occurred_at": _("Hændelsen kan ikke være sket, efter at du opdagede den.")}
        )
    facts = {
        "category": category,
        "description": description,
        "discovered_at": discovered_at,
        "occurred_at": occurred_at,
        "personal_data": personal_data,
        "data_kinds": list(data_kinds),
        "affected_estimate": affected_estimate,
        "stopped": stopped,
        "stop_description": stop_description,
        "manager_informed": manager_informed,
        "it_informed": it_informed,
    }
    with transaction.atomic():
        if submission_token is not None:
            existing = _first_with(submission_token)
            if existing is not None:
                if existing.reporter_id == reporter.pk:
                    return existing
                # Someone else's token (copied, or forged): a report of its own, without it.
                submission_token = None
        return _create(
            reporter=reporter, files=files, submission_token=submission_token, now=now, **facts
        )


def _first_with(submission_token: uuid.UUID) -> Incident | None:
    # A double click posts the form twice at once. Both wait here for the first to commit, so
    # the second finds its report instead of breaking the unique index: PostgreSQL logs a
    # failed INSERT with its values, the reporter's text included.
    with connection.cursor() as cursor:
        key = int.from_bytes(uuid.UUID(str(submission_token)).bytes[:8], "big", signed=True)
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
    return Incident.objects.filter(submission_token=submission_token).first()


def _create(*, reporter: User, files, now: datetime, **facts) -> Incident:
    profile = getattr(reporter, "profile", None)
    aware_at = min(facts["discovered_at"], now)
    incident = Incident.objects.create(
        reference=next_reference(timezone.localtime(now).year),
        reporter=reporter,
        department=profile.department if profile else None,
        manager=profile.manager if profile else None,
        reported_at=now,
        aware_at=aware_at,
        notification_deadline=Incident.deadline_for(aware_at),
        **facts,
    )
    attachments = store_attachments(incident, files, by=reporter, at=now)
    log(
        incident,
        actor=reporter,
        kind=Kind.REPORTED,
        at=now,
        changes={"attachments": len(attachments)} if attachments else {},
        visibility=Visibility.REPORTER,
    )
    notifications.queue_new_report(incident=incident, now=now)
    return incident
