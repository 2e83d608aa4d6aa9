"""200 reports submitted at the same moment to gunicorn on loopback: 200 stored, 200 distinct
sequential references, no errors. (No timing assertions: speed belongs to bench/.)"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.utils import timezone

from tests.hardening.stack import create_people, csrf_from, log_in, report_form, request
from tests.personas import PASSWORD

pytestmark = [pytest.mark.load]

REPORTS = 200
PEOPLE = 20


def test_200_simultaneous_reports_get_200_distinct_sequential_references(stack):
    names = [f"ansat{n:02d}" for n in range(PEOPLE)]
    create_people(stack, names)
    sessions = []
    for name in names:
        cookies = log_in(stack, name, PASSWORD)
        page = request(stack, "GET", "/sikkerhedsbrud/anmeld/", cookies=cookies)
        sessions.append((cookies, csrf_from(page.text)))
    already = int(stack.cluster.psql("SELECT count(*) FROM incidents_incident"))

    start = threading.Barrier(REPORTS)

    def submit(index: int):
        cookies, csrf = sessions[index % PEOPLE]
        form = report_form(csrf, str(uuid.uuid4()), f"Anmeldelse nummer {index}.")
        start.wait()
        return request(stack, "POST", "/sikkerhedsbrud/anmeld/", cookies=dict(cookies), form=form)

    with ThreadPoolExecutor(max_workers=REPORTS) as pool:
        responses = list(pool.map(submit, range(REPORTS)))

    statuses = sorted({r.status for r in responses})
    assert statuses == [302], [r.text[:200] for r in responses if r.status != 302][:3]
    assert all("/kvittering/" in r.headers["location"] for r in responses)
    year = timezone.localtime().year
    references = stack.cluster.psql(
        f"SELECT reference FROM incidents_incident WHERE reference LIKE 'SB-{year}-%'"  # noqa: S608
    ).splitlines()
    assert len(references) == already + REPORTS
    numbers = sorted(int(ref.rsplit("-", 1)[1]) for ref in references)
    assert numbers == list(range(1, already + REPORTS + 1))  # no gaps, no duplicates
    descriptions = stack.cluster.psql(
        "SELECT count(DISTINCT description) FROM incidents_incident "
        "WHERE description LIKE 'Anmeldelse nummer %'"
    )
    assert descriptions == str(REPORTS)
