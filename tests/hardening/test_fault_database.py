"""The database goes away under a running portal: a calm Danish 503, never a stack trace, and
nothing half-written when it returns. Stops and starts a real PostgreSQL (a throwaway cluster,
so the test session's own database is untouched)."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.hardening.stack import create_people, csrf_from, log_in, report_form, request
from tests.personas import PASSWORD

pytestmark = [pytest.mark.fault]

LEAKS = ["Traceback", "psycopg", "OperationalError", "socket", "postgres", 'File "']


def assert_calm_503(response) -> None:
    assert response.status == 503, response.text[:300]
    assert "Portalen er midlertidigt utilgængelig" in response.text
    assert response.headers.get("retry-after") == "60"
    for leak in LEAKS:
        assert leak not in response.text, leak


def test_a_database_outage_gives_a_danish_503_and_leaves_nothing_half_written(stack):
    create_people(stack, ["dora"])
    cookies = log_in(stack, "dora", PASSWORD)
    form_page = request(stack, "GET", "/sikkerhedsbrud/anmeld/", cookies=cookies)
    token = str(uuid.uuid4())
    form = report_form(csrf_from(form_page.text), token)
    before = stack.cluster.psql("SELECT count(*) FROM incidents_incident")

    stack.cluster.stop()
    try:
        for path in ["/", "/sikkerhedsbrud/anmeld/", "/sikkerhedsbrud/mine/", "/log-ind/"]:
            assert_calm_503(request(stack, "GET", path, cookies=cookies))
        assert_calm_503(request(stack, "POST", "/sikkerhedsbrud/anmeld/", cookies=cookies,
                                form=form))  # fmt: skip
        health = request(stack, "GET", "/healthz")
        assert health.status == 503
        assert json.loads(health.text) == {"status": "fail", "database": "unreachable"}
    finally:
        stack.cluster.start()

    # Back again: the refused report left no trace, and sending it again works exactly once.
    assert stack.cluster.psql("SELECT count(*) FROM incidents_incident") == before
    assert stack.cluster.psql("SELECT count(*) FROM incidents_timelineentry") == "0"
    response = request(stack, "POST", "/sikkerhedsbrud/anmeld/", cookies=cookies, form=form)
    assert response.status == 302, response.text[:300]
    assert (
        request(stack, "POST", "/sikkerhedsbrud/anmeld/", cookies=cookies, form=form).status == 302
    )  # fmt: skip  (a double click: the same report)
    rows = stack.cluster.psql(
        f"SELECT reference FROM incidents_incident WHERE submission_token = '{token}'"  # noqa: S608
    )
    assert len(rows.splitlines()) == 1
    assert rows.endswith("-0001") or int(before) > 0
    receipt = request(stack, "GET", response.headers["location"], cookies=cookies)
    assert receipt.status == 200
    assert rows in receipt.text
