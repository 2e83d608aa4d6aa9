"""The NIS2 clocks (art. 23(4)), each rule once, in Python and in SQL side by side.

- Early warning: 24 real hours after the municipality became aware of the significant incident.
- Incident notification: 72 real hours after it.
- Final report: one month after the incident notification; if the incident is still being
  handled then, a progress report is due at that time instead, and the final report one month
  after the handling ended.

Hours are counted in UTC, as Incident.deadline_for does: Python adds a timedelta to a
Europe/Copenhagen time on the wall clock, which would make a window 23 or 25 real hours across a
daylight-saving change. A *month* is a calendar month on Copenhagen's wall clock: 10 March 12:00
→ 10 April 12:00 (743 real hours that year); a day the next month lacks becomes its last day
(31 January → 28 February); a wall time the clocks skip or repeat that day is read as the later
of its two readings (PostgreSQL reads it the same way, so the database can check it).
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import models

EARLY_WARNING_WINDOW = timedelta(hours=24)
NOTIFICATION_WINDOW = timedelta(hours=72)
COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def early_warning_deadline(aware_at: datetime) -> datetime:
    return aware_at.astimezone(UTC) + EARLY_WARNING_WINDOW


def notification_deadline(aware_at: datetime) -> datetime:
    return aware_at.astimezone(UTC) + NOTIFICATION_WINDOW


def month_after(moment: datetime) -> datetime:
    """One calendar month after `moment` on Copenhagen's wall clock, in UTC (MonthAfter in SQL)."""
    local = moment.astimezone(COPENHAGEN)
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    day = min(local.day, calendar.monthrange(year, month)[1])
    wall = local.replace(tzinfo=None, year=year, month=month, day=day, fold=0)
    # In the hour the clocks skip, fold 0 reads the wall time with the offset before the change
    # and fold 1 with the one after; in the hour they repeat, fold 0 is its first pass. The
    # later reading is PostgreSQL's in both cases.
    return max(wall.replace(tzinfo=COPENHAGEN, fold=fold).astimezone(UTC) for fold in (0, 1))


class MonthAfter(models.Func):
    """month_after() in SQL: timestamp arithmetic on Copenhagen's wall clock (PostgreSQL's
    `+ interval '1 month'` keeps the day or takes the month's last one)."""

    template = (
        "((%(expressions)s AT TIME ZONE 'Europe/Copenhagen') + INTERVAL '1 month') "
        "AT TIME ZONE 'Europe/Copenhagen'"
    )
    output_field = models.DateTimeField()


def final_report_deadline(
    *, notification_at: datetime | None, progress_at: datetime | None, ended_at: datetime | None
) -> datetime | None:
    """The last clock: a month after the incident notification, or, once a progress report said
    the incident was still being handled, a month after the handling ended (None until then).
    The database checks the stored value by the same rule (Nis2Case's constraints)."""
    if notification_at is None:
        return None
    if progress_at is None:
        return month_after(notification_at)
    return month_after(ended_at) if ended_at is not None else None
