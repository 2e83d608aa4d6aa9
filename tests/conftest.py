"""Shared fixtures: the personas, and a real Chromium for end-to-end tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User

from portal import roles
from tests.personas import PASSWORD, make_person


def _serialized_rollback(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("serialized_rollback"))


def _transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
        or "live_server" in fixtures
        or "transactional_db" in fixtures
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Serialized-rollback tests first among the transactional ones (after pytest-django's order).

    Any other transactional test's flush runs post_migrate, which makes the content types and
    permissions again under new ids; a serialized-rollback test then loads the copy taken after
    migrating (the old ids) and collides with them at setup. A serialized-rollback test's flush
    leaves the tables empty instead, which the others handle.
    """
    block = [index for index, item in enumerate(items) if _transactional(item)]
    if not block:
        return
    start, end = block[0], block[-1] + 1
    items[start:end] = sorted(items[start:end], key=lambda item: not _serialized_rollback(item))


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def manager(db) -> User:
    return make_person("mona", "Mona", "Mortensen", "Borgerservice", groups=(roles.MANAGERS,))


@pytest.fixture
def other_manager(db) -> User:
    return make_person("ole", "Ole", "Olsen", "Teknik og Miljø", groups=(roles.MANAGERS,))


@pytest.fixture
def reporter(db, manager) -> User:
    return make_person("rikke", "Rikke", "Rasmussen", "Borgerservice", manager=manager)


@pytest.fixture
def colleague(db, other_manager) -> User:
    return make_person("carl", "Carl", "Christensen", "Teknik og Miljø", manager=other_manager)


@pytest.fixture
def it_user(db) -> User:
    return make_person("ib", "Ib", "Iversen", "IT", groups=(roles.IT,))


@pytest.fixture
def gdpr_user(db) -> User:
    return make_person("gry", "Gry", "Gregersen", "GDPR-enheden", groups=(roles.GDPR_UNIT,))


@pytest.fixture
def superuser(db) -> User:
    return make_person("sune", "Sune", "Svendsen", "IT", superuser=True)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `make browser` (scripts/install-browser.sh)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser) -> Iterator:
    context = browser.new_context(locale="da-DK", timezone_id="Europe/Copenhagen")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def log_in(page, live_server):
    """Log a persona in through the real login form; returns the page."""

    def _log_in(user: User, next_path: str = "/"):
        page.goto(f"{live_server.url}/log-ind/?next={next_path}")
        page.get_by_label("Brugernavn").fill(user.username)
        page.get_by_label("Adgangskode").fill(PASSWORD)
        page.get_by_role("button", name="Log ind").click()
        page.wait_for_load_state()
        return page

    return _log_in


# --- Logging in with the organisation's account (OpenID Connect) ------------------------------


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator:
    """A real OpenID Connect provider on loopback (tests/oidc_provider.py)."""
    from tests.oidc_provider import running_provider

    with running_provider() as provider:
        yield provider


@pytest.fixture
def oidc(settings, oidc_provider):
    """The portal configured for that provider, as OIDC_ISSUER etc. configure it in production
    (local passwords off, as is the default once a provider is configured)."""
    from portal.oidc import forget_provider
    from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET

    settings.OIDC_ISSUER = oidc_provider.url
    settings.OIDC_ENABLED = True
    settings.OIDC_DISCOVERY_URL = f"{oidc_provider.url}/.well-known/openid-configuration"
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.LOCAL_LOGIN = False
    forget_provider()
    oidc_provider.token_requests.clear()
    yield oidc_provider
    forget_provider()
