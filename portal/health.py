"""/healthz for the reverse proxy and monitoring: is the database reachable, is a worker alive,
how long has the oldest unsent e-mail waited. No login, no personal data: numbers only."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError
from django.db.models import Max, Min
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from incidents.models import Notification
from portal.models import WorkerHeartbeat

UNSENT = [Notification.Status.PENDING, Notification.Status.SENDING, Notification.Status.FAILED]


@login_not_required
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when all is well, 503 (with what is wrong) when the database cannot be reached, no
    worker has beaten for HEALTH_WORKER_SECONDS, or an e-mail has waited HEALTH_EMAIL_MINUTES."""
    now = timezone.now()
    try:
        beat = WorkerHeartbeat.objects.aggregate(newest=Max("seen_at"))["newest"]
        waiting = Notification.objects.filter(status__in=UNSENT).aggregate(oldest=Min("created"))[
            "oldest"
        ]
    except DatabaseError:
        return JsonResponse({"status": "fail", "database": "unreachable"}, status=503)
    worker_age = round((now - beat).total_seconds()) if beat else None
    email_age = round((now - waiting).total_seconds()) if waiting else 0
    worker_ok = worker_age is not None and worker_age <= settings.HEALTH_WORKER_SECONDS
    email_ok = email_age <= settings.HEALTH_EMAIL_MINUTES * 60
    healthy = worker_ok and email_ok
    return JsonResponse(
        {
            "status": "ok" if healthy else "fail",
            "database": "ok",
            "worker": {"ok": worker_ok, "seconds_since_heartbeat": worker_age},
            "email": {"ok": email_ok, "oldest_unsent_seconds": email_age},
        },
        status=200 if healthy else 503,
    )
