"""Danish dates and durations for incident pages."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

register = template.Library()


DK_DATETIME_FORMAT = r"j. F Y \k\l. H:i"


@functools.cache
def _month_names(language: str | None) -> tuple[str, ...]:
    # What date_format's "F" looks up (translated month names), once per language.
    return tuple(str(MONTHS[m]) for m in range(1, 13))


@register.filter
def dk_datetime(value: datetime | None) -> str:
    """'d. MMMM YYYY kl. HH:MM' in Copenhagen time, e.g. '30. marts 2026 kl. 11:00'.

    The same text as date_format(value, DK_DATETIME_FORMAT) (a test compares them), built
    directly: pages like the dashboard and the register call this hundreds of times.
    """
    if value is None:
        return ""
    local = timezone.localtime(value)
    month = _month_names(get_language())[local.month - 1]
    return f"{local.day}. {month} {local.year:04d} kl. {local.hour:02d}:{local.minute:02d}"


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)d døgn", "%(n)d døgn", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d time", "%(n)d timer", hours) % {"n": hours})
    if not days and (minutes or not parts):
        parts.append(ngettext("%(n)d minut", "%(n)d minutter", minutes) % {"n": minutes})
    return _(" og ").join(parts)


@register.filter
def time_left_text(delta: timedelta | None) -> str:
    if delta is None:
        return _("Fristen er stoppet")
    if delta < timedelta(0):
        return _("Fristen er overskredet med %(span)s") % {"span": _span(-delta)}
    return _("%(span)s tilbage") % {"span": _span(delta)}


def _display(value) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, list):
        return ", ".join(_display(v) for v in value)
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_display(v)}" for k, v in value.items() if v)
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            return dk_datetime(datetime.fromisoformat(value))
        except ValueError:
            pass
    return str(value)


@register.filter
def change_rows(entry) -> list[tuple[str, str, str]]:
    """A timeline entry's {field: [old, new]} as (label, old, new) rows for display."""
    from incidents.models import Incident

    rows = []
    for field, (old, new) in (entry.changes or {}).items():
        try:
            label = str(Incident._meta.get_field(field).verbose_name)
        except Exception:
            label = {"dt_notification": _("anmeldelse"), "attachments": _("bilag")}.get(
                field, field
            )
        rows.append((label.capitalize(), _display(old), _display(new)))
    return rows
