"""Project-wide views and view helpers."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


def forbidden_unless(allowed: bool) -> None:
    """Raise 403 for people who may know a page exists but may not use it."""
    if not allowed:
        raise PermissionDenied
