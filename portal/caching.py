"""Pages rendered once and served to everyone they look the same for (README, "Caching and
sessions").

`@cached_page("folder")` keeps a view's page in Django's cache (the database cache: shared by
every worker on every machine) under the release, the language, the path, the content's version
and the user's role set (their groups and staff flags: what the menus depend on). The parts that
differ per person or request — the name, the CSRF token, messages, the password link — are holes
(`{% per_request %}` in the templates), filled in on every request. The content's version and the
role set are read with the session, in the same query that brings the cached page
(portal.sessions); the version is raised by database triggers in the transaction that changes the
content. So an edit or a role change shows on the very next request, and a cached page costs one
query.
"""

from __future__ import annotations

import base64
import hashlib
import pickle
import re
import secrets
from collections.abc import Callable
from functools import cache, wraps
from pathlib import Path

import django
import pgtrigger
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends import db
from django.core.cache.backends.base import BaseCache
from django.core.signals import setting_changed
from django.db import connections, router
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

VERSIONS_TABLE = "portal_contentversion"
CACHE_TABLE = "portal_cache"
# The folder: introduction, sections, rules, notes, contacts (guidance.models).
FOLDER = "folder"
# The departments (portal.models.Department): the choices of filters that list them.
DEPARTMENTS = "departments"


# --- Content versions --------------------------------------------------------------------------


def version_trigger(content: str, name: str) -> pgtrigger.Trigger:
    """A trigger raising `content`'s version after any statement that writes the table.

    Per statement, in the writing transaction: an import of the whole folder raises it a few
    hundred times and is seen all at once at commit, like the content itself. A missing row (a
    flushed test database) is created.
    """
    return pgtrigger.Trigger(
        name=name,
        level=pgtrigger.Statement,
        when=pgtrigger.After,
        operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete | pgtrigger.Truncate,
        func=(
            # Constants only (S608): the table and a content name from this module.
            f"INSERT INTO {VERSIONS_TABLE} (name, version) VALUES ('{content}', 1) "  # noqa: S608
            f"ON CONFLICT (name) DO UPDATE SET version = {VERSIONS_TABLE}.version + 1; "
            "RETURN NULL;"
        ),
    )


def fragment(request: HttpRequest, content: str, name: str, render: Callable[[], str]) -> str:
    """A piece of a page that lists `content` (the departments of a filter's choices), rendered
    once per version of it and kept in the cache under the release and the language.

    The version is the one the session's query read (portal.sessions), so this costs one cache
    look-up instead of reading and rendering the list, and a change shows on the very next
    request. What is kept is never older than its version: the list is read after the version.
    Rendered afresh where the session's query did not run (another session engine in a test).
    """
    loaded = getattr(getattr(request, "session", None), "loaded", None)
    if loaded is None:
        return render()
    backend = caches[DEFAULT_CACHE_ALIAS]
    version = loaded.versions.get(content, 0)
    key = f"fragment:{content}:{name}:{release()}:{get_language()}:{version}"
    html = backend.get(key)
    if html is None:
        html = str(render())
        backend.set(key, html)
    return html


# --- What differs per request ------------------------------------------------------------------


def _csrf_input(request: HttpRequest) -> str:
    # As {% csrf_token %} writes it.
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )


def _user_name(request: HttpRequest) -> str:
    user = request.user
    return escape(user.get_full_name() or user.get_username())


def _user_data(request: HttpRequest) -> str:
    """The password checker's view of the user: it warns against one's own name."""
    user = request.user
    return format_html(
        'data-username="{}" data-first-name="{}" data-last-name="{}"',
        user.get_username(),
        user.first_name,
        user.last_name,
    )


def _messages(request: HttpRequest) -> str:
    storage = getattr(request, "_messages", None)
    if not storage:
        return ""
    return render_to_string("components/messages.html", {"messages": storage})


def _password_link(request: HttpRequest) -> str:
    """A local account's own page: only for people with a password here."""
    user = request.user
    if not (settings.LOCAL_LOGIN and user.is_authenticated and user.has_usable_password()):
        return ""
    # Markup here rather than in a template: a template costs ~0.05 ms on every page.
    return format_html(
        '<p class="mt-3 mb-0">{}: <a href="{}">{}</a></p>',
        _("Din konto"),
        reverse("password_change"),
        _("Skift adgangskode"),
    )


