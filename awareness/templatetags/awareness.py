"""Repeated breaches on the deadline dashboard and the statistics page: `{% repeat_flags %}`."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils import timezone

from awareness.repeats import repeats
from portal import roles

register = template.Library()


@register.inclusion_tag("awareness/_repeats.html", takes_context=True)
def repeat_flags(context) -> dict:
    request = context["request"]
    return {
        "repeats": repeats(now=timezone.now()),
        "months": settings.AWARENESS_REPEAT_MONTHS,
        "threshold": settings.AWARENESS_REPEAT_THRESHOLD,
        "can_start": roles.can_run_campaigns(request.user),
        "back": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
