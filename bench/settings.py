"""Benchmark settings: the production settings plus the two baselines (bench/urls.py).

Nothing else differs for the portal's own pages, so the figures describe the portal as deployed.
"""

from __future__ import annotations

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# The logged-in floor's path is answered by stock Django's middleware, sessions and login
# (bench/floor.py); every other request passes straight on to the portal's middleware.
MIDDLEWARE = ["bench.floor.StockFloorMiddleware", *MIDDLEWARE]  # noqa: F405
# The benchmark collects static files into its own folder, away from the developer's.
STATIC_ROOT = VAR_DIR / "bench" / "static"  # noqa: F405