PER_REQUEST: dict[str, Callable[[HttpRequest], str]] = {
    "csrf_input": _csrf_input,
    "user_name": _user_name,
    "user_data": _user_data,
    "messages": _messages,
    "password_link": _password_link,
}


def per_request(request: HttpRequest | None, name: str) -> SafeString:
    """What `{% per_request name %}` writes: the part itself, or its hole while a cached page is
    being rendered."""
    if request is None:
        return mark_safe("")
    nonce = getattr(request, "_page_holes", None)
    if nonce:
        return mark_safe(_hole(nonce, name))  # noqa: S308 (a nonce and a name from a template)
    return _part(request, name)


def _part(request: HttpRequest, name: str) -> SafeString:
    """A part of PER_REQUEST, or one the view rendered for this request (`render_in_shell`);
    empty where a page has no such part (the search words on other pages than the search)."""
    if name in PER_REQUEST:
        return mark_safe(PER_REQUEST[name](request))  # noqa: S308 (each part escapes its text)
    return getattr(request, "_page_parts", {}).get(name, mark_safe(""))


def _hole(nonce: str, name: str) -> str:
    return f"<!--{nonce}:{name}-->"


def _split(html: str, nonce: str) -> tuple[str, ...]:
    """The page as (text, hole name, text, …, text). The nonce is new for every rendering, so
    nothing an editor writes can open a hole."""
    return tuple(re.split(_hole(re.escape(nonce), r"(\w+)"), html))


def _fill(parts: tuple[str, ...], request: HttpRequest) -> str:
    return "".join(
        part if index % 2 == 0 else _part(request, part) for index, part in enumerate(parts)
    )


# --- The cache ---------------------------------------------------------------------------------


class DatabaseCache(db.DatabaseCache):
    """Django's database cache, with `get` (once per cached page) as one prepared statement.

    Django's builds its SQL, plans it and converts the row on every call: ~0.15 ms of a page
    that costs ~1 ms. Values are stored and expire exactly as Django's.
    """

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        connection = connections[router.db_for_read(self.cache_model_class)]
        table = connection.ops.quote_name(self._table)
        with connection.cursor() as cursor:
            connection.execute_prepared(
                cursor,
                f"portal_cache_get_{self._table}",
                ["text"],
                f"SELECT value, expires FROM {table} WHERE cache_key = $1",  # noqa: S608 (the table)
                [key],
            )
            row = cursor.fetchone()
        if row is None or row[1] < timezone.now():
            return default
        return self.decode(row[0])

    def decode(self, value: str):
        """A value as this table stores it (Django's format), read with the session's query."""
        return pickle.loads(base64.b64decode(value))  # noqa: S301 (written by this cache only)


def cached_page(content: str) -> Callable:
    """Serve a logged-in GET from the cache; on a miss, render it with holes and keep a 200.

    The page comes with the session's own query when the request announced it in time
    (`prefetch`, from portal.middleware.AuthenticationMiddleware); otherwise it is looked up.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            found = _look_up(request, content)
            if found is None:
                return view(request, *args, **kwargs)
            backend, key, parts = found
            if parts is not None:
                return HttpResponse(_fill(parts, request))
            return _render_and_keep(request, backend, key, lambda: view(request, *args, **kwargs))

        wrapper.cached_page = content
        return wrapper

    return decorator


def shell_page(content: str) -> Callable:
    """Mark a view that answers with `render_in_shell`, so its shell comes with the session."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        view.cached_page = content
        return view

    return decorator


def render_in_shell(
    request: HttpRequest, content: str, template_name: str, parts: dict[str, SafeString]
) -> HttpResponse:
    """A page whose frame is the same for everyone with the same role set (the search: the
    layout, the search form) and whose `parts` are this request's (its results, its words).

    The frame is kept like a cached page, with the parts as holes; `template_name` puts
    `{% per_request %}` where each part goes.
    """
    request._page_parts = parts
    found = _look_up(request, content)
    if found is None:
        return render(request, template_name)
    backend, key, shell = found
    if shell is not None:
        return HttpResponse(_fill(shell, request))
    return _render_and_keep(request, backend, key, lambda: render(request, template_name))


