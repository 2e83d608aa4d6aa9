"""What the logs may hold: 403s as one line, and paths without search terms or secret tokens.

`redact` is shared by the Django request log and gunicorn's access log (GunicornLogger, named
by scripts/serve.sh and the README's production command).
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger

# Calendar feed addresses carry their secret token (gdpr/urls.py, calendar_feed).
_SECRET_PATHS = [re.compile(r"(/kalender/)[^/?]+(\.ics)")]


def redact(path: str) -> str:
    """The path without its query string (search terms, filters) and without secret tokens."""
    path = path.split("?", 1)[0]
    for pattern in _SECRET_PATHS:
        path = pattern.sub(r"\1[hemmelig]\2", path)
    return path


class OneLineForbidden(logging.Filter):
    """django.request logs a 403 with the PermissionDenied traceback; one line says enough,
    and request paths lose their query strings and tokens (Not Found: /kalender/<token>.ics)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        if record.args and isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


class GunicornLogger(Logger):
    """gunicorn's access log with the request line, URL and referrer redacted."""

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        path = redact(atoms.get("U", ""))
        atoms["U"] = path
        atoms["q"] = ""
        atoms["r"] = f"{atoms.get('m', '-')} {path} {atoms.get('H', '-')}"
        atoms["f"] = redact(atoms.get("f", "-"))
        if "{referer}i" in atoms:
            atoms["{referer}i"] = redact(atoms["{referer}i"])
        return atoms
