"""Create one demo account per role and print their passwords (demo mode only)."""

from __future__ import annotations

import secrets
import string

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal import roles
from portal.models import Department, Profile
from portal.validators import folder_password_problems

# username, first name, last name, department, groups, superuser
DEMO_PEOPLE = [
    ("medarbejder", "Mette", "Madsen", "Borgerservice", [], False),
    ("kollega", "Karl", "Kristensen", "Teknik og Miljø", [], False),
    ("leder", "Lise", "Lund", "Borgerservice", [roles.MANAGERS], False),
    ("it", "Ivan", "Thomsen", "IT", [roles.IT], False),
    ("gdpr", "Gitte", "Dahl", "GDPR-enheden", [roles.GDPR_UNIT], False),
    ("admin", "Anders", "Berg", "IT", [], True),
]


def _new_password(user: User) -> str:
    alphabet = string.ascii_letters + string.digits
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(14))
        if not folder_password_problems(candidate, user):
            return candidate


class Command(BaseCommand):
    help = "Opretter demokonti (én pr. rolle) og udskriver deres adgangskoder. Kun i demotilstand."

    def handle(self, *args, **options) -> None:
        if not settings.PORTAL_DEMO:
            raise CommandError("Demokonti oprettes kun med PORTAL_DEMO=1.")
        password_file = settings.VAR_DIR / "demo-accounts.txt"
        known = {}
        if password_file.exists():
            for line in password_file.read_text().splitlines():
                username, _, password = line.partition(" ")
                known[username] = password
        with transaction.atomic():
            lines = self._ensure_people(known)
        password_file.write_text("\n".join(lines) + "\n")
        password_file.chmod(0o600)
        self.stdout.write("Demokonti (kun til demo):")
        for line in lines:
            username, _, password = line.partition(" ")
            self.stdout.write(f"  {username:<12} {password}")

    def _ensure_people(self, known: dict[str, str]) -> list[str]:
        lines = []
        leader = None
        for username, first, last, dept, groups, superuser in DEMO_PEOPLE:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@demo.invalid",
                    "is_staff": superuser,
                    "is_superuser": superuser,
                },
            )
            password = known.get(username)
            if created or not password or not user.check_password(password):
                password = _new_password(user)
                user.set_password(password)
                user.save(update_fields=["password"])
            user.groups.add(*[Group.objects.get(name=name) for name in groups])
            department, _ = Department.objects.get_or_create(name=dept)
            Profile.objects.update_or_create(user=user, defaults={"department": department})
            if username == "leder":
                leader = user
            lines.append(f"{username} {password}")
        # The employee and the manager share a department; the colleague works elsewhere.
        Profile.objects.filter(user__username="medarbejder").update(manager=leader)
        return lines
