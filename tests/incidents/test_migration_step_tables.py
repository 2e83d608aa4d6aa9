"""incidents/0003_step_tables: the facts of the art. 34 and "other" steps move from the incident's
columns to their step tables (a row only where something was recorded), and back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from incidents.models import OtherRecords, SubjectsNotice

BEFORE = [("incidents", "0002_nis2_kinds")]
AFTER = [("incidents", "0003_step_tables")]
AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def old_incident(apps, reporter_id: int, number: int, **facts):
    Incident = apps.get_model("incidents", "Incident")
    return Incident.objects.create(
        reference=f"SB-2026-{number:04d}",
        reporter_id=reporter_id,
        category="lost_device",
        description="Telefon glemt i toget.",
        discovered_at=AT,
        reported_at=AT,
        personal_data="yes",
        stopped="yes",
        aware_at=AT,
        notification_deadline=AT + dt.timedelta(hours=72),
        **facts,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_facts_move_to_the_step_tables_and_back(reporter):
    apps = migrate(BEFORE)
    informed = old_incident(
        apps,
        reporter.pk,
        1,
        subjects_informed_at=AT + dt.timedelta(hours=5),
        subjects_informed_how="Brev i Digital Post.",
        police_reported=True,
        police_reference="0100-12345-00001-26",
        sbsys_case_number="27.12.08-G01-1-26",
        journalised_at=AT + dt.timedelta(hours=6),
    )
    closed = old_incident(
        apps,
        reporter.pk,
        2,
        status="closed",
        closed_at=AT + dt.timedelta(days=3),
        escalated_at=AT,
        contained_at=AT,
        assessed_at=AT,
        risk_level="none",
        notify_decision="not_notify",
        decided_at=AT,
        clock_stopped_at=AT,
        sbsys_case_number="27.12.08-G01-2-26",
    )
    untouched = old_incident(apps, reporter.pk, 3)

    migrate(AFTER)
    notice = SubjectsNotice.objects.get(pk=informed.pk)
    assert notice.subjects_informed_at == AT + dt.timedelta(hours=5)
    assert notice.subjects_informed_how == "Brev i Digital Post."
    other = OtherRecords.objects.get(pk=informed.pk)
    assert (other.police_reported, other.police_reference) == (True, "0100-12345-00001-26")
    assert other.journalised_at == AT + dt.timedelta(hours=6)
    assert OtherRecords.objects.get(pk=closed.pk).sbsys_case_number == "27.12.08-G01-2-26"
    # No row where the step recorded nothing.
    assert not SubjectsNotice.objects.filter(pk__in=[closed.pk, untouched.pk]).exists()
    assert not OtherRecords.objects.filter(pk=untouched.pk).exists()

    # Back: the facts return to the columns, the closed case's too.
    apps = migrate(BEFORE)
    Incident = apps.get_model("incidents", "Incident")
    back = Incident.objects.get(pk=informed.pk)
    assert back.subjects_informed_how == "Brev i Digital Post."
    assert back.police_reference == "0100-12345-00001-26"
    assert Incident.objects.get(pk=closed.pk).sbsys_case_number == "27.12.08-G01-2-26"
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
