"""Forms for the campaigns: they validate, awareness/services.py acts."""

from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guidance.models import Section
from incidents.models import Category
from portal.forms import PortalForm
from portal.models import Department


class CampaignForm(PortalForm):
    title = forms.CharField(
        label=_("Titel"),
        max_length=200,
        help_text=_("Fx „Årlig gennemgang af sikkerhedsfolderen 2027“."),
    )
    all_staff = forms.BooleanField(label=_("Alle medarbejdere"), required=False)
    departments = forms.ModelMultipleChoiceField(
        label=_("Eller udvalgte afdelinger"),
        queryset=Department.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sections = forms.ModelMultipleChoiceField(
        label=_("Afsnit, der skal læses og bekræftes"),
        queryset=Section.objects.in_order(),
        widget=forms.CheckboxSelectMultiple,
    )
    deadline = forms.DateField(
        label=_("Frist"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Medarbejderne kan bekræfte til og med denne dag."),
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("all_staff") and not cleaned.get("departments"):
            self.add_error(
                "departments", _("Vælg en eller flere afdelinger, eller alle medarbejdere.")
            )
        deadline = cleaned.get("deadline")
        if deadline is not None and deadline < timezone.localdate():
            self.add_error("deadline", _("Fristen kan ikke ligge før i dag."))
        return cleaned


class ConfirmForm(PortalForm):
    """A section read: the answer to its question (if it has one) and the box ticked."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    choice = forms.ModelChoiceField(
        label="", queryset=None, widget=forms.RadioSelect, empty_label=None, required=False
    )
    understood = forms.BooleanField(label=_("Jeg har læst og forstået"), required=False)

    def __init__(self, *args, question=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if question is None:
            del self.fields["choice"]
        else:
            self.fields["choice"].queryset = question.choices.all()
            self.fields["choice"].label = question.text


class ReminderForm(PortalForm):
    token = forms.UUIDField(widget=forms.HiddenInput)

    @staticmethod
    def new_token() -> uuid.UUID:
        return uuid.uuid4()


class RepeatForm(PortalForm):
    department = forms.ModelChoiceField(queryset=Department.objects.all())
    category = forms.ChoiceField(choices=Category.choices)
