"""Editing the folder: sections with their rules and notes, the introduction and contacts; and
the search's synonyms and the searches that found nothing.

Every save records who changed what and when (`updated_by`, `updated_at`); the pages show it.
Text is plain text: the templates escape it, so editors cannot inject HTML or script.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from guidance.content import NOTE_CONTENT, RULE_CONTENT, SECTION_CONTENT
from guidance.models import (
    Contact,
    Introduction,
    Note,
    Rule,
    SearchMiss,
    Section,
    Synonym,
    bump_content_version,
)
from guidance.search import has_search_words


class RuleInline(admin.StackedInline):
    model = Rule
    extra = 0
    fields = [("kind", "order", "anchor"), "text", ("updated_at", "updated_by")]
    readonly_fields = ["updated_at", "updated_by"]


class NoteInline(admin.TabularInline):
    model = Note
    extra = 0
    fields = ["after", "order", "text"]


class RecordEditorMixin:
    """Stamps the editor on the object and on every changed inline rule."""

    def save_model(self, request, obj, form, change) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change) -> None:
        for inline_form in formset.forms:
            if inline_form.has_changed() and hasattr(inline_form.instance, "updated_by_id"):
                inline_form.instance.updated_by = request.user
        super().save_formset(request, form, formset, change)


def _content_changed(form, fields: set[str]) -> bool:
    if getattr(form, "cleaned_data", {}).get("DELETE"):
        return True
    return bool(set(form.changed_data) & fields) or (form.has_changed() and not form.instance.pk)


@admin.register(Section)
class SectionAdmin(RecordEditorMixin, admin.ModelAdmin):
    list_display = ["title", "order", "content_version", "updated_at", "updated_by"]
    list_editable = ["order"]
    search_fields = ["title", "lead"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["content_version", "updated_at", "updated_by"]
    inlines = [RuleInline, NoteInline]

    def save_related(self, request, form, formsets, change) -> None:
        """What employees read changed (not merely the order): a new content version, so a
        read-and-acknowledge campaign asks for a new confirmation (awareness)."""
        content = {Rule: RULE_CONTENT, Note: NOTE_CONTENT}
        changed = change and set(form.changed_data) & SECTION_CONTENT
        for formset in formsets:
            fields = content.get(formset.model, set())
            changed = changed or any(_content_changed(f, fields) for f in formset.forms)
        super().save_related(request, form, formsets, change)
        if changed:
            bump_content_version(Section, [form.instance.pk])


@admin.register(Rule)
class RuleAdmin(RecordEditorMixin, admin.ModelAdmin):
    list_display = ["__str__", "section", "kind", "order", "updated_at", "updated_by"]
    list_filter = ["section", "kind"]
    list_select_related = ["section", "updated_by"]
    search_fields = ["text", "anchor"]
    readonly_fields = ["updated_at", "updated_by"]

    def save_model(self, request, obj, form, change) -> None:
        before = form.initial.get("section") if change else None
        super().save_model(request, obj, form, change)
        if not change or set(form.changed_data) & (RULE_CONTENT | {"section"}):
            # A rule moved to another section changes what both say.
            bump_content_version(Section, [obj.section_id, before])

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        bump_content_version(Section, [obj.section_id])

    def delete_queryset(self, request, queryset) -> None:
        sections = list(queryset.values_list("section_id", flat=True))
        super().delete_queryset(request, queryset)
        bump_content_version(Section, sections)


@admin.register(Introduction)
class IntroductionAdmin(RecordEditorMixin, admin.ModelAdmin):
    list_display = ["title", "updated_at", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["heading", "email", "phone", "order"]
    list_editable = ["order"]


class SynonymForm(forms.ModelForm):
    """Normalises what staff type; the search looks terms up in lower case."""

    class Meta:
        model = Synonym
        fields = ["term", "alternatives"]

    def clean_term(self) -> str:
        term = " ".join(self.cleaned_data["term"].lower().split())
        if not re.search(r"\w", term):
            raise forms.ValidationError(_("Skriv det ord eller udtryk, medarbejderne søger på."))
        if not has_search_words(term):
            raise forms.ValidationError(
                _("Søgningen ser bort fra småord som »og« og »jeg«. Skriv et mere sigende ord.")
            )
        return term

    def clean_alternatives(self) -> str:
        parts = [" ".join(p.split()) for p in self.cleaned_data["alternatives"].split(",")]
        parts = [p for p in parts if p]
        if not parts or not all(re.search(r"\w", p) for p in parts):
            raise forms.ValidationError(
                _("Skriv et eller flere ord fra folderen, adskilt af komma, fx »sociale medier«.")
            )
        return ", ".join(parts)


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    form = SynonymForm
    list_display = ["term", "alternatives", "updated_at"]
    search_fields = ["term", "alternatives"]


@admin.register(SearchMiss)
class SearchMissAdmin(admin.ModelAdmin):
    """What employees searched for and did not find, most frequent first; read-only."""

    list_display = ["query", "count", "first_seen", "last_seen", "add_synonym"]
    search_fields = ["query"]
    date_hierarchy = "last_seen"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("synonym"))
    def add_synonym(self, miss: SearchMiss) -> str:
        url = reverse("admin:guidance_synonym_add") + "?" + urlencode({"term": miss.query})
        return format_html('<a href="{}">{}</a>', url, _("Tilføj synonym"))
