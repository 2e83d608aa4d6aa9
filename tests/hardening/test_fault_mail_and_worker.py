"""The mail server and the worker fail while reports keep arriving.

Each test runs the real pieces: gunicorn and a throwaway PostgreSQL cluster
(tests/hardening/stack.py), an SMTP server on loopback (aiosmtpd) that is stopped and started,
and `manage.py run_worker` processes that are killed. Waiting out the mail server's back-off and
a killed worker's lease is simulated by moving the outbox's timestamps back, as the passing of
time would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import pytest

from tests.hardening.mailserver import MailServer
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

REPORTS = 10


@pytest.fixture(scope="module")
def mail_stack() -> Iterator[tuple[Stack, MailServer]]:
    stack = build_stack()
    mail = MailServer(free_port())
    stack.env.update(
        {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(mail.port), "EMAIL_USE_TLS": "0",
         "EMAIL_TIMEOUT": "5"}
    )  # fmt: skip
    try:
        stack.start_web()
        yield stack, mail
    finally:
        mail.stop()
        stack.stop_all()
        stack.cluster.destroy()


def submit_reports(stack: Stack, username: str, count: int) -> list[str]:
    create_people(stack, [username])
    cookies = log_in(stack, username, PASSWORD)
    csrf = csrf_from(request(stack, "GET", "/sikkerhedsbrud/anmeld/", cookies=cookies).text)
    receipts = []
    for n in range(count):
        form = report_form(csrf, str(uuid.uuid4()), f"Rapport {n} mens mailserveren er nede.")
        response = request(stack, "POST", "/sikkerhedsbrud/anmeld/", cookies=cookies, form=form)
        assert response.status == 302, response.text[:300]
        receipt = request(stack, "GET", response.headers["location"], cookies=cookies)
        assert receipt.status == 200
        assert "Tak – din indberetning er modtaget" in receipt.text
        receipts.append(response.headers["location"])
    return receipts


def run_worker_until_idle(stack: Stack) -> None:
    """One worker turn: everything due is sent (or fails and waits for its retry)."""
    stack.manage("run_worker", "--once")


def outbox(stack: Stack, condition: str = "true") -> int:
    query = f"SELECT count(*) FROM incidents_notification WHERE {condition}"  # noqa: S608
    return int(stack.cluster.psql(query))


def let_time_pass(stack: Stack, *, minutes: int) -> None:
    """Move the clocks back: the back-off expires as in real time."""
    shift = f"interval '{int(minutes)} minutes'"
    stack.cluster.psql(
        f"UPDATE incidents_notification SET next_attempt_at = next_attempt_at - {shift}, "  # noqa: S608
        f"claimed_at = claimed_at - {shift}"
    )


def wait_for(condition, *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def start_worker(stack: Stack) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--poll", "0.5"],
        cwd=ROOT, env=stack.env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def test_reports_are_stored_while_the_mail_server_is_down_and_every_email_goes_out_once_after(
    mail_stack,
):
    stack, mail = mail_stack
    # The server is down: nothing listens on its port.
    receipts = submit_reports(stack, "mia", REPORTS)
    assert len(set(receipts)) == REPORTS
    stored = stack.cluster.psql(
        "SELECT count(*) FROM incidents_incident WHERE description LIKE 'Rapport %'"
    )
    assert stored == str(REPORTS)
    queued = outbox(stack)
    assert queued >= 3 * REPORTS  # GDPR unit, IT and a receipt for each report at least

    run_worker_until_idle(stack)  # every attempt fails: nothing is lost, everything waits
    assert outbox(stack, "status = 'failed' AND attempts = 1") == queued
    assert mail.inbox.messages == []

    mail.start()
    try:
        run_worker_until_idle(stack)  # still inside the back-off: nothing is sent early
        assert mail.inbox.messages == []
        let_time_pass(stack, minutes=2)
        run_worker_until_idle(stack)
        ids = mail.inbox.message_ids()
        assert len(ids) == queued, "an e-mail was lost"
        assert len(set(ids)) == queued, "an e-mail went out twice"
        assert outbox(stack, "status = 'sent'") == queued
        run_worker_until_idle(stack)  # running the worker again sends nothing more
        assert len(mail.inbox.message_ids()) == queued
    finally:
        mail.stop()


def test_a_worker_killed_mid_work_loses_nothing_and_a_resend_keeps_its_message_id(mail_stack):
    stack, mail = mail_stack
    already_sent = outbox(stack)
    earlier = len(mail.inbox.message_ids())
    mail.start()
    try:
        submit_reports(stack, "kim", REPORTS)
        worker = start_worker(stack)
        # Kill it as soon as it has sent something, in the middle of the queue.
        assert wait_for(lambda: len(mail.inbox.message_ids()) > earlier, seconds=60)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        # The killed worker's claim runs out after its one-minute lease (moved on here rather
        # than waited for); a new worker sends the rest, and then the e-mail that was in hand.
        let_time_pass(stack, minutes=1)
        worker = start_worker(stack)
        try:
            assert wait_for(lambda: outbox(stack, "status <> 'sent'") == 0, seconds=120), (
                "an e-mail was not sent"
            )
        finally:
            worker.terminate()
            worker.wait(timeout=30)

        expected = outbox(stack) - already_sent
        ids = mail.inbox.message_ids()[earlier:]
        assert len(set(ids)) == expected, "an e-mail was lost"
        # If the mail server had already accepted the e-mail in hand at the kill, the copy
        # carries the same Message-ID, so mail systems collapse the two: that one message is the
        # only one that can arrive twice.
        assert len(ids) - len(set(ids)) <= 1
    finally:
        mail.stop()
