"""The benchmark's logged-in floor is stock Django's page, and every endpoint is compared with
both baselines (no timings here)."""

from __future__ import annotations

import pytest
from django.test import Client

from bench import floor, run

pytestmark = pytest.mark.urls("bench.urls")


@pytest.fixture
def stock(settings):
    settings.MIDDLEWARE = ["bench.floor.StockFloorMiddleware", *settings.MIDDLEWARE]


def test_the_floor_shows_a_stock_sessions_user_their_page(stock, reporter):
    client = Client()
    client.cookies.load(floor.stock_session_cookie(reporter.username))
    response = client.get(floor.FLOOR_PATH)
    assert response.status_code == 200
    assert "Rikke Rasmussen" in response.text
    assert 'name="csrfmiddlewaretoken"' in response.text


def test_the_floor_sends_a_visitor_without_a_session_to_the_login(stock):
    client = Client()
    response = client.get(floor.FLOOR_PATH)
    assert response.status_code == 302
    assert response["Location"].startswith("/log-ind/")


def test_the_floor_does_not_take_the_portals_own_session(stock, reporter):
    client = Client()
    client.force_login(reporter)
    response = client.get(floor.FLOOR_PATH)
    assert response.status_code == 302
    assert response["Location"].startswith("/log-ind/")


def test_every_endpoint_is_compared_with_the_bare_view_and_the_floor():
    results = {
        "bare": {"rps": 3000.0, "p95_ms": 10.0, "cpu_ms_per_request": 0.5},
        "floor": {"rps": 1000.0, "p95_ms": 30.0, "cpu_ms_per_request": 2.0},
        "section": {"rps": 1500.0, "p95_ms": 20.0, "cpu_ms_per_request": 1.25},
        "search": {"error": "TimeoutError"},
    }
    run.add_ratios(results)
    assert results["section"]["rps_vs_bare"] == 0.5
    assert results["section"]["rps_vs_floor"] == 1.5
    assert results["section"]["p95_vs_bare"] == 2.0
    assert results["section"]["p95_vs_floor"] == 0.7
    assert results["section"]["cpu_vs_bare"] == 0.4
    assert results["section"]["cpu_vs_floor"] == 1.6
    assert results["floor"]["rps_vs_floor"] == 1.0
    assert "rps_vs_bare" not in results["search"]


def test_the_in_process_cost_is_the_fastest_run_within_the_budget(monkeypatch):
    from bench import probe

    calls = []
    monkeypatch.setattr(probe, "CPU_BUDGET", 0.0)
    assert probe._fastest_cpu_ms(lambda: calls.append(1)) >= 0
    assert calls == [1]  # the budget was spent after the first run
