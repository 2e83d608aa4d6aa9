"""The GDPR unit's pages: the deadline dashboard, the Datatilsynet draft, the art. 33(5)
register with its CSV export, statistics and the personal deadline calendar."""

from __future__ import annotations

import csv
import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from gdpr import calendar, charts, deadlines
from incidents import breach_record
from incidents.access import get_incident_for_user
from incidents.duties import DUTIES
from incidents.formatting import TimeLeftFormatter, dk_datetime
from incidents.models import CalendarFeed, Category, Incident, NotifyDecision, Status
from portal import roles
from portal.models import Department
from portal.views import forbidden_unless

DASHBOARD_PAGE_SIZE = 50

# --- The deadline dashboard ---------------------------------------------------------------------


class DashboardFilter(forms.Form):
    ko = forms.ChoiceField(
        label=gettext_lazy("Kø"),
        required=False,
        choices=[("", gettext_lazy("Alle åbne")), *deadlines.QUEUES.items()],
    )
    kategori = forms.ChoiceField(
        label=gettext_lazy("Kategori"),
        required=False,
        choices=[("", gettext_lazy("Alle")), *Category.choices],
    )
    afdeling = forms.ModelChoiceField(
        label=gettext_lazy("Afdeling"),
        required=False,
        queryset=Department.objects.all(),
        empty_label=gettext_lazy("Alle"),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("", gettext_lazy("Alle")),
            (Status.REPORTED, Status.REPORTED.label),
            (Status.ESCALATED, Status.ESCALATED.label),
        ],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"


@dataclass(frozen=True)
class DashboardRow:
    """One table row with every text ready: the template only prints (it is the hot loop)."""

    incident: Incident
    time_left: timedelta | None
    time_left_text: str
    band: Band
    missing: list[tuple[str, str]]
    contradicts: bool
    category: str
    department: str
    reported: str
    aware: str
    deadline: str


@dataclass(frozen=True)
class Band:
    """deadlines.Band with its label translated once per request."""

    code: str
    label: str
    icon: str


