"""Template filters for incident pages; the formatting itself lives in incidents/formatting.py."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template

from incidents import formatting

register = template.Library()

DK_DATETIME_FORMAT = formatting.DK_DATETIME_FORMAT


@register.filter
def dk_datetime(value: datetime | None) -> str:
    return formatting.dk_datetime(value)


@register.filter
def time_left_text(delta: timedelta | None) -> str:
    return formatting.time_left_text(delta)


@register.filter
def fields(form) -> str:
    """The form's fields as Bootstrap markup (incidents/rendering.py), without crispy."""
    from incidents.rendering import form_html

    return form_html(form)


@register.filter
def duty_label(code: str) -> str:
    from incidents.duties import DUTIES_BY_CODE

    duty = DUTIES_BY_CODE.get(code)
    return str(duty.label) if duty else code
