"""Repeated breaches on the deadline dashboard and the statistics page: `{% repeat_flags %}`."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from awareness.repeats import Repeat, repeats
from portal import roles

register = template.Library()

# Stands in for a slug or a number in an address reversed once per table, not once per row.
_SLUG = "_slug_"
_NUMBER = 999999999


@dataclass(frozen=True)
class FlagRow:
    """A flagged repeat with every text and address ready: with forty departments the table
    has hundreds of rows on every view of the dashboard, so the template only prints."""

    repeat: Repeat
    links: SafeString  # the mapped sections as links, comma-separated; empty without any
    campaign_url: str
    started: str  # "Startet <date>" of a running campaign
    start: str  # the start button's text


def _started(repeat: Repeat) -> str:
    if repeat.campaign is None:
        return ""
    started_at = timezone.localtime(repeat.campaign.started_at)
    return _("Startet %(date)s") % {"date": date_format(started_at, "j. F Y")}


@register.inclusion_tag("awareness/_repeats.html", takes_context=True)
def repeat_flags(context) -> dict:
    request = context["request"]
    section_url = reverse("guidance:section", args=[_SLUG])
    campaign_url = reverse("awareness:campaign", args=[_NUMBER])
    rows = [
        FlagRow(
            repeat=r,
            links=format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                ((section_url.replace(_SLUG, s.slug), s.title) for s in r.sections),
            ),
            campaign_url=campaign_url.replace(str(_NUMBER), str(r.campaign.pk))
            if r.campaign
            else "",
            started=_started(r),
            start=_("Start kampagne for %(department)s") % {"department": r.department},
        )
        for r in repeats(now=timezone.now())
    ]
    return {
        "rows": rows,
        "months": settings.AWARENESS_REPEAT_MONTHS,
        "threshold": settings.AWARENESS_REPEAT_THRESHOLD,
        "can_start": roles.can_run_campaigns(request.user),
        "start_url": reverse("awareness:repeat_start"),
        "back": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
