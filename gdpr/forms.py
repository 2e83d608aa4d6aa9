"""The dashboard's filter: it validates, nothing more."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from gdpr import deadlines
from incidents.models import Category, Status
from portal.models import Department


class RenderedSelect(forms.Select):
    """A select that may be handed its rendering with nothing chosen (`rendered`, as Django
    renders it: the dashboard keeps the departments' once per version of them) and marks the
    chosen option in it, instead of rendering a template per option on every request."""

    rendered: str | None = None

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        if self.rendered is None:
            return super().render(name, value, attrs, renderer)
        html = self.rendered
        chosen = [v for v in self.format_value(value) if v != ""]
        if chosen:
            html = html.replace('<option value="" selected>', '<option value="">', 1)
        for v in chosen:
            option = f'<option value="{escape(v)}"'
            html = html.replace(f"{option}>", f"{option} selected>", 1)
        return mark_safe(html)  # noqa: S308 (Django's own rendering; values escaped above)


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
        widget=RenderedSelect,
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
