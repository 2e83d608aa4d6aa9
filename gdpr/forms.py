"""The dashboard's filter: it validates, nothing more."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy

from gdpr import deadlines
from incidents.models import Category, Status
from portal.models import Department


class DashboardFilter(forms.Form):
    ko = forms.ChoiceField(
        label=gettext_lazy("Kø"),
        required=False,
        choices=[("", gettext_lazy("Alle åbne")), *deadlines.QUEUES.items()],
    )
    kategori = forms.ChoiceField(
        label=gettext_lazy("Kategori"),
        required=False,
        choices=[("", gettext_lazy("Alle")), *Category.choices],
    )
    afdeling = forms.ModelChoiceField(
        label=gettext_lazy("Afdeling"),
        required=False,
        queryset=Department.objects.all(),
        empty_label=gettext_lazy("Alle"),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("", gettext_lazy("Alle")),
            (Status.REPORTED, Status.REPORTED.label),
            (Status.ESCALATED, Status.ESCALATED.label),
        ],
    )

    # Which clocks: the GDPR 72-hour clock, NIS2's three, or both (a row per clock).
    ordning = forms.ChoiceField(
        label=gettext_lazy("Frister"),
        required=False,
        choices=[
            ("", gettext_lazy("GDPR og NIS2")),
            ("gdpr", gettext_lazy("Kun GDPR (72 timer)")),
            ("nis2", gettext_lazy("Kun NIS2 (væsentlige hændelser)")),
        ],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not settings.NIS2_ENABLED:
            del self.fields["ordning"]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"
