"""The screenshot tour: every page type of the page walk (tests/pagewalk.py) as every role sees
it, at a laptop's and a phone's width, as full-page PNGs in var/screenshots/<role>/<width>/.

Not part of `make test` (its name is not test_*.py): `make screenshots` runs it, for people to
look at. SCREENSHOTS_DIR chooses another folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import pagewalk
from tests.pagewalk import ROLES, WIDTHS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEFAULT_FOLDER = Path(__file__).parents[2] / "var" / "screenshots"
FOLDER = Path(os.environ.get("SCREENSHOTS_DIR") or DEFAULT_FOLDER)


@pytest.mark.parametrize("width_name", list(WIDTHS))
@pytest.mark.parametrize("role", list(ROLES))
def test_screenshot_every_page(page, live_server, walk, role, width_name):
    pagewalk.viewport(page, width_name)
    persona = ROLES[role]
    pagewalk.log_in(page, live_server.url, walk.personas[persona] if persona else None)
    folder = FOLDER / role / width_name
    folder.mkdir(parents=True, exist_ok=True)
    for spec in pagewalk.pages_for(role):
        pagewalk.open_page(page, live_server.url, spec, walk)
        page.screenshot(path=folder / f"{spec.name}.png", full_page=True, animations="disabled")