def _paginated_count(form: DashboardFilter, counts: dict) -> int | None:
    """The filtered total when the queue counts already know it (saves the paginator's COUNT)."""
    if not form.is_bound:
        return counts["alle"]
    data = form.cleaned_data
    if data["kategori"] or data["afdeling"] or data["status"]:
        return None
    return counts[data["ko"]] if data["ko"] else counts["alle"]


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    forbidden_unless(roles.can_see_dashboard(request.user))
    now = timezone.now()
    base = deadlines.open_incidents()

    # One pass over the open incidents (partial index incident_open_deadline); the clock is a
    # stored column, so no subquery per row.
    counts = base.aggregate(
        alle=Count("pk"),
        **{
            code: Count("pk", filter=deadlines.queue_condition(code, now=now, user=request.user))
            for code in deadlines.QUEUES
        },
    )

    form = DashboardFilter(request.GET or None)
    incidents = base
    if form.is_bound and not form.is_valid():
        messages.warning(
            request, _("Filteret kunne ikke bruges, så alle åbne sager vises. Vælg igen nedenfor.")
        )
        form = DashboardFilter()
    elif form.is_bound:
        data = form.cleaned_data
        if data["ko"]:
            incidents = incidents.filter(
                deadlines.queue_condition(data["ko"], now=now, user=request.user)
            )
        if data["kategori"]:
            incidents = incidents.filter(category=data["kategori"])
        if data["afdeling"]:
            incidents = incidents.filter(department=data["afdeling"])
        if data["status"]:
            incidents = incidents.filter(status=data["status"])

    # Running clocks first, soonest (or longest overdue) deadline first; then the stopped ones.
    # Exactly the key of the index incident_dashboard_order, so a page is an index range scan.
    # In the queues that hold running clocks only, the first key is constant: ordering by the
    # rest lets incident_open_running_deadline serve the page instead.
    order = Incident.DASHBOARD_ORDER
    if form.is_bound and form.cleaned_data.get("ko") in ("anmeldelse", "overskredet"):
        order = order[1:]
    incidents = incidents.select_related("department").order_by(*order)
    paginator = Paginator(incidents, DASHBOARD_PAGE_SIZE)
    known = _paginated_count(form, counts)
    if known is not None:
        paginator.count = known  # a cached_property: the paginator skips its COUNT query
    page = paginator.get_page(request.GET.get("side"))

    # Everything translated once per request, not once per row.
    time_left_text = TimeLeftFormatter.current(compact=True)
    bands = {code: Band(b.code, str(b.label), b.icon) for code, b in deadlines.BANDS.items()}
    missing_labels = {duty.code: str(duty.label) for duty in DUTIES}
    categories = {code: str(label) for code, label in Category.choices}
    rows = []
    for incident in page.object_list:
        left = incident.time_left(now)
        rows.append(
            DashboardRow(
                incident=incident,
                time_left=left,
                time_left_text=time_left_text(left),
                band=bands[deadlines.band_for(left).code],
                missing=[(code, missing_labels[code]) for code in incident.missing_items(now)],
                contradicts=incident.decision_contradicts_risk,
                category=categories.get(incident.category, incident.category),
                department=incident.department.name if incident.department else "–",
                reported=dk_datetime(incident.reported_at),
                aware=dk_datetime(incident.aware_at),
                deadline=dk_datetime(incident.notification_deadline),
            )
        )
    query = request.GET.copy()
    query.pop("side", None)
    return render(
        request,
        "gdpr/dashboard.html",
        {
            "rows": rows,
            "page": page,
            "form": form,
            "counts": counts,
            "queues": [(code, label, counts[code]) for code, label in deadlines.QUEUES.items()],
            "active_queue": form.cleaned_data.get("ko") if form.is_bound else "",
            "query": query.urlencode(),
            "now": now,
            # References are ^SB-[0-9]{4}-[0-9]{4,}$ (a check constraint): URL-safe as they are.
            "detail_prefix": reverse("incidents:detail", args=["SB-0000-0000"]).removesuffix(
                "SB-0000-0000/"
            ),
            "nothing_missing": _("Intet"),
            "contradicts_label": _("Anmeldes ikke trods risiko"),
            "read_only": not roles.can_handle_incidents(request.user),
            "show_register": roles.can_see_breach_register(request.user),
            "js_labels": {
                "left": time_left_text.left,
                "overdue": time_left_text.overdue,
                "hours": time_left_text.hours,
                "minutes": time_left_text.minutes,
                "bands": {code: b.label for code, b in bands.items()},
                "icons": {code: b.icon for code, b in bands.items()},
                "limits": {
                    code: limit.total_seconds() * 1000 for code, limit in deadlines.BAND_LIMITS
                },
            },
        },
    )


# --- The Datatilsynet draft --------------------------------------------------------------------


@require_GET
def draft(request: HttpRequest, reference: str) -> HttpResponse:
    incident = get_incident_for_user(request.user, reference)
    forbidden_unless(roles.can_see_breach_register(request.user))
    incident = (
        Incident.objects.select_related("department")
        .prefetch_related("dt_notifications")
        .get(pk=incident.pk)
    )
    items = breach_record.draft_items(incident, now=timezone.now())
    return render(
        request,
        "gdpr/draft.html",
        {
            "incident": incident,
            "items": items,
            "missing_count": sum(item.missing for item in items),
        },
    )


@require_GET
def subjects_letter(request: HttpRequest, reference: str) -> HttpResponse:
    """Art. 34: a letter to the people whose data was affected, in plain Danish."""
    incident = get_incident_for_user(request.user, reference)
    forbidden_unless(roles.can_see_breach_register(request.user))
    items = breach_record.subjects_letter(incident)
    return render(
        request,
        "gdpr/letter.html",
        {
            "incident": incident,
            "items": items,
            "missing_count": sum(item.missing for item in items),
            "organisation": settings.PORTAL_ORGANISATION,
        },
    )


