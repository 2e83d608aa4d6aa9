"""Retention: attachments go RETENTION_ATTACHMENTS_DAYS after closing, the reporter's free text
after RETENTION_PERSONAL_TEXT_DAYS; the register's facts stay; twice is the same as once."""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from incidents import services
from incidents.history import history
from incidents.models import Attachment, Incident, IncidentText, TimelineEntry
from incidents.retention import SCRUBBED, apply_retention
from tests.incidents.conftest import make_incident
from tests.incidents.steps import handle_to_closable, v

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    """Each test its own uploads folder: retention deletes files no row points at."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


SECRET = "Brevet til Bodil Borgersen på Herlev Ringvej 1"


def closed_incident(reporter, gdpr_user, it_user, *, closed_days_ago: int) -> Incident:
    closed_at = timezone.now() - timedelta(days=closed_days_ago)
    incident = make_incident(
        reporter,
        now=closed_at - timedelta(days=2),
        description=SECRET,
        stop_description="Bodil har fået besked.",
        files=[SimpleUploadedFile("bodil.pdf", b"%PDF-1.4\n")],
    )
    services.incident_add_information(
        incident=incident,
        actor=reporter,
        text="Bodils nabo fik også et brev.",
        files=[SimpleUploadedFile("nabo.pdf", b"%PDF-1.4\n")],
        now=closed_at - timedelta(days=1),
    )
    handle_to_closable(incident, gdpr=gdpr_user, it=it_user)
    services.incident_close(
        incident=incident, actor=gdpr_user, expected_version=v(incident), now=closed_at
    )
    incident.refresh_from_db()
    return incident


@pytest.fixture
def people(reporter, gdpr_user, it_user):
    return reporter, gdpr_user, it_user


def test_attachments_go_after_90_days_and_the_text_stays(
    people, settings, django_capture_on_commit_callbacks
):
    settings.RETENTION_ATTACHMENTS_DAYS = 90
    recent = closed_incident(*people, closed_days_ago=89)
    old = closed_incident(*people, closed_days_ago=91)
    files = [Path(a.file.path) for a in old.attachments.all()]
    assert all(f.exists() for f in files)

    with django_capture_on_commit_callbacks(execute=True):  # files go once the rows are gone
        result = apply_retention()

    assert result.attachments_deleted == 2
    assert not old.attachments.exists() and not any(f.exists() for f in files)
    assert recent.attachments.count() == 2
    old.refresh_from_db()
    assert old.description == SECRET  # free text stays until its own, longer period
    entry = old.timeline.get(kind=TimelineEntry.Kind.RETENTION)
    assert entry.changes == {"retention": {"what": "attachments", "deleted": 2}}
    assert ("Slettet", "2 bilag") in history([entry], internal=True)[0].details
    assert "nabo.pdf" not in str(list(old.timeline.values_list("changes", flat=True)))


def test_free_text_goes_after_the_register_period_and_the_facts_stay(people, settings):
    settings.RETENTION_PERSONAL_TEXT_DAYS = 5 * 365 + 1
    old = closed_incident(*people, closed_days_ago=5 * 365 + 2)
    young = closed_incident(*people, closed_days_ago=5 * 365)
    facts_before = Incident.objects.filter(pk=old.pk).values(
        "reference", "category", "discovered_at", "data_kinds", "affected_estimate",
        "risk_level", "risk_reasoning", "notify_decision", "decision_reasoning", "closed_at",
    ).get()  # fmt: skip

    timeline_before = list(old.timeline.values_list("pk", "kind", "at", "changes", "body"))

    result = apply_retention()

    assert result.incidents_scrubbed == 1
    old.refresh_from_db()
    assert old.description == SCRUBBED and old.stop_description == SCRUBBED
    added = old.texts.get(kind=IncidentText.Kind.INFORMATION)
    assert added.text == "" and added.removed_at is not None
    assert "Bodil" not in str(list(old.timeline.values_list("changes", flat=True)))
    assert Incident.objects.filter(pk=old.pk).values(*facts_before).get() == facts_before
    # The timeline was not edited: lines were added, saying what was removed (the attachments
    # went long before, and the free text now).
    after = list(old.timeline.values_list("pk", "kind", "at", "changes", "body"))
    assert after[: len(timeline_before)] == timeline_before
    added_lines = [changes for _pk, _kind, _at, changes, _body in after[len(timeline_before) :]]
    assert added_lines == [
        {"retention": {"what": "attachments", "deleted": 2}},
        {"retention": {"what": "personal_text"}},
    ]
    young.refresh_from_db()
    assert young.description == SECRET


def test_running_it_twice_changes_nothing_the_second_time(people, settings):
    settings.RETENTION_ATTACHMENTS_DAYS = 90
    settings.RETENTION_PERSONAL_TEXT_DAYS = 365
    closed_incident(*people, closed_days_ago=400)
    first = apply_retention()
    entries = TimelineEntry.objects.count()
    second = apply_retention()
    assert (first.attachments_deleted, first.incidents_scrubbed) == (2, 1)
    assert (second.attachments_deleted, second.incidents_scrubbed) == (0, 0)
    assert TimelineEntry.objects.count() == entries


def test_open_incidents_are_never_touched(people, settings):
    settings.RETENTION_ATTACHMENTS_DAYS = 1
    settings.RETENTION_PERSONAL_TEXT_DAYS = 1
    reporter = people[0]
    make_incident(reporter, now=timezone.now() - timedelta(days=3000), description=SECRET,
                  files=[SimpleUploadedFile("x.pdf", b"%PDF-1.4\n")])  # fmt: skip
    assert apply_retention() == apply_retention()
    assert Attachment.objects.count() == 1
    assert Incident.objects.get().description == SECRET


def test_the_command_logs_counts_only(people, settings, caplog, capsys):
    settings.RETENTION_PERSONAL_TEXT_DAYS = 365
    incident = closed_incident(*people, closed_days_ago=400)
    caplog.set_level(logging.INFO, logger="incidents.retention")
    call_command("apply_retention")
    assert "fritekst fjernet fra 1 sager" in capsys.readouterr().out
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "2 attachments deleted from 1 incidents; free text removed from 1" in logged
    assert incident.reference not in logged and "Bodil" not in logged


def test_files_no_row_points_at_go_after_a_day(people, media):
    """A report or step whose transaction rolled back leaves its uploads behind; they may hold
    personal data. Referenced files and files younger than a day (their row may be about to be
    committed) stay."""
    incident = make_incident(people[0], files=[SimpleUploadedFile("bodil.pdf", b"%PDF-1.4\n")])
    kept = Path(media, incident.attachments.get().file.name)
    orphan = media / "incidents" / "2026" / "01" / "0123abcd"
    fresh = media / "incidents" / "2026" / "01" / "4567ef01"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    for path in (orphan, fresh):
        path.write_bytes(b"Bodil Borgersen")
    day_ago = (timezone.now() - timedelta(days=1, minutes=1)).timestamp()
    for path in (orphan, kept):
        os.utime(path, (day_ago, day_ago))

    assert apply_retention().orphan_files_deleted == 1
    assert (orphan.exists(), fresh.exists(), kept.exists()) == (False, True, True)


def test_retention_runs_before_anything_was_ever_uploaded(media, settings):
    settings.MEDIA_ROOT = media / "not-made-yet"
    assert apply_retention().orphan_files_deleted == 0
