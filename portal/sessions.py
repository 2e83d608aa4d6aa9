"""Database sessions that know their user: the session, the user and their groups in one query.

Django's database sessions cost three round trips before a page can start: the session, the user
(by the id inside the session) and, for the portal's roles, the user's groups. Here the session
row carries the user's id (portal.models.Session), so one statement returns all three, with the
content versions and, for a page kept in the cache, the page itself (portal.caching). Nothing is
kept between requests: logging out (the row is deleted), a deactivated account, a changed password
(the session's auth hash) and a changed role all show on the very next request.

`SESSION_ENGINE = "portal.sessions"`; `portal.middleware.AuthenticationMiddleware` takes the
user from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
    load_backend,
)
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.contrib.sessions.backends import db
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from portal import caching, roles


@dataclass(frozen=True)
class Loaded:
    """What the session's one query found besides the session data.

    `user` with their groups; `versions` of the content that cached pages are keyed by and the
    user's `role_key` (their groups, superuser and staff flags), which together name a cached page
    (portal.caching); and when the request asked for one (`SessionStore.prefetch`), the cached
    page's key and value (None: not in the cache).
    """

    user: AbstractBaseUser | None = None
    versions: dict[str, int] = field(default_factory=dict)
    role_key: str | None = None
    page_key: str | None = None
    page: str | None = None


class SessionStore(db.SessionStore):
    """django.contrib.sessions' database store on portal.models.Session."""

    loaded: Loaded | None = None
    # (content, cache key prefix) of a cached page to bring along with the session.
    prefetch: tuple[str, str] | None = None

    @classmethod
    def get_model_class(cls):
        from portal.models import Session

        return Session

    def create_model_instance(self, data: dict) -> object:
        session = super().create_model_instance(data)
        session.user_id = _user_id(data)
        return session

    def load(self) -> dict:
        content, page_prefix = self.prefetch or (None, None)
        with connection.cursor() as cursor:
            # Planning it costs about as much as running it: prepared once per connection.
            connection.execute_prepared(
                cursor,
                LOAD_STATEMENT,
                ["text", "timestamptz", "text", "text"],
                _load_sql(),
                [self.session_key, timezone.now(), page_prefix, content],
            )
            row = cursor.fetchone()
        session_data, user_id, *user_values, groups, versions, role_key, page_key, page = row
        if session_data is None:
            # As Django's store: an unknown or expired key gets a new one when saved.
            self._session_key = None
            self.loaded = Loaded(versions=versions)
            return {}
        data = self.decode(session_data)
        if user_id is None or user_id != _user_id(data):
            self.loaded = Loaded(versions=versions)
            return data
        user = get_user_model().from_db(connection.alias, _user_fields(), user_values)
        roles.remember_groups(user, groups)
        self.loaded = Loaded(user, versions, role_key, page_key, page)
        return data


def _user_id(data: dict) -> int | None:
    """The logged-in user's primary key as the session data holds it (a string), or None."""
    try:
        return int(data[SESSION_KEY])
    except (KeyError, TypeError, ValueError):
        return None


@cache
def _user_fields() -> list[str]:
    return [column.attname for column in get_user_model()._meta.concrete_fields]


LOAD_STATEMENT = "portal_session_load"


