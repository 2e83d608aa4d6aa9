"""Gunicorn's access log without what people search for.

A search is a GET (`/soeg/?q=…`), so gunicorn would log the words – a citizen's name, a CPR
number – in the request line, and again in the Referer of the page opened from the results and
in the login redirect's `next` when a session has ended. This logger class writes every line as
gunicorn does but leaves out the query string of those URLs. Used by scripts/serve.sh and the
benchmark: `gunicorn --logger-class guidance.access_log.SearchPrivateLogger`.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import unquote, urlsplit

from gunicorn.glogging import Logger

REMOVED = "[søgning fjernet]"


@cache
def _search_path() -> str:
    from django.urls import reverse  # the workers have loaded Django by the time they log

    return reverse("guidance:search")


def _mentions_search(path: str, query: str) -> bool:
    search = _search_path()
    return path == search or search in unquote(unquote(query))


def _private_uri(uri: str) -> str:
    """`uri` (a path or a whole URL) without its query string if it is about a search."""
    parts = urlsplit(uri)
    if parts.query and _mentions_search(parts.path, parts.query):
        return uri.split("?", 1)[0] + "?" + REMOVED
    return uri


class SearchPrivateLogger(Logger):
    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        path, query = environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", "")
        if query and _mentions_search(path, query):
            method, protocol = environ.get("REQUEST_METHOD"), environ.get("SERVER_PROTOCOL")
            raw_uri = _private_uri(environ.get("RAW_URI", path))
            atoms["r"] = f"{method} {raw_uri} {protocol}"
            atoms["q"] = REMOVED
            atoms["{raw_uri}e"] = raw_uri
            atoms["{query_string}e"] = REMOVED
        referer = environ.get("HTTP_REFERER")
        if referer:
            private = _private_uri(referer)
            atoms["f"] = atoms["{referer}i"] = atoms["{http_referer}e"] = private
        return atoms
