"""The one place that answers "what may this user do".

Views and templates ask these functions; nothing else looks at group names. Group membership is
read once per user object and kept on it, so a page asking several questions costs one query; for
the logged-in user it comes with the session (portal.sessions), so it costs none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, User
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MANAGERS = "Ledere"
IT = "IT"
GDPR_UNIT = "GDPR-enheden"


@dataclass(frozen=True)
class Role:
    """A role as an administrator is told about it (the user form, the group admin).

    `may` says what the role lets a person see and do; keep it in step with the functions below,
    which are what decides.
    """

    label: Promise
    may: Promise
    # The group that holds the role; None for the two roles no group holds.
    group: str | None = None
    # How a person gets a role no group holds.
    held_by: Promise | None = None
    # (URL name, its name in a sentence): where the role lands after logging in, if not on the
    # front page.
    landing: tuple[str, Promise] | None = None


EMPLOYEE_ROLE = Role(
    _("Medarbejder"),
    _(
        "Læser vejledningen, anmelder sikkerhedsbrud og følger sine egne anmeldelser: tilføjer "
        "oplysninger og filer og læser GDPR-enhedens beskeder."
    ),
    held_by=_("Alle, der kan logge ind."),
)
ADMINISTRATOR_ROLE = Role(
    _("Administrator"),
    _(
        "Administrationen: brugere, afdelinger, roller fra grupper, vejledningens tekster og "
        "mislykkede log ind. Må desuden alt, hvad GDPR-enheden må."
    ),
    held_by=_("Feltet »Administrator« på brugeren (superbrugerstatus), ikke en gruppe."),
)
ROLES: tuple[Role, ...] = (
    EMPLOYEE_ROLE,
    Role(
        _("Leder"),
        _(
            "Ser desuden anmeldelserne fra de medarbejdere, der har personen som leder i deres "
            "profil – også dem fra før et lederskifte – med status, tilføjelser og filer, men "
            "ikke GDPR-enhedens beskeder til anmelderen. Ændrer ikke i sagerne."
        ),
        group=MANAGERS,
    ),
    Role(
        _("IT"),
        _(
            "Ser alle anmeldelser, registrerer hvad der er gjort for at inddæmme et brud, skriver "
            "noter og beskeder til anmelderen og ser fristoversigten og statistikken. Vurderer "
            "og beslutter ikke."
        ),
        group=IT,
    ),
    Role(
        _("GDPR-enheden"),
        _(
            "Ser og behandler alle sikkerhedsbrud: eskalerer, vurderer risikoen, beslutter om "
            "bruddet skal anmeldes, anmelder til Datatilsynet, underretter de registrerede og "
            "lukker sagen. Har fortegnelsen over brud, udkastene til Datatilsynet, statistikken "
            "og fristkalenderen."
        ),
        group=GDPR_UNIT,
        landing=("incidents:dashboard", _("fristoversigten")),
    ),
    ADMINISTRATOR_ROLE,
)
ALL_GROUPS = tuple(role.group for role in ROLES if role.group)
# The roles held by groups: the user form's choices, and what an administrator can map a
# provider group to (portal.models.RoleMapping).
ROLE_CHOICES = [(role.group, role.label) for role in ROLES if role.group]

AnyUser = AbstractBaseUser | AnonymousUser


def _groups(user: AnyUser) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_portal_groups", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._portal_groups = cached
    return cached


def remember_groups(user: AbstractBaseUser, names: Iterable[str]) -> None:
    """Group names read together with the user (portal.sessions' one query), so no role question
    asked during this request queries them again."""
    user._portal_groups = frozenset(names)


def is_manager(user: AnyUser) -> bool:
    return MANAGERS in _groups(user)


def is_it(user: AnyUser) -> bool:
    return IT in _groups(user)


def is_gdpr_unit(user: AnyUser) -> bool:
    return GDPR_UNIT in _groups(user) or bool(getattr(user, "is_superuser", False))


def can_report(user: AnyUser) -> bool:
    """Every authenticated person is an employee and may report a breach."""
    return user.is_authenticated and user.is_active


def can_see_all_incidents(user: AnyUser) -> bool:
    return is_it(user) or is_gdpr_unit(user)


def can_see_others_incidents(user: AnyUser) -> bool:
    """Managers (their people's reports), IT and the GDPR unit have a case list."""
    return is_manager(user) or can_see_all_incidents(user)


def can_handle_incidents(user: AnyUser) -> bool:
    """Assess, decide, notify Datatilsynet, close: the GDPR unit's work."""
    return is_gdpr_unit(user)


def can_record_containment(user: AnyUser) -> bool:
    return is_it(user) or is_gdpr_unit(user)


def can_see_dashboard(user: AnyUser) -> bool:
    return is_it(user) or is_gdpr_unit(user)


def with_manager_flag(users: QuerySet[User]) -> QuerySet[User]:
    """`users`, each with `holds_manager_role`, in the same query (pickers listing everyone)."""
    managers = Group.objects.filter(name=MANAGERS, user=OuterRef("pk"))
    return users.annotate(holds_manager_role=Exists(managers))


def managed_user_ids(user: AnyUser) -> list[int]:
    """The people this user manages, per their profiles (empty for non-managers)."""
    if not is_manager(user):
        return []
    return list(User.objects.filter(profile__manager=user).values_list("pk", flat=True))


def role_names(user: AnyUser) -> list[str]:
    """Human-readable roles for display ("Medarbejder" always applies)."""
    names = ["Medarbejder"]
    names += [g for g in ALL_GROUPS if g in _groups(user)]
    if getattr(user, "is_superuser", False):
        names.append("Administrator")
    return names


def roles_held(group_names: Iterable[str], *, superuser: bool) -> list[Role]:
    """The roles of a person in these groups, in ROLES' order; everyone is an employee."""
    names = set(group_names)
    return [
        role
        for role in ROLES
        if role is EMPLOYEE_ROLE
        or (role.group is not None and role.group in names)
        or (role is ADMINISTRATOR_ROLE and superuser)
    ]


def landing_page(user: AnyUser) -> str:
    """The URL name a person lands on after logging in when they asked for no other page."""
    for role in ROLES:
        if role.landing and role.group in _groups(user):
            return role.landing[0]
    return settings.LOGIN_REDIRECT_URL


def can_see_breach_register(user: AnyUser) -> bool:
    """The art. 33(5) register and the Datatilsynet drafts: the GDPR unit's legal records."""
    return is_gdpr_unit(user)


def can_see_breach_statistics(user: AnyUser) -> bool:
    """Counts and medians without case facts: useful to IT's security work as well."""
    return is_it(user) or is_gdpr_unit(user)


def can_have_deadline_calendar(user: AnyUser) -> bool:
    return is_gdpr_unit(user)


def can_handle_nis2(user: AnyUser) -> bool:
    """NIS2 art. 23: assess significance and report to the CSIRT. The GDPR unit, which owns the
    case, and IT, which knows the technical facts the CSIRT asks for (indicators, mitigations)."""
    return is_it(user) or is_gdpr_unit(user)


def can_run_campaigns(user: AnyUser) -> bool:
    """NIS2 art. 21(2)(g): start read-and-acknowledge campaigns, follow them, remind people and
    export the evidence."""
    return is_it(user) or is_gdpr_unit(user)


def can_see_team_training(user: AnyUser) -> bool:
    """A manager sees how far the people they manage now are with their reading."""
    return is_manager(user)


def roles_for_provider_groups(group_ids: Iterable[str]) -> set[str]:
    """The role groups the administrator's mapping gives members of these provider groups."""
    from portal.models import RoleMapping

    ids = [str(group_id) for group_id in group_ids]
    if not ids:
        return set()
    return set(RoleMapping.objects.filter(group_id__in=ids).values_list("role", flat=True))


def set_roles(user: User, names: Iterable[str]) -> None:
    """Give `user` exactly these role groups: missing ones are added, others removed.

    Groups that are not roles are left alone.
    """
    wanted = set(names) & set(ALL_GROUPS)
    current = set(user.groups.filter(name__in=ALL_GROUPS).values_list("name", flat=True))
    if current - wanted:
        user.groups.remove(*Group.objects.filter(name__in=current - wanted))
    for name in wanted - current:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    user.__dict__.pop("_portal_groups", None)
