"""The admin, as a municipal administrator meets it: in Danish, one page per person, the roles
explained, and closed to everyone without admin status."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.text import camel_case_to_spaces

from portal import roles
from portal.models import Department, LoginAttempt, Profile
from tests.personas import make_person

# What would show if a model, app or Django's own words were left in English (axes' own admin,
# a model without a verbose name, a missing Danish translation).
ENGLISH = [
    "Site administration",
    "Recent actions",
    "Authentication and Authorization",
    "Users",
    "Groups",
    "Access attempts",
    "Access logs",
    "Access failures",
    "Select user to change",
    "Add user",
    "Save and add another",
]


def page_text(response) -> str:
    """The visible text of an admin page: tags, scripts and the <head> left out."""
    html = response.content.decode()
    html = re.sub(r"<head>.*?</head>|<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def shown_fields() -> list[models.Field]:
    """Every field the admin shows, of registered models and their inlines: the editable ones
    (in forms and filters) and any other it names (lists, read-only fields)."""
    fields = []
    for model, model_admin in admin.site._registry.items():
        for options in (
            model_admin,
            *(inline(model, admin.site) for inline in model_admin.inlines),
        ):
            named = {*(options.readonly_fields or ()), *(options.fields or ())}
            named.update(getattr(options, "list_display", ()))
            fields.extend(
                field
                for field in options.model._meta.get_fields()
                if isinstance(field, models.Field)
                and not field.auto_created
                and not field.primary_key
                and (field.editable or field.name in named)
            )
    return fields


def english_defaults(model: type[models.Model]) -> set[str]:
    """The names Django gives a model or its app when nobody named them."""
    name = camel_case_to_spaces(model._meta.object_name)
    return {name, f"{name}s", model._meta.app_label.title()}


def assert_no_english(text: str) -> None:
    for word in ENGLISH:
        assert not re.search(rf"\b{re.escape(word)}\b", text), word
    for model in admin.site._registry:
        for default in english_defaults(model):
            # "synonym" is Danish too: the plural tells them apart.
            if default != str(model._meta.verbose_name):
                assert not re.search(rf"\b{re.escape(default)}\b", text, re.I), default


def test_every_model_and_app_in_the_admin_has_a_danish_name(db):
    with translation.override("da"):
        for model in admin.site._registry:
            opts = model._meta
            defaults = english_defaults(model)
            assert str(opts.verbose_name_plural) not in defaults, opts.label
            assert str(opts.app_config.verbose_name) not in defaults, opts.label


def test_every_field_the_admin_shows_is_named_explicitly():
    """A field without a verbose name shows its attribute name ("content type") in lists,
    filters and forms."""
    unnamed = [
        f"{field.model._meta.label}.{field.name}"
        for field in shown_fields()
        if field._verbose_name is None
    ]
    assert unnamed == []


def test_the_admin_index_is_in_danish(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    text = page_text(response)
    for heading in ("Brugere", "Grupper", "Afdelinger", "Mislykkede log ind", "Sikkerhedsbrud"):
        assert heading in text
    assert_no_english(text)


def test_every_list_in_the_admin_is_in_danish(client, superuser, reporter, gdpr_user):
    client.force_login(superuser)
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_english(page_text(response))


def test_djangos_axes_admin_is_replaced_by_the_danish_list_of_failed_logins():
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        assert not admin.site.is_registered(model)
    assert admin.site.is_registered(LoginAttempt)
    with translation.override("da"):
        assert str(LoginAttempt._meta.verbose_name_plural) == "mislykkede log ind"


# --- The user form -------------------------------------------------------------------------------


def new_person(**changes) -> dict:
    """A complete add-user POST: Rikke's new colleague in Borgerservice under Mona."""
    department = Department.objects.get(name="Borgerservice")
    manager = User.objects.get(username="mona")
    data = {
        "username": "bente",
        "first_name": "Bente",
        "last_name": "Bundgaard",
        "email": "bente@herlev.test",
        "department": department.pk,
        "manager": manager.pk,
        "roles": [roles.IT],
        "usable_password": "false",
        "password1": "",
        "password2": "",
        "_save": "Gem",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_add_form_asks_everything_about_a_person_on_one_page(client, superuser, manager):
    client.force_login(superuser)
    response = client.get(reverse("admin:auth_user_add"))
    assert response.status_code == 200
    html = response.text
    for name in ("username", "first_name", "last_name", "email", "department", "manager"):
        assert f'name="{name}"' in html, name
    for group, _label in roles.ROLE_CHOICES:
        assert f'value="{group}"' in html
    # Django's own add page says to save first and edit the rest afterwards; ours does not.
    assert "First, enter a username" not in html
    assert "Først skal du angive et brugernavn" not in html


def test_the_user_form_explains_every_role_from_portal_roles(client, superuser, reporter):
    client.force_login(superuser)
    for url in (
        reverse("admin:auth_user_add"),
        reverse("admin:auth_user_change", args=[reporter.pk]),
    ):
        text = page_text(client.get(url))
        for role in roles.ROLES:
            assert str(role.label) in text
            assert str(role.may) in text
        assert "Lander på fristoversigten efter log ind." in text


def test_one_post_creates_the_person_with_department_manager_and_role(client, superuser, manager):
    client.force_login(superuser)
    response = client.post(reverse("admin:auth_user_add"), new_person())
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:auth_user_changelist")
    bente = User.objects.get(username="bente")
    assert (bente.first_name, bente.last_name, bente.email) == (
        "Bente",
        "Bundgaard",
        "bente@herlev.test",
    )
    assert bente.profile.department.name == "Borgerservice"
    assert bente.profile.manager == manager
    assert roles.role_names(bente) == ["Medarbejder", roles.IT]
    assert not bente.has_usable_password()  # logs in with the organisation's account
    assert not bente.is_staff


def test_a_new_person_can_get_a_password_and_the_administrator_role(client, superuser, manager):
    client.force_login(superuser)
    data = new_person(
        usable_password="true",
        password1="Velkommen2026Herlev",
        password2="Velkommen2026Herlev",
        roles=[],
        is_superuser="on",
    )
    assert client.post(reverse("admin:auth_user_add"), data).status_code == 302
    bente = User.objects.get(username="bente")
    assert bente.check_password("Velkommen2026Herlev")
    # An administrator who cannot open the admin would be none.
    assert bente.is_superuser and bente.is_staff
    assert list(bente.groups.all()) == []


def test_the_manager_picker_shows_full_names_managers_first(client, superuser, reporter, manager):
    client.force_login(superuser)
    html = client.get(reverse("admin:auth_user_add")).text
    select = re.search(r'<select name="manager".*?</select>', html, re.S).group(0)
    options = re.findall(r"<option[^>]*>([^<]*)</option>", select)
    assert options[1] == "Mona Mortensen (Borgerservice)"  # the only one with the manager role
    assert "Rikke Rasmussen (Borgerservice)" in options
    assert "mona" not in options and "rikke" not in options
    assert '<optgroup label="Ledere">' in select


def test_the_change_form_does_not_offer_the_person_as_their_own_manager(
    client, superuser, reporter, manager
):
    client.force_login(superuser)
    html = client.get(reverse("admin:auth_user_change", args=[manager.pk])).text
    select = re.search(r'<select name="manager".*?</select>', html, re.S).group(0)
    assert "Mona Mortensen" not in select
    assert "Rikke Rasmussen (Borgerservice)" in select


def test_a_bad_post_keeps_the_input_and_says_what_is_missing_in_danish(client, superuser, manager):
    client.force_login(superuser)
    response = client.post(reverse("admin:auth_user_add"), new_person(email=""))
    assert response.status_code == 200
    html = response.text
    assert "Skriv personens e-mailadresse" in html
    assert 'value="Bente"' in html and 'value="Bundgaard"' in html
    department = Department.objects.get(name="Borgerservice")
    assert f'<option value="{department.pk}" selected>' in html
    assert f'<option value="{manager.pk}" selected>' in html
    assert re.search(rf'value="{roles.IT}"[^>]*checked', html)
    assert not User.objects.filter(username="bente").exists()


def test_changing_a_person_moves_their_roles_department_and_manager_together(
    client, superuser, reporter, manager, other_manager
):
    client.force_login(superuser)
    editors = Group.objects.create(name="Redaktører")
    reporter.groups.add(editors)
    data = {
        "username": "rikke",
        "first_name": "Rikke",
        "last_name": "Rasmussen",
        "email": "rikke@herlev.test",
        "department": Department.objects.get(name="Teknik og Miljø").pk,
        "manager": other_manager.pk,
        "roles": [roles.MANAGERS, roles.GDPR_UNIT],
        "other_groups": [editors.pk],
        "is_active": "on",
        "_save": "Gem",
    }
    response = client.post(reverse("admin:auth_user_change", args=[reporter.pk]), data)
    assert response.status_code == 302
    reporter = User.objects.get(pk=reporter.pk)
    assert reporter.profile.department.name == "Teknik og Miljø"
    assert reporter.profile.manager == other_manager
    assert roles.role_names(reporter) == ["Medarbejder", roles.MANAGERS, roles.GDPR_UNIT]
    assert reporter.groups.filter(name="Redaktører").exists()  # not a role: left as it was


def test_a_person_cannot_be_made_their_own_manager(client, superuser, manager):
    client.force_login(superuser)
    data = {
        "username": "mona",
        "first_name": "Mona",
        "last_name": "Mortensen",
        "email": "mona@herlev.test",
        "manager": manager.pk,
        "roles": [roles.MANAGERS],
        "is_active": "on",
        "_save": "Gem",
    }
    response = client.post(reverse("admin:auth_user_change", args=[manager.pk]), data)
    assert response.status_code == 200
    assert "En medarbejder kan ikke være sin egen leder." in response.text
    assert Profile.objects.get(user=manager).manager is None


# --- Who may use it ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/admin/", "/admin/auth/user/", "/admin/auth/user/add/"])
def test_employees_and_role_holders_without_admin_status_cannot_reach_the_admin(
    client, reporter, manager, it_user, gdpr_user, url
):
    for person in (reporter, manager, it_user, gdpr_user):
        client.force_login(person)
        response = client.get(url, follow=True)
        assert response.status_code == 403, (person.username, url)
        assert "Brugere" not in response.text


def test_visitors_are_sent_to_the_login_page(client, db):
    response = client.get("/admin/auth/user/add/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))


def test_admin_status_alone_does_not_let_anyone_add_people(client, db):
    clerk = make_person("kim", "Kim", "Kristensen", "IT")
    clerk.is_staff = True
    clerk.save()
    client.force_login(clerk)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:auth_user_add")).status_code == 403
    response = client.post(reverse("admin:auth_user_add"), {"username": "mallory"})
    assert response.status_code == 403
    assert not User.objects.filter(username="mallory").exists()


# --- Failed logins -------------------------------------------------------------------------------


def test_an_administrator_sees_a_lockout_and_lifts_it(client, superuser, reporter, settings):
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username="rikke",
        ip_address="10.0.0.7",
        user_agent="Firefox",
        http_accept="*/*",
        path_info="/log-ind/",
        get_data="",
        post_data="",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
    )
    client.force_login(superuser)
    url = reverse("admin:portal_loginattempt_changelist")
    text = page_text(client.get(url))
    assert "rikke" in text and "10.0.0.7" in text
    assert "Spærret indtil" in text
    attempt = AccessAttempt.objects.get()
    response = client.post(url, {"action": "unlock", "_selected_action": [attempt.pk]}, follow=True)
    assert "personen kan logge ind igen" in response.text
    assert not AccessAttempt.objects.exists()
