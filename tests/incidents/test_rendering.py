"""The incident page's inputs written in Python (incidents.rendering.WidgetRenderer) are, to the
character, what Django's widget templates write."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.forms.renderers import get_default_renderer
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from incidents.rendering import WIDGETS
from incidents.widgets import DateTimeLocalInput

HOSTILE = "<script>\"&'</script>"
WIDGETS_AND_VALUES = [
    (forms.TextInput(attrs={"class": "form-control", "required": True, "x": False}), HOSTILE),
    (forms.TextInput(attrs={"placeholder": HOSTILE, "data-n": 3, "data-none": None}), None),
    (forms.TextInput(), ""),
    (forms.TextInput(), mark_safe("<b>safe</b>")),
    (forms.NumberInput(attrs={"min": 0}), 42),
    (forms.EmailInput(), "a@b.dk"),
    (forms.HiddenInput(), 7),
    (forms.CheckboxInput(), True),
    (forms.CheckboxInput(attrs={"class": "form-check-input"}), False),
    (forms.Textarea(attrs={"rows": 3}), "Linje 1\nLinje 2 " + HOSTILE),
    (forms.Textarea(), ""),
    (forms.Textarea(), None),
    (forms.DateInput(), "2026-05-04"),
    (DateTimeLocalInput(), datetime(2026, 5, 4, 12, 30, tzinfo=ZoneInfo("Europe/Copenhagen"))),
    (forms.Select(choices=[("", "Alle"), ("a", HOSTILE), (3, gettext_lazy("Tre"))]), "a"),
    (forms.Select(choices=[("", "Alle"), ("a", "A")]), None),
    (forms.Select(choices=[("Gruppe", [("x", "X"), ("y", "Y")]), ("z", "Z")]), "y"),
    (forms.SelectMultiple(choices=[("x", "X"), ("y", "Y"), ("z", "Z")]), ["x", "z"]),
]


@pytest.mark.parametrize(("widget", "value"), WIDGETS_AND_VALUES)
def test_a_widget_reads_as_django_writes_it(widget, value):
    attrs = {"id": "id_f", "aria-describedby": "id_f_helptext"}
    django = widget.render("f", value, attrs=attrs, renderer=get_default_renderer())
    assert widget.render("f", value, attrs=attrs, renderer=WIDGETS) == django


@pytest.mark.parametrize("multiple", [False, True])
@pytest.mark.parametrize("wrap_label", [False, True])
def test_radio_and_checkbox_options_read_as_django_writes_them(multiple, wrap_label):
    class Form(forms.Form):
        f = (forms.MultipleChoiceField if multiple else forms.ChoiceField)(
            choices=[("a", "A"), ("b", HOSTILE), ("c", gettext_lazy("C"))],
            widget=forms.CheckboxSelectMultiple if multiple else forms.RadioSelect,
        )

    form = Form({"f": ["a", "b"] if multiple else "b"})
    for option in form["f"].subwidgets:
        context = {"widget": {**option.data, "wrap_label": wrap_label}}
        django = option.parent_widget._render(option.template_name, context)
        assert option.parent_widget._render(option.template_name, context, WIDGETS) == django
