"""`{% per_request "name" %}`: a part of the layout that differs per request (the user's name,
the CSRF token, messages), so that the rest of a page can be cached (portal.caching)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from portal import caching

register = template.Library()


@register.simple_tag(takes_context=True, name="per_request")
def per_request_tag(context: template.Context, name: str) -> SafeString:
    if name not in caching.PER_REQUEST:
        raise template.TemplateSyntaxError(f"per_request: unknown part {name!r}")
    return caching.per_request(context.get("request"), name)
