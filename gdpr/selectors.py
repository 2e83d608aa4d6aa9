"""Reads for the GDPR unit's pages, each a fixed number of SQL statements whatever the number
of incidents: the dashboard's counts and page, the register's page, the year's statistics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Aggregate, Count, F, FloatField, Func, Q
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from gdpr import deadlines
from incidents import register
from incidents.models import Incident, NotifyDecision
from incidents.steps import STEP_RECORDS
from nis2 import selectors as nis2_selectors

DASHBOARD_PAGE_SIZE = 50
REGISTER_PAGE_SIZE = 100


# --- The deadline dashboard ---------------------------------------------------------------------


def filter_condition(filters: dict | None, *, now: datetime, user) -> Q | None:
    """What a valid DashboardFilter's data picks among the open incidents (None: all of them);
    the page and its count both use it."""
    if not filters:
        return None
    conditions = []
    if filters.get("ko"):
        conditions.append(deadlines.queue_condition(filters["ko"], now=now, user=user))
    for field, name in (("category", "kategori"), ("department", "afdeling"), ("status", "status")):
        if filters.get(name):
            conditions.append(Q(**{field: filters[name]}))
    if not conditions:
        return None
    condition = conditions[0]
    for more in conditions[1:]:
        condition &= more
    return condition


def queue_counts(*, now: datetime, user, shown: Q | None = None) -> dict[str, int]:
    """All open incidents, each queue and, given the filter's condition, the incidents `shown`,
    in one pass over the open incidents (partial index incident_open_deadline); the clock is a
    stored column, so no subquery per row."""
    counts = deadlines.open_incidents().aggregate(
        alle=Count("pk"),
        **{
            code: Count("pk", filter=deadlines.queue_condition(code, now=now, user=user))
            for code in deadlines.QUEUES
        },
        **({"shown": Count("pk", filter=shown)} if shown is not None else {}),
    )
    counts.setdefault("shown", counts["alle"])
    return counts


def dashboard_page(
    filters: dict | None, *, shown: Q | None, counts: dict, user, number: str | None
) -> Page:
    """A page of open incidents, most urgent first. `filters`: a valid DashboardFilter's data;
    `shown`: its filter_condition, whose count `counts` has (the paginator's COUNT is not run)."""
    incidents = deadlines.open_incidents()
    if shown is not None:
        incidents = incidents.filter(shown)
    if (filters or {}).get("ordning") == "nis2":
        # NIS2's significant incidents, soonest NIS2 deadline first (a handful a year).
        paginator = Paginator(
            nis2_selectors.significant_incidents(
                incidents.select_related("department", *STEP_RECORDS)
            ),
            DASHBOARD_PAGE_SIZE,
        )
        return paginator.get_page(number)
    # Running clocks first, soonest (or longest overdue) deadline first; then the stopped ones.
    # Exactly the key of the index incident_dashboard_order, so a page is an index range scan.
    # In the queues that hold running clocks only, the first key is constant: ordering by the
    # rest lets incident_open_running_deadline serve the page instead.
    order = Incident.DASHBOARD_ORDER
    if (filters or {}).get("ko") in ("anmeldelse", "overskredet"):
        order = order[1:]
    paginator = Paginator(
        # The step tables' rows too: each line lists the duties still missing.
        incidents.select_related("department", *STEP_RECORDS).with_unread(user).order_by(*order),
        DASHBOARD_PAGE_SIZE,
    )
    paginator.count = counts["shown"]
    return paginator.get_page(number)


# --- The register ----------------------------------------------------------------------------


def register_page(year: int, *, breaches: bool, number: str | None) -> tuple[Page, list]:
    """A page of the year's register (a year can hold thousands of lines: the CSV has them all)
    and its lines, built only for that page."""
    page = Paginator(register.queryset(year, breaches=breaches), REGISTER_PAGE_SIZE).get_page(
        number
    )
    incidents = list(page.object_list)
    firsts = (
        register.first_notifications(year, pks=[i["pk"] for i in incidents]) if incidents else {}
    )
    return page, list(register.rows(incidents, firsts))


def years() -> list[int]:
    """This year back to the year of the first report, newest first."""
    this_year = timezone.localtime().year
    first = Incident.objects.order_by("reported_at").values_list("reported_at", flat=True).first()
    start = timezone.localtime(first).year if first else this_year
    return list(range(this_year, start - 1, -1))


# --- Statistics ---------------------------------------------------------------------------


class _Median(Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _hours_after_awareness(field: str) -> Func:
    return Func(
        F(field) - F("aware_at"),
        template="EXTRACT(EPOCH FROM %(expressions)s) / 3600",
        output_field=FloatField(),
    )


@dataclass(frozen=True)
class YearStatistics:
    total: int
    notified: int
    on_time: int
    median_containment: float | None  # hours after awareness
    median_decision: float | None
    per_month: dict[str, list[int]]  # category code -> 12 counts
    repeats: list[tuple[str | None, str, int]]  # department, category code, count (> 1)


def year_statistics(year: int) -> YearStatistics:
    """The year's figures in three statements, whatever the number of incidents."""
    start, end = register.year_bounds(year)
    year_incidents = Incident.objects.filter(reported_at__gte=start, reported_at__lt=end)
    # With a decision to notify, the stored clock stopped at the initial notification.
    notified = Q(notify_decision=NotifyDecision.NOTIFY, clock_stopped_at__isnull=False)
    figures = year_incidents.aggregate(
        total=Count("pk"),
        notified=Count("pk", filter=notified),
        on_time=Count("pk", filter=notified & Q(clock_stopped_at__lte=F("notification_deadline"))),
        median_containment=_Median(_hours_after_awareness("contained_at")),
        median_decision=_Median(_hours_after_awareness("decided_at")),
    )
    per_month: dict[str, list[int]] = {}
    months = (
        year_incidents.annotate(
            month=ExtractMonth("reported_at", tzinfo=timezone.get_current_timezone())
        )
        .values("category", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in months:
        per_month.setdefault(row["category"], [0] * 12)[row["month"] - 1] = row["n"]
    repeats = (
        year_incidents.values("department__name", "category")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("-n", "department__name", "category")
    )
    return YearStatistics(
        total=figures["total"],
        notified=figures["notified"],
        on_time=figures["on_time"],
        median_containment=_rounded(figures["median_containment"]),
        median_decision=_rounded(figures["median_decision"]),
        per_month=per_month,
        repeats=[(r["department__name"], r["category"], r["n"]) for r in repeats],
    )


def _rounded(hours: float | None) -> float | None:
    return None if hours is None else round(hours, 1)
