"""Who works where and for whom: the organisation data every role decision needs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    name = models.CharField(_("navn"), max_length=200, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("afdeling")
        verbose_name_plural = _("afdelinger")

    def __str__(self) -> str:
        return self.name


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="profiles",
        verbose_name=_("afdeling"),
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_profiles",
        verbose_name=_("leder"),
    )

    class Meta:
        verbose_name = _("profil")
        verbose_name_plural = _("profiler")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(manager=models.F("user")),
                name="profile_manager_is_not_self",
                violation_error_message=_("En medarbejder kan ikke være sin egen leder."),
            )
        ]

    def __str__(self) -> str:
        return str(self.user)
