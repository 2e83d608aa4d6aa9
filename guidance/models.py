"""The security folder as data: introduction, sections, rules, notes and contacts, plus the
search's own data: the synonyms staff maintain and the searches that found nothing.

Every write to the folder's tables raises its version in the same transaction (a trigger each),
so the folder's cached pages change with it (portal.caching).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from portal import caching

# The folder is Danish; full-text search stems with PostgreSQL's Danish configuration.
SEARCH_CONFIG = "danish"


def _stored_vector(*weighted: tuple[str, str]) -> models.GeneratedField:
    """A tsvector column PostgreSQL computes on every write, for guidance.search.

    Weights rank where a word was found: A for titles, B for the text people read, C for the rest.
    """
    vectors = [SearchVector(field, config=SEARCH_CONFIG, weight=w) for field, w in weighted]
    expression = vectors[0]
    for vector in vectors[1:]:
        expression = expression + vector
    return models.GeneratedField(
        expression=expression, output_field=SearchVectorField(), db_persist=True
    )


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
        triggers = [caching.version_trigger(caching.FOLDER, "introduction_folder_version")]

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
    # Raised by one whenever what an employee reads changes (title, lead, rules, notes): the
    # admin's save and import_folder call bump_content_version(). A read-and-acknowledge
    # confirmation records the version it was given for (awareness.Confirmation).
    content_version = models.PositiveIntegerField(_("indholdsversion"), default=1, editable=False)
    search_vector = _stored_vector(("title", "A"), ("subtitle", "B"), ("lead", "B"))

    objects = SectionQuerySet.as_manager()

    # The id of the lead on the section page: search results for the lead link to it.
    LEAD_ID = "indledning"

    class Meta:
        verbose_name = _("afsnit")
        verbose_name_plural = _("afsnit")
        ordering = ["order", "pk"]
        indexes = [
            # guidance.search: `search_vector @@ query`.
            GinIndex(fields=["search_vector"], name="section_search_vector"),
        ]
        triggers = [caching.version_trigger(caching.FOLDER, "section_folder_version")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("guidance:section", kwargs={"slug": self.slug})


def bump_content_version(section_model, section_ids) -> int:
    """Raise the sections' content version by one, in one UPDATE (no lost update when two
    editors save at once). `section_model`: Section, or a migration's historical model."""
    ids = {pk for pk in section_ids if pk is not None}
    if not ids:
        return 0
    return section_model.objects.filter(pk__in=ids).update(
        content_version=models.F("content_version") + 1
    )


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
    search_vector = _stored_vector(("text", "B"))

    class Meta:
        verbose_name = _("regel")
        verbose_name_plural = _("regler")
        ordering = ["section__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["section", "anchor"], name="rule_anchor_unique"),
        ]
        indexes = [
            # guidance.search: `search_vector @@ query`.
            GinIndex(fields=["search_vector"], name="rule_search_vector"),
        ]
        triggers = [caching.version_trigger(caching.FOLDER, "rule_folder_version")]

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
    search_vector = _stored_vector(("text", "B"))

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("noter")
        ordering = ["section__order", "order", "pk"]
        indexes = [
            # guidance.search: `search_vector @@ query`.
            GinIndex(fields=["search_vector"], name="note_search_vector"),
        ]
        triggers = [caching.version_trigger(caching.FOLDER, "note_folder_version")]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def html_id(self) -> str:
        # Notes have no editor-given anchor; the primary key survives edits and reordering.
        return f"note-{self.pk}"


class Contact(models.Model):
    """A contact point from the folder's back page."""

    name = models.CharField(_("navn"), max_length=100, unique=True)
    heading = models.CharField(_("overskrift"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    description = models.TextField(_("beskrivelse"), blank=True)
    order = models.PositiveIntegerField(_("rækkefølge"), default=0)
    search_vector = _stored_vector(("heading", "A"), ("name", "A"), ("description", "B"))

    class Meta:
        verbose_name = _("kontakt")
        verbose_name_plural = _("kontakter")
        ordering = ["order", "pk"]
        indexes = [
            # guidance.search: `search_vector @@ query`.
            GinIndex(fields=["search_vector"], name="contact_search_vector"),
        ]
        triggers = [caching.version_trigger(caching.FOLDER, "contact_folder_version")]

    def __str__(self) -> str:
        return self.heading

    @property
    def html_id(self) -> str:
        return html_id_for_contact(self.name)

    @property
    def phone_uri(self) -> str:
        return "tel:+45" + "".join(self.phone.split()) if self.phone else ""


def html_id_for_contact(name: str) -> str:
    """The id of a contact's card on the contacts page (the name is unique)."""
    return "kontakt-" + slugify(name)


class Synonym(models.Model):
    """A word employees search for that the folder says differently, kept by staff in the admin.

    guidance.search also looks for `alternatives` when someone searches for `term`.
    """

    term = models.CharField(
        _("søgeord"),
        max_length=100,
        help_text=_("Det, medarbejderne skriver, fx »phishing« eller »glemt kode«."),
    )
    alternatives = models.CharField(
        _("søg også efter"),
        max_length=500,
        help_text=_(
            "Ord eller udtryk, som folderen bruger, adskilt af komma, "
            "fx »mistænkelig e-mail, link«. Et udtryk med flere ord finder tekster med alle ordene."
        ),
    )
    updated_at = models.DateTimeField(_("senest opdateret"), auto_now=True)
    # The term's words by their stems: "kodeordet" finds the term "kodeord" (guidance.search).
    term_vector = models.GeneratedField(
        expression=SearchVector("term", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("synonym")
        verbose_name_plural = _("synonymer")
        ordering = ["term"]
        constraints = [
            # One row per search word, however it is capitalised (search looks words up in
            # lower case: guidance.search).
            models.UniqueConstraint(
                Lower("term"),
                name="synonym_term_unique",
                violation_error_message=_("Der findes allerede et synonym for dette søgeord."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term} → {self.alternatives}"

    def alternative_list(self) -> list[str]:
        return [part.strip() for part in self.alternatives.split(",") if part.strip()]


class SearchMiss(models.Model):
    """A search that found nothing: how often, first and last day. Never who searched.

    The query is stored without CPR-like numbers and without words that look like names
    (guidance.misses); days, not times, so a row cannot be matched with a request log.
    """

    query = models.CharField(_("søgning"), max_length=100, unique=True)
    count = models.PositiveIntegerField(_("antal"), default=1)
    first_seen = models.DateField(_("første gang"))
    last_seen = models.DateField(_("seneste gang"))

    class Meta:
        verbose_name = _("søgning uden resultat")
        verbose_name_plural = _("søgninger uden resultat")
        ordering = ["-count", "-last_seen"]

    def __str__(self) -> str:
        return self.query
