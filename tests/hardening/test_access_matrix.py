"""Every URL pattern × every persona × GET/POST gives what access_table.TABLE says, and every
response on the way carries the CSP, nosniff and no-store headers and a CSRF token in each of its
forms.

This replaces tests/incidents/test_access.py's persona × view matrix (which covered the incident
views only); that file keeps its tests of *what* each persona sees on a page they may open.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import URLPattern

from tests.hardening.access_table import PERSONAS, TABLE, outcomes
from tests.hardening.world import build_world, kwargs_for

pytestmark = pytest.mark.django_db


def table_key(route: str, pattern: URLPattern, namespace: str) -> str:
    if namespace == "admin":
        return f"admin:{pattern.name}" if f"admin:{pattern.name}" in TABLE else "admin:*"
    if pattern.name:
        return f"{namespace}:{pattern.name}" if namespace else pattern.name
    return route


def all_routes() -> list[tuple[str, str, list[str]]]:
    """(table key, route, parameter names) for every pattern, the admin's included."""
    routes = []
    for route, pattern, namespace in _walk():
        params = re.findall(r"<(?:\w+:)?(\w+)>", route)
        routes.append((table_key(route, pattern, namespace), route, params))
    return routes


def _walk():
    from django.urls import URLResolver, get_resolver

    def walk(patterns, prefix, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = entry.namespace or namespace
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
            else:
                yield prefix + str(entry.pattern), entry, namespace

    yield from walk(get_resolver().url_patterns, "", "")


def url_for(route: str, params: list[str], kwargs: dict) -> str:
    path = route
    for name in params:
        path = re.sub(rf"<(?:\w+:)?{name}>", str(kwargs[name]), path)
    return "/" + path


def observed(response, persona: str) -> str:
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith("/log-ind/"):
            return "L"
        if location.startswith("/admin/login/"):
            return "L" if persona == "anonymous" else "A"
        return "R"
    return str(response.status_code)


def matches(expected: str, got: str) -> bool:
    if expected == "*":
        return not got.startswith("5")
    return expected == got


class PostForms(HTMLParser):
    """Collects, for each <form method="post">, whether it carries a CSRF token."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._current = {"action": attrs.get("action"), "csrf": False}
            self.forms.append(self._current)
        elif tag == "input" and self._current and attrs.get("name") == "csrfmiddlewaretoken":
            self._current["csrf"] = bool(attrs.get("value"))

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def check_headers_and_forms(response, where: str) -> list[str]:
    problems = []
    csp = response.get("Content-Security-Policy", "")
    # Pages allow their own origin; downloads (attachments) nothing at all, in a sandbox.
    page_csp = "default-src 'self'" in csp
    download_csp = csp.startswith("sandbox;") and "default-src 'none'" in csp
    if not (page_csp or download_csp) or "unsafe-inline" in csp or "unsafe-eval" in csp:
        problems.append(f"{where}: CSP is {csp!r}")
    if response.get("Content-Disposition", "").startswith("attachment") and not download_csp:
        problems.append(f"{where}: a download without the sandbox CSP")
    # Every answer may show who is logged in or personal data: no cache may keep it.
    cache_control = response.get("Cache-Control", "")
    if "no-store" not in cache_control or "private" not in cache_control:
        problems.append(f"{where}: Cache-Control is {cache_control!r}")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{where}: no X-Content-Type-Options: nosniff")
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        parser = PostForms()
        parser.feed(response.content.decode())
        for form in parser.forms:
            if not form["csrf"]:
                problems.append(f"{where}: a POST form (action={form['action']!r}) has no CSRF")
    return problems


@pytest.fixture
def personas(request) -> dict:
    return {name: request.getfixturevalue(name) for name in PERSONAS if name != "anonymous"}


@pytest.fixture
def world(personas):
    return build_world(personas)


def test_every_url_pattern_has_a_row_in_the_table():
    keys = {key for key, _route, _params in all_routes()}
    missing = sorted(keys - set(TABLE))
    assert not missing, f"add a row to tests/hardening/access_table.py for: {missing}"
    stale = sorted(set(TABLE) - keys)
    assert not stale, f"rows for URLs that no longer exist: {stale}"
    for get_row, post_row in TABLE.values():
        outcomes(get_row), outcomes(post_row)


ROUTES = all_routes()


@pytest.mark.parametrize(("key", "route", "params"), ROUTES, ids=[r[1] or "/" for r in ROUTES])
def test_each_persona_gets_what_the_table_says(world, key, route, params):
    """One test per URL pattern; a failure lists every cell that differs."""
    url = url_for(route, params, kwargs_for(key, params, world))
    get_row, post_row = (outcomes(row) for row in TABLE[key])
    problems = []
    for persona in PERSONAS:
        client = Client()
        if persona != "anonymous":
            client.force_login(world.personas[persona])
        for method, row in (("GET", get_row), ("POST", post_row)):
            response = client.get(url) if method == "GET" else client.post(url, {})
            got = observed(response, persona)
            if not matches(row[persona], got):
                problems.append(f"{method} {url} as {persona}: expected {row[persona]}, got {got}")
            problems += check_headers_and_forms(response, f"{method} {url} as {persona}")
    assert not problems, "\n".join(problems)


def _csrf_cases():
    """(key, route, params, persona) for every POST some persona may reach."""
    for key, route, params in ROUTES:
        row = outcomes(TABLE[key][1])
        allowed = [p for p in PERSONAS if p != "anonymous" and row[p] not in ("405", "403", "404")]
        if allowed and key != "admin:*":
            yield key, route, params, allowed[0]


CSRF_CASES = list(_csrf_cases())


@pytest.mark.parametrize(
    ("key", "route", "params", "persona"), CSRF_CASES, ids=[c[1] for c in CSRF_CASES]
)
def test_a_post_without_the_csrf_token_is_refused(world, key, route, params, persona):
    url = url_for(route, params, kwargs_for(key, params, world))
    client = Client(enforce_csrf_checks=True)
    if persona != "anonymous":
        client.force_login(world.personas[persona])
    response = client.post(url, {})
    assert response.status_code == 403, (url, persona)
    assert "<h1>Formularen er udløbet</h1>" in response.text, (url, persona)


def test_the_admins_forms_refuse_a_post_without_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.personas["superuser"])
    response = client.post("/admin/auth/user/add/", {"username": "mallory"})
    assert response.status_code == 403
