"""The people every test talks about.

A reporter and their manager work in Borgerservice; a colleague works in Teknik og Miljø under
another manager and must never see the reporter's business; IT and the GDPR unit handle breaches.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, User

from portal import roles
from portal.models import Department, Profile

PASSWORD = "Sikker2026Test"


def make_person(
    username: str,
    first_name: str,
    last_name: str,
    department: str,
    *,
    groups: tuple[str, ...] = (),
    manager: User | None = None,
    superuser: bool = False,
) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        first_name=first_name,
        last_name=last_name,
        email=f"{username}@herlev.test",
        is_staff=superuser,
        is_superuser=superuser,
    )
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    Profile.objects.create(
        user=user,
        department=Department.objects.get_or_create(name=department)[0],
        manager=manager,
    )
    return user


def make_manager(username: str = "mona", department: str = "Borgerservice") -> User:
    return make_person(username, "Mona", "Mortensen", department, groups=(roles.MANAGERS,))
