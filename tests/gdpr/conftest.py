"""GDPR-unit fixtures: a real SMTP server on loopback, and the worker run for real."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tests.incidents.conftest import incident, incident_factory, make_incident  # noqa: F401

BASE_DIR = Path(__file__).resolve().parents[2]


class Inbox:
    """What the loopback SMTP server received."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


class LoopbackSMTP:
    """A real SMTP server on 127.0.0.1 that can be stopped (connections refused) and restarted."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server(settings) -> Iterator[LoopbackSMTP]:
    server = LoopbackSMTP()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


def run_worker_in_process() -> None:
    """The real worker command, in this process: one turn, until nothing is due."""
    call_command("run_worker", "--once", verbosity=0)


def worker_env(smtp_port: int) -> dict:
    """The environment of a worker process on the test database, sending by SMTP."""
    db = connection.settings_dict
    host = quote(db["HOST"] or "localhost", safe="")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{host}/{db['NAME']}",
        "SECRET_KEY": "worker-test-" + "x" * 40,
        "HTTPS": "0",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        "SITE_URL": settings.SITE_URL,
    }


def run_worker_process(smtp_port: int) -> subprocess.CompletedProcess:
    """`manage.py run_worker --once` as its own process, on the test database, sending by SMTP."""
    return subprocess.run(
        [sys.executable, "manage.py", "run_worker", "--once"],
        cwd=BASE_DIR,
        env=worker_env(smtp_port),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def start_worker_process(smtp_port: int) -> subprocess.Popen:
    """`manage.py run_worker` as it runs in production: a loop, until SIGTERM."""
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--poll", "0.2"],
        cwd=BASE_DIR,
        env=worker_env(smtp_port),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def set_facts(target, **fields):
    """Put an incident in a given handling state (the workflow itself is tested elsewhere).

    A changed decision moves the stored clock in the same UPDATE, by the clock rule; a decision
    brings the assessment it needs. The database still checks every invariant.
    """
    from incidents.models import Incident, Status, clock_stop, record_field

    if fields.get("status") == Status.CLOSED:
        # A closed case is a complete one (the database insists): fill in what is not given.
        at = fields.get("closed_at") or target.reported_at
        fields.setdefault("closed_at", at)
        for name in ("escalated_at", "contained_at", "assessed_at"):
            if getattr(target, name) is None:
                fields.setdefault(name, at)
        if not target.notify_decision:
            fields.setdefault("risk_level", "none")
            fields.setdefault("risk_override_reason", "Ingen risiko.")
            fields.setdefault("notify_decision", "not_notify")
            fields.setdefault("decided_at", at)
        if not target.other_records.sbsys_case_number:
            fields.setdefault("sbsys_case_number", "27.12.08-G01-1-26")
    if ({"notify_decision", "decided_at"} & fields.keys()) and "clock_stopped_at" not in fields:
        initial = target.dt_notifications.filter(phase="initial").first()
        fields["clock_stopped_at"] = clock_stop(
            initial_notified_at=initial.notified_at if initial else None,
            notify_decision=fields.get("notify_decision", target.notify_decision),
            decided_at=fields.get("decided_at", target.decided_at),
        )
    if fields.get("notify_decision") and not (target.assessed_at or fields.get("assessed_at")):
        fields["assessed_at"] = fields.get("decided_at") or target.reported_at
    # The step tables' facts are written with the incident open, before it closes.
    status = {name: fields.pop(name) for name in ("status", "closed_at") if name in fields}
    records: dict = {}
    for name in list(fields):
        model, _field = record_field(name)
        if model is not Incident:
            records.setdefault(model, {})[name] = fields.pop(name)
    Incident.objects.filter(pk=target.pk).update(**fields)
    for model, values in records.items():
        model.objects.update_or_create(incident_id=target.pk, defaults=values)
    if status:
        Incident.objects.filter(pk=target.pk).update(**status)
    target.refresh_from_db()
    return target


def notify_datatilsynet(target, *, at, by, content: str = "", delay_reasons: str = ""):
    from incidents.models import DatatilsynetNotification, NotifyDecision

    if at > target.notification_deadline and not delay_reasons:
        delay_reasons = "Oplysningerne var først klar efter fristen."  # the law asks for them
    set_facts(
        target,
        notify_decision=NotifyDecision.NOTIFY,
        decided_at=at,
        decided_by=by,
        delay_reasons=delay_reasons,
    )
    notification = DatatilsynetNotification.objects.create(
        incident=target,
        phase=DatatilsynetNotification.Phase.INITIAL,
        notified_at=at,
        dt_reference="2026-123-4567",
        content=content,
        recorded_by=by,
        recorded_at=at,
    )
    type(target).objects.filter(pk=target.pk).sync_clock()  # the notification stops the clock
    target.refresh_from_db()
    return notification
