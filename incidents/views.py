"""Reporting and handling security breaches."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from incidents import forms, risk, selectors, services
from incidents.access import get_incident_for_user, may
from incidents.duties import DUTIES_BY_CODE
from incidents.files import (
    EXTENSIONS,
    download,
    download_name,
    open_stored,
    sniff_content_type,
)
from incidents.formatting import TimeLeftFormatter
from incidents.history import history
from incidents.models import Category, Incident, RiskLevel, Status, TimelineEntry
from incidents.steps import STEPS, STEPS_BY_ACTION, Step, facts

# --- Reporting -------------------------------------------------------------------------------


# What the reporter typed never goes into an error report (mailed tracebacks, debug pages).
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = forms.ReportForm(request.POST, request.FILES)
        if form.is_valid():
            data = dict(form.cleaned_data)
            files = data.pop("attachments")
            try:
                incident = services.incident_submit(reporter=request.user, files=files, **data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return redirect("incidents:receipt", reference=incident.reference)
    else:
        category = request.GET.get("kategori")
        form = forms.ReportForm(
            initial={
                "category": category if category in Category.values else None,
                "discovered_at": timezone.now(),
                "submission_token": forms.ReportForm.new_token(),
            }
        )
    return render(
        request,
        "incidents/report.html",
        {
            "form": form,
            "categories": Category,
            "draft_labels": {
                "sent": _(
                    "Din indberetning blev ikke sendt, fordi du var blevet logget ud. Det, du "
                    "skrev, er sat ind igen: tjek det, vedhæft eventuelle filer igen, og send."
                ),
                "typed": _("Det, du var begyndt at skrive, er sat ind igen."),
            },
        },
    )


@require_GET
def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    incident = get_incident_for_user(request.user, reference)
    return render(request, "incidents/receipt.html", {"incident": incident})


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    page = selectors.my_reports(request.user, page=request.GET.get("side"))
    return render(request, "incidents/mine.html", {"incidents": page.object_list, "page": page})


@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    category = request.GET.get("kategori", "")
    page = selectors.case_list(
        request.user, status=status, category=category, page=request.GET.get("side")
    )
    query = request.GET.copy()
    query.pop("side", None)
    return render(
        request,
        "incidents/list.html",
        {
            "incidents": page.object_list,
            "page": page,
            "query": query.urlencode(),
            "status": status,
            "category": category,
            "statuses": Status.choices,
            "categories": Category.choices,
        },
    )


# --- The incident page and its panels ---------------------------------------------------------


def _visible_steps(user, incident: Incident) -> list[Step]:
    return [
        step
        for step in STEPS
        if step.shown(incident)
        and may(user, incident, step.action)
        and step.offered(user, incident)
    ]


ALWAYS_UNFOLDED = {"escalate", "add_information"}


def _unfolded_actions(missing: list[str], blockers: list[str]) -> set[str]:
    """Panels shown open: the next duties, one-click actions, and closing once nothing blocks it."""
    actions = {DUTIES_BY_CODE[code].panel for code in missing} | ALWAYS_UNFOLDED
    if not blockers:
        actions.add("close")
    return actions


def _form(step: Step, incident: Incident, *args, **kwargs):
    if step.versioned:
        kwargs["incident"] = incident
    return step.form(*args, prefix=step.action, **kwargs)


def _render_detail(
    request: HttpRequest, incident: Incident, *, bound=None, status: int = 200
) -> HttpResponse:
    internal = may(request.user, incident, "internal")
    read_messages = may(request.user, incident, "read_messages")
    timeline = [
        entry
        for entry in incident.timeline.all()
        if (internal or entry.visibility == TimelineEntry.Visibility.REPORTER)
        and (read_messages or entry.kind != TimelineEntry.Kind.MESSAGE)
    ]
    now = timezone.now()
    severity = risk.enisa_severity(
        data_kinds=incident.data_kinds,
        identifiability=incident.identifiability,
        breach_types=incident.breach_types,
        malicious=incident.malicious,
    )
    missing = incident.missing_items(now)
    blockers = incident.close_blockers() if internal else []
    panels = _panels(request, incident, bound, _unfolded_actions(missing, blockers))
    return render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "history": history(timeline, internal=internal),
            "bound_errors": bound if bound is not None and bound.errors else None,
            "error_title": (
                _("Det blev ikke gemt. Ret dette i „%(panel)s“:")
                % {"panel": STEPS_BY_ACTION[bound.prefix].title}
                if bound is not None
                else ""
            ),
            "panel_labels": {
                "restored": _("Det, du skrev her, er ikke gemt endnu – det er sat ind igen."),
                "forget": _("Glem det"),
            },
            "facts": facts(incident) if internal else [],
            "internal": internal,
            "panels": panels,
            "now": now,
            "time_left": incident.time_left(now),
            "missing": [DUTIES_BY_CODE[code] for code in missing],
            "blockers": blockers,
            "steer": incident.risk_steer(),
            "risk_found": incident.risk_level in (RiskLevel.RISK, RiskLevel.HIGH),
            "informed_after_decision": _informed_after_decision(incident),
            "severity": severity,
            "is_reporter": incident.reporter_id == request.user.pk,
        },
        status=status,
    )


def _panels(request: HttpRequest, incident: Incident, bound, unfolded: set[str]) -> list:
    """(step, form, open?) for each panel the user may use now; a refused form keeps its input."""
    # The panel just saved stays open, with its confirmation in it.
    unfolded = unfolded | {
        m.extra_tags.removeprefix("panel-")
        for m in messages.get_messages(request)
        if m.extra_tags.startswith("panel-")
    }
    panels = []
    for step in _visible_steps(request.user, incident):
        if bound is not None and bound.prefix == step.action:
            panels.append((step, bound, True))  # its errors or the conflict must be seen
        else:
            form = _form(step, incident, initial=step.initial_for(incident))
            panels.append((step, form, step.action in unfolded))
    return panels


def _informed_after_decision(incident: Incident) -> str:
    """Art. 34 asks for "without undue delay": how long after the decision people were told."""
    informed_at = incident.subjects_notice.subjects_informed_at
    if not (informed_at and incident.decided_at):
        return ""
    delta = informed_at - incident.decided_at
    span = TimeLeftFormatter.current().span(abs(delta))
    if delta < timedelta(0):
        return _("Underrettet %(span)s før beslutningen om Datatilsynet") % {"span": span}
    return _("Underrettet %(span)s efter beslutningen om Datatilsynet") % {"span": span}


@require_GET
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    incident = selectors.incident_for_page(request.user, reference)
    services.incident_log_view(incident=incident, viewer=request.user)
    return _render_detail(request, incident)


@require_POST
def take_step(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    """Every panel posts here (incidents/urls.py, one URL per step): bind the step's form, call
    its service, redirect, or show the page again with the errors and what was typed."""
    step = STEPS_BY_ACTION[action]
    if step.sensitive:
        # What sensitive_post_parameters() does: the reporter's words stay out of error reports.
        request.sensitive_post_parameters = "__ALL__"
    incident = get_incident_for_user(request.user, reference, for_change=action)
    form = _form(step, incident, request.POST, request.FILES)
    if form.is_valid():
        data = dict(form.cleaned_data)
        expected_version = data.pop("version", None)
        arguments = step.arguments(data)
        if step.versioned:
            arguments["expected_version"] = expected_version
        try:
            getattr(services, step.service)(incident=incident, actor=request.user, **arguments)
        except services.StaleIncident as stale:
            # Keep what they typed, but against the version they have now been shown.
            fresh = request.POST.copy()
            fresh[f"{action}-version"] = str(stale.current.version)
            form = _form(step, stale.current, fresh, request.FILES)
            form.is_valid()
            form.add_error(
                None,
                _(
                    "En anden har ændret sagen, mens du arbejdede. Din ændring er ikke gemt. "
                    "Se sagens aktuelle tilstand nedenfor, og gem igen, hvis den stadig skal med."
                ),
            )
            messages.error(request, _("Sagen er ændret af en anden. Din ændring er ikke gemt."))
            current = selectors.incident_for_page(request.user, reference)
            return _render_detail(request, current, bound=form, status=409)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            # The confirmation stands in the panel that was saved, and the page returns there.
            messages.success(
                request,
                _("%(step)s: gemt.") % {"step": step.title},
                extra_tags=f"panel-{step.action}",
            )
            url = reverse("incidents:detail", args=[incident.reference])
            return redirect(f"{url}#panel-{step.action}")
    page_incident = selectors.incident_for_page(request.user, reference)
    return _render_detail(request, page_incident, bound=form, status=400)


def _add_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# --- Files -----------------------------------------------------------------------------------


@require_GET
def attachment(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    incident = get_incident_for_user(request.user, reference)
    item = get_object_or_404(incident.attachments, pk=pk)
    return download(
        item.file, download_name(item.original_name, item.content_type), item.content_type
    )


@require_GET
def dt_receipt(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    incident = get_incident_for_user(request.user, reference, for_change="internal")
    notification = get_object_or_404(incident.dt_notifications, pk=pk)
    if not notification.receipt:
        raise Http404
    with open_stored(notification.receipt) as receipt_file:
        content_type = sniff_content_type(receipt_file.read(2048)) or "application/octet-stream"
    name = (
        f"kvittering-{incident.reference}-{notification.pk}.{EXTENSIONS.get(content_type, 'txt')}"
    )
    return download(notification.receipt, name, content_type)
