"""NIS2 on an incident: its section on the incident page (templatetags/nis2.py renders it from
section_context), the panels' POSTs, a page of its own (where a refused form is shown again
with what was typed), the drafts of the reports and their receipts. Off: every view is 404."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from incidents.access import get_incident_for_user
from incidents.files import EXTENSIONS, download, open_stored, sniff_content_type
from incidents.models import Incident
from nis2 import drafts, selectors, services
from nis2.duties import case_for
from nis2.models import Nis2Case, Phase
from nis2.steps import NIS2_STEPS, NIS2_STEPS_BY_ACTION, Nis2Step, may, may_read, next_phases


def nis2_enabled(view):
    """Not an NIS2 entity (NIS2_ENABLED=0): the addresses do not answer."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.NIS2_ENABLED:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _incident(request: HttpRequest, reference: str) -> Incident:
    """The incident if the user may see it (else 404) and its NIS2 part (else 403)."""
    incident = get_incident_for_user(request.user, reference)
    if not may_read(request.user):
        raise PermissionDenied
    return incident


def _form(step: Nis2Step, case: Nis2Case | None, *args, **kwargs):
    if step.action == "submit":
        kwargs["phases"] = next_phases(case)
    return step.form(*args, prefix=f"nis2-{step.action}", nis2_case=case, **kwargs)


def section_context(user, incident: Incident, *, bound=None) -> dict:
    """What the NIS2 section shows: the assessment, the clocks, the reports and the panels this
    user may use (with `bound`, the one that was refused, open with its errors)."""
    case = case_for(incident)
    panels = []
    if incident.is_open:
        for step in NIS2_STEPS:
            if not (step.shown(case) and may(user, step.action)):
                continue
            if bound is not None and bound.prefix == f"nis2-{step.action}":
                panels.append((step, bound, True))
            else:
                form = _form(step, case, initial=step.initial_for(case))
                panels.append((step, form, case is None or step.action != "assess"))
    submissions = list(case.submissions.all()) if case else []
    now = timezone.now()
    return {
        "incident": incident,
        "nis2_case": case,
        "clocks": [(c, c.time_left(now)) for c in selectors.clocks(case)] if case else [],
        "submissions": submissions,
        "nis2_panels": panels,
        "drafts": [(p, Phase(p).label) for p in next_phases(case)] if may(user, "submit") else [],
    }


def _render_page(request, incident: Incident, *, bound=None, status: int = 200) -> HttpResponse:
    context = section_context(request.user, incident, bound=bound)
    return render(request, "nis2/case.html", context, status=status)


@nis2_enabled
@require_GET
def case_page(request: HttpRequest, reference: str) -> HttpResponse:
    return _render_page(request, _incident(request, reference))


@nis2_enabled
@require_POST
def take_step(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    """Every NIS2 panel posts here: bind the step's form, call its service, redirect to the
    incident page, or show the NIS2 page with the errors and what was typed."""
    step = NIS2_STEPS_BY_ACTION[action]
    incident = _incident(request, reference)
    if not may(request.user, action):
        raise PermissionDenied
    case = case_for(incident)
    form = _form(step, case, request.POST, request.FILES)
    if form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("version")
        try:
            getattr(services, step.service)(
                incident=incident, actor=request.user, expected_version=expected, **data
            )
        except services.StaleNis2:
            form.add_error(
                None,
                _(
                    "En anden har ændret NIS2-oplysningerne, mens du arbejdede. Din ændring er "
                    "ikke gemt. Se den aktuelle tilstand, og gem igen, hvis den stadig skal med."
                ),
            )
            fresh = Incident.objects.get(pk=incident.pk)
            form = _rebind(step, fresh, form)
            return _render_page(request, fresh, bound=form, status=409)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Gemt."))
            return redirect(reverse("incidents:detail", args=[incident.reference]) + "#nis2")
    return _render_page(request, Incident.objects.get(pk=incident.pk), bound=form, status=400)


def _rebind(step: Nis2Step, incident: Incident, stale_form):
    """The stale form's input against the version now current, keeping its errors."""
    case = case_for(incident)
    data = stale_form.data.copy()
    data[f"nis2-{step.action}-version"] = str(case.version if case else 0)
    form = _form(step, case, data, stale_form.files)
    form.is_valid()
    for error in stale_form.non_field_errors():
        form.add_error(None, error)
    return form


def _add_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@nis2_enabled
@require_GET
def draft(request: HttpRequest, reference: str, phase: str) -> HttpResponse:
    incident = _incident(request, reference)
    if not may(request.user, "submit"):
        raise PermissionDenied
    case = case_for(incident)
    if phase not in Phase.values or case is None or case.significant is not True:
        raise Http404
    items = drafts.draft_items(incident, case, phase)
    return render(
        request,
        "nis2/draft.html",
        {
            "incident": incident,
            "phase_label": Phase(phase).label,
            "items": items,
            "missing_count": sum(item.missing for item in items),
        },
    )


@nis2_enabled
@require_GET
def receipt(request: HttpRequest, reference: str, submission: int) -> HttpResponse:
    incident = _incident(request, reference)
    case = case_for(incident)
    if case is None:
        raise Http404
    sent = get_object_or_404(case.submissions, pk=submission)
    if not sent.receipt:
        raise Http404
    with open_stored(sent.receipt) as receipt_file:
        content_type = sniff_content_type(receipt_file.read(2048)) or "application/octet-stream"
    name = f"nis2-kvittering-{incident.reference}-{sent.pk}.{EXTENSIONS.get(content_type, 'txt')}"
    return download(sent.receipt, name, content_type)
