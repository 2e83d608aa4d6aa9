"""Project-wide forms and the base every form uses for crispy layout."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import forms as auth_forms


class PortalFormMixin:
    """Sets up crispy's FormHelper: we render <form> ourselves, crispy renders the fields.

    `required_messages` ({field: text}) says, field by field, what to do when it is left out
    ("Vælg hvad der er sket.") instead of Django's "Dette felt er påkrævet.".
    """

    required_messages: dict = {}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        for name, message in self.required_messages.items():
            if name in self.fields:
                self.fields[name].error_messages["required"] = message


class PortalForm(PortalFormMixin, forms.Form):
    pass


class PortalModelForm(PortalFormMixin, forms.ModelForm):
    pass


class LoginForm(PortalFormMixin, auth_forms.AuthenticationForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"


class PasswordChangeForm(PortalFormMixin, auth_forms.PasswordChangeForm):
    """Old password, then the new one twice; the folder's rule is the password validator."""
