"""Reads for the incident pages: what a person may see, with what the page needs, a page at a
time. Views ask these; they neither query nor decide (services.py is the writing half)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet

from incidents.access import get_incident_for_user
from incidents.models import Category, Incident, Status, TimelineEntry
from incidents.steps import STEP_RECORDS

LIST_PAGE_SIZE = 50


def incident_for_page(user, reference: str) -> Incident:
    """The incident page's incident in one query, with what it shows (404 if not visible); its
    NIS2 record (or that it has none) comes along for the NIS2 section."""
    related = Incident.objects.select_related(
        "reporter",
        "department",
        "manager",
        "owner",
        "contained_by",
        "assessed_by",
        "decided_by",
        *STEP_RECORDS,
        "nis2",
    ).prefetch_related(
        "dt_notifications",
        "attachments",
        Prefetch("timeline", queryset=TimelineEntry.objects.select_related("actor", "body")),
    )
    return get_incident_for_user(user, reference, queryset=related)


def _page(incidents: QuerySet, number: str | None) -> Page:
    # The list's own order plus the primary key, so pages never overlap or skip a row.
    return Paginator(incidents.order_by("-reported_at", "-pk"), LIST_PAGE_SIZE).get_page(number)


def my_reports(user, *, page: str | None) -> Page:
    return _page(Incident.objects.filter(reporter=user).with_unread(user), page)


def case_list(user, *, status: str, category: str, page: str | None) -> Page:
    """What `user` may see, filtered: open (default), a status, or all; a category."""
    incidents = (
        Incident.objects.visible_to(user)
        .select_related("reporter", "department", *STEP_RECORDS)
        .with_unread(user)
    )
    if status == "open":
        incidents = incidents.open()
    elif status in Status.values:
        incidents = incidents.filter(status=status)
    if category in Category.values:
        incidents = incidents.filter(category=category)
    return _page(incidents, page)
