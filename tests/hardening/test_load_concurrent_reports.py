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


def test_a_double_clicked_report_is_stored_once_and_its_text_stays_out_of_the_postgresql_log(
    stack,
):
    create_people(stack, ["dobbelt", "anden"])
    server_log = stack.cluster.base / "server.log"
    log_before = server_log.stat().st_size
    text = "Dobbeltklik-tekst om Bodil Borgersen"
    token = str(uuid.uuid4())
    cookies = log_in(stack, "dobbelt", PASSWORD)
    page = request(stack, "GET", "/sikkerhedsbrud/anmeld/", cookies=cookies)
    form = report_form(csrf_from(page.text), token, text)
    start = threading.Barrier(3)

    def click(_index: int):
        start.wait()
        return request(stack, "POST", "/sikkerhedsbrud/anmeld/", cookies=dict(cookies), form=form)

    with ThreadPoolExecutor(max_workers=3) as pool:
        responses = list(pool.map(click, range(3)))
    assert [r.status for r in responses] == [302] * 3
    assert len({r.headers["location"] for r in responses}) == 1

    # Someone else posting the same token gets a report of their own, not a 500 or hers.
    other = log_in(stack, "anden", PASSWORD)
    page = request(stack, "GET", "/sikkerhedsbrud/anmeld/", cookies=other)
    response = request(
        stack, "POST", "/sikkerhedsbrud/anmeld/", cookies=other,
        form=report_form(csrf_from(page.text), token, text),
    )  # fmt: skip
    assert response.status == 302
    assert response.headers["location"] != responses[0].headers["location"]

    count = stack.cluster.psql(
        f"SELECT count(*) FROM incidents_incident WHERE description = '{text}'"  # noqa: S608
    )
    assert count == "2"
    with server_log.open(errors="replace") as log:
        log.seek(log_before)
        written = log.read()
    assert "duplicate key" not in written
    assert "Bodil" not in written
