"""Forms for NIS2 on an incident: they validate, nis2/services.py acts."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from incidents.fields import free_text, reference, when, yes_no
from incidents.files import check_upload
from nis2.models import Criterion, Phase
from portal.forms import PortalForm


class Nis2Form(PortalForm):
    """Carries the version of the NIS2 record the person saw (0: none yet)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, nis2_case=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.nis2_case = nis2_case


class AssessmentForm(Nis2Form):
    significant = forms.TypedChoiceField(
        label=_("Er hændelsen væsentlig efter NIS2?"),
        choices=[("yes", _("Ja, væsentlig")), ("no", _("Nej, ikke væsentlig"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text=_(
            "Væsentlig er en hændelse, der har forårsaget eller kan forårsage alvorlig "
            "driftsforstyrrelse eller økonomisk tab, eller betydelig skade på andre (art. 23, "
            "stk. 3)."
        ),
    )
    criteria = forms.MultipleChoiceField(
        label=_("Hvad gør den væsentlig?"),
        choices=Criterion.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    aware_at = when(
        _("Kommunen blev opmærksom på den væsentlige hændelse"),
        required=False,
        help_text=_(
            "Kan være et andet tidspunkt end for GDPR. Tidlig varsling skal sendes inden 24 "
            "timer, hændelsesunderretning inden 72 timer."
        ),
    )
    reason = free_text(_("Begrundelse for vurderingen"))


class DetailsForm(Nis2Form):
    suspected_malicious = yes_no(_("Er der mistanke om en ulovlig eller ondsindet handling?"))
    cross_border = yes_no(_("Kan hændelsen påvirke andre lande (grænseoverskridende)?"))
    severity_impact = free_text(
        _("Alvor og virkning"),
        required=False,
        help_text=_("Fx hvilke tjenester er ramt, hvor længe, hvor mange borgere."),
    )
    indicators = free_text(
        _("Kompromitteringsindikatorer (IoC)"),
        required=False,
        help_text=_("Fx IP-adresser, domæner, fil-hashes – hvis de kendes."),
    )
    threat = free_text(_("Trusselstype eller grundlæggende årsag"), required=False)
    mitigations = free_text(
        _("Afhjælpende foranstaltninger (gennemførte og igangværende)"), required=False
    )


class SubmissionForm(Nis2Form):
    phase = forms.ChoiceField(label=_("Hvilken rapport er sendt?"), choices=Phase.choices)
    submitted_at = when(_("Sendt til CSIRT'en"))
    reference = reference(_("CSIRT'ens reference"))
    content = free_text(_("Hvad blev sendt (kort)"), required=False)
    receipt = forms.FileField(label=_("Kvittering (PDF)"), required=False)

    def __init__(self, *args, phases: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if phases is not None:
            labels = dict(Phase.choices)
            self.fields["phase"].choices = [(p, labels[p]) for p in phases]

    def clean_receipt(self):
        receipt = self.cleaned_data.get("receipt")
        if receipt:
            check_upload(receipt)
        return receipt


class EndForm(Nis2Form):
    ended_at = when(
        _("Hændelsen var håndteret (afsluttet)"),
        help_text=_("Den endelige rapport skal sendes senest en måned herefter."),
    )
