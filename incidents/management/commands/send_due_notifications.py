"""Create due deadline reminders and re-queue e-mails whose task was lost; the worker sends them.

Run it every minute: `make run` does (scripts/serve.sh, `--every 60`); in production a cron line
or systemd timer runs it once a minute, or a service runs it with `--every 60`.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from awareness import outbox as awareness_outbox
from incidents import notifications


class Command(BaseCommand):
    help = "Queue due deadline reminders and re-queue lost e-mail tasks (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            help="Repeat every this many seconds until stopped (0: run once).",
        )

    def handle(self, *args, every: int = 0, **options) -> None:
        while True:
            result = notifications.sweep()
            # The campaigns' reminder e-mails (awareness/outbox.py) whose task was lost.
            awareness_outbox.requeue_lost()
            if result.reminders or result.requeued or options["verbosity"] > 1:
                self.stdout.write(
                    f"Reminders queued: {result.reminders}; tasks re-queued: {result.requeued}"
                )
            if every <= 0:
                return
            time.sleep(every)
