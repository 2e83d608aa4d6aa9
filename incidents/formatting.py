"""How times and spans read, in one place: templates (via templatetags), pages, the register,
the draft and e-mails all format through here."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

DK_DATETIME_FORMAT = r"j. F Y \k\l. H:i"


@functools.cache
def _month_names(language: str | None) -> tuple[str, ...]:
    # What date_format's "F" looks up (translated month names), once per language.
    return tuple(str(MONTHS[m]) for m in range(1, 13))


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


def iso_local(value: datetime | None) -> str:
    """'2026-05-04 09:00' in Copenhagen time: what a spreadsheet reads as a sortable date."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class TimeLeftFormatter:
    """'Time left' in words. The translated pieces are looked up once (per request or row
    batch), not once per row; `compact` is the dashboard's short form ('2 t 14 min tilbage'),
    the long form reads '2 døgn og 3 timer tilbage'."""

    compact: bool
    left: str
    overdue: str
    stopped: str
    hours: str
    minutes: str
    joiner: str

    @classmethod
    def current(cls, *, compact: bool = False) -> TimeLeftFormatter:
        if compact:
            return cls(
                compact=True,
                left=_("%(span)s tilbage"),
                overdue=_("overskredet med %(span)s"),
                stopped=_("Fristen er stoppet"),
                hours=_("%(n)d t"),
                minutes=_("%(n)d min"),
                joiner=" ",
            )
        return cls(
            compact=False,
            left=_("%(span)s tilbage"),
            overdue=_("Fristen er overskredet med %(span)s"),
            stopped=_("Fristen er stoppet"),
            hours="",
            minutes="",
            joiner=_(" og "),
        )

    def span(self, delta: timedelta) -> str:
        """Whole minutes, rounded down: '2 t 14 min' or '1 døgn og 3 timer'."""
        minutes = int(delta.total_seconds() // 60)
        if self.compact:
            hours, minutes = divmod(minutes, 60)
            parts = [self.hours % {"n": hours}] if hours else []
            if minutes or not hours:
                parts.append(self.minutes % {"n": minutes})
            return self.joiner.join(parts)
        days, minutes = divmod(minutes, 24 * 60)
        hours, minutes = divmod(minutes, 60)
        parts = []
        if days:
            parts.append(ngettext("%(n)d døgn", "%(n)d døgn", days) % {"n": days})
        if hours:
            parts.append(ngettext("%(n)d time", "%(n)d timer", hours) % {"n": hours})
        if not days and (minutes or not parts):
            parts.append(ngettext("%(n)d minut", "%(n)d minutter", minutes) % {"n": minutes})
        return self.joiner.join(parts)

    def __call__(self, time_left: timedelta | None) -> str:
        if time_left is None:
            return self.stopped
        if time_left < timedelta(0):
            return self.overdue % {"span": self.span(-time_left)}
        return self.left % {"span": self.span(time_left)}


def time_left_text(time_left: timedelta | None, *, compact: bool = False) -> str:
    return TimeLeftFormatter.current(compact=compact)(time_left)
