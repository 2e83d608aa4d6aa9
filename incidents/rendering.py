"""Form fields as Bootstrap 5 markup, written directly: the incident page shows a dozen panels,
and rendering them through crispy's templates cost two thirds of the page's time.

Labels tie to their inputs, groups of radios and checkboxes are a fieldset with a legend, help
and errors are tied to the input with aria-describedby, and an invalid input says so.

The inputs themselves are Django's widgets (their values, attributes, checked and selected
options), written by `WidgetRenderer`: Django's commonest widget templates in Python, to the
character, because the page's fifty-odd inputs and their options through the template engine
were half of its time.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import django
from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import BaseRenderer, get_default_renderer
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

# --- Django's widget templates, written in Python ----------------------------------------------


def _attrs(attrs: dict) -> str:
    # django/forms/widgets/attrs.html
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    # django/forms/widgets/input.html
    value = widget["value"]
    return '<input type="{}" name="{}"{}{}>\n'.format(
        conditional_escape(widget["type"]),
        conditional_escape(widget["name"]),
        "" if value is None else f' value="{conditional_escape(value)}"',
        _attrs(widget["attrs"]),
    )


def _input_file(widget: dict) -> str:
    # text.html, number.html, …: {% include "django/forms/widgets/input.html" %}
    return _input(widget) + "\n"


def _input_option(widget: dict) -> str:
    # input_option.html, included by checkbox_option.html and radio_option.html
    if not widget.get("wrap_label"):
        return _input(widget) + "\n"
    label_for = widget["attrs"].get("id")
    return "<label{}>{} {}</label>\n".format(
        f' for="{conditional_escape(label_for)}"' if label_for else "",
        _input(widget),
        conditional_escape(widget["label"]),
    )


def _textarea(widget: dict) -> str:
    value = widget["value"]
    return '<textarea name="{}"{}>\n{}</textarea>\n'.format(
        conditional_escape(widget["name"]),
        _attrs(widget["attrs"]),
        conditional_escape(value) if value else "",
    )


def _select_option(widget: dict) -> str:
    return '<option value="{}"{}>{}</option>\n'.format(
        conditional_escape(widget["value"]),
        _attrs(widget["attrs"]),
        conditional_escape(widget["label"]),
    )


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != SELECT_OPTION:
                return None
            parts.append("\n  " + _select_option(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


_WIDGETS = "django/forms/widgets/"
SELECT_OPTION = _WIDGETS + "select_option.html"
_INPUTS = (
    "text", "number", "email", "url", "password", "hidden", "checkbox", "date", "datetime",
    "time", "search", "tel", "color",
)  # fmt: skip
_WRITERS: dict[str, Callable[[dict], str | None]] = {
    **{f"{_WIDGETS}{name}.html": _input_file for name in _INPUTS},
    _WIDGETS + "input.html": _input,
    _WIDGETS + "checkbox_option.html": lambda widget: _input_option(widget) + "\n",
    _WIDGETS + "radio_option.html": lambda widget: _input_option(widget) + "\n",
    _WIDGETS + "textarea.html": _textarea,
    _WIDGETS + "select.html": _select,
    SELECT_OPTION: _select_option,
}


@functools.cache
def _djangos_own(template_name: str) -> bool:
    """The template the default renderer finds is Django's own, not a project's override."""
    origin = get_default_renderer().get_template(template_name).origin.name
    return Path(origin).is_relative_to(Path(django.__file__).parent)


class WidgetRenderer(BaseRenderer):
    """The default form renderer, but Django's own templates for the commonest widgets are
    written in Python (the same characters; tests/incidents/test_rendering.py compares them).
    Any other template, or one the project overrides, goes to the default renderer."""

    def get_template(self, template_name: str):
        return get_default_renderer().get_template(template_name)

    def render(self, template_name: str, context: dict, request=None) -> str:
        write = _WRITERS.get(template_name) if _djangos_own(template_name) else None
        html = write(context["widget"]) if write is not None else None
        if html is None:
            return get_default_renderer().render(template_name, context, request)
        return html.strip()


WIDGETS = WidgetRenderer()


def _widget(field: BoundField, attrs: dict) -> SafeString:
    """field.as_widget(attrs=attrs), written by WidgetRenderer."""
    widget = field.field.widget
    if field.field.localize:
        widget.is_localized = True
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    return widget.render(name=field.html_name, value=field.value(), attrs=attrs, renderer=WIDGETS)


def _option(option) -> SafeString:
    """option.tag() of a radio or checkbox, written by WidgetRenderer."""
    context = {"widget": {**option.data, "wrap_label": False}}
    return option.parent_widget._render(option.template_name, context, WIDGETS)


# --- Fields ------------------------------------------------------------------------------------

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


def _field_attrs(field: BoundField, css: str, described: list[str]) -> dict:
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
        return _widget(field, {})
    described, below = _described(field)
    kind = field.widget_type
    if isinstance(field.field.widget, forms.CheckboxInput):
        return format_html(
            '<div class="mb-3 form-check">{}<label class="form-check-label" for="{}">{}</label>'
            "{}</div>",
            _widget(field, _field_attrs(field, "form-check-input", described)),
            field.id_for_label,
            field.label,
            below,
        )
    if field.use_fieldset:  # radios, checkboxes: Django renders the options as a list of inputs
        options = format_html_join(
            "",
            '<div class="form-check">{}<label class="form-check-label" for="{}">{}</label></div>',
            (
                (_option(option), option.id_for_label, option.choice_label)
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
        _widget(field, _field_attrs(field, css, described)),
        below,
    )


def form_html(form: forms.Form) -> SafeString:
    """Every field of `form`, in order (non-field errors are the page's to show)."""
    return mark_safe("".join(field_html(field) for field in form))  # noqa: S308
