"""The NIS2 clocks: 24 and 72 real hours after awareness and a calendar month on Copenhagen's
wall clock, right across both of 2026's daylight-saving changes; PostgreSQL computes the month
the same way, so the database can check the stored deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from nis2.deadlines import (
    early_warning_deadline,
    final_report_deadline,
    month_after,
    notification_deadline,
)

CPH = ZoneInfo("Europe/Copenhagen")


def cph(*args, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=CPH, fold=fold)


# --- Hours -----------------------------------------------------------------------------------


def test_the_early_warning_is_due_24_real_hours_later_across_the_spring_change():
    # The clocks go forward on 29 March 2026 at 02:00: the wall clock shows 25 hours.
    deadline = early_warning_deadline(cph(2026, 3, 28, 10, 0))
    assert deadline == cph(2026, 3, 29, 11, 0)
    assert deadline - cph(2026, 3, 28, 10, 0) == timedelta(hours=24)


def test_the_early_warning_is_due_24_real_hours_later_across_the_autumn_change():
    # The clocks go back on 25 October 2026 at 03:00: the wall clock shows 23 hours.
    assert early_warning_deadline(cph(2026, 10, 24, 10, 0)) == cph(2026, 10, 25, 9, 0)


def test_the_notification_is_due_72_real_hours_later_across_both_changes():
    assert notification_deadline(cph(2026, 3, 28, 10, 0)) == cph(2026, 3, 31, 11, 0)
    assert notification_deadline(cph(2026, 10, 23, 10, 0)) == cph(2026, 10, 26, 9, 0)


def test_deadlines_are_returned_in_utc():
    assert early_warning_deadline(cph(2026, 6, 1, 12, 0)).tzinfo is UTC


# --- One calendar month ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "due"),
    [
        # The same wall time a month later: 743 real hours across the spring change …
        (cph(2026, 3, 10, 12, 0), cph(2026, 4, 10, 12, 0)),
        # … and 745 across the autumn change.
        (cph(2026, 10, 10, 12, 0), cph(2026, 11, 10, 12, 0)),
        # A day the next month lacks becomes its last day.
        (cph(2026, 1, 31, 9, 0), cph(2026, 2, 28, 9, 0)),
        (cph(2026, 12, 31, 23, 30), cph(2027, 1, 31, 23, 30)),
        # 02:30 on 25 October 2026 happens twice: the later one (winter time, 01:30 UTC).
        (cph(2026, 9, 25, 2, 30), datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
        # 02:30 on 28 March 2027 does not exist (the clocks go forward): read as 03:30 summer time.
        (cph(2027, 2, 28, 2, 30), datetime(2027, 3, 28, 1, 30, tzinfo=UTC)),
    ],
)
def test_a_month_is_a_calendar_month_on_copenhagens_wall_clock(sent, due):
    assert month_after(sent) == due


def test_the_month_across_the_spring_change_is_743_real_hours():
    sent = cph(2026, 3, 10, 12, 0)
    assert month_after(sent) - sent == timedelta(hours=743)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sent",
    [
        cph(2026, 3, 10, 12, 0),
        cph(2026, 1, 31, 9, 0),
        cph(2026, 9, 25, 2, 30),
        cph(2026, 9, 25, 2, 30, fold=1),
        cph(2027, 2, 28, 2, 30),
        cph(2026, 2, 28, 23, 59),
        cph(2026, 10, 25, 2, 30, fold=1),
    ],
)
def test_postgresql_computes_the_same_month(sent):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ((%s::timestamptz AT TIME ZONE 'Europe/Copenhagen') + INTERVAL '1 month') "
            "AT TIME ZONE 'Europe/Copenhagen'",
            [sent],
        )
        (in_sql,) = cursor.fetchone()
    assert in_sql == month_after(sent)


# --- The final report, and the "still ongoing" branch -------------------------------------------


def test_the_final_report_is_due_a_month_after_the_notification():
    sent = cph(2026, 3, 20, 15, 0)
    assert final_report_deadline(notification_at=sent, progress_at=None, ended_at=None) == cph(
        2026, 4, 20, 15, 0
    )


def test_no_final_report_is_due_before_the_notification():
    assert final_report_deadline(notification_at=None, progress_at=None, ended_at=None) is None


def test_while_still_ongoing_after_a_progress_report_no_final_deadline_runs():
    sent, progress = cph(2026, 3, 20, 15, 0), cph(2026, 4, 20, 14, 0)
    assert final_report_deadline(notification_at=sent, progress_at=progress, ended_at=None) is None


def test_after_a_progress_report_the_final_report_is_due_a_month_after_the_end():
    sent, progress, ended = cph(2026, 9, 1, 9, 0), cph(2026, 9, 30, 9, 0), cph(2026, 10, 20, 16, 0)
    due = final_report_deadline(notification_at=sent, progress_at=progress, ended_at=ended)
    assert due == cph(2026, 11, 20, 16, 0)  # across the autumn change: 745 real hours
    assert due - ended == timedelta(hours=745)
