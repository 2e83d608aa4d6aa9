"""Form fields as Bootstrap 5 markup, written directly: the incident page shows a dozen panels,
and rendering them through crispy's templates cost two thirds of the page's time.

Labels tie to their inputs, groups of radios and checkboxes are a fieldset with a legend, help
and errors are tied to the input with aria-describedby, and an invalid input says so.
"""

from __future__ import annotations

from django import forms
from django.forms.boundfield import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

_CONTROL = {"select": "form-select", "checkbox": "form-check-input"}


def _described(field: BoundField) -> tuple[list[str], SafeString]:
    ids, parts = [], []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
        parts.append(
            format_html('<div id="{}" class="form-text">{}</div>', ids[-1], field.help_text)
        )
    if field.errors:
        ids.append(f"{field.auto_id}_error")
        errors = format_html_join("", "<p class='mb-0'>{}</p>", ((e,) for e in field.errors))
        parts.append(
            format_html('<div id="{}" class="invalid-feedback d-block">{}</div>', ids[-1], errors)
        )
    return ids, mark_safe("".join(parts))  # noqa: S308 - each part is built by format_html


def _attrs(field: BoundField, css: str, described: list[str]) -> dict:
    attrs = {"class": css + (" is-invalid" if field.errors else "")}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return attrs


def _required(field: BoundField) -> SafeString:
    return mark_safe('<span class="asteriskField">*</span>') if field.field.required else ""


def field_html(field: BoundField) -> SafeString:
    if field.is_hidden:
        return field.as_widget()
    described, below = _described(field)
    kind = field.widget_type
    if isinstance(field.field.widget, forms.CheckboxInput):
        return format_html(
            '<div class="mb-3 form-check">{}<label class="form-check-label" for="{}">{}</label>'
            "{}</div>",
            field.as_widget(attrs=_attrs(field, "form-check-input", described)),
            field.id_for_label,
            field.label,
            below,
        )
    if field.use_fieldset:  # radios, checkboxes: Django renders the options as a list of inputs
        options = format_html_join(
            "",
            '<div class="form-check">{}<label class="form-check-label" for="{}">{}</label></div>',
            (
                (option.tag(), option.id_for_label, option.choice_label)
                for option in field.subwidgets
            ),
        )
        return format_html(
            '<fieldset class="mb-3"{}><legend class="form-label fs-6">{}{}</legend>{}{}</fieldset>',
            format_html(' aria-describedby="{}"', " ".join(described)) if described else "",
            field.label,
            _required(field),
            options,
            below,
        )
    css = _CONTROL.get(kind, "form-control")
    return format_html(
        '<div class="mb-3"><label class="form-label" for="{}">{}{}</label>{}{}</div>',
        field.id_for_label,
        field.label,
        _required(field),
        field.as_widget(attrs=_attrs(field, css, described)),
        below,
    )


def form_html(form: forms.Form) -> SafeString:
    """Every field of `form`, in order (non-field errors are the page's to show)."""
    return mark_safe("".join(field_html(field) for field in form))  # noqa: S308
