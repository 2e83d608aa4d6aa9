"""The admin for a municipal administrator: people with their department, manager and roles on
one form, the role groups explained, failed logins to lift, and everything in Danish."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal import people, roles
from portal.forms import UserAddForm, UserEditForm, roles_explained
from portal.models import Department, LoginAttempt, Profile, RoleMapping


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "people"]
    search_fields = ["name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Department]:
        return super().get_queryset(request).annotate(people_count=Count("profiles"))

    @admin.display(description=_("medarbejdere"), ordering="people_count")
    def people(self, department: Department) -> int:
        return department.people_count


@admin.register(RoleMapping)
class RoleMappingAdmin(admin.ModelAdmin):
    list_display = ["group_id", "role", "note"]
    list_filter = ["role"]
    search_fields = ["group_id", "note"]


# --- Permissions in Danish -------------------------------------------------------------------

# Django stores its permissions' names in English ("Can change rule"); the admin shows these.
PERMISSION_ACTIONS = {
    "add": _("kan tilføje"),
    "change": _("kan ændre"),
    "delete": _("kan slette"),
    "view": _("kan se"),
}


def permission_label(permission: Permission) -> str:
    """'Vejledning | regel | kan ændre' for Django's built-in permissions."""
    model = permission.content_type.model_class()
    action = permission.codename.partition("_")[0]
    if model is None or permission.codename != f"{action}_{model._meta.model_name}":
        return str(permission)
    opts = model._meta
    return f"{opts.app_config.verbose_name} | {opts.verbose_name} | {PERMISSION_ACTIONS[action]}"


def admin_permissions() -> QuerySet[Permission]:
    """The permissions that mean something in this admin: those of the models it shows (and of
    their inlines). django-axes', sessions' and the workers' tables are not shown to anyone."""
    models = set()
    for model, model_admin in admin.site._registry.items():
        models.add(model)
        models.update(inline.model for inline in model_admin.inlines)
    content_types = ContentType.objects.get_for_models(*models, for_concrete_models=False)
    return (
        Permission.objects.filter(
            content_type__in=content_types.values(), codename__regex=r"^(add|change|delete|view)_"
        )
        .select_related("content_type")
        .order_by("content_type__app_label", "content_type__model", "codename")
    )


class DanishPermissionsMixin:
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            kwargs["queryset"] = admin_permissions()
            field = super().formfield_for_manytomany(db_field, request=request, **kwargs)
            field.label_from_instance = permission_label
            return field
        return super().formfield_for_manytomany(db_field, request=request, **kwargs)


# --- People ----------------------------------------------------------------------------------


