"""Read-and-acknowledge campaigns: what an employee still has to read and the page where they
confirm a section; a manager's view of their people; the GDPR unit's and IT's overview, start,
reminders and evidence; and the one action that aims a campaign at repeated breaches."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from awareness import outbox, progress, services
from awareness.evidence import csv_response
from awareness.forms import CampaignForm, ConfirmForm, ReminderForm, RepeatForm
from awareness.models import Campaign, CampaignSection, Question
from guidance.models import Section
from guidance.views import group_rules
from portal import roles
from portal.views import forbidden_unless


def get_campaign_for_user(user, pk: int) -> Campaign:
    """The campaign, if it is for `user` or they run campaigns; 404 otherwise, so nobody learns
    of a campaign for another department."""
    campaign = Campaign.objects.filter(pk=pk).first()
    if campaign is None:
        raise Http404
    if roles.can_run_campaigns(user):
        return campaign
    if not progress.participants(campaign).filter(pk=user.pk).exists():
        raise Http404
    return campaign


# --- Employees --------------------------------------------------------------------------------


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """Every campaign for me: what I still have to read first, then what I have done."""
    now = timezone.now()
    rows = []
    for campaign in progress.campaigns_for(request.user).order_by("deadline", "pk"):
        for row in progress.progress(campaign, now=now, users=[request.user.pk]):
            rows.append((campaign, row, progress.due_by(campaign.deadline)))
    rows.sort(key=lambda row: row[1].complete)
    sections = _sections_with_status(request.user, [c for c, _m, _d in rows])
    return render(
        request,
        "awareness/mine.html",
        {
            "rows": [(c, m, d, sections.get(c.pk, [])) for c, m, d in rows],
            "can_run_campaigns": roles.can_run_campaigns(request.user),
            "can_see_team": roles.can_see_team_training(request.user),
        },
    )


def _sections_with_status(user, campaigns: list[Campaign]) -> dict[int, list]:
    """Campaign id -> [(section, done)] in the folder's order (two queries for all of them)."""
    asked = CampaignSection.objects.filter(campaign__in=campaigns).select_related("section")
    confirmed = {}
    for section_id, version in user.confirmations.values_list("section_id", "content_version"):
        confirmed[section_id] = max(version, confirmed.get(section_id, 0))
    result: dict[int, list] = {}
    for cs in asked:
        done = confirmed.get(cs.section_id, 0) >= cs.content_version
        result.setdefault(cs.campaign_id, []).append((cs.section, done))
    return result


