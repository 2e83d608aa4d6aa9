"""dk_datetime builds its text directly; it must say exactly what date_format would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.utils import timezone, translation
from django.utils.formats import date_format

from incidents.templatetags.incidents import DK_DATETIME_FORMAT, dk_datetime


def test_dk_datetime_matches_date_format_every_month_and_across_daylight_saving() -> None:
    start = datetime(2025, 12, 31, 22, 59, tzinfo=UTC)  # New Year in Copenhagen time
    moments = [start + timedelta(hours=7 * n, minutes=13 * n) for n in range(1300)]
    moments += [datetime(2026, 3, 29, 0, 59, tzinfo=UTC), datetime(2026, 10, 25, 1, 0, tzinfo=UTC)]
    for language in ("da", "en"):
        with translation.override(language):
            for moment in moments:
                expected = date_format(timezone.localtime(moment), DK_DATETIME_FORMAT)
                assert dk_datetime(moment) == expected
    with translation.override("da"):
        assert dk_datetime(datetime(2026, 3, 30, 9, 5, tzinfo=UTC)) == "30. marts 2026 kl. 11:05"
    assert dk_datetime(None) == ""
