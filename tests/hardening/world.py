"""One incident with everything a URL can point at, and the sample arguments for every route.

Shared by the access matrix, the CSP/CSRF checks and the fuzzing tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from awareness import services as awareness_services
from awareness.models import Campaign
from guidance.content import import_folder
from guidance.first_aid import GUIDES
from guidance.models import Section
from incidents.models import Attachment, DatatilsynetNotification, Incident
from nis2.models import Nis2Submission
from portal.models import WorkerHeartbeat
from tests.incidents.conftest import make_incident
from tests.incidents.steps import assess, decide, notify
from tests.nis2.steps import assess_nis2, submit

PDF = b"%PDF-1.4\n% test\n"


@dataclass
class World:
    incident: Incident
    attachment: Attachment
    dt_notification: DatatilsynetNotification
    nis2_submission: Nis2Submission
    campaign: Campaign
    section_slug: str
    guide_slug: str
    personas: dict


def build_world(personas: dict) -> World:
    """Rikke's report with an attachment, decided notifiable and notified with a receipt."""
    if not Section.objects.exists():
        import_folder()  # transactional tests before us may have flushed the migration's data
    reporter, gdpr = personas["reporter"], personas["gdpr_user"]
    incident = make_incident(
        reporter, files=[SimpleUploadedFile("foto.pdf", PDF, content_type="application/pdf")]
    )
    assess(incident, gdpr)
    decide(incident, gdpr, decision_reasoning="Mange borgere berørt.")
    dt = notify(
        incident,
        gdpr,
        notified_at=timezone.now(),
        dt_reference="2026-441-0001",
        content="Mistet mobil.",
        receipt=SimpleUploadedFile("kvittering.pdf", PDF, content_type="application/pdf"),
    )
    # Significant under NIS2, with its early warning sent and the CSIRT's receipt.
    assess_nis2(incident, gdpr, aware_at=incident.reported_at)
    early_warning = submit(
        incident,
        gdpr,
        "early_warning",
        at=timezone.now(),
        receipt=SimpleUploadedFile("nis2.pdf", PDF, content_type="application/pdf"),
    )
    incident.refresh_from_db()
    # A worker is running, so /healthz answers 200.
    now = timezone.now()
    WorkerHeartbeat.objects.create(name="world:1", started_at=now, seen_at=now)
    # A read-and-acknowledge campaign for the reporter's department only (Rikke and Mona).
    campaign = awareness_services.campaign_start(
        actor=gdpr,
        title="Kampagne",
        all_staff=False,
        departments=[personas["reporter"].profile.department],
        sections=[Section.objects.in_order().first()],
        deadline=timezone.localdate() + timedelta(days=30),
    )
    return World(
        incident=incident,
        attachment=incident.attachments.get(),
        dt_notification=dt,
        nis2_submission=early_warning,
        campaign=campaign,
        section_slug=Section.objects.in_order().first().slug,
        guide_slug=next(iter(GUIDES)).slug,
        personas=personas,
    )


def kwargs_for(key: str, params: list[str], world: World) -> dict:
    """Arguments that make `key`'s URL point at something that exists."""
    samples = {
        "reference": world.incident.reference,
        "slug": world.guide_slug if key == "guidance:first_aid_guide" else world.section_slug,
        "pk": world.dt_notification.pk if key == "incidents:dt_receipt" else world.attachment.pk,
        # The admin's own arguments: the superuser's page is as good as any.
        "object_id": str(world.personas["superuser"].pk),
        "id": str(world.personas["reporter"].pk),
        "content_type_id": "1",
        "app_label": "auth",
        "url": "findes-ikke/",  # the admin's catch-all
        "token": "x" * 43,  # nobody's calendar feed token
        "phase": "notification",  # the NIS2 report due next
        "submission": world.nis2_submission.pk,
        "campaign": world.campaign.pk,
        "section": world.section_slug,
    }
    return {name: samples[name] for name in params}
