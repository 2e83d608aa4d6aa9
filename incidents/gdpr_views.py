"""The GDPR unit's pages: the deadline dashboard, the Datatilsynet draft, the art. 33(5)
register with its CSV export, statistics and the personal deadline calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from incidents import deadlines
from incidents.models import Category, DatatilsynetNotification, Incident, Status
from portal import roles
from portal.models import Department
from portal.views import forbidden_unless

DASHBOARD_PAGE_SIZE = 100

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
    incident: Incident
    time_left: timedelta | None
    time_left_text: str
    band: deadlines.Band
    missing: list[tuple[str, str]]


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    forbidden_unless(roles.can_see_dashboard(request.user))
    now = timezone.now()
    base = deadlines.open_incidents()

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
    incidents = (
        incidents.select_related("department", "owner")
        .prefetch_related(
            Prefetch(
                "dt_notifications",
                queryset=DatatilsynetNotification.objects.only("pk", "incident_id", "notified_at"),
            )
        )
        .order_by("-clock_is_running", "notification_deadline", "pk")
    )
    page = Paginator(incidents, DASHBOARD_PAGE_SIZE).get_page(request.GET.get("side"))
    rows = []
    for incident in page.object_list:
        left = incident.time_left(now)
        rows.append(
            DashboardRow(
                incident=incident,
                time_left=left,
                time_left_text=deadlines.compact_time_left(left),
                band=deadlines.band_for(left),
                missing=[
                    (code, str(deadlines.MISSING_LABELS[code]))
                    for code in incident.missing_items(now)
                ],
            )
        )
    query = request.GET.copy()
    query.pop("side", None)
    return render(
        request,
        "incidents/gdpr/dashboard.html",
        {
            "rows": rows,
            "page": page,
            "form": form,
            "counts": counts,
            "queues": [(code, label, counts[code]) for code, label in deadlines.QUEUES.items()],
            "active_queue": form.cleaned_data.get("ko") if form.is_bound else "",
            "query": query.urlencode(),
            "now": now,
            "bands": deadlines.BANDS,
            "read_only": not roles.can_handle_incidents(request.user),
            "show_register": roles.can_see_breach_register(request.user),
            "js_labels": {
                "left": _("%(span)s tilbage"),
                "overdue": _("overskredet med %(span)s"),
                "hours": _("%(n)d t"),
                "minutes": _("%(n)d min"),
                "bands": {code: str(b.label) for code, b in deadlines.BANDS.items()},
                "icons": {code: b.icon for code, b in deadlines.BANDS.items()},
            },
        },
    )
