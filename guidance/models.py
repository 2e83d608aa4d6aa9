"""The security folder as data: introduction, sections, rules, notes and contacts."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The folder is Danish; full-text search stems with PostgreSQL's Danish configuration.
SEARCH_CONFIG = "danish"


class Kind(models.TextChoices):
    SKAL = "skal", _("Du skal")
    MAA_IKKE = "maa_ikke", _("Du må ikke")
    MAA_GERNE = "maa_gerne", _("Du må gerne")


class Edited(models.Model):
    """Who changed a piece of content last, and when (set by the admin's save hooks)."""

    updated_at = models.DateTimeField(_("senest opdateret"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opdateret af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        abstract = True


class Introduction(Edited):
    """The folder's first page. One row; the home page shows the newest."""

    title = models.CharField(_("overskrift"), max_length=200)
    lead = models.TextField(_("tekst"))

    class Meta:
        verbose_name = _("introduktion")
        verbose_name_plural = _("introduktion")

    def __str__(self) -> str:
        return self.title


class SectionQuerySet(models.QuerySet):
    def in_order(self) -> SectionQuerySet:
        return self.order_by("order", "pk")


class Section(Edited):
    slug = models.SlugField(_("adresse (slug)"), max_length=100, unique=True)
    title = models.CharField(_("titel"), max_length=200)
    subtitle = models.CharField(_("undertitel"), max_length=300, blank=True)
    lead = models.TextField(_("indledning"), blank=True)
    order = models.PositiveIntegerField(_("rækkefølge"), default=0)

    objects = SectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("afsnit")
        verbose_name_plural = _("afsnit")
        ordering = ["order", "pk"]
        indexes = [
            # Search: typos and word parts in section titles (guidance.search).
            GinIndex(fields=["title"], opclasses=["gin_trgm_ops"], name="section_title_trgm"),
            GinIndex(SearchVector("title", config=SEARCH_CONFIG), name="section_title_fts"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("guidance:section", kwargs={"slug": self.slug})


class Rule(Edited):
    section = models.ForeignKey(
        Section, verbose_name=_("afsnit"), on_delete=models.CASCADE, related_name="rules"
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("tekst"), help_text=_("Afsnit adskilles af en tom linje."))
    order = models.PositiveIntegerField(_("rækkefølge"), default=0)
    anchor = models.SlugField(
        _("anker"),
        max_length=100,
        help_text=_("Bruges i links til reglen. Skift det ikke, når det først er i brug."),
    )

    class Meta:
        verbose_name = _("regel")
        verbose_name_plural = _("regler")
        ordering = ["section__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["section", "anchor"], name="rule_anchor_unique"),
        ]
        indexes = [
            # Search (guidance.search): Danish full-text on the text, trigrams for typos/parts.
            GinIndex(SearchVector("text", config=SEARCH_CONFIG), name="rule_text_fts"),
            GinIndex(fields=["text"], opclasses=["gin_trgm_ops"], name="rule_text_trgm"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"

    def get_absolute_url(self) -> str:
        return f"{self.section.get_absolute_url()}#{self.html_id}"

    @property
    def html_id(self) -> str:
        return f"regel-{self.anchor}"


class Note(models.Model):
    """A free paragraph after a rule list ("Hvis du har mistanke om …")."""

    section = models.ForeignKey(
        Section, verbose_name=_("afsnit"), on_delete=models.CASCADE, related_name="notes"
    )
    after = models.CharField(_("efter listen"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("tekst"))
    order = models.PositiveIntegerField(_("rækkefølge"), default=0)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("noter")
        ordering = ["section__order", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Contact(models.Model):
    """A contact point from the folder's back page."""

    name = models.CharField(_("navn"), max_length=100, unique=True)
    heading = models.CharField(_("overskrift"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    order = models.PositiveIntegerField(_("rækkefølge"), default=0)

    class Meta:
        verbose_name = _("kontakt")
        verbose_name_plural = _("kontakter")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.heading

    @property
    def phone_uri(self) -> str:
        return "tel:+45" + "".join(self.phone.split()) if self.phone else ""
