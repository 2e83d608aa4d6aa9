"""Every change to the campaigns: start one (for all staff, some departments, or a department
where the same kind of breach keeps happening), and confirm a section. Each one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awareness.models import (
    Answer,
    Campaign,
    CampaignSection,
    CategorySections,
    Choice,
    Confirmation,
    Question,
)
from awareness.progress import is_overdue, participants
from guidance.models import Rule, Section
from incidents.models import Category
from portal import roles
from portal.models import Department

# A campaign aimed at repeated breaches runs this long unless someone chooses otherwise.
REPEAT_CAMPAIGN_DAYS = 30


@transaction.atomic
def campaign_start(
    *,
    actor: User,
    title: str,
    all_staff: bool,
    departments: Sequence[Department],
    sections: Sequence[Section],
    deadline: date,
    repeat_category: str = "",
    now: datetime | None = None,
) -> Campaign:
    """Start a campaign; each section is asked for in the version it has now."""
    if not roles.can_run_campaigns(actor):
        raise PermissionDenied
    now = now or timezone.now()
    errors = {}
    if not title.strip():
        errors["title"] = [_("Giv kampagnen en titel, som medarbejderne kan genkende.")]
    if not sections:
        errors["sections"] = [_("Vælg mindst ét afsnit, der skal læses.")]
    if not all_staff and not departments:
        errors["departments"] = [_("Vælg en eller flere afdelinger, eller alle medarbejdere.")]
    if deadline < timezone.localdate(now):
        errors["deadline"] = [_("Fristen kan ikke ligge før i dag.")]
    if errors:
        raise ValidationError(errors)
    campaign = Campaign.objects.create(
        title=title.strip(),
        all_staff=all_staff,
        deadline=deadline,
        started_by=actor,
        started_at=now,
        repeat_category=repeat_category,
    )
    if not all_staff:
        campaign.departments.set(departments)
    versions = Section.objects.filter(pk__in=[s.pk for s in sections]).values_list(
        "pk", "content_version"
    )
    CampaignSection.objects.bulk_create(
        CampaignSection(campaign=campaign, section_id=pk, content_version=version)
        for pk, version in versions
    )
    return campaign


@transaction.atomic
def repeat_campaign_start(
    *, actor: User, department: Department, category: str, now: datetime | None = None
) -> Campaign:
    """One action: a campaign for the department, on the sections mapped to the category
    (CategorySections, kept in the admin), due in REPEAT_CAMPAIGN_DAYS. Refused while one is
    running for the department and category (the department's row is locked: two clicks, one
    campaign)."""
    if not roles.can_run_campaigns(actor):
        raise PermissionDenied
    department = Department.objects.select_for_update().get(pk=department.pk)
    now = now or timezone.now()
    mapping = CategorySections.objects.filter(category=category).first()
    sections = list(mapping.sections.all()) if mapping else []
    label = dict(Category.choices).get(category, category)
    if not sections:
        raise ValidationError(
            _(
                "Der er ikke knyttet afsnit til kategorien „%(category)s“. Tilføj dem i "
                "administrationen under Oplysningskampagner → Afsnit til kategorier af brud."
            )
            % {"category": label}
        )
    running = Campaign.objects.filter(
        repeat_category=category, departments=department, all_staff=False
    ).order_by("-started_at")
    if any(not is_overdue(c, now) for c in running):
        raise ValidationError(_("Der kører allerede en kampagne om det for afdelingen."))
    return campaign_start(
        actor=actor,
        title=_("Gentagne brud: %(category)s i %(department)s")
        % {"category": label, "department": department.name},
        all_staff=False,
        departments=[department],
        sections=sections,
        deadline=timezone.localdate(now) + timedelta(days=REPEAT_CAMPAIGN_DAYS),
        repeat_category=category,
        now=now,
    )


@dataclass(frozen=True)
class Outcome:
    """What confirming gave: the confirmation, or the rule to read again after a wrong answer."""

    confirmation: Confirmation | None
    wrong: bool = False
    rule: Rule | None = None


@transaction.atomic
def section_confirm(
    *,
    user: User,
    campaign: Campaign,
    section: Section,
    read_version: int,
    choice: Choice | None,
    understood: bool,
    now: datetime | None = None,
) -> Outcome:
    """ "Jeg har læst og forstået": the answer to the section's question is recorded, right or
    wrong; a right one (or no question) with the box ticked records the confirmation of the
    version that was read. A wrong one records only the answer: the person reads the rule and
    tries again."""
    if not participants(campaign).filter(pk=user.pk).exists():
        raise PermissionDenied
    if not CampaignSection.objects.filter(campaign=campaign, section=section).exists():
        raise ValidationError(_("Afsnittet hører ikke til kampagnen."))
    section = Section.objects.get(pk=section.pk)
    if read_version != section.content_version:
        raise ValidationError(
            _("Afsnittet er blevet ændret, mens du læste det. Læs det igen, og bekræft så.")
        )
    question = Question.objects.filter(section=section).first()
    now = now or timezone.now()
    errors = {}
    if question is not None and (choice is None or choice.question_id != question.pk):
        errors["choice"] = [_("Vælg et svar på spørgsmålet.")]
    if not understood:
        errors["understood"] = [_("Sæt kryds ved „Jeg har læst og forstået“ for at bekræfte.")]
    if errors:
        raise ValidationError(errors)
    if question is not None:
        Answer.objects.create(
            user=user,
            campaign=campaign,
            section=section,
            content_version=section.content_version,
            question=question.text,
            answer=choice.text,
            correct=choice.correct,
            answered_at=now,
        )
        if not choice.correct:
            return Outcome(None, wrong=True, rule=question.rule)
    return Outcome(_record(user, campaign, section, question, choice, now))


def _record(user, campaign, section, question, choice, now) -> Confirmation:
    existing = Confirmation.objects.filter(
        user=user, section=section, content_version=section.content_version
    ).first()
    if existing is not None:  # already confirmed (another campaign, a double click)
        return existing
    try:
        with transaction.atomic():
            return Confirmation.objects.create(
                user=user,
                section=section,
                content_version=section.content_version,
                campaign=campaign,
                confirmed_at=now,
                question=question.text if question else "",
                answer=choice.text if question else "",
            )
    except IntegrityError:  # a simultaneous click won: one confirmation per version
        return Confirmation.objects.get(
            user=user, section=section, content_version=section.content_version
        )