# --- The register (art. 33(5)) ------------------------------------------------------------------


def _year(request: HttpRequest) -> int:
    """The ?aar= year, or this year with a message if it is not a sensible year."""
    this_year = timezone.localtime().year
    raw = request.GET.get("aar", "")
    if not raw:
        return this_year
    if raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= this_year + 1:
        return int(raw)
    messages.warning(request, _("Året kunne ikke bruges; viser %(year)s.") % {"year": this_year})
    return this_year


def _years() -> list[int]:
    this_year = timezone.localtime().year
    first = Incident.objects.order_by("reported_at").values_list("reported_at", flat=True).first()
    start = timezone.localtime(first).year if first else this_year
    return list(range(this_year, start - 1, -1))


REGISTER_PAGE_SIZE = 100
CSV_BATCH_ROWS = 500


# ?klassifikation=ikke-brud: the incidents assessed as not a personal-data breach, kept apart.
NOT_BREACH_PARAMETER = "ikke-brud"


def _breaches(request: HttpRequest) -> bool:
    return request.GET.get("klassifikation") != NOT_BREACH_PARAMETER


@require_GET
def register(request: HttpRequest) -> HttpResponse:
    forbidden_unless(roles.can_see_breach_register(request.user))
    year = _year(request)
    breaches = _breaches(request)
    # A year can hold thousands of breaches: the page shows them a hundred at a time (the CSV
    # has them all), and only the page's lines are built.
    page = Paginator(
        breach_record.register_queryset(year, breaches=breaches), REGISTER_PAGE_SIZE
    ).get_page(request.GET.get("side"))
    incidents = list(page.object_list)
    firsts = (
        breach_record.first_notifications(year, pks=[i["pk"] for i in incidents])
        if incidents
        else {}
    )
    return render(
        request,
        "gdpr/register.html",
        {
            "year": year,
            "years": _years(),
            "columns": breach_record.register_columns(),
            "rows": list(breach_record.register_rows(incidents, firsts)),
            "page": page,
            "breaches": breaches,
            "not_breach_parameter": NOT_BREACH_PARAMETER,
            "year_filter_classification": "" if breaches else NOT_BREACH_PARAMETER,
            "show_register": True,
        },
    )


class _Echo:
    """A file-like object for csv.writer that hands back what it is given."""

    def write(self, value: str) -> str:
        return value


def _register_csv_lines(columns: list[str], rows: Iterator[list[str]]) -> Iterator[str]:
    # Danish Excel: a byte-order mark to recognise UTF-8, and ';' because ',' is the decimal mark.
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(columns)
    safe = breach_record.spreadsheet_safe
    batch: list[str] = []
    for row in rows:
        batch.append(writer.writerow([safe(cell) for cell in row]))
        if len(batch) >= CSV_BATCH_ROWS:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


@require_GET
def register_csv(request: HttpRequest) -> StreamingHttpResponse:
    forbidden_unless(roles.can_see_breach_register(request.user))
    year = _year(request)
    breaches = _breaches(request)
    # Labels and time zone are taken now, while the request's language is active; the
    # incidents are read in chunks as the response is sent, so a year of twenty thousand lines
    # never sits in the worker's memory at once. Dates are ISO, so Excel sorts them.
    rows = breach_record.register_rows(
        breach_record.register_queryset(year, breaches=breaches).iterator(chunk_size=2000),
        breach_record.first_notifications(year),
        formatter=breach_record.RegisterFormatter(spreadsheet=True),
    )
    response = StreamingHttpResponse(
        _register_csv_lines(breach_record.register_columns(), rows),
        content_type="text/csv; charset=utf-8",
    )
    name = "brudfortegnelse" if breaches else "ikke-brud"
    response["Content-Disposition"] = f'attachment; filename="{name}-{year}.csv"'
    return response


