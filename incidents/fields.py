"""The form fields the incident forms share: a Copenhagen date and time, free text without CPR
numbers, a reference number, a three-way yes/no, and several files at once."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from incidents.files import check_quota, check_upload
from incidents.widgets import LocalDateTimeField
from portal.cpr import reject_cpr, reject_cpr_in_reference


def when(label, *, required: bool = True, help_text: str = "") -> forms.DateTimeField:
    """A Copenhagen date and time; times in the future or out of order are refused by the
    services (incidents/services.py), which know what the time must follow."""
    return LocalDateTimeField(label=label, required=required, help_text=help_text)


def free_text(label, *, required: bool = True, help_text: str = "", rows: int = 3):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        validators=[reject_cpr],
    )


def reference(label, *, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=100,
        help_text=help_text,
        validators=[reject_cpr_in_reference],
    )


def yes_no(label) -> forms.TypedChoiceField:
    """Ja / Nej, or not answered yet (None)."""
    return forms.TypedChoiceField(
        label=label,
        choices=[("yes", _("Ja")), ("no", _("Nej"))],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data]
        else:
            files = [single(data, initial)] if data else []
        errors = []
        for upload in files:
            try:
                check_upload(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        try:
            check_quota(files)  # what is already stored is counted again by the service
        except ValidationError as error:
            errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return files
