"""Background jobs, run by `manage.py db_worker` (django-tasks with its database backend)."""

from __future__ import annotations

from django_tasks import task

from incidents import notifications


@task()
def send_notification(notification_id: int) -> str:
    """Send one outbox row; a no-op if it is already sent or another worker holds it."""
    return notifications.deliver(notification_id)
