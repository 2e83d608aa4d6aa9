"""The page walk's world for the browser tests (tests/pagewalk.py)."""

from __future__ import annotations

import pytest

from tests.hardening.access_table import PERSONAS
from tests.pagewalk import Walk, build_walk


@pytest.fixture
def walk(request) -> Walk:
    """Every persona (with a sixty-character name) and the incidents the pages point at."""
    personas = {name: request.getfixturevalue(name) for name in PERSONAS if name != "anonymous"}
    return build_walk(personas)
