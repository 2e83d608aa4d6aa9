"""The GDPR unit's pages: the deadline dashboard, the Datatilsynet draft and the letter to the
data subjects, the art. 33(5) register with its CSV export, statistics and the deadline
calendar. Reads come from gdpr/selectors.py and incidents/register.py; nothing here writes."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gdpr import calendar, charts, deadlines, selectors
from gdpr.forms import DashboardFilter
from gdpr.rows import RowMaker, rows_for
from incidents import breach_record
from incidents import register as breach_register
from incidents.access import get_incident_for_user
from incidents.models import CalendarFeed, Category, Incident
from incidents.steps import STEP_RECORDS
from portal import caching, roles
from portal.views import forbidden_unless

# --- The deadline dashboard ---------------------------------------------------------------------


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    forbidden_unless(roles.can_see_dashboard(request.user))
    now = timezone.now()
    form = DashboardFilter(request.GET or None)
    if form.is_bound and not form.is_valid():
        messages.warning(
            request, _("Filteret kunne ikke bruges, så alle åbne sager vises. Vælg igen nedenfor.")
        )
        form = DashboardFilter()
    filters = form.cleaned_data if form.is_bound else None
    form.fields["afdeling"].widget.rendered = caching.fragment(
        request,
        caching.DEPARTMENTS,
        "gdpr-dashboard-afdeling",
        lambda: DashboardFilter()["afdeling"].as_widget(),
    )
    shown = selectors.filter_condition(filters, now=now, user=request.user)
    counts = selectors.queue_counts(now=now, user=request.user, shown=shown)
    page = selectors.dashboard_page(
        filters, shown=shown, counts=counts, user=request.user, number=request.GET.get("side")
    )
    make_row = RowMaker(now, user=request.user)
    rows = rows_for(make_row, list(page.object_list), (filters or {}).get("ordning", ""))
    query = request.GET.copy()
    query.pop("side", None)
    return render(
        request,
        "gdpr/dashboard.html",
        {
            "rows": rows,
            "rows_html": make_row.html(rows),
            "page": page,
            "form": form,
            "counts": counts,
            "queues": [(code, label, counts[code]) for code, label in deadlines.QUEUES.items()],
            "active_queue": (filters or {}).get("ko", ""),
            "query": query.urlencode(),
            "now": now,
            # Column names, also the labels of a row's values when rows stack on a phone.
            "labels": make_row.labels,
            "read_only": not roles.can_handle_incidents(request.user),
            "show_register": roles.can_see_breach_register(request.user),
            "js_labels": make_row.script_labels(),
            "nis2_enabled": settings.NIS2_ENABLED,
        },
    )


# --- What Datatilsynet and the data subjects are told ------------------------------------------


@require_GET
def draft(request: HttpRequest, reference: str) -> HttpResponse:
    incident = get_incident_for_user(
        request.user,
        reference,
        queryset=Incident.objects.select_related("department", *STEP_RECORDS).prefetch_related(
            "dt_notifications"
        ),
    )
    forbidden_unless(roles.can_see_breach_register(request.user))
    items = breach_record.draft_items(incident, now=timezone.now())
    return render(
        request,
        "gdpr/draft.html",
        {"incident": incident, "items": items, "missing_count": sum(i.missing for i in items)},
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


# ?klassifikation=ikke-brud: the incidents assessed as not a personal-data breach, kept apart.
NOT_BREACH_PARAMETER = "ikke-brud"
CSV_BATCH_ROWS = 500


def _breaches(request: HttpRequest) -> bool:
    return request.GET.get("klassifikation") != NOT_BREACH_PARAMETER


@require_GET
def register(request: HttpRequest) -> HttpResponse:
    forbidden_unless(roles.can_see_breach_register(request.user))
    year = _year(request)
    breaches = _breaches(request)
    page, rows = selectors.register_page(year, breaches=breaches, number=request.GET.get("side"))
    columns = breach_register.columns()
    shown = breach_register.summary_indexes()
    return render(
        request,
        "gdpr/register.html",
        {
            "year": year,
            "years": selectors.years(),
            # The table shows the summary columns; each line folds out every fact (the CSV has
            # all of them as columns).
            "columns": [columns[i] for i in shown],
            "lines": [
                {
                    "cells": [(columns[i], row[i]) for i in shown],
                    "facts": list(zip(columns, row, strict=True)),
                }
                for row in rows
            ],
            "rows": rows,
            "page": page,
            "breaches": breaches,
            "not_breach_parameter": NOT_BREACH_PARAMETER,
            "year_filter_classification": "" if breaches else NOT_BREACH_PARAMETER,
            "page_query": f"aar={year}"
            + ("" if breaches else f"&klassifikation={NOT_BREACH_PARAMETER}"),
            "show_register": True,
        },
    )


class _Echo:
    """A file-like object for csv.writer that hands back what it is given."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(columns: list[str], rows: Iterator[list[str]]) -> Iterator[str]:
    # Danish Excel: a byte-order mark to recognise UTF-8, and ';' because ',' is the decimal mark.
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(columns)
    safe = breach_register.spreadsheet_safe
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
    # The labels and time zone are taken now, while the request's language is active; the
    # incidents are read in chunks as the response is sent, so a year of twenty thousand lines
    # never sits in the worker's memory at once. Dates are ISO, so Excel sorts them.
    rows = breach_register.rows(
        breach_register.queryset(year, breaches=breaches).iterator(chunk_size=2000),
        breach_register.first_notifications(year),
        spreadsheet=True,
    )
    response = StreamingHttpResponse(
        _csv_lines(breach_register.columns(), rows), content_type="text/csv; charset=utf-8"
    )
    name = "brudfortegnelse" if breaches else "ikke-brud"
    response["Content-Disposition"] = f'attachment; filename="{name}-{year}.csv"'
    return response


# --- Statistics ---------------------------------------------------------------------------------


@require_GET
def statistics_page(request: HttpRequest) -> HttpResponse:
    forbidden_unless(roles.can_see_breach_statistics(request.user))
    year = _year(request)
    figures = selectors.year_statistics(year)
    month_names = [date_format(datetime(year, m, 1), "M") for m in range(1, 13)]  # noqa: DTZ001
    series = [
        (str(label), figures.per_month[code])
        for code, label in Category.choices
        if code in figures.per_month
    ]
    chart = charts.stacked_bars(
        chart_id="per-month",
        title=_("Sikkerhedsbrud pr. måned i %(year)s, fordelt på kategori") % {"year": year},
        description=_("I alt %(n)d brud. Tallene står i tabellen under diagrammet.")
        % {"n": figures.total},
        labels=month_names,
        series=series,
    )
    categories = dict(Category.choices)
    unknown = _("Ukendt afdeling")
    return render(
        request,
        "gdpr/statistics.html",
        {
            "year": year,
            "years": selectors.years(),
            "chart": chart,
            "months": month_names,
            "series": series,
            "total": figures.total,
            "notified": figures.notified,
            "on_time": figures.on_time,
            "on_time_share": (
                round(100 * figures.on_time / figures.notified) if figures.notified else None
            ),
            "median_containment": figures.median_containment,
            "median_decision": figures.median_decision,
            "repeats": [
                (department or unknown, str(categories.get(code, code)), n)
                for department, code, n in figures.repeats
            ],
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
