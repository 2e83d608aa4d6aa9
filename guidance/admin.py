"""Editing the folder: sections with their rules and notes, the introduction and contacts.

Every save records who changed what and when (`updated_by`, `updated_at`); the pages show it.
Text is plain text: the templates escape it, so editors cannot inject HTML or script.
"""

from __future__ import annotations

from django.contrib import admin

from guidance.models import Contact, Introduction, Note, Rule, Section


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


@admin.register(Section)
class SectionAdmin(RecordEditorMixin, admin.ModelAdmin):
    list_display = ["title", "order", "updated_at", "updated_by"]
    list_editable = ["order"]
    search_fields = ["title", "lead"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["updated_at", "updated_by"]
    inlines = [RuleInline, NoteInline]


@admin.register(Rule)
class RuleAdmin(RecordEditorMixin, admin.ModelAdmin):
    list_display = ["__str__", "section", "kind", "order", "updated_at", "updated_by"]
    list_filter = ["section", "kind"]
    list_select_related = ["section", "updated_by"]
    search_fields = ["text", "anchor"]
    readonly_fields = ["updated_at", "updated_by"]


@admin.register(Introduction)
class IntroductionAdmin(RecordEditorMixin, admin.ModelAdmin):
    list_display = ["title", "updated_at", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["heading", "email", "phone", "order"]
    list_editable = ["order"]
