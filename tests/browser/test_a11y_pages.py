"""axe-core (shipped inside axe-playwright-python) on every page type: no serious or critical
WCAG 2.1 A/AA finding. One row per page in PAGES; the lead adds the GDPR unit's pages there."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client

from tests.hardening.access_table import PERSONAS
from tests.hardening.world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
BLOCKING = {"serious", "critical"}


@dataclass(frozen=True)
class Page:
    name: str
    persona: str  # "anonymous" or a persona fixture
    path: Callable[[World], str]
    then: Callable | None = None  # something to do on the page before checking it


def submit_empty_report(page) -> None:
    page.get_by_role("button", name="Send indberetning").click()
    page.wait_for_load_state()
    assert page.locator(".invalid-feedback, .is-invalid").count() > 0


def submit_empty_password_change(page) -> None:
    page.get_by_role("button", name="Skift adgangskode").click()
    page.wait_for_load_state()
    assert page.locator("#form-errors").count() == 1


PAGES = [
    Page("login", "anonymous", lambda w: "/log-ind/"),
    Page("home", "reporter", lambda w: "/"),
    Page("section", "reporter", lambda w: f"/afsnit/{w.section_slug}/"),
    Page("search results", "reporter", lambda w: "/soeg/?q=adgangskode"),
    Page("search results of every kind", "reporter", lambda w: "/soeg/?q=virus+kontakt"),
    Page("search without results", "reporter", lambda w: "/soeg/?q=vira"),
    Page("print", "reporter", lambda w: "/udskriv/"),
    Page("contacts", "reporter", lambda w: "/kontakt/"),
    Page("first aid", "reporter", lambda w: "/hvad-goer-jeg-nu/"),
    Page("first aid guide", "reporter", lambda w: f"/hvad-goer-jeg-nu/{w.guide_slug}/"),
    Page("report form", "reporter", lambda w: "/sikkerhedsbrud/anmeld/"),
    Page(
        "report form with errors",
        "reporter",
        lambda w: "/sikkerhedsbrud/anmeld/",
        submit_empty_report,
    ),
    Page("receipt", "reporter", lambda w: f"/sikkerhedsbrud/{w.incident.reference}/kvittering/"),
    Page("my reports", "reporter", lambda w: "/sikkerhedsbrud/mine/"),
    Page("incident detail (reporter)", "reporter", lambda w: f"/sikkerhedsbrud/{w.incident}/"),
    Page("incident detail (GDPR unit)", "gdpr_user", lambda w: f"/sikkerhedsbrud/{w.incident}/"),
    Page("case list", "gdpr_user", lambda w: "/sikkerhedsbrud/?status=all"),
    Page("dashboard", "gdpr_user", lambda w: "/sikkerhedsbrud/frister/"),
    Page("403", "reporter", lambda w: "/sikkerhedsbrud/frister/"),
    Page("404", "reporter", lambda w: "/findes-ikke/"),
    Page("draft", "gdpr_user", lambda w: f"/sikkerhedsbrud/{w.incident}/udkast-datatilsynet/"),
    Page(
        "letter to data subjects",
        "gdpr_user",
        lambda w: f"/sikkerhedsbrud/{w.incident}/brev-til-registrerede/",
    ),
    Page(
        "register of non-breaches",
        "gdpr_user",
        lambda w: "/sikkerhedsbrud/fortegnelse/?klassifikation=ikke-brud",
    ),
    Page("register", "gdpr_user", lambda w: "/sikkerhedsbrud/fortegnelse/"),
    Page("statistics", "gdpr_user", lambda w: "/sikkerhedsbrud/statistik/"),
    Page("calendar", "gdpr_user", lambda w: "/sikkerhedsbrud/frister/kalender/"),
    Page("password change", "reporter", lambda w: "/adgangskode/"),
    Page(
        "password change with errors",
        "reporter",
        lambda w: "/adgangskode/",
        submit_empty_password_change,
    ),
]


@pytest.fixture
def world(request) -> World:
    personas = {name: request.getfixturevalue(name) for name in PERSONAS if name != "anonymous"}
    return build_world(personas)


def open_as(page, live_server, user, path: str) -> None:
    """Log in by session cookie (the login form has its own journey test) and open `path`."""
    if user is not None:
        client = Client()
        client.force_login(user)
        page.context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
    page.goto(live_server.url + path)
    page.wait_for_load_state()


def blocking_violations(page) -> list[str]:
    results = Axe().run(page, options=WCAG_AA)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("spec", PAGES, ids=[p.name for p in PAGES])
def test_the_page_has_no_serious_accessibility_findings(page, live_server, world, spec):
    user = None if spec.persona == "anonymous" else world.personas[spec.persona]
    open_as(page, live_server, user, spec.path(world))
    if spec.then:
        spec.then(page)
    assert blocking_violations(page) == []


@pytest.mark.parametrize(
    "path",
    ["/log-ind/", "/log-ind/konto/retur/?code=x&state=y"],
    ids=["login with the organisation's account", "login refused"],
)
def test_the_organisations_login_pages_have_no_serious_accessibility_findings(
    page, live_server, oidc, settings, path
):
    settings.LOCAL_LOGIN = True  # the break-glass form below the account button, both checked
    open_as(page, live_server, None, path)
    assert blocking_violations(page) == []
