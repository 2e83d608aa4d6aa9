"""Awareness fixtures: the folder, a question on a section, and campaigns started through the
service."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from awareness import services
from awareness.models import Choice, Question
from guidance.content import import_folder
from guidance.models import Section
from portal.models import Department
from tests.gdpr.conftest import smtp_server  # noqa: F401

PASSWORD_SECTION = "brugernavn-og-adgangskode"
EMAIL_SECTION = "e-mail-og-sikkerhed"


@pytest.fixture
def folder(db) -> None:
    if not Section.objects.exists():
        import_folder()  # a transactional test before this one flushed the migration's data


@pytest.fixture
def question(folder) -> Question:
    """The password section's question: the right answer is the second."""
    section = Section.objects.get(slug=PASSWORD_SECTION)
    rule = section.rules.order_by("order").first()
    asked = Question.objects.create(
        section=section, text="Må du låne din kollega din adgangskode?", rule=rule
    )
    Choice.objects.create(question=asked, text="Ja, hvis det haster", correct=False, order=1)
    Choice.objects.create(question=asked, text="Nej, aldrig", correct=True, order=2)
    return asked


def start(actor, *, departments=(), slugs=(PASSWORD_SECTION, EMAIL_SECTION), **overrides):
    values = {
        "title": "Sikkerhedsfolderen 2026",
        "all_staff": not departments,
        "departments": [Department.objects.get(name=name) for name in departments],
        "sections": list(Section.objects.filter(slug__in=slugs)),
        "deadline": timezone.localdate() + timedelta(days=30),
    } | overrides
    return services.campaign_start(actor=actor, **values)
