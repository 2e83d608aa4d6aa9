"""Background jobs, run by `manage.py db_worker` with the incidents' e-mails."""

from __future__ import annotations

from django_tasks import task

from awareness import outbox


@task()
def send_reminder_email(pk: int) -> str:
    """Send one campaign reminder e-mail; a no-op if it is sent or another worker holds it."""
    return outbox.deliver(pk)