@cache
def _load_sql() -> str:
    """One statement: the session; its user's columns; the user's group names; the content
    versions; the role key; and, given a cached page's key prefix ($3) and content ($4), that
    page as the cache keeps it for this version and role key (portal.caching).

    The versions come also for an unknown or expired key. Built from the models' metadata once
    per process (the text, not any data). Only quoted table and column names are formatted into
    it (S608); everything else is a parameter.
    """
    from portal.models import Session

    user_model = get_user_model()
    quote = connection.ops.quote_name
    memberships = user_model.groups.through._meta
    user_fk = quote(memberships.get_field("user").column)
    group_fk = quote(memberships.get_field("group").column)
    columns = ", ".join(f"u.{quote(c.column)}" for c in user_model._meta.concrete_fields)
    user_pk = quote(user_model._meta.pk.column)
    group_pk = quote(Group._meta.pk.column)
    superuser = quote(user_model._meta.get_field("is_superuser").column)
    staff = quote(user_model._meta.get_field("is_staff").column)
    return (
        f"SELECT s.session_data, s.user_id, {columns}, r.names, v.versions, "  # noqa: S608
        "k.role_key, p.page_key, p.page "
        "FROM (SELECT 1) one "
        f"LEFT JOIN {quote(Session._meta.db_table)} s "
        "ON s.session_key = $1 AND s.expire_date > $2 "
        f"LEFT JOIN {quote(user_model._meta.db_table)} u ON u.{user_pk} = s.user_id "
        # Sorted by code point, as Python sorts: the same groups give the same role key.
        f"CROSS JOIN LATERAL (SELECT ARRAY(SELECT g.name FROM {quote(memberships.db_table)} m "
        f"JOIN {quote(Group._meta.db_table)} g ON g.{group_pk} = m.{group_fk} "
        # OFFSET 0: computed once, not copied into every expression that uses it.
        f'WHERE m.{user_fk} = s.user_id ORDER BY g.name COLLATE "C") AS names OFFSET 0) r '
        "CROSS JOIN (SELECT coalesce(json_object_agg(name, version), '{}') AS versions "
        f"FROM {quote(caching.VERSIONS_TABLE)} OFFSET 0) v "
        # The role set: the groups (JSON, so no two sets read alike) and the staff flags.
        "CROSS JOIN LATERAL (SELECT CASE WHEN s.user_id IS NOT NULL THEN "
        "md5(array_to_json(r.names)::text) "
        f"|| CASE WHEN u.{superuser} THEN 's' ELSE '' END "
        f"|| CASE WHEN u.{staff} THEN 't' ELSE '' END END AS role_key OFFSET 0) k "
        "LEFT JOIN LATERAL (SELECT q.page_key, "
        f"(SELECT c.value FROM {quote(caching.CACHE_TABLE)} c "
        "WHERE c.cache_key = q.page_key AND c.expires > $2) AS page "
        "FROM (SELECT $3 || coalesce(v.versions ->> $4, '0') || ':' || k.role_key AS page_key) q "
        "WHERE $3 IS NOT NULL) p ON true"
    )


def get_user(request: HttpRequest) -> AbstractBaseUser | AnonymousUser:
    """The request's user, as django.contrib.auth.get_user decides it, from the session's query.

    The same checks as Django's: the backend must still be configured, and the session's auth
    hash must match the user's password (else the session ends; the secret key's fallbacks are
    accepted and the session moved to the current key). One more than Django's for every
    backend: a deactivated account is logged out (ModelBackend does this; the OpenID Connect
    backend does not).
    """
    session = request.session
    user_id = _user_id(session)  # loads the session: its one query
    backend_path = session.get(BACKEND_SESSION_KEY)
    if user_id is None or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return AnonymousUser()
    loaded = getattr(session, "loaded", None)
    user = loaded.user if loaded is not None else None
    if user is None or user.pk != user_id:
        # Not loaded by this store (another engine in a test, say): ask the backend.
        user = load_backend(backend_path).get_user(user_id)
    if user is None or not user.is_active:
        return AnonymousUser()
    session_hash = session.get(HASH_SESSION_KEY)
    current_hash = user.get_session_auth_hash()
    if session_hash and constant_time_compare(session_hash, current_hash):
        return user
    if session_hash and any(
        constant_time_compare(session_hash, fallback)
        for fallback in user.get_session_auth_fallback_hash()
    ):
        session.cycle_key()
        session[HASH_SESSION_KEY] = current_hash
        return user
    session.flush()
    return AnonymousUser()
