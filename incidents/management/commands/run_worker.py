"""The portal's one background process: creates due deadline reminders and sends the outboxes'
e-mails (the incidents', NIS2's reminders among them, and the campaigns' reminders), in one
loop, until SIGTERM or Ctrl-C (healthchecks' `sendalerts` is the model).

Several may run at once, on one machine or several: each e-mail is claimed by one of them with
a conditional UPDATE (incidents/outbox.py, awareness/outbox.py). A database restart is waited
out: the loop drops its connection and tries again. SIGTERM lets the e-mail in hand go out and
be recorded, then exits.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import threading
import time
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from awareness import outbox as awareness_outbox
from incidents import notifications, outbox
from portal.models import WorkerHeartbeat

logger = logging.getLogger("incidents.worker")

# Reminders are due 24 h and 6 h before a deadline: looking every half minute is plenty.
REMINDERS_EVERY = 30.0
# A heartbeat this often while busy (and once per idle turn): /healthz calls a worker silent
# for two minutes stale.
BEAT_EVERY = 10.0
# The outboxes this worker sends, each with its own table and unique row key: the incidents'
# e-mails and reminders (GDPR's and NIS2's), and the awareness campaigns' reminders.
OUTBOXES = (outbox.deliver_next, awareness_outbox.deliver_next)
# Waiting for the database to come back: 0.5, 1, 2, … seconds, at most this.
RECONNECT_PAUSE_MAX = 5.0


class Worker:
    def __init__(self, *, poll: float) -> None:
        self.poll = poll
        self.name = f"{socket.gethostname()}:{os.getpid()}"[:200]
        self.started_at = timezone.now()
        self.stopping = threading.Event()
        self._next_reminders = 0.0
        self._next_beat = 0.0

    def stop(self, *_signal_args) -> None:
        self.stopping.set()

    def run(self) -> None:
        """Loop until stopped, outliving database outages."""
        logger.info("Worker %s started", self.name)
        failures = 0
        while not self.stopping.is_set():
            try:
                close_old_connections()
                sent = self.turn()
                failures = 0
            except DatabaseError as error:
                if not outbox.connection_lost(error):
                    raise
                failures += 1
                pause = min(0.25 * 2**failures, RECONNECT_PAUSE_MAX)
                logger.warning(
                    "Database unreachable (%s); trying again in %.1f s", type(error).__name__, pause
                )
                outbox.reset_connection()
                self.stopping.wait(pause)
                continue
            if not sent:
                self.stopping.wait(self.poll)
        self._say_goodbye()
        logger.info("Worker %s stopped", self.name)

    def turn(self, *, beat: bool = True) -> int:
        """Create due reminders (every REMINDERS_EVERY), then send everything due. Returns how
        many e-mails were handled."""
        if beat:
            self._beat()
        if time.monotonic() >= self._next_reminders:
            notifications.create_due_reminders()
            self._next_reminders = time.monotonic() + REMINDERS_EVERY
        handled = 0
        for deliver_next in OUTBOXES:
            while not self.stopping.is_set():
                result = deliver_next()
                if result is None:
                    break
                handled += 1
                if beat:
                    self._beat()
        return handled

    def _beat(self) -> None:
        if time.monotonic() < self._next_beat:
            return
        now = timezone.now()
        if not WorkerHeartbeat.objects.filter(name=self.name).update(seen_at=now):
            # Rows of workers gone a day without saying goodbye (killed) are of no more use.
            WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()
            WorkerHeartbeat.objects.create(name=self.name, started_at=self.started_at, seen_at=now)
        self._next_beat = time.monotonic() + BEAT_EVERY

    def _say_goodbye(self) -> None:
        with contextlib.suppress(DatabaseError):  # else the row goes stale
            WorkerHeartbeat.objects.filter(name=self.name).delete()


class Command(BaseCommand):
    help = (
        "Send the portal's e-mails and create due deadline reminders, until stopped (SIGTERM, "
        "Ctrl-C). Several may run at once."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="Create due reminders, send everything that is due, then exit.",
        )
        parser.add_argument(
            "--poll",
            type=float,
            default=2.0,
            help="Seconds between looks at the outbox while there is nothing to send (default 2).",
        )

    def handle(self, *args, once: bool = False, poll: float = 2.0, **options) -> None:
        worker = Worker(poll=poll)
        if once:
            worker.turn(beat=False)
            return
        previous = {sig: signal.signal(sig, worker.stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            worker.run()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
