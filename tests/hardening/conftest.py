"""The real portal stack (throwaway PostgreSQL + gunicorn) for the fault and load tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from tests.hardening.stack import Stack, build_stack


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    stack = build_stack()
    try:
        stack.start_web()
        yield stack
    finally:
        stack.stop_all()
        stack.cluster.destroy()
        shutil.rmtree(stack.media, ignore_errors=True)
