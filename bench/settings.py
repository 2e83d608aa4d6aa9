"""Benchmark settings: the production settings plus the bare baseline view's URLconf.

Nothing else differs, so the figures describe the portal as deployed.
"""

from __future__ import annotations

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# The benchmark collects static files into its own folder, away from the developer's.
STATIC_ROOT = VAR_DIR / "bench" / "static"  # noqa: F405
