"""Project-wide forms and the base every form uses for crispy layout."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from portal.models import Department, Profile
from portal.roles import (
    ADMINISTRATOR_ROLE,
    ALL_GROUPS,
    ROLE_CHOICES,
    ROLES,
    Role,
    with_manager_flag,
)


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


# --- The admin's user form -----------------------------------------------------------------------


def person_label(person: User) -> str:
    """How the admin names a person in a list: full name and department, never the username
    unless there is no name."""
    name = person.get_full_name() or person.username
    profile = getattr(person, "profile", None)
    department = profile.department if profile else None
    return f"{name} ({department})" if department else name


def role_sentence(role: Role) -> str:
    """What a role is, in one paragraph: how one gets it, what it may, where it lands."""
    parts = [role.held_by, role.may]
    if role.landing:
        parts.append(_("Lander på %(page)s efter log ind.") % {"page": role.landing[1]})
    return " ".join(str(part) for part in parts if part)


def roles_explained(only: Role | None = None) -> str:
    """The roles and what each may see and do, as HTML for the admin (from portal.roles)."""
    return format_html(
        '<ul class="portal-roles">{}</ul>',
        format_html_join(
            "",
            "<li><strong>{}</strong>: {}</li>",
            ((role.label, role_sentence(role)) for role in ROLES if only in (None, role)),
        ),
    )


class ManagerChoiceIterator(ModelChoiceIterator):
    """The manager picker's options: those with the manager role first, then everyone else, each
    by name; never the person being edited."""

    def __iter__(self):
        field = self.field
        if field.empty_label is not None:
            yield ("", field.empty_label)
        managers, others = [], []
        for person in self.queryset:
            if person.pk != field.person_pk:
                (managers if person.holds_manager_role else others).append(self.choice(person))
        if managers:
            yield (_("Ledere"), managers)
        if others:
            yield (_("Andre medarbejdere"), others)

    def __len__(self) -> int:
        return self.queryset.count() + (self.field.empty_label is not None)


class ManagerChoiceField(forms.ModelChoiceField):
    iterator = ManagerChoiceIterator
    # The person the form is about: still a valid value (so choosing them gets the model's own
    # error, not "not one of the choices"), but not offered.
    person_pk = None

    def label_from_instance(self, person: User) -> str:
        return person_label(person)


class PersonFields(forms.Form):
    """What the admin's user form asks beyond the account: department, manager, roles, and
    groups that give rights in the admin. portal.people.person_save stores them."""

    department = forms.ModelChoiceField(
        Department.objects.all(),
        required=False,
        label=_("Afdeling"),
        empty_label=_("(ingen afdeling)"),
    )
    manager = ManagerChoiceField(
        User.objects.none(),
        required=False,
        label=_("Leder"),
        empty_label=_("(ingen leder)"),
        help_text=_(
            "Lederen ser personens anmeldelser, når lederen har rollen Leder. Personer med "
            "rollen står først."
        ),
    )
    roles = forms.MultipleChoiceField(
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Roller"),
    )
    other_groups = forms.ModelMultipleChoiceField(
        Group.objects.exclude(name__in=ALL_GROUPS),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Andre grupper"),
        help_text=_(
            "Grupper med rettigheder i administrationen, fx for redaktører af vejledningen. "
            "De virker kun sammen med admin-status og giver ingen adgang til sikkerhedsbrud."
        ),
    )

    required_messages = {
        "first_name": _("Skriv personens fornavn."),
        "last_name": _("Skriv personens efternavn."),
        "email": _("Skriv personens e-mailadresse: portalen skriver til den om anmeldelser."),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        user = self.instance
        profile = getattr(user, "profile", None) if user.pk else None
        for name, message in self.required_messages.items():
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = message
        people = User.objects.filter(is_active=True)
        if profile and profile.manager_id:
            people = people | User.objects.filter(pk=profile.manager_id)
        manager = self.fields["manager"]
        manager.queryset = with_manager_flag(
            people.select_related("profile__department").order_by(
                "first_name", "last_name", "username"
            )
        )
        manager.person_pk = user.pk
        self.fields["roles"].help_text = roles_explained()
        if "is_superuser" in self.fields:
            self.fields["is_superuser"].label = ADMINISTRATOR_ROLE.label
            self.fields["is_superuser"].help_text = _("%(may)s Giver også admin-status.") % {
                "may": ADMINISTRATOR_ROLE.may
            }
        if user.pk:
            groups = list(user.groups.all())
            self.initial.setdefault("roles", [g.name for g in groups if g.name in ALL_GROUPS])
            self.initial.setdefault(
                "other_groups", [g.pk for g in groups if g.name not in ALL_GROUPS]
            )
        if profile:
            self.initial.setdefault("department", profile.department_id)
            self.initial.setdefault("manager", profile.manager_id)

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("is_superuser"):
            cleaned["is_staff"] = True  # an administrator who cannot open the admin is none
        manager = cleaned.get("manager")
        if manager is not None and self.instance.pk is not None:
            profile = getattr(self.instance, "profile", None) or Profile(user=self.instance)
            profile.manager = manager
            try:
                # The model's own rules about a manager (not oneself), with its own words.
                profile.validate_constraints(exclude={"oidc_issuer", "oidc_subject"})
            except ValidationError as error:
                self.add_error("manager", error.messages)
        return cleaned


class UserAddForm(PersonFields, auth_forms.AdminUserCreationForm):
    """A new person on one page: account, name, e-mail, organisation, roles and how they log in."""

    class Meta(auth_forms.AdminUserCreationForm.Meta):
        fields = ("username", "first_name", "last_name", "email", "is_superuser", "is_staff")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        login = self.fields["usable_password"]
        login.label = _("Log ind")
        login.choices = [
            ("false", _("Kun med organisationens konto")),
            ("true", _("Med brugernavn og adgangskode")),
        ]
        if settings.OIDC_ENABLED:
            login.initial = "false"
            login.help_text = _(
                "Med organisationens konto logger personen ind som på sin computer, og "
                "rollerne kan komme fra grupperne dér. En adgangskode her virker kun, hvis log "
                "ind med adgangskode er slået til (nødadgang for administratorer)."
            )
        else:
            login.help_text = _(
                "Portalen er ikke koblet til organisationens konto endnu: uden en adgangskode "
                "kan personen ikke logge ind."
            )


class UserEditForm(PersonFields, auth_forms.UserChangeForm):
    """The same person later: the same fields, plus whether the account is active."""
