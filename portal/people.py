"""Saving a person as the admin's user form describes them: the account, the profile
(department, manager) and the roles together, in one transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group, User
from django.db import transaction

from portal import roles
from portal.models import Department, Profile


@transaction.atomic
def person_save(
    *,
    user: User,
    department: Department | None,
    manager: User | None,
    role_groups: Iterable[str],
    other_groups: Iterable[Group] = (),
) -> User:
    """Save `user` with this department, manager and exactly these roles and other groups.

    `role_groups` are role group names (portal.roles.ROLE_CHOICES); `other_groups` are groups
    that are not roles (rights in the admin), replacing those the user had.
    """
    user.save()
    Profile.objects.update_or_create(
        user=user, defaults={"department": department, "manager": manager}
    )
    roles.set_roles(user, role_groups)
    wanted = {group for group in other_groups if group.name not in roles.ALL_GROUPS}
    current = set(user.groups.exclude(name__in=roles.ALL_GROUPS))
    if current - wanted:
        user.groups.remove(*(current - wanted))
    if wanted - current:
        user.groups.add(*(wanted - current))
    return user