# --- Statistics ---------------------------------------------------------------------------------


def _median_hours(deltas: list[timedelta]) -> float | None:
    if not deltas:
        return None
    return round(statistics.median(d.total_seconds() for d in deltas) / 3600, 1)


@require_GET
def statistics_page(request: HttpRequest) -> HttpResponse:
    forbidden_unless(roles.can_see_breach_statistics(request.user))
    year = _year(request)
    incidents = list(
        Incident.objects.filter(reported_at__year=year)
        .select_related("department")
        .only(
            "reported_at",
            "category",
            "department__name",
            "aware_at",
            "contained_at",
            "decided_at",
            "notify_decision",
            "clock_stopped_at",
            "notification_deadline",
        )
    )
    month_names = [date_format(datetime(year, m, 1), "M") for m in range(1, 13)]  # noqa: DTZ001
    per_month = {code: [0] * 12 for code in Category.values}
    for incident in incidents:
        per_month[incident.category][timezone.localtime(incident.reported_at).month - 1] += 1
    series = [(str(label), per_month[code]) for code, label in Category.choices]
    series = [s for s in series if sum(s[1])]
    chart = charts.stacked_bars(
        chart_id="per-month",
        title=_("Sikkerhedsbrud pr. måned i %(year)s, fordelt på kategori") % {"year": year},
        description=_("I alt %(n)d brud. Tallene står i tabellen under diagrammet.")
        % {"n": len(incidents)},
        labels=month_names,
        series=series,
    )
    # With a decision to notify, the stored clock stopped at the initial notification.
    notified = [
        i
        for i in incidents
        if i.notify_decision == NotifyDecision.NOTIFY and i.clock_stopped_at is not None
    ]
    on_time = [i for i in notified if not i.notified_late]
    repeats = Counter(
        (str(i.department or _("Ukendt afdeling")), i.get_category_display()) for i in incidents
    )
    return render(
        request,
        "gdpr/statistics.html",
        {
            "year": year,
            "years": _years(),
            "chart": chart,
            "months": month_names,
            "series": series,
            "total": len(incidents),
            "notified": len(notified),
            "on_time": len(on_time),
            "on_time_share": round(100 * len(on_time) / len(notified)) if notified else None,
            "median_containment": _median_hours(
                [i.contained_at - i.aware_at for i in incidents if i.contained_at]
            ),
            "median_decision": _median_hours(
                [i.decided_at - i.aware_at for i in incidents if i.decided_at]
            ),
            "repeats": sorted(
                ((d, c, n) for (d, c), n in repeats.items() if n > 1), key=lambda r: -r[2]
            ),
            "show_register": roles.can_see_breach_register(request.user),
        },
    )


# --- The deadline calendar ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def calendar_settings(request: HttpRequest) -> HttpResponse:
    forbidden_unless(roles.can_have_deadline_calendar(request.user))
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            calendar.feed_create(user=request.user)
            messages.success(
                request, _("Din kalenderadresse er oprettet. Den gamle virker ikke mere.")
            )
        elif action == "revoke":
            calendar.feed_revoke(user=request.user)
            messages.success(request, _("Din kalenderadresse er slettet og virker ikke mere."))
        else:
            messages.warning(request, _("Handlingen kendes ikke; intet er ændret."))
        return redirect("incidents:calendar")
    feed = CalendarFeed.objects.filter(user=request.user).first()
    feed_url = (
        settings.SITE_URL + reverse("incidents:calendar_feed", args=[feed.token]) if feed else ""
    )
    return render(
        request,
        "gdpr/calendar.html",
        {"feed": feed, "feed_url": feed_url, "show_register": True},
    )


@login_not_required  # calendar programs cannot log in: the secret token is the credential
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active or not roles.can_have_deadline_calendar(feed.user):
        raise Http404
    response = HttpResponse(
        calendar.render_feed(now=timezone.now()), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, no-store"
    return response