@require_http_methods(["GET", "POST"])
def read(request: HttpRequest, campaign: int, section: str) -> HttpResponse:
    """A section to read, its question and "Jeg har læst og forstået". A wrong answer shows
    the rule and lets the person try again; what they chose stays chosen."""
    current = get_campaign_for_user(request.user, campaign)
    if not progress.participants(current).filter(pk=request.user.pk).exists():
        raise Http404  # staff who are not in the campaign can follow it, not confirm it
    page_section = get_object_or_404(
        Section.objects.prefetch_related("rules", "notes"), slug=section
    )
    if not CampaignSection.objects.filter(campaign=current, section=page_section).exists():
        raise Http404
    question = Question.objects.filter(section=page_section).select_related("rule").first()
    wrong_rule, status = None, 200
    if request.method == "POST":
        form = ConfirmForm(request.POST, question=question)
        if form.is_valid():
            try:
                outcome = services.section_confirm(
                    user=request.user,
                    campaign=current,
                    section=page_section,
                    read_version=form.cleaned_data["version"],
                    choice=form.cleaned_data.get("choice"),
                    understood=form.cleaned_data["understood"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                if not outcome.wrong:
                    messages.success(
                        request,
                        _("Tak. Du har bekræftet „%(title)s“.") % {"title": page_section.title},
                    )
                    return redirect("awareness:mine")
                wrong_rule = outcome.rule
                form.add_error(
                    "choice", _("Det var ikke det rigtige svar. Læs reglen, og prøv igen.")
                )
        status = 400
    else:
        form = ConfirmForm(initial={"version": page_section.content_version}, question=question)
    return render(
        request,
        "awareness/read.html",
        {
            "campaign": current,
            "section": page_section,
            "groups": group_rules(page_section),
            "form": form,
            "question": question,
            "wrong_rule": wrong_rule,
        },
        status=status,
    )


def _add_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# --- Managers ---------------------------------------------------------------------------------


@require_GET
def team(request: HttpRequest) -> HttpResponse:
    """The people I manage now and how far each is, per campaign that is for any of them."""
    forbidden_unless(roles.can_see_team_training(request.user))
    people = roles.managed_user_ids(request.user)
    now = timezone.now()
    campaigns = []
    for campaign in Campaign.objects.order_by("-started_at")[:20]:
        rows = progress.progress(campaign, now=now, users=people)
        if rows:
            campaigns.append((campaign, rows, progress.due_by(campaign.deadline)))
    return render(request, "awareness/team.html", {"campaigns": campaigns})


# --- The GDPR unit and IT ------------------------------------------------------------------------


@require_GET
def campaigns(request: HttpRequest) -> HttpResponse:
    forbidden_unless(roles.can_run_campaigns(request.user))
    now = timezone.now()
    overview = []
    for campaign in Campaign.objects.prefetch_related("departments")[:50]:
        rows = progress.progress(campaign, now=now)
        complete = sum(row.complete for row in rows)
        overview.append((campaign, len(rows), complete, progress.is_overdue(campaign, now)))
    return render(request, "awareness/campaigns.html", {"overview": overview})


@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    forbidden_unless(roles.can_run_campaigns(request.user))
    if request.method == "POST":
        form = CampaignForm(request.POST)
        if form.is_valid():
            try:
                campaign = services.campaign_start(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Kampagnen er startet."))
                return redirect("awareness:campaign", campaign=campaign.pk)
        status = 400
    else:
        form, status = CampaignForm(), 200
    return render(request, "awareness/campaign_new.html", {"form": form}, status=status)


@require_GET
def campaign(request: HttpRequest, campaign: int) -> HttpResponse:
    """Completion per department, who is not done (overdue after the deadline), reminders."""
    forbidden_unless(roles.can_run_campaigns(request.user))
    current = get_object_or_404(Campaign, pk=campaign)
    now = timezone.now()
    rows = progress.progress(current, now=now)
    return render(
        request,
        "awareness/campaign.html",
        {
            "campaign": current,
            "due_by": progress.due_by(current.deadline),
            "overdue": progress.is_overdue(current, now),
            "departments": progress.by_department(rows),
            "missing": [row for row in rows if not row.complete],
            "people": len(rows),
            "complete": sum(row.complete for row in rows),
            "sections": CampaignSection.objects.filter(campaign=current).select_related("section"),
            "reminders": current.reminders.select_related("sent_by").annotate(
                email_count=Count("emails"),
                sent_count=Count("emails", filter=Q(emails__status="sent")),
            ),
            "reminder_form": ReminderForm(initial={"token": ReminderForm.new_token()}),
        },
    )


@require_POST
def campaign_remind(request: HttpRequest, campaign: int) -> HttpResponse:
    forbidden_unless(roles.can_run_campaigns(request.user))
    current = get_object_or_404(Campaign, pk=campaign)
    form = ReminderForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Påmindelsen kunne ikke sendes. Prøv igen."))
        return redirect("awareness:campaign", campaign=current.pk)
    _reminder, queued = outbox.remind(
        actor=request.user, campaign=current, token=form.cleaned_data["token"]
    )
    messages.success(
        request,
        _("Påmindelsen sendes til %(n)d medarbejdere, der ikke er færdige.") % {"n": queued},
    )
    return redirect("awareness:campaign", campaign=current.pk)


@require_GET
def evidence(request: HttpRequest, campaign: int) -> HttpResponse:
    """The printable evidence: who confirmed which version of which section when."""
    forbidden_unless(roles.can_run_campaigns(request.user))
    current = get_object_or_404(Campaign, pk=campaign)
    return render(
        request,
        "awareness/evidence.html",
        {"campaign": current, "rows": progress.evidence(current), "printed": timezone.now()},
    )


@require_GET
def evidence_csv(request: HttpRequest, campaign: int) -> HttpResponse:
    forbidden_unless(roles.can_run_campaigns(request.user))
    return csv_response(get_object_or_404(Campaign, pk=campaign))


@require_POST
def repeat_start(request: HttpRequest) -> HttpResponse:
    """The one action on a flagged repeat: a campaign for that department on the sections
    mapped to the category."""
    forbidden_unless(roles.can_run_campaigns(request.user))
    form = RepeatForm(request.POST)
    back = request.POST.get("tilbage", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts=None, require_https=False):
        back = reverse("incidents:dashboard")  # only a path on this site, never elsewhere
    if not form.is_valid():
        messages.error(request, _("Kampagnen kunne ikke startes: vælg afdeling og kategori."))
        return redirect(back)
    try:
        started = services.repeat_campaign_start(actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    messages.success(request, _("Kampagnen er startet for afdelingen."))
    return redirect("awareness:campaign", campaign=started.pk)
