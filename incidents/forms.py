"""Forms for reporting and handling incidents: they validate, the services act."""

from __future__ import annotations

import uuid

from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from incidents.breach_record import DRAFT_ITEM_LABELS
from incidents.fields import MultipleFileField, free_text, reference, when, yes_no
from incidents.files import check_upload
from incidents.models import (
    BreachType,
    Category,
    Classification,
    DataKind,
    DtIncidentType,
    Identifiability,
    NotifyDecision,
    PersonalData,
    RiskLevel,
    Stopped,
    SubjectCategory,
    SubjectsExemption,
)
from portal.forms import PortalForm


class ReportForm(PortalForm):
    required_messages = {
        "category": _("Vælg hvad der er sket."),
        "discovered_at": _("Skriv hvornår du opdagede det (dato og klokkeslæt)."),
        "description": _("Beskriv kort hvad der er sket."),
        "personal_data": _("Svar på, om der er personoplysninger involveret."),
        "stopped": _("Svar på, om bruddet er stoppet."),
    }

    category = forms.ChoiceField(
        label=_("Hvad er der sket?"), choices=Category.choices, widget=forms.RadioSelect
    )
    discovered_at = when(
        _("Hvornår opdagede du det?"),
        help_text=_("Dato og klokkeslæt. Står der allerede et tidspunkt, er det nu."),
    )
    occurred_at = when(
        _("Hvornår skete det? (hvis du ved det)"),
        required=False,
        help_text=_("Lad feltet stå tomt, hvis du ikke ved det."),
    )
    description = free_text(
        _("Beskriv kort hvad der er sket"),
        rows=5,
        help_text=_(
            "Skriv ikke borgeres navne eller CPR-numre. Skriv fx „brev med helbredsoplysninger "
            "om 3 borgere sendt til forkert adresse“."
        ),
    )
    personal_data = forms.ChoiceField(
        label=_("Er der personoplysninger involveret?"),
        choices=PersonalData.choices,
        widget=forms.RadioSelect,
    )
    data_kinds = forms.MultipleChoiceField(
        label=_("Hvilke slags oplysninger?"),
        choices=DataKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Sæt gerne flere kryds."),
    )
    affected_estimate = forms.IntegerField(
        label=_("Hvor mange personer drejer det sig cirka om?"),
        required=False,
        min_value=0,
        help_text=_("Et skøn er fint. Lad feltet stå tomt, hvis du ikke ved det."),
    )
    stopped = forms.ChoiceField(
        label=_("Er bruddet stoppet?"), choices=Stopped.choices, widget=forms.RadioSelect
    )
    stop_description = free_text(
        _("Hvad er der gjort for at stoppe det?"),
        required=False,
        help_text=_("Fx „mobilen er spærret“ eller „modtageren har slettet e-mailen“."),
    )
    manager_informed = forms.BooleanField(label=_("Min leder ved det"), required=False)
    it_informed = forms.BooleanField(label=_("IT ved det"), required=False)
    attachments = MultipleFileField(
        label=_("Bilag (valgfrit)"),
        required=False,
        help_text=_("PDF, PNG, JPEG eller tekst, højst 10 MB pr. fil. Ingen CPR-numre i filnavne."),
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Div("category", css_class="category-choice"),
            HTML('{% include "incidents/_first_steps.html" %}'),
            Fieldset(
                _("Hvornår?"),
                Field("discovered_at"),
                Field("occurred_at"),
            ),
            Fieldset(_("Beskrivelse"), "description"),
            Fieldset(
                _("Personoplysninger"),
                "personal_data",
                "data_kinds",
                "affected_estimate",
            ),
            Fieldset(
                _("Er bruddet stoppet, og hvem ved det?"),
                "stopped",
                "stop_description",
                "manager_informed",
                "it_informed",
            ),
            Fieldset(_("Bilag"), "attachments"),
            "submission_token",
        )

    @staticmethod
    def new_token() -> uuid.UUID:
        return uuid.uuid4()


