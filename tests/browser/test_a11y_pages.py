"""axe-core (shipped inside axe-playwright-python, so offline) on every page type of the page walk
(tests/pagewalk.py) as every role sees it: no WCAG 2.1 A/AA finding of any impact, minor ones
included. One test per role lists every page's findings at once."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests import pagewalk
from tests.pagewalk import ROLES, Problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
AXE = Axe()


def findings(page) -> list[str]:
    """Every violation axe reports, whatever its impact."""
    results = AXE.run(page, options=WCAG_AA)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – "
        + "; ".join(str(node["target"][0]) for node in v["nodes"][:5])
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("width_name", list(pagewalk.WIDTHS))
@pytest.mark.parametrize("role", list(ROLES))
def test_no_page_has_any_accessibility_finding(page, live_server, walk, role, width_name):
    pagewalk.viewport(page, width_name)
    persona = ROLES[role]
    pagewalk.log_in(page, live_server.url, walk.personas[persona] if persona else None)
    problems = Problems()
    for spec in pagewalk.pages_for(role):
        pagewalk.open_page(page, live_server.url, spec, walk)
        for finding in findings(page):
            problems.add(spec.name, finding)
    assert not problems, f"{role} at {width_name}:\n{problems}"


@pytest.mark.parametrize(
    "path",
    ["/log-ind/", "/log-ind/konto/retur/?code=x&state=y"],
    ids=["login with the organisation's account", "login refused"],
)
def test_the_organisations_login_pages_have_no_accessibility_findings(
    page, live_server, oidc, settings, path
):
    settings.LOCAL_LOGIN = True  # the break-glass form below the account button, both checked
    page.goto(live_server.url + path)
    assert findings(page) == []
