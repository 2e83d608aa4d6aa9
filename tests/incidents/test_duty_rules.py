"""A duty's one rule, its Q, judged in memory (`duties.holds`) as the database would judge it.
The state-machine test compares both on every state it reaches; these pin the edges."""

from __future__ import annotations

import pytest
from django.db.models import Q

from incidents.duties import DUTIES_BY_CODE, holds
from incidents.models import Incident, OtherRecords
from tests.incidents.conftest import make_incident

pytestmark = pytest.mark.django_db


def in_database(condition: Q, incident: Incident) -> bool:
    return Incident.objects.filter(condition, pk=incident.pk).exists()


@pytest.mark.parametrize(
    "condition",
    [
        Q(assessed_at__isnull=True),
        Q(notify_decision=""),
        Q(dt_items_outstanding__len__gt=0),
        Q(affected_estimate__gt=5) | Q(reference__isnull=False),  # NULL > 5 is not true
        ~Q(notify_decision=""),
        Q(owner__isnull=True),
        Q(otherrecords__isnull=True),
        Q(otherrecords__sbsys_case_number=""),  # no row: NULL = '' is not true
        Q(otherrecords__isnull=True) | Q(otherrecords__sbsys_case_number=""),
    ],
    ids=str,
)
def test_a_rule_judges_an_incident_without_a_step_row_as_the_database_does(reporter, condition):
    incident = Incident.objects.get(pk=make_incident(reporter).pk)
    assert holds(condition, incident) == in_database(condition, incident)


@pytest.mark.parametrize("number", ["", "SB-17"])
def test_a_rule_reads_a_saved_step_row(reporter, number):
    incident = make_incident(reporter)
    OtherRecords.objects.create(incident=incident, sbsys_case_number=number)
    incident = Incident.objects.select_related("otherrecords").get(pk=incident.pk)
    condition = Q(otherrecords__isnull=True) | Q(otherrecords__sbsys_case_number="")
    assert holds(condition, incident) is (number == "")
    assert in_database(condition, incident) is (number == "")


def test_a_blank_step_row_in_memory_is_judged_as_no_row(reporter):
    """Incident.other_records hands out a blank unsaved row when there is none; the duty says
    the same of it as the database says of the missing row."""
    incident = Incident.objects.get(pk=make_incident(reporter).pk)
    assert incident.other_records.sbsys_case_number == ""
    journalising = DUTIES_BY_CODE["journalising"]
    assert journalising.outstanding(incident) is True
    assert in_database(journalising.outstanding_q, incident) is True
