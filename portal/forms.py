"""Project-wide forms and the base every form uses for crispy layout."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import forms as auth_forms


class PortalFormMixin:
    """Sets up crispy's FormHelper: we render <form> ourselves, crispy renders the fields."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


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
