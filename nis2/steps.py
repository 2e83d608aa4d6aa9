"""NIS2's handling steps on the incident page, each declared once (as incidents/steps.py does for
the GDPR steps): its form, the Nis2Case fields it shows and sets, when it is shown, the service
that takes it and its words. Panels, URLs and access derive from NIS2_STEPS."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from nis2 import forms
from nis2.models import Nis2Case, Phase
from portal import roles

SAVE = _("Gem")


def next_phases(case: Nis2Case | None) -> list[str]:
    """The reports that may be recorded now, in their order (art. 23(4))."""
    if case is None or case.significant is not True:
        return []
    if case.early_warning_at is None:
        return [Phase.EARLY_WARNING]
    if case.notification_at is None:
        return [Phase.NOTIFICATION]
    if case.final_at is not None:
        return []
    if case.progress_at is None:
        return [Phase.PROGRESS, Phase.FINAL]
    # Still ongoing at the progress report: the final report once the handling has ended.
    return [Phase.FINAL] if case.ended_at is not None else []


def _significant(case: Nis2Case | None) -> bool:
    return case is not None and case.significant is True


@dataclass(frozen=True)
class Nis2Step:
    action: str  # the panel's id and the URL's name (nis2 namespace)
    slug: str  # the URL's last part
    title: Promise
    form: type[forms.Nis2Form]
    service: str  # the function in nis2.services that takes it
    # Form field -> Nis2Case field: what the panel starts from.
    fields: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    shown: Callable[[Nis2Case | None], bool] = lambda case: True
    submit: Promise = SAVE
    multipart: bool = False

    def initial_for(self, case: Nis2Case | None) -> dict:
        initial: dict = {"version": case.version if case else 0}
        for name, model_field in self.fields.items():
            value = getattr(case, model_field) if case else None
            if isinstance(value, bool):
                value = "yes" if value else "no"  # the forms' yes/no choices
            initial[name] = value
        return initial


NIS2_STEPS: tuple[Nis2Step, ...] = (
    Nis2Step(
        "assess",
        "vurdering",
        _("NIS2: er hændelsen væsentlig?"),
        forms.AssessmentForm,
        "nis2_assess",
        fields=MappingProxyType(
            {name: name for name in ("significant", "criteria", "aware_at", "reason")}
        ),
    ),
    Nis2Step(
        "details",
        "oplysninger",
        _("NIS2: oplysninger til CSIRT'en"),
        forms.DetailsForm,
        "nis2_record_details",
        fields=MappingProxyType(
            {
                name: name
                for name in (
                    "suspected_malicious",
                    "cross_border",
                    "severity_impact",
                    "indicators",
                    "threat",
                    "mitigations",
                )
            }
        ),
        shown=_significant,
    ),
    Nis2Step(
        "submit",
        "rapport",
        _("NIS2: rapport sendt til CSIRT'en"),
        forms.SubmissionForm,
        "nis2_record_submission",
        shown=lambda case: bool(next_phases(case)),
        submit=_("Registrer rapport"),
        multipart=True,
    ),
    Nis2Step(
        "end",
        "afsluttet",
        _("NIS2: hændelsen er håndteret"),
        forms.EndForm,
        "nis2_record_end",
        fields=MappingProxyType({"ended_at": "ended_at"}),
        shown=lambda case: (
            case is not None and case.progress_at is not None and case.final_at is None
        ),
    ),
)
NIS2_STEPS_BY_ACTION = MappingProxyType({step.action: step for step in NIS2_STEPS})


def enabled() -> bool:
    return settings.NIS2_ENABLED


def may_read(user) -> bool:
    """NIS2's part of an incident: those who see every incident's internals (IT, GDPR unit)."""
    return enabled() and roles.can_see_all_incidents(user)


def may(user, action: str) -> bool:
    """Whether `user` may take the NIS2 step `action` (every step: roles.can_handle_nis2)."""
    return enabled() and action in NIS2_STEPS_BY_ACTION and roles.can_handle_nis2(user)
