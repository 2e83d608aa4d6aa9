"""Reads for the campaigns: who a campaign is for, what each person has confirmed, progress per
person and per department, who is overdue, and the evidence an auditor asks for. A campaign's
progress is three statements whatever the number of people (participants, the sections it asks
for, the confirmations that count)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from awareness.models import Campaign, CampaignSection, Confirmation

CPH = ZoneInfo("Europe/Copenhagen")
User = get_user_model()


def due_by(deadline: date) -> datetime:
    """A deadline is the whole of its day in Copenhagen: overdue from midnight after it (the
    start of the next local day, 23 or 25 hours after the day's start around daylight saving)."""
    return datetime.combine(deadline + timedelta(days=1), time(0), tzinfo=CPH)


def is_overdue(campaign: Campaign, now: datetime) -> bool:
    return now >= due_by(campaign.deadline)


def participants(campaign: Campaign) -> QuerySet:
    """Everyone the campaign is for, now: active people, in its departments unless it is for all
    staff (someone who moves department joins the new one's campaigns)."""
    people = User.objects.filter(is_active=True)
    if not campaign.all_staff:
        people = people.filter(profile__department__in=campaign.departments.all())
    return people


def campaigns_for(user) -> QuerySet:
    """The campaigns that are for this person."""
    department = getattr(getattr(user, "profile", None), "department_id", None)
    mine = Q(all_staff=True)
    if department is not None:
        mine |= Q(departments=department)
    return Campaign.objects.filter(mine).distinct()


def required(campaign: Campaign) -> dict[int, int]:
    """Section id -> the content version the campaign asks for."""
    rows = CampaignSection.objects.filter(campaign=campaign)
    return dict(rows.values_list("section_id", "content_version"))


def counting_confirmations(campaign: Campaign, users, asked: dict[int, int]) -> dict:
    """(user id, section id) -> the first confirmation that counts for the campaign: of the
    version it asks for or a later one."""
    rows = (
        Confirmation.objects.filter(user__in=users, section_id__in=list(asked))
        .select_related("campaign", "section")
        .order_by("confirmed_at", "pk")
    )
    found = {}
    for confirmation in rows:
        key = (confirmation.user_id, confirmation.section_id)
        if key not in found and confirmation.content_version >= asked[confirmation.section_id]:
            found[key] = confirmation
    return found


@dataclass(frozen=True)
class Progress:
    user: object
    department: str
    done: int
    total: int
    overdue: bool
    # The confirmations that count, in the folder's order: which version of which section, when.
    confirmations: tuple = ()

    @property
    def complete(self) -> bool:
        return self.done == self.total


def progress(campaign: Campaign, *, now: datetime, users=None) -> list[Progress]:
    """Each participant's progress (or of `users` among them), by department and name."""
    people = participants(campaign)
    if users is not None:
        people = people.filter(pk__in=users)
    people = list(
        people.select_related("profile__department").order_by(
            "profile__department__name", "first_name", "last_name", "username"
        )
    )
    asked = required(campaign)
    counted = counting_confirmations(campaign, [p.pk for p in people], asked)
    done = defaultdict(int)
    confirmed = defaultdict(list)
    for (user_id, _section), confirmation in counted.items():
        done[user_id] += 1
        confirmed[user_id].append(confirmation)
    late = is_overdue(campaign, now)
    return [
        Progress(
            user=person,
            department=_department(person),
            done=done[person.pk],
            total=len(asked),
            overdue=late and done[person.pk] < len(asked),
            confirmations=tuple(
                sorted(confirmed[person.pk], key=lambda c: (c.section.order, c.section_id))
            ),
        )
        for person in people
    ]


def _department(person) -> str:
    profile = getattr(person, "profile", None)
    return profile.department.name if profile and profile.department else ""


@dataclass(frozen=True)
class DepartmentProgress:
    name: str
    people: int
    complete: int

    @property
    def percent(self) -> int:
        return round(100 * self.complete / self.people) if self.people else 0


def by_department(rows: list[Progress]) -> list[DepartmentProgress]:
    counts: dict[str, list[int]] = {}
    for row in rows:
        people_complete = counts.setdefault(row.department, [0, 0])
        people_complete[0] += 1
        people_complete[1] += row.complete
    return [DepartmentProgress(name, n, c) for name, (n, c) in sorted(counts.items())]


@dataclass(frozen=True)
class EvidenceRow:
    department: str
    name: str
    username: str
    section: str
    asked_version: int
    confirmation: Confirmation | None


def evidence(campaign: Campaign) -> list[EvidenceRow]:
    """Who confirmed which version of which section when, for every participant and section of
    the campaign (a blank confirmation: not yet)."""
    people = list(
        participants(campaign)
        .select_related("profile__department")
        .order_by("profile__department__name", "first_name", "last_name", "username")
    )
    sections = list(CampaignSection.objects.filter(campaign=campaign).select_related("section"))
    asked = {cs.section_id: cs.content_version for cs in sections}
    counted = counting_confirmations(campaign, [p.pk for p in people], asked)
    return [
        EvidenceRow(
            department=_department(person),
            name=person.get_full_name() or person.get_username(),
            username=person.get_username(),
            section=cs.section.title,
            asked_version=cs.content_version,
            confirmation=counted.get((person.pk, cs.section_id)),
        )
        for person in people
        for cs in sections
    ]
