"""Who works where and for whom: the organisation data every role decision needs."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal import caching, roles


class Department(models.Model):
    name = models.CharField(_("navn"), max_length=200, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("afdeling")
        verbose_name_plural = _("afdelinger")
        # Filters that list the departments are rendered once per version (caching.fragment).
        triggers = [caching.version_trigger(caching.DEPARTMENTS, "department_version")]

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
    # Who this person is at the OpenID Connect provider: `sub` is stable where names, e-mail
    # addresses and usernames may change. Set at the first login with the provider.
    oidc_issuer = models.CharField(_("log ind-tjeneste"), max_length=300, blank=True)
    oidc_subject = models.CharField(_("id hos log ind-tjenesten"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("profil")
        verbose_name_plural = _("profiler")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(manager=models.F("user")),
                name="profile_manager_is_not_self",
                violation_error_message=_("En medarbejder kan ikke være sin egen leder."),
            ),
            # One portal user per person at the provider (portal.oidc looks people up by it).
            models.UniqueConstraint(
                fields=["oidc_issuer", "oidc_subject"],
                condition=~models.Q(oidc_subject=""),
                name="profile_one_user_per_oidc_subject",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


class RoleMapping(models.Model):
    """A group at the OpenID Connect provider whose members get a role here.

    Applied at every login with the provider (portal.oidc), so a membership removed there removes
    the role here at the person's next login.
    """

    group_id = models.CharField(
        _("gruppe-id hos log ind-tjenesten"),
        max_length=200,
        help_text=_(
            "Entra ID: gruppens objekt-id (GUID). AD FS: gruppens navn, som det står i "
            "gruppe-kravet (claim)."
        ),
    )
    role = models.CharField(_("rolle"), max_length=40, choices=roles.ROLE_CHOICES)
    note = models.CharField(
        _("note"), max_length=200, blank=True, help_text=_("Fx gruppens navn i Entra ID.")
    )

    class Meta:
        ordering = ["role", "group_id"]
        verbose_name = _("rolle fra gruppe")
        verbose_name_plural = _("roller fra grupper")
        constraints = [
            models.UniqueConstraint(fields=["group_id", "role"], name="rolemapping_unique")
        ]

    def __str__(self) -> str:
        return f"{self.group_id} → {self.get_role_display()}"


class LoginAttempt(AccessAttempt):
    """django-axes' record of failed password logins per username and address, under a Danish
    name for the admin, where an administrator lifts a lockout before it runs out."""

    class Meta:
        proxy = True
        ordering = ["-attempt_time"]
        verbose_name = _("mislykket log ind")
        verbose_name_plural = _("mislykkede log ind")


class WorkerHeartbeat(models.Model):
    """A running `manage.py run_worker` says it is alive, once per loop; /healthz reads the
    newest. One row per worker process; a worker removes its own when it stops."""

    name = models.CharField(max_length=200, unique=True)  # host:pid
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("baggrundsproces")
        verbose_name_plural = _("baggrundsprocesser")

    def __str__(self) -> str:
        return self.name


class Session(AbstractBaseSession):
    """A login session that names its user, so that one query reads the session, the user and
    their roles (portal.sessions). Deleting a user ends their sessions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bruger"),
    )

    class Meta(AbstractBaseSession.Meta):
        verbose_name = _("session")
        verbose_name_plural = _("sessioner")

    @classmethod
    def get_session_store_class(cls):
        from portal.sessions import SessionStore

        return SessionStore


class ContentVersion(models.Model):
    """How often a kind of content has changed: part of the key of every page cached from it.

    Database triggers on the content's tables raise it in the transaction that changes the content
    (portal.caching.version_trigger), so no cached page outlives a change by even one request.
    """

    name = models.CharField(max_length=50, primary_key=True)
    version = models.BigIntegerField(default=0)

    class Meta:
        db_table = caching.VERSIONS_TABLE

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class CacheEntry(models.Model):
    """The table of Django's database cache (CACHES), made by a migration rather than
    `createcachetable`: `migrate` is all a deployment needs, and tests flush it with the rest.

    Unlogged (migration 0007): PostgreSQL empties it after a crash, which a cache may lose.
    """

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = caching.CACHE_TABLE

    def __str__(self) -> str:
        return self.cache_key
