"""Role questions for the GDPR unit's template pieces."""

from __future__ import annotations

from django import template

from portal import roles

register = template.Library()


@register.filter
def may_see_breach_register(user) -> bool:
    return roles.can_see_breach_register(user)
