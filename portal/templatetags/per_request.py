"""`{% per_request "name" %}`: a part of a page that differs per request (the user's name, the
CSRF token, messages, the search's results), so that the rest of it can be cached
(portal.caching)."""

from __future__ import annotations

import re

from django import template
from django.utils.safestring import SafeString

from portal import caching

register = template.Library()
# caching.PER_REQUEST's parts, or one a view renders per request (caching.render_in_shell).
NAME = re.compile(r"\w+")


@register.simple_tag(takes_context=True, name="per_request")
def per_request_tag(context: template.Context, name: str) -> SafeString:
    if not NAME.fullmatch(name):
        raise template.TemplateSyntaxError(f"per_request: {name!r} is not a part's name")
    return caching.per_request(context.get("request"), name)
