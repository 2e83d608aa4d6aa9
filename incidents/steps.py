"""Each handling step, declared once: its form, the fields it shows and sets (on the incident,
or on the step's own table when it names one), who may take it and when, the service that takes
it, and the words on its panel.

Derived from STEPS: the incident page's panels and their initial values, the panel URLs, the
access rules (incidents/access.py, which the services ask too), the service's change set
(`Step.values`), and the "Behandling" facts on the incident page (`facts`). Duties name the step
that meets them (incidents/duties.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from django import forms as django_forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from incidents import forms
from incidents.history import field_label, field_value
from incidents.models import (
    Classification,
    Incident,
    OtherRecords,
    Status,
    StepRecord,
    SubjectsNotice,
)
from portal import roles

Rule = Callable[[object, Incident], bool]
SAVE = _("Gem")


def _handlers(user, incident: Incident) -> bool:
    return roles.can_handle_incidents(user)


def _hands_on(user, incident: Incident) -> bool:
    return roles.can_record_containment(user)


def _staff(user, incident: Incident) -> bool:
    return roles.can_see_all_incidents(user)


def _reporter(user, incident: Incident) -> bool:
    return incident.reporter_id == user.pk


def _manager(user, incident: Incident) -> bool:
    """The manager the report was e-mailed to."""
    return incident.manager_id is not None and incident.manager_id == user.pk


def _open(incident: Incident) -> bool:
    return incident.is_open


@dataclass(frozen=True)
class Step:
    action: str  # the panel's id, the URL's name and the access rule's key
    slug: str  # the URL's last part
    title: Promise
    form: type[django_forms.Form]
    service: str  # the function in incidents.services that takes the step
    may: Rule
    # Form field -> model field: what the panel starts from and what the step records, on the
    # incident or, when the step names one, on its own table (`record`).
    fields: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # The step's own table (a StepRecord: one row per incident, made by the step's first save).
    record: type[StepRecord] | None = None
    # Who did it, when (Incident fields), shown with the facts.
    stamp: tuple[str, str] | None = None
    shown: Callable[[Incident], bool] = _open
    # Offered on the page to this person now (beyond `may` and `shown`): not what is done.
    offered: Rule = lambda user, incident: True
    initial: Callable[[Incident], dict] = lambda incident: {}  # beyond `fields`
    submit: Promise = SAVE
    multipart: bool = False
    # What the reporter typed must never reach an error report (sensitive_post_parameters).
    sensitive: bool = False
    # The service's keyword arguments, if they are not the form's fields as they are.
    arguments: Callable[[dict], dict] = lambda data: data

    def __post_init__(self) -> None:
        model = self.record or Incident
        for name in self.fields.values():
            model._meta.get_field(name)  # FieldDoesNotExist: declared on the wrong table

    @property
    def versioned(self) -> bool:
        return issubclass(self.form, forms.VersionedForm)

    def values(self, **data) -> dict:
        """The service's change set: the given form fields under their model field names
        (services._base.change() saves each on its table)."""
        return {self.fields[name]: value for name, value in data.items()}

    def initial_for(self, incident: Incident) -> dict:
        form_fields = self.form.base_fields
        initial = {}
        source = incident.step_record(self.record) if self.record else incident
        for name, model_field in self.fields.items():
            value = getattr(source, model_field)
            if isinstance(form_fields.get(name), django_forms.TypedChoiceField) and isinstance(
                value, bool
            ):
                value = "yes" if value else "no"  # forms.yes_no: Ja / Nej / not answered
            initial[name] = None if value == "" else value
        initial.update(self.initial(incident))
        if self.versioned:
            initial["version"] = incident.version
        return initial


def _same_names(form: type[django_forms.Form], model: type[StepRecord]) -> Mapping[str, str]:
    """The form's fields that are the step table's, under the same names."""
    names = {f.name for f in model._meta.get_fields()}
    return MappingProxyType({name: name for name in form.base_fields if name in names})


STEPS: tuple[Step, ...] = (
    Step(
        "escalate",
        "eskaler",
        _("Overtag sagen (GDPR-enheden)"),
        forms.EscalateForm,
        "incident_escalate",
        _handlers,
        stamp=("escalated_at", "owner"),
        offered=lambda user, i: not (i.status == Status.ESCALATED and i.owner_id == user.pk),
        submit=_("Overtag sagen"),
    ),
    Step(
        "containment",
        "inddaem",
        _("Stop bruddet"),
        forms.ContainmentForm,
        "incident_record_containment",
        _hands_on,
        fields=MappingProxyType(
            {"contained_at": "contained_at", "description": "containment_description"}
        ),
        stamp=("contained_at", "contained_by"),
        initial=lambda i: {"contained_at": i.contained_at or timezone.now()},
    ),
    Step(
        "people_notified",
        "underrettet",
        _("Leder og IT underrettet"),
        forms.PeopleNotifiedForm,
        "incident_record_people_notified",
        _hands_on,
        fields=MappingProxyType(
            {"manager_notified_at": "manager_notified_at", "it_notified_at": "it_notified_at"}
        ),
    ),
    Step(
        "awareness",
        "opmaerksom",
        _("Opmærksomhedstidspunkt og frist"),
        forms.AwarenessForm,
        "incident_change_awareness",
        _handlers,
        fields=MappingProxyType({"aware_at": "aware_at", "delay_reasons": "delay_reasons"}),
    ),
    Step(
        "assess",
        "vurdering",
        _("Vurdering (art. 33, stk. 5)"),
        forms.AssessmentForm,
        "incident_assess",
        _handlers,
        fields=MappingProxyType(
            {name: name for name in forms.AssessmentForm.base_fields if name != "version"}
        ),
        stamp=("assessed_at", "assessed_by"),
        initial=lambda i: {
            "classification": i.classification or Classification.BREACH,
            "dt_incident_type": i.suggested_dt_incident_type(),
            "subjects_estimate": (
                i.subjects_estimate if i.subjects_estimate is not None else i.affected_estimate
            ),
        },
    ),
    Step(
        "decide",
        "beslutning",
        _("Beslutning om anmeldelse til Datatilsynet"),
        forms.DecisionForm,
        "incident_decide",
        _handlers,
        fields=MappingProxyType(
            {
                "notify_decision": "notify_decision",
                "decision_reasoning": "decision_reasoning",
                "deviation_reason": "decision_deviation_reason",
            }
        ),
        stamp=("decided_at", "decided_by"),
    ),
    Step(
        "datatilsynet",
        "datatilsynet",
        _("Anmeldelse til Datatilsynet"),
        forms.DtNotificationForm,
        "incident_record_dt_notification",
        _handlers,
        # Only once it is decided to notify; the notifications are shown as a list of their own.
        shown=lambda i: i.is_open and i.notify_decision == "notify",
        initial=lambda i: {"notified_at": timezone.now()},
        submit=_("Registrer anmeldelse"),
        multipart=True,
    ),
    Step(
        "subjects",
        "registrerede",
        _("De registrerede (art. 34)"),
        forms.SubjectsForm,
        "incident_record_subjects",
        _handlers,
        record=SubjectsNotice,
        fields=MappingProxyType(
            {
                "informed_at": "subjects_informed_at",
                "informed_how": "subjects_informed_how",
                "exemption": "subjects_exemption",
                "exemption_reason": "subjects_exemption_reason",
                "public_communication_at": "public_communication_at",
                "public_communication_where": "public_communication_where",
            }
        ),
    ),
    Step(
        "other",
        "oevrigt",
        _("Databehandler, politi og journalisering"),
        forms.OtherForm,
        "incident_record_other",
        _handlers,
        record=OtherRecords,
        fields=_same_names(forms.OtherForm, OtherRecords),
    ),
    Step(
        "note",
        "note",
        _("Intern note"),
        forms.NoteForm,
        "incident_add_note",
        _staff,
        submit=_("Gem note"),
    ),
    Step(
        "message",
        "besked",
        _("Besked til indberetteren"),
        forms.MessageForm,
        "incident_send_message",
        _staff,
        submit=_("Send besked"),
    ),
    Step(
        "manager_acted",
        "handlet",
        _("Jeg har handlet"),
        forms.ManagerActedForm,
        "incident_confirm_manager_acted",
        _manager,
        offered=lambda user, i: i.manager_acted_at is None,
        submit=_("Bekræft, at jeg har handlet"),
    ),
    Step(
        "add_information",
        "oplysninger",
        _("Tilføj oplysninger"),
        forms.InformationForm,
        "incident_add_information",
        _reporter,
        submit=_("Tilføj"),
        multipart=True,
        sensitive=True,
        arguments=lambda data: {"text": data["text"], "files": data["attachments"]},
    ),
    Step(
        "close",
        "luk",
        _("Luk sagen"),
        forms.CloseForm,
        "incident_close",
        _handlers,
        stamp=("closed_at", "closed_by"),
        submit=_("Luk sagen"),
    ),
    Step(
        "reopen",
        "genaabn",
        _("Genåbn sagen"),
        forms.ReopenForm,
        "incident_reopen",
        _handlers,
        shown=lambda i: not i.is_open,
        submit=_("Genåbn"),
    ),
)
STEPS_BY_ACTION = MappingProxyType({step.action: step for step in STEPS})
# The step tables' one-to-ones, for select_related where incidents are listed with their duties.
STEP_RECORDS = tuple(
    step.record._meta.get_field("incident").remote_field.get_accessor_name()
    for step in STEPS
    if step.record
)

# Access that is not a step: what else a person may see of an incident.
READ_RULES: Mapping[str, Rule] = MappingProxyType(
    {
        "internal": _staff,  # the full timeline, internal notes and Datatilsynet receipts
        # The GDPR unit's messages to the reporter are a conversation with the reporter: the
        # reporter and the staff who handle breaches read them, the reporter's manager does not.
        "read_messages": lambda user, incident: _reporter(user, incident) or _staff(user, incident),
    }
)


def may(user, incident: Incident, action: str) -> bool:
    """Whether `user` may take the step (or have the read) named `action` on `incident`."""
    step = STEPS_BY_ACTION.get(action)
    return (step.may if step else READ_RULES[action])(user, incident)


@dataclass(frozen=True)
class StepFacts:
    action: str
    title: str
    rows: list[tuple[str, str]]
    stamp: str  # "29. november 2026 kl. 10:02, Gitte Dahl" or ""


def facts(incident: Incident) -> list[StepFacts]:
    """What each step has recorded so far, for the incident page's "Behandling": the fields
    the step declares, labelled and rendered like the history."""
    recorded = []
    for step in STEPS:
        names = list(dict.fromkeys(step.fields.values()))
        if not names:
            continue
        at, by = step.stamp or (None, None)
        source = incident.step_record(step.record) if step.record else incident
        done = (
            getattr(incident, at) is not None
            if at
            else any(getattr(source, name) not in (None, "", []) for name in names)
        )
        if not done:
            continue
        stamp = ", ".join(
            v
            for v in (
                field_value(incident, at) if at else "",
                field_value(incident, by) if by else "",
            )
            if v and v != "–"
        )
        rows = [(field_label(name), field_value(incident, name)) for name in names]
        recorded.append(StepFacts(step.action, str(step.title), rows, stamp))
    return recorded