def _look_up(request: HttpRequest, content: str) -> tuple[BaseCache, str, tuple | None] | None:
    """The cache, the page's key and the kept page (None: not kept), or None where pages are not
    cached (not a GET, or a user the session's query did not read)."""
    loaded = getattr(request.session, "loaded", None)
    role_key = getattr(loaded, "role_key", None)
    if request.method != "GET" or role_key is None or not request.user.is_authenticated:
        return None
    backend = caches[DEFAULT_CACHE_ALIAS]
    prefix = getattr(request, "_page_prefix", None) or page_prefix(request, content)
    key = f"{prefix}{loaded.versions.get(content, 0)}:{role_key}"
    if loaded.page_key is not None and loaded.page_key == backend.make_key(key):
        return backend, key, backend.decode(loaded.page) if loaded.page is not None else None
    return backend, key, backend.get(key)


def _render_and_keep(
    request: HttpRequest, backend: BaseCache, key: str, render_page: Callable[[], HttpResponse]
) -> HttpResponse:
    request._page_holes = nonce = secrets.token_hex(16)
    try:
        response = render_page()
    finally:
        del request._page_holes
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return response
    parts = _split(response.content.decode(response.charset), nonce)
    if response.status_code == 200:
        backend.set(key, parts)
    response.content = _fill(parts, request)
    return response


def prefetch(request: HttpRequest, view: Callable) -> None:
    """Ask the session's query to bring along the cached page `view` would serve, if any.

    Only before the session is loaded; the page's key is completed in that query with the
    content's version and the user's role key, as `cached_page` completes it.
    """
    content = getattr(view, "cached_page", None)
    session = getattr(request, "session", None)
    if content is None or request.method != "GET" or hasattr(session, "_session_cache"):
        return
    backend = caches[DEFAULT_CACHE_ALIAS]
    # The query reads this table: only while it is the one the pages are kept in.
    if hasattr(session, "prefetch") and getattr(backend, "_table", None) == CACHE_TABLE:
        request._page_prefix = prefix = page_prefix(request, content)
        session.prefetch = (content, backend.make_key(prefix))


def page_prefix(request: HttpRequest, content: str) -> str:
    """A cached page's key up to the content's version and the role key, which the database knows:
    the release, the language and the path."""
    where = f"{release()}|{get_language()}|{request.path}"
    return f"page:{content}:{hashlib.sha256(where.encode()).hexdigest()[:32]}:"


@cache
def release() -> str:
    """A fingerprint of everything a page is made from besides its content and user: the code and
    templates, the static files' names, the portal's settings, Django's version. Machines running
    the same release share pages; a deployment starts afresh.
    """
    digest = hashlib.sha256(django.get_version().encode())
    for folder in ("portal", "guidance", "incidents", "gdpr"):
        for path in sorted((Path(settings.BASE_DIR) / folder).rglob("*")):
            if path.suffix in {".py", ".html", ".txt", ".toml"} and path.is_file():
                digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
                digest.update(path.read_bytes())
    digest.update(str(getattr(staticfiles_storage, "manifest_hash", "")).encode())
    for name in RELEASE_SETTINGS:
        digest.update(f"{name}={getattr(settings, name, None)!r}".encode())
    return digest.hexdigest()[:16]


# Settings a folder page shows or depends on.
RELEASE_SETTINGS = (
    "PORTAL_ORGANISATION",
    "PORTAL_ACCOUNT_NAME",
    "PORTAL_CONTACTS",
    "OIDC_ENABLED",
    "LOCAL_LOGIN",
    "AXES_COOLOFF_TIME",
    "AUTH_PASSWORD_VALIDATORS",
    "LANGUAGE_CODE",
    "TIME_ZONE",
    "STATIC_URL",
    "DEBUG",
)


def _forget_release(*, setting: str, **kwargs) -> None:
    if setting in RELEASE_SETTINGS or setting == "STORAGES":
        release.cache_clear()


setting_changed.connect(_forget_release)
