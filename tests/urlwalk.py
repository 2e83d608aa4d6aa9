"""Every URL pattern of the portal, with sample arguments, for tests that must cover them all."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver

# Sample values for path converters / argument names; 404s are fine for these tests.
SAMPLE_ARGS = {"slug": "eksempel", "reference": "SB-2026-0001", "pk": "1", "token": "x" * 32}


def iter_patterns(
    patterns=None, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from iter_patterns(entry.url_patterns, prefix + str(entry.pattern), full_ns)
        else:
            yield prefix + str(entry.pattern), entry


def sample_path(route: str) -> str:
    """Turn 'sikkerhedsbrud/<str:reference>/' into '/sikkerhedsbrud/SB-2026-0001/'."""
    import re

    def replace(match: re.Match) -> str:
        name = match.group(2)
        return SAMPLE_ARGS.get(name, "1")

    path = re.sub(r"<(?:(\w+):)?(\w+)>", replace, route)
    path = path.lstrip("^").rstrip("$").replace("\\Z", "")
    return "/" + path