class PortalUserAdmin(DanishPermissionsMixin, UserAdmin):
    """One page per person, adding and changing alike; saved by portal.people.person_save."""

    add_form = UserAddForm
    form = UserEditForm
    add_form_template = "admin/auth/user/add_form.html"
    list_display = ["username", "first_name", "last_name", "email", "department", "role_list"]
    list_filter = ["groups", "profile__department", "is_active", "is_superuser", "is_staff"]
    list_select_related = ["profile__department"]
    search_fields = ["username", "first_name", "last_name", "email", "profile__department__name"]
    ordering = ["first_name", "last_name", "username"]
    readonly_fields = ["login_account", "last_login", "date_joined"]

    PERSON = (None, {"fields": ["username", "first_name", "last_name", "email"]})
    ORGANISATION = (_("Organisation"), {"fields": ["department", "manager"]})
    ADMIN_RIGHTS = (
        _("Adgang til administrationen"),
        {
            "classes": ["collapse"],
            "fields": ["is_staff", "other_groups", "user_permissions"],
        },
    )

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None):
        if obj is None:
            return [
                self.PERSON,
                self.ORGANISATION,
                (_("Roller"), {"fields": ["roles", "is_superuser"]}),
                (_("Log ind"), {"fields": ["usable_password", "password1", "password2"]}),
                self.ADMIN_RIGHTS,
            ]
        person = (self.PERSON[0], {**self.PERSON[1], "description": self._synced_note(obj)})
        return [
            person,
            self.ORGANISATION,
            (_("Roller"), {"fields": ["roles", "is_superuser", "is_active"]}),
            (_("Log ind"), {"fields": ["password", "login_account"]}),
            self.ADMIN_RIGHTS,
            (_("Vigtige datoer"), {"fields": ["last_login", "date_joined"]}),
        ]

    @staticmethod
    def _synced_note(user: User) -> str:
        profile = getattr(user, "profile", None)
        if not (settings.OIDC_ENABLED and profile and profile.oidc_subject):
            return ""
        return str(
            _(
                "Personen logger ind med organisationens konto: navn, e-mail, afdeling og roller "
                "hentes derfra ved hvert log ind, så ændringer af dem her gælder kun til næste "
                "log ind. Lederen sættes kun her."
            )
        )

    def get_form(self, request: HttpRequest, obj: User | None = None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class WithDepartmentPopup(form):
            """Departments can be added from the form, as with any foreign key in the admin."""

            def __init__(inner, *args, **kw) -> None:
                super().__init__(*args, **kw)
                field = inner.fields["department"]
                field.widget = RelatedFieldWidgetWrapper(
                    field.widget,
                    Profile._meta.get_field("department").remote_field,
                    self.admin_site,
                    can_add_related=self.admin_site.is_registered(Department)
                    and request.user.has_perm("portal.add_department"),
                )

        return WithDepartmentPopup

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related("groups")

    def response_add(self, request: HttpRequest, obj: User, post_url_continue=None):
        # Django's UserAdmin goes on to the change page after adding, where the rest of its form
        # was; here the add page asked everything, so "Gem" means done, as for any other model.
        return admin.ModelAdmin.response_add(self, request, obj, post_url_continue)

    def save_model(self, request: HttpRequest, obj: User, form, change: bool) -> None:
        data = form.cleaned_data
        people.person_save(
            user=obj,
            department=data.get("department"),
            manager=data.get("manager"),
            role_groups=data.get("roles", []),
            other_groups=data.get("other_groups", []),
        )

    @admin.display(description=_("afdeling"), ordering="profile__department__name")
    def department(self, user: User) -> str:
        profile = getattr(user, "profile", None)
        return str(profile.department) if profile and profile.department else "–"

    @admin.display(description=_("roller"))
    def role_list(self, user: User) -> str:
        held = roles.roles_held(
            [group.name for group in user.groups.all()], superuser=user.is_superuser
        )
        return ", ".join(str(role.label) for role in held)

    @admin.display(description=_("organisationens konto"))
    def login_account(self, user: User) -> str:
        profile = getattr(user, "profile", None)
        if profile and profile.oidc_subject:
            return _("Koblet (id %(subject)s hos %(issuer)s)") % {
                "subject": profile.oidc_subject,
                "issuer": profile.oidc_issuer,
            }
        return _("Ikke koblet: kobles ved første log ind med organisationens konto.")


admin.site.unregister(User)
admin.site.register(User, PortalUserAdmin)


# --- Role groups -----------------------------------------------------------------------------


def role_of(group: Group) -> roles.Role | None:
    return next((role for role in roles.ROLES if role.group == group.name), None)


class PortalGroupAdmin(DanishPermissionsMixin, GroupAdmin):
    """Groups, each role group with what it lets its members see and do. A role group keeps its
    name and cannot be deleted: portal.roles finds the roles by those names."""

    list_display = ["name", "role", "members"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Group]:
        return super().get_queryset(request).annotate(member_count=Count("user"))

    def get_fieldsets(self, request: HttpRequest, obj: Group | None = None):
        role = role_of(obj) if obj else None
        if role:
            about = roles_explained(only=role)
        else:
            about = _(
                "En gruppe, der ikke er en rolle, giver kun de rettigheder i administrationen, "
                "der er valgt nedenfor, og kun til brugere med admin-status. Rollerne:"
            )
            about = format_html("<p>{}</p>{}", about, roles_explained())
        fieldsets = [
            (None, {"fields": ["name"], "description": about}),
            (_("Rettigheder i administrationen"), {"fields": ["permissions"]}),
        ]
        if obj:
            fieldsets.append((_("Medlemmer"), {"fields": ["members"]}))
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Group | None = None):
        return ["name", "members"] if obj and role_of(obj) else ["members"]

    def has_delete_permission(self, request: HttpRequest, obj: Group | None = None) -> bool:
        return not (obj and role_of(obj)) and super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest):
        # Deleting in bulk would take role groups with it; delete one group at a time.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description=_("rolle i portalen"))
    def role(self, group: Group) -> str:
        role = role_of(group)
        if role is None:
            return "–"
        return format_html("<strong>{}</strong>: {}", role.label, role.may)

    @admin.display(description=_("medlemmer"), ordering="member_count")
    def members(self, group: Group) -> str:
        count = getattr(group, "member_count", None)
        if count is None:
            count = group.user_set.count()
        url = reverse("admin:auth_user_changelist") + f"?groups__id__exact={group.pk}"
        text = ngettext("%(count)d bruger", "%(count)d brugere", count) % {"count": count}
        return format_html('<a href="{}">{}</a>', url, text)


admin.site.unregister(Group)
admin.site.register(Group, PortalGroupAdmin)


# --- Failed logins (django-axes) -------------------------------------------------------------


@admin.register(LoginAttempt)
class LoginAttemptAdmin(admin.ModelAdmin):
    """Failed password logins per username and address (django-axes' own admin is off: it is in
    English and shows the logs of every login, which no administrator needs).

    Lifting a lockout before the cool-off ends deletes the attempts, as `axes_reset` does.
    """

    list_display = ["login_name", "address", "failures", "last_attempt", "locked_until"]
    search_fields = ["username", "ip_address"]
    fields = ["login_name", "address", "failures", "last_attempt", "locked_until", "browser"]
    readonly_fields = fields
    actions = ["unlock"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description=_("brugernavn"), ordering="username")
    def login_name(self, attempt: LoginAttempt) -> str:
        return attempt.username or "–"

    @admin.display(description=_("adresse"), ordering="ip_address")
    def address(self, attempt: LoginAttempt) -> str:
        return attempt.ip_address or "–"

    @admin.display(description=_("forkerte adgangskoder"), ordering="failures_since_start")
    def failures(self, attempt: LoginAttempt) -> int:
        return attempt.failures_since_start

    @admin.display(description=_("seneste forsøg"), ordering="attempt_time")
    def last_attempt(self, attempt: LoginAttempt):
        return attempt.attempt_time

    @admin.display(description=_("spærret indtil"))
    def locked_until(self, attempt: LoginAttempt):
        until = attempt.attempt_time + settings.AXES_COOLOFF_TIME
        if attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT and until > timezone.now():
            return until
        return "–"

    @admin.display(description=_("browser"))
    def browser(self, attempt: LoginAttempt) -> str:
        return attempt.user_agent or "–"

    @admin.action(description=_("Ophæv spærringen (slet forsøgene)"), permissions=["delete"])
    def unlock(self, request: HttpRequest, queryset: QuerySet[LoginAttempt]) -> None:
        self.log_deletions(request, queryset)
        count, _deleted = queryset.delete()
        message = ngettext(
            "%(count)d registrering er slettet; personen kan logge ind igen.",
            "%(count)d registreringer er slettet; de kan logge ind igen.",
            count,
        ) % {"count": count}
        self.message_user(request, message, messages.SUCCESS)