class VersionedForm(PortalForm):
    """Carries the incident version the person saw, so a colliding change is noticed."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, incident=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.incident = incident


class InformationForm(PortalForm):
    text = free_text(_("Nye oplysninger"), required=False, rows=3)
    attachments = MultipleFileField(label=_("Bilag (valgfrit)"), required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("text") and not cleaned.get("attachments") and not self.errors:
            raise ValidationError(_("Skriv de nye oplysninger eller vedhæft en fil."))
        return cleaned


class ContainmentForm(VersionedForm):
    required_messages = {
        "contained_at": _("Skriv hvornår bruddet blev stoppet."),
        "description": _("Skriv hvad der blev gjort for at stoppe bruddet."),
    }

    contained_at = when(_("Hvornår blev bruddet stoppet?"))
    description = free_text(_("Hvad blev gjort?"))


class PeopleNotifiedForm(VersionedForm):
    manager_notified_at = when(_("Lederen fik besked"), required=False)
    it_notified_at = when(_("IT fik besked"), required=False)


class EscalateForm(VersionedForm):
    pass


class AwarenessForm(VersionedForm):
    required_messages = {
        "aware_at": _("Skriv hvornår kommunen blev opmærksom på bruddet."),
        "reason": _("Skriv hvorfor tidspunktet ændres."),
    }

    aware_at = when(
        _("Kommunen blev opmærksom på bruddet"),
        help_text=_("Fristen for anmeldelse til Datatilsynet er 72 timer herefter."),
    )
    reason = free_text(_("Hvorfor ændres tidspunktet?"))
    delay_reasons = free_text(
        _("Begrundelse for forsinkelse"),
        required=False,
        help_text=_(
            "Kun hvis bruddet allerede er anmeldt, og anmeldelsen med det nye tidspunkt bliver "
            "sket efter fristen."
        ),
    )


class AssessmentForm(VersionedForm):
    required_messages = {
        "classification": _("Svar på, om hændelsen er et brud på persondatasikkerheden."),
        "breach_types": _("Vælg mindst én type af brud."),
        "risk_level": _("Vælg risikoen for de registrerede."),
        "risk_reasoning": _("Begrund risikovurderingen."),
    }

    classification = forms.ChoiceField(
        label=_("Er hændelsen et brud på persondatasikkerheden?"),
        choices=Classification.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Et brud er, når personoplysninger ved en sikkerhedshændelse er blevet tilintetgjort, "
            "mistet, ændret eller kommet til uvedkommendes kendskab (art. 4, nr. 12)."
        ),
    )
    account = free_text(
        _("Hvad er der sket? (GDPR-enhedens beskrivelse)"),
        required=False,
        rows=4,
        help_text=_(
            "Jeres egen beskrivelse af hændelsesforløbet til Datatilsynet og fortegnelsen. "
            "Ingen navne eller CPR-numre."
        ),
    )
    dt_incident_type = forms.ChoiceField(
        label=_("Hændelsestype hos Datatilsynet"),
        choices=[("", _("Vælg")), *DtIncidentType.choices],
        required=False,
        help_text=_("Foreslået ud fra kategorien; ret den, hvis den ikke passer."),
    )
    breach_types = forms.MultipleChoiceField(
        label=_("Type af brud"),
        choices=BreachType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Flere kan gælde."),
    )
    subject_categories = forms.MultipleChoiceField(
        label=_("Hvem handler oplysningerne om?"),
        choices=SubjectCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    subjects_estimate = forms.IntegerField(
        label=_("Registrerede (ca. antal)"), required=False, min_value=0
    )
    data_kinds = forms.MultipleChoiceField(
        label=_("Kategorier af personoplysninger"),
        choices=DataKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    records_estimate = forms.IntegerField(
        label=_("Registreringer (ca. antal)"), required=False, min_value=0
    )
    likely_consequences = free_text(_("Sandsynlige konsekvenser"), required=False)
    measures_before = free_text(_("Foranstaltninger, der var på plads før bruddet"), required=False)
    measures_taken = free_text(_("Trufne foranstaltninger"), required=False)
    measures_proposed = free_text(_("Foreslåede foranstaltninger"), required=False)
    identifiability = forms.ChoiceField(
        label=_("Hvor let kan personerne identificeres? (ENISA)"),
        choices=[("", _("Vælg")), *Identifiability.choices],
        required=False,
    )
    malicious = forms.BooleanField(
        label=_("Ondsindet hensigt (fx tyveri eller angreb)"), required=False
    )
    risk_level = forms.ChoiceField(
        label=_("Risiko for de registrerede"), choices=RiskLevel.choices, widget=forms.RadioSelect
    )
    risk_reasoning = free_text(_("Begrundelse for risikovurderingen"))
    risk_override_reason = free_text(
        _("Hvis risikoen er lavere end foreslået: hvorfor?"),
        required=False,
        help_text=_(
            "CPR-numre, følsomme oplysninger, strafbare forhold, børn eller mange berørte tyder "
            "på mindst „Risiko“."
        ),
    )


class DecisionForm(VersionedForm):
    required_messages = {
        "notify_decision": _("Vælg, om bruddet skal anmeldes til Datatilsynet."),
        "decision_reasoning": _("Begrund beslutningen."),
    }

    notify_decision = forms.ChoiceField(
        label=_("Skal bruddet anmeldes til Datatilsynet?"),
        choices=NotifyDecision.choices,
        widget=forms.RadioSelect,
    )
    decision_reasoning = free_text(_("Begrundelse for beslutningen"))
    deviation_reason = free_text(
        _("Hvis bruddet ikke anmeldes trods risiko: hvorfor?"),
        required=False,
        help_text=_(
            "Kræves, når risikoen er vurderet som „Risiko“ eller „Høj risiko“, og bruddet "
            "alligevel ikke anmeldes. Afvigelsen vises i fortegnelsen."
        ),
    )


class DtNotificationForm(VersionedForm):
    required_messages = {
        "notified_at": _("Skriv hvornår bruddet blev anmeldt til Datatilsynet."),
    }

    notified_at = when(_("Anmeldt til Datatilsynet"))
    dt_reference = reference(_("Datatilsynets journalnummer"))
    content = free_text(_("Hvad blev anmeldt (kort)"), required=False)
    delay_reasons = free_text(
        _("Begrundelse for forsinkelse"),
        required=False,
        help_text=_("Skal udfyldes, hvis anmeldelsen sker mere end 72 timer efter opmærksomhed."),
    )
    items_supplied = forms.MultipleChoiceField(
        label=_("Opfølgningen indeholder"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Det, der blev lovet eftersendt, og som nu sendes."),
    )
    receipt = forms.FileField(label=_("Kvittering (PDF)"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        outstanding = self.incident.dt_items_outstanding if self.incident else []
        if outstanding:
            self.fields["items_supplied"].choices = [
                (key, DRAFT_ITEM_LABELS.get(key, key)) for key in outstanding
            ]
        else:
            del self.fields["items_supplied"]
        if self.incident is not None and self.incident.initial_dt_notification() is not None:
            del self.fields["delay_reasons"]

    def clean_receipt(self):
        receipt = self.cleaned_data.get("receipt")
        if receipt:
            check_upload(receipt)
        return receipt


class SubjectsForm(VersionedForm):
    informed_at = when(_("De registrerede blev underrettet"), required=False)
    informed_how = free_text(_("Hvordan blev de underrettet?"), required=False)
    exemption = forms.ChoiceField(
        label=_("Eller: undtagelse fra underretning"),
        choices=[("", _("Ingen undtagelse")), *SubjectsExemption.choices],
        required=False,
    )
    exemption_reason = free_text(_("Begrundelse for undtagelsen"), required=False)
    public_communication_at = when(
        _("Offentlig meddelelse bragt"),
        required=False,
        help_text=_("Kun ved undtagelsen i art. 34, stk. 3, litra c."),
    )
    public_communication_where = free_text(
        _("Hvor blev meddelelsen bragt?"), required=False, rows=2
    )


class OtherForm(VersionedForm):
    processor_involved = yes_no(_("Har en databehandler anmeldt bruddet til os?"))
    processor_discovered_at = when(_("Databehandleren opdagede bruddet"), required=False)
    processor_told_us_at = when(_("Databehandleren underrettede os"), required=False)
    police_reported = yes_no(_("Er bruddet politianmeldt?"))
    police_reference = reference(_("Politiets journalnummer"))
    sbsys_case_number = reference(
        _("SBSYS-sagsnummer"),
        help_text=_("Sagen skal journaliseres senest 7 dage efter anmeldelsen."),
    )


class CloseForm(VersionedForm):
    pass


class ReopenForm(VersionedForm):
    required_messages = {"reason": _("Skriv hvorfor sagen genåbnes.")}

    reason = free_text(_("Hvorfor genåbnes sagen?"))


class NoteForm(PortalForm):
    required_messages = {"text": _("Skriv noten.")}

    text = free_text(_("Intern note (kun for IT og GDPR-enheden)"))


class MessageForm(PortalForm):
    required_messages = {"text": _("Skriv beskeden til indberetteren.")}

    text = free_text(_("Besked til indberetteren"))


class ManagerActedForm(PortalForm):
    text = free_text(
        _("Hvad har du gjort? (valgfrit)"),
        required=False,
        help_text=_("Fx „talt med medarbejderen, og kontoen er spærret“. Ingen CPR-numre."),
    )
