"""The campaigns in the admin: staff write each section's question and keep the category ->
sections map; campaigns, confirmations and answers are read here, changed only by the pages
(awareness/services.py)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from awareness.models import (
    Answer,
    Campaign,
    CategorySections,
    Choice,
    Confirmation,
    Question,
)


class ChoiceFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if len(kept) < 2:
            raise forms.ValidationError(_("Skriv mindst to svarmuligheder."))
        if not any(data.get("correct") for data in kept):
            raise forms.ValidationError(_("Markér mindst ét svar som det rigtige."))


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    extra = 3
    fields = ["text", "correct", "order"]


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["section", "text", "rule"]

    def clean(self):
        cleaned = super().clean()
        rule, section = cleaned.get("rule"), cleaned.get("section")
        if rule and section and rule.section_id != section.pk:
            self.add_error("rule", _("Vælg en regel fra det samme afsnit."))
        return cleaned


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = QuestionForm
    list_display = ["text", "section", "updated_at"]
    list_select_related = ["section"]
    autocomplete_fields = ["rule"]
    inlines = [ChoiceInline]


@admin.register(CategorySections)
class CategorySectionsAdmin(admin.ModelAdmin):
    list_display = ["category", "section_list"]
    filter_horizontal = ["sections"]

    @admin.display(description=_("afsnit"))
    def section_list(self, obj: CategorySections) -> str:
        return ", ".join(s.title for s in obj.sections.all())


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["title", "all_staff", "deadline", "started_at", "started_by"]
    date_hierarchy = "started_at"


@admin.register(Confirmation)
class ConfirmationAdmin(ReadOnlyAdmin):
    list_display = ["user", "section", "content_version", "campaign", "confirmed_at"]
    list_filter = ["section", "campaign"]
    list_select_related = ["user", "section", "campaign"]


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ["user", "section", "answer", "correct", "answered_at"]
    list_filter = ["correct", "section"]
    list_select_related = ["user", "section"]
