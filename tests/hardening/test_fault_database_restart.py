"""PostgreSQL restarts (`pg_ctl restart -m fast`, then `-m immediate`) while reports arrive and
the worker sends e-mail to a real SMTP server: no acknowledged report is lost, every e-mail
arrives exactly once (counted at the server by Message-ID) within two minutes, and the portal
and the worker come back by themselves.

The real pieces: a throwaway PostgreSQL cluster, gunicorn (tests/hardening/stack.py), an SMTP
server on loopback (aiosmtpd) and `manage.py run_worker` as its own process.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator

import pytest

from tests.hardening.mailserver import Inbox, MailServer
from tests.hardening.stack import (
    ROOT,
    Stack,
    build_stack,
    create_people,
    csrf_from,
    free_port,
    log_in,
    report_form,
    request,
)
from tests.personas import PASSWORD

pytestmark = [pytest.mark.fault]

REPORTERS = ["sofie", "svend", "sara"]
CALM_503 = "Portalen er midlertidigt utilgængelig"


@pytest.fixture(scope="module")
def mail_stack() -> Iterator[tuple[Stack, MailServer]]:
    stack = build_stack()
    mail = MailServer(free_port())
    stack.env.update(
        {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(mail.port), "EMAIL_USE_TLS": "0",
         "EMAIL_TIMEOUT": "5", "DB_CONN_MAX_AGE": "60"}
    )  # fmt: skip
    try:
        mail.start()
        stack.start_web()
        yield stack, mail
    finally:
        mail.stop()
        stack.stop_all()
        stack.cluster.destroy()


class Reporter(threading.Thread):
    """An employee filing reports one after another; a 503 is answered by sending the same
    form again (its submission token makes that the same report), as a person would."""

    def __init__(self, stack: Stack, username: str, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.stack, self.username, self.stop = stack, username, stop
        self.acknowledged: list[str] = []
        self.answers: list[tuple[int, str]] = []  # every status, with the 503's page
        self.error: BaseException | None = None

    def ask(self, method: str, path: str, **kwargs):
        while True:
            response = request(self.stack, method, path, cookies=self.cookies, **kwargs)
            self.answers.append((response.status, response.text if response.status >= 500 else ""))
            if response.status != 503:
                return response
            time.sleep(0.2)

    def log_in(self) -> None:
        """A login POST answered with the 503 may have rotated the CSRF token: like a person,
        open the login page again and retry."""
        self.cookies: dict = {}
        while True:
            page = self.ask("GET", "/log-ind/")
            assert page.status == 200, (page.status, page.text[:500])
            form = {"username": self.username, "password": PASSWORD,
                    "csrfmiddlewaretoken": csrf_from(page.text)}  # fmt: skip
            response = request(self.stack, "POST", "/log-ind/", cookies=self.cookies, form=form)
            self.answers.append((response.status, response.text if response.status >= 500 else ""))
            if response.status == 302:
                return
            assert response.status == 503, (response.status, response.text[:500])
            time.sleep(0.2)

    def run(self) -> None:
        try:
            self.log_in()
            page = self.ask("GET", "/sikkerhedsbrud/anmeld/")
            assert page.status == 200, (page.status, page.text[:500])
            csrf = csrf_from(page.text)
            n = 0
            while not self.stop.is_set():
                n += 1
                form = report_form(csrf, str(uuid.uuid4()), f"{self.username} rapport {n}.")
                response = self.ask("POST", "/sikkerhedsbrud/anmeld/", form=form)
                assert response.status == 302, (response.status, response.text[:500])
                location = response.headers["location"]
                self.acknowledged.append(re.search(r"SB-\d{4}-\d{4,}", location)[0])
        except BaseException as error:  # reported by the test, in its thread
            self.error = error


def count(stack: Stack, sql: str) -> int:
    return int(stack.cluster.psql(sql))


def test_database_restarts_lose_no_report_and_send_every_email_once_within_two_minutes(
    mail_stack,
):
    stack, mail = mail_stack
    create_people(stack, REPORTERS)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--poll", "0.5"],
        cwd=ROOT, env=stack.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    stop = threading.Event()
    reporters = [Reporter(stack, name, stop) for name in REPORTERS]
    try:
        for reporter in reporters:
            reporter.start()
        time.sleep(3)
        stack.cluster.restart("fast")
        time.sleep(3)
        stack.cluster.restart("immediate")
        time.sleep(3)
        stop.set()
        for reporter in reporters:
            reporter.join(timeout=120)
        last_acknowledged = time.monotonic()
        for reporter in reporters:
            assert reporter.error is None, repr(reporter.error)

        # The portal answers again, nobody restarted anything.
        assert request(stack, "GET", "/log-ind/").status == 200
        assert worker.poll() is None, "the worker died: " + worker.stderr.read()[-800:]
        # Every answer was the portal's own: success, or the calm Danish 503 while it was down.
        answers = [a for reporter in reporters for a in reporter.answers]
        assert {status for status, _ in answers} <= {200, 302, 503}
        assert all(CALM_503 in text for status, text in answers if status == 503)
        assert any(status == 503 for status, _ in answers), "the restarts were not noticed"

        # No acknowledged report is lost (and none is there twice).
        acknowledged = [ref for reporter in reporters for ref in reporter.acknowledged]
        assert len(acknowledged) >= 2 * len(REPORTERS)
        stored = stack.cluster.psql("SELECT reference FROM incidents_incident").split()
        assert sorted(acknowledged) == sorted(stored)

        # Every e-mail arrives exactly once, within two minutes.
        expected = count(stack, "SELECT count(*) FROM incidents_notification")
        assert expected == 3 * len(stored)  # GDPR unit, IT, receipt (the reporters have no manager)
        while time.monotonic() - last_acknowledged < 120:
            if len(mail.inbox.message_ids()) >= expected:
                break
            time.sleep(0.5)
        ids = mail.inbox.message_ids()
        assert len(set(ids)) == expected, "an e-mail was not delivered within two minutes"
        assert len(ids) == expected, "an e-mail was delivered twice"
        time.sleep(1)  # the last "sent" is recorded just after the server took the e-mail
        recorded = stack.cluster.psql(
            "SELECT message_id FROM incidents_notification WHERE status = 'sent'"
        ).split()
        assert sorted(recorded) == sorted(ids)
        # And /healthz says so: the database answers, the worker beats, nothing waits.
        health = json.loads(request(stack, "GET", "/healthz").text)
        assert health["status"] == "ok", health
    finally:
        stop.set()
        worker.terminate()
        _, errors = worker.communicate(timeout=60)
    assert worker.returncode == 0, errors[-2000:]
    assert "Traceback" not in errors, errors[-2000:]


class OutageInbox(Inbox):
    """Accepts the first e-mail only after stopping PostgreSQL, and starts it again a few
    seconds later: the worker must record an e-mail the server has accepted while the
    database is away."""

    def __init__(self, cluster) -> None:
        super().__init__()
        self.cluster = cluster
        self.outage_done = threading.Event()
        self._outage_started = False

    async def handle_DATA(self, server, session, envelope):
        if not self._outage_started:
            self._outage_started = True
            await asyncio.get_running_loop().run_in_executor(None, self.cluster.stop)
            threading.Timer(4, self._back).start()
        return await super().handle_DATA(server, session, envelope)

    def _back(self) -> None:
        self.cluster.start()
        self.outage_done.set()


def test_an_email_accepted_just_before_the_database_stops_is_recorded_once_it_is_back(
    mail_stack,
):
    stack, mail = mail_stack
    mail.stop()
    mail.inbox = OutageInbox(stack.cluster)
    mail.start()
    create_people(stack, ["otto"])
    cookies = log_in(stack, "otto", PASSWORD)
    csrf = csrf_from(request(stack, "GET", "/sikkerhedsbrud/anmeld/", cookies=cookies).text)
    response = request(stack, "POST", "/sikkerhedsbrud/anmeld/", cookies=cookies,
                       form=report_form(csrf, str(uuid.uuid4())))  # fmt: skip
    assert response.status == 302
    unsent = "SELECT count(*) FROM incidents_notification WHERE status <> 'sent'"
    expected = count(stack, unsent)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--poll", "0.5"],
        cwd=ROOT, env=stack.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert mail.inbox.outage_done.wait(timeout=60)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and count(stack, unsent) != 0:
            time.sleep(0.5)
        time.sleep(1)
        ids = mail.inbox.message_ids()
        assert len(ids) == expected, ids  # the one accepted before the outage is not resent
        assert len(set(ids)) == expected
        assert count(stack, unsent) == 0
        assert worker.poll() is None
    finally:
        worker.terminate()
        _, errors = worker.communicate(timeout=60)
    assert "was sent but not yet recorded" in errors  # it really met the outage
    assert "Traceback" not in errors, errors[-2000:]
