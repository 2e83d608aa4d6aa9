"""Repeated breaches drive awareness: breaches of one category in one department, at least
AWARENESS_REPEAT_THRESHOLD of them reported within the last AWARENESS_REPEAT_MONTHS calendar
months, with the folder sections that teach how to avoid them (CategorySections) and the
targeted campaign started for them, if any. Shown on the deadline dashboard and the statistics
page. One aggregate query, one for the map, one for the campaigns."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count

from awareness.models import Campaign, CategorySections
from awareness.progress import is_overdue
from incidents.models import Category, Incident
from portal.models import Department

CPH = ZoneInfo("Europe/Copenhagen")


def months_before(now: datetime, months: int) -> datetime:
    """The same wall time `months` calendar months earlier in Copenhagen (the month's last day
    when it is shorter)."""
    local = now.astimezone(CPH)
    index = local.year * 12 + local.month - 1 - months
    year, month = divmod(index, 12)
    day = min(local.day, calendar.monthrange(year, month + 1)[1])
    return local.replace(year=year, month=month + 1, day=day)


@dataclass(frozen=True)
class Repeat:
    department_id: int
    department: str
    category: str
    category_label: str
    count: int
    sections: list  # guidance.Section, in the folder's order
    campaign: Campaign | None  # a targeted campaign still running for it


def repeats(*, now: datetime) -> list[Repeat]:
    """Department and category pairs at or over the threshold, most breaches first. Incidents
    assessed as not a breach do not count."""
    return repeats_first(now=now)[0]


def repeats_first(*, now: datetime, limit: int | None = None) -> tuple[list[Repeat], int]:
    """The first `limit` of repeats() (all with None), and how many there are in all: the
    sections and campaigns are looked up only for those shown."""
    since = months_before(now, settings.AWARENESS_REPEAT_MONTHS)
    # Grouped by the keys only, over the covering index incident_repeats (an index-only scan of
    # the window); the departments' names are read and ordered afterwards.
    rows = list(
        Incident.objects.exclude(classification="not_breach")
        .filter(reported_at__gte=since, reported_at__lte=now, department__isnull=False)
        .values("department", "category")
        .annotate(n=Count("pk"))
        .filter(n__gte=settings.AWARENESS_REPEAT_THRESHOLD)
        .order_by()
    )
    names = dict(
        Department.objects.filter(pk__in={r["department"] for r in rows})
        .order_by("name")
        .values_list("pk", "name")
    )
    place = {pk: index for index, pk in enumerate(names)}  # the database's collation order
    rows.sort(key=lambda r: (-r["n"], place[r["department"]], r["category"]))
    total = len(rows)
    rows = rows[:limit]
    if not rows:
        return [], total
    mapped = {
        m.category: sorted(m.sections.all(), key=lambda s: (s.order, s.pk))
        for m in CategorySections.objects.filter(
            category__in={r["category"] for r in rows}
        ).prefetch_related("sections")
    }
    running: dict[tuple[int, str], Campaign] = {}
    targeted = Campaign.objects.filter(
        repeat_category__in={r["category"] for r in rows}, all_staff=False
    ).prefetch_related("departments")
    for campaign in targeted.order_by("started_at"):
        if is_overdue(campaign, now):
            continue
        for department in campaign.departments.all():
            running[department.pk, campaign.repeat_category] = campaign
    labels = dict(Category.choices)
    flags = [
        Repeat(
            department_id=r["department"],
            department=names[r["department"]],
            category=r["category"],
            category_label=str(labels.get(r["category"], r["category"])),
            count=r["n"],
            sections=mapped.get(r["category"], []),
            campaign=running.get((r["department"], r["category"])),
        )
        for r in rows
    ]
    return flags, total
