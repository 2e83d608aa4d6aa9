"""Reporting and handling security breaches."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from incidents import forms, risk, services
from incidents.access import get_incident_for_user, may
from incidents.duties import DUTIES_BY_CODE
from incidents.files import EXTENSIONS, download_name, sniff_content_type
from incidents.formatting import TimeLeftFormatter
from incidents.history import history
from incidents.models import (
    Category,
    Classification,
    Incident,
    RiskLevel,
    Status,
    TimelineEntry,
)

# --- Reporting -------------------------------------------------------------------------------


# What the reporter typed never goes into an error report (mailed tracebacks, debug pages).
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = forms.ReportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                incident = services.incident_submit(
                    reporter=request.user,
                    category=data["category"],
                    description=data["description"],
                    discovered_at=data["discovered_at"],
                    occurred_at=data["occurred_at"],
                    personal_data=data["personal_data"],
                    data_kinds=data["data_kinds"],
                    affected_estimate=data["affected_estimate"],
                    stopped=data["stopped"],
                    stop_description=data["stop_description"],
                    manager_informed=data["manager_informed"],
                    it_informed=data["it_informed"],
                    files=data["attachments"],
                    submission_token=data["submission_token"],
                )
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
        {"form": form, "categories": Category},
    )


@require_GET
def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    incident = get_incident_for_user(request.user, reference)
    return render(request, "incidents/receipt.html", {"incident": incident})


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    incidents = Incident.objects.filter(reporter=request.user)
    return render(request, "incidents/mine.html", {"incidents": incidents})


@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    incidents = Incident.objects.visible_to(request.user).select_related("reporter", "department")
    status = request.GET.get("status", "open")
    if status == "open":
        incidents = incidents.open()
    elif status in Status.values:
        incidents = incidents.filter(status=status)
    category = request.GET.get("kategori", "")
    if category in Category.values:
        incidents = incidents.filter(category=category)
    return render(
        request,
        "incidents/list.html",
        {
            "incidents": incidents,
            "status": status,
            "category": category,
            "statuses": Status.choices,
            "categories": Category.choices,
            "now": timezone.now(),
        },
    )


# --- The incident page and its panels ---------------------------------------------------------


@dataclass(frozen=True)
class Panel:
    action: str
    title: str
    form_class: type
    url_name: str
    initial: Callable[[Incident], dict]
    when_open: bool = True  # shown only while the incident is open (reopen: only when closed)
    submit: str = gettext_lazy("Gem")
    multipart: bool = False


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


PANELS = [
    Panel(
        "escalate",
        gettext_lazy("Overtag sagen (GDPR-enheden)"),
        forms.EscalateForm,
        "escalate",
        lambda i: {},
        submit=gettext_lazy("Overtag sagen"),
    ),
    Panel(
        "containment",
        gettext_lazy("Inddæmning: stop bruddet"),
        forms.ContainmentForm,
        "containment",
        lambda i: {
            "contained_at": i.contained_at or timezone.now(),
            "description": i.containment_description,
        },
    ),
    Panel(
        "people_notified",
        gettext_lazy("Leder og IT underrettet"),
        forms.PeopleNotifiedForm,
        "people_notified",
        lambda i: {
            "manager_notified_at": i.manager_notified_at,
            "it_notified_at": i.it_notified_at,
        },
    ),
    Panel(
        "awareness",
        gettext_lazy("Opmærksomhedstidspunkt og frist"),
        forms.AwarenessForm,
        "awareness",
        lambda i: {"aware_at": i.aware_at},
    ),
    Panel(
        "assess",
        gettext_lazy("Vurdering (art. 33, stk. 5)"),
        forms.AssessmentForm,
        "assess",
        lambda i: {
            "classification": i.classification or Classification.BREACH,
            "account": i.account,
            "dt_incident_type": i.suggested_dt_incident_type(),
            "breach_types": i.breach_types,
            "subject_categories": i.subject_categories,
            "subjects_estimate": (
                i.subjects_estimate if i.subjects_estimate is not None else i.affected_estimate
            ),
            "data_kinds": i.data_kinds,
            "records_estimate": i.records_estimate,
            "likely_consequences": i.likely_consequences,
            "measures_before": i.measures_before,
            "measures_taken": i.measures_taken,
            "measures_proposed": i.measures_proposed,
            "identifiability": i.identifiability,
            "malicious": i.malicious,
            "risk_level": i.risk_level or None,
            "risk_reasoning": i.risk_reasoning,
            "risk_override_reason": i.risk_override_reason,
        },
    ),
    Panel(
        "decide",
        gettext_lazy("Beslutning om anmeldelse til Datatilsynet"),
        forms.DecisionForm,
        "decide",
        lambda i: {
            "notify_decision": i.notify_decision or None,
            "decision_reasoning": i.decision_reasoning,
            "deviation_reason": i.decision_deviation_reason,
        },
    ),
    Panel(
        "datatilsynet",
        gettext_lazy("Anmeldelse til Datatilsynet"),
        forms.DtNotificationForm,
        "datatilsynet",
        lambda i: {"notified_at": timezone.now()},
        submit=gettext_lazy("Registrer anmeldelse"),
        multipart=True,
    ),
    Panel(
        "subjects",
        gettext_lazy("De registrerede (art. 34)"),
        forms.SubjectsForm,
        "subjects",
        lambda i: {
            "informed_at": i.subjects_informed_at,
            "informed_how": i.subjects_informed_how,
            "exemption": i.subjects_exemption,
            "exemption_reason": i.subjects_exemption_reason,
            "public_communication_at": i.public_communication_at,
            "public_communication_where": i.public_communication_where,
        },
    ),
    Panel(
        "other",
        gettext_lazy("Databehandler, politi og journalisering"),
        forms.OtherForm,
        "other",
        lambda i: {
            "processor_involved": _yes_no(i.processor_involved),
            "processor_discovered_at": i.processor_discovered_at,
            "processor_told_us_at": i.processor_told_us_at,
            "police_reported": _yes_no(i.police_reported),
            "police_reference": i.police_reference,
            "sbsys_case_number": i.sbsys_case_number,
        },
    ),
    Panel(
        "note",
        gettext_lazy("Intern note"),
        forms.NoteForm,
        "note",
        lambda i: {},
        submit=gettext_lazy("Gem note"),
    ),
    Panel(
        "message",
        gettext_lazy("Besked til anmelderen"),
        forms.MessageForm,
        "message",
        lambda i: {},
        submit=gettext_lazy("Send besked"),
    ),
    Panel(
        "add_information",
        gettext_lazy("Tilføj oplysninger"),
        forms.InformationForm,
        "add_information",
        lambda i: {},
        submit=gettext_lazy("Tilføj"),
        multipart=True,
    ),
    Panel(
        "close",
        gettext_lazy("Luk sagen"),
        forms.CloseForm,
        "close",
        lambda i: {},
        submit=gettext_lazy("Luk sagen"),
    ),
    Panel(
        "reopen",
        gettext_lazy("Genåbn sagen"),
        forms.ReopenForm,
        "reopen",
        lambda i: {},
        when_open=False,
        submit=gettext_lazy("Genåbn"),
    ),
]
PANELS_BY_ACTION = {panel.action: panel for panel in PANELS}


def _visible_panels(user, incident: Incident) -> list[Panel]:
    return [
        panel
        for panel in PANELS
        if may(user, incident, panel.action)
        and panel.when_open == incident.is_open
        and not (panel.action == "datatilsynet" and incident.notify_decision != "notify")
    ]


ALWAYS_UNFOLDED = {"escalate", "add_information"}


def _unfolded_actions(missing: list[str], blockers: list[str]) -> set[str]:
    """Panels shown open: the next duties, one-click actions, and closing once nothing blocks it."""
    actions = {DUTIES_BY_CODE[code].panel for code in missing} | ALWAYS_UNFOLDED
    if not blockers:
        actions.add("close")
    return actions


def _form(panel: Panel, incident: Incident, *args, **kwargs):
    if issubclass(panel.form_class, forms.VersionedForm):
        kwargs["incident"] = incident
    return panel.form_class(*args, prefix=panel.action, **kwargs)


def _unbound_form(panel: Panel, incident: Incident):
    initial = panel.initial(incident)
    if issubclass(panel.form_class, forms.VersionedForm):
        initial["version"] = incident.version
    return _form(panel, incident, initial=initial)


def _render_detail(
    request: HttpRequest, incident: Incident, *, bound=None, status: int = 200
) -> HttpResponse:
    incident = (
        Incident.objects.select_related(
            "reporter",
            "department",
            "manager",
            "owner",
            "contained_by",
            "assessed_by",
            "decided_by",
        )
        .prefetch_related(
            "dt_notifications",
            "attachments",
            Prefetch("timeline", queryset=TimelineEntry.objects.select_related("actor", "body")),
        )
        .get(pk=incident.pk)
    )
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
    unfolded = _unfolded_actions(missing, blockers)
    panels = []
    for panel in _visible_panels(request.user, incident):
        if bound is not None and bound.prefix == panel.action:
            panels.append((panel, bound, True))  # its errors or the conflict must be seen
        else:
            panels.append((panel, _unbound_form(panel, incident), panel.action in unfolded))
    return render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "history": history(timeline, internal=internal),
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


def _informed_after_decision(incident: Incident) -> str:
    """Art. 34 asks for "without undue delay": how long after the decision people were told."""
    if not (incident.subjects_informed_at and incident.decided_at):
        return ""
    delta = incident.subjects_informed_at - incident.decided_at
    span = TimeLeftFormatter.current().span(abs(delta))
    if delta < timedelta(0):
        return _("Underrettet %(span)s før beslutningen om Datatilsynet") % {"span": span}
    return _("Underrettet %(span)s efter beslutningen om Datatilsynet") % {"span": span}


@require_GET
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    incident = get_incident_for_user(request.user, reference)
    services.incident_log_view(incident=incident, viewer=request.user)
    return _render_detail(request, incident)


def _act(request: HttpRequest, reference: str, action: str, perform: Callable) -> HttpResponse:
    """Shared by the panel views: bind, call the service, redirect or re-render with errors."""
    incident = get_incident_for_user(request.user, reference, for_change=action)
    panel = PANELS_BY_ACTION[action]
    form = _form(panel, incident, request.POST, request.FILES)
    if form.is_valid():
        data = dict(form.cleaned_data)
        expected_version = data.pop("version", None)
        try:
            perform(
                incident=incident, actor=request.user, expected_version=expected_version, **data
            )
        except services.StaleIncident as stale:
            # Keep what they typed, but against the version they have now been shown.
            fresh = request.POST.copy()
            fresh[f"{action}-version"] = str(stale.current.version)
            form = _form(panel, stale.current, fresh, request.FILES)
            form.is_valid()
            form.add_error(
                None,
                _(
                    "En anden har ændret sagen, mens du arbejdede. Din ændring er ikke gemt. "
                    "Se sagens aktuelle tilstand nedenfor, og gem igen, hvis den stadig skal med."
                ),
            )
            messages.error(request, _("Sagen er ændret af en anden. Din ændring er ikke gemt."))
            return _render_detail(request, stale.current, bound=form, status=409)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Gemt."))
            return redirect(reverse("incidents:detail", args=[incident.reference]))
    return _render_detail(request, incident, bound=form, status=400)


def _add_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _without_version(service: Callable) -> Callable:
    def call(*, expected_version=None, **kwargs):
        return service(**kwargs)

    return call


@require_POST
def escalate(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(request, reference, "escalate", services.incident_escalate)


@require_POST
def containment(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(request, reference, "containment", services.incident_record_containment)


@require_POST
def people_notified(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(request, reference, "people_notified", services.incident_record_people_notified)


@require_POST
def awareness(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(request, reference, "awareness", services.incident_change_awareness)


@require_POST
def assess(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(request, reference, "assess", services.incident_assess)


@require_POST
def decide(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(request, reference, "decide", services.incident_decide)


@require_POST
def datatilsynet(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(request, reference, "datatilsynet", services.incident_record_dt_notification)


@require_POST
def subjects(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(request, reference, "subjects", services.incident_record_subjects)


@require_POST
def other(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(request, reference, "other", services.incident_record_other)


@require_POST
def close(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(request, reference, "close", services.incident_close)


@require_POST
def reopen(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(request, reference, "reopen", services.incident_reopen)


@require_POST
def note(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(request, reference, "note", _without_version(services.incident_add_note))


@require_POST
def message(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(request, reference, "message", _without_version(services.incident_send_message))


@sensitive_post_parameters()
@require_POST
def add_information(request: HttpRequest, reference: str) -> HttpResponse:
    def perform(*, attachments, **kwargs):
        return services.incident_add_information(files=attachments, **kwargs)

    return _act(request, reference, "add_information", _without_version(perform))


# --- Files -----------------------------------------------------------------------------------


def _download(file, name: str, content_type: str) -> FileResponse:
    response = FileResponse(file.open("rb"), as_attachment=True, filename=name)
    response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def attachment(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    incident = get_incident_for_user(request.user, reference)
    item = get_object_or_404(incident.attachments, pk=pk)
    return _download(
        item.file, download_name(item.original_name, item.content_type), item.content_type
    )


@require_GET
def dt_receipt(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    incident = get_incident_for_user(request.user, reference, for_change="internal")
    notification = get_object_or_404(incident.dt_notifications, pk=pk)
    if not notification.receipt:
        raise Http404
    with notification.receipt.open("rb") as receipt_file:
        content_type = sniff_content_type(receipt_file.read(2048)) or "application/octet-stream"
    name = (
        f"kvittering-{incident.reference}-{notification.pk}.{EXTENSIONS.get(content_type, 'txt')}"
    )
    return _download(notification.receipt, name, content_type)
