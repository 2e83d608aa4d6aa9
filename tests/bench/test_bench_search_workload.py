"""The benchmark loads the search with a mixed workload of realistic queries (no timings here)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from bench import probe, run


@pytest.mark.django_db
@pytest.mark.urls("bench.urls")
def test_the_workload_is_thirty_or_more_different_queries_in_turn():
    assert len(set(probe.SEARCH_QUERIES)) == len(probe.SEARCH_QUERIES) >= 30
    search = next(e for e in probe.endpoints() if e.name == "search")
    assert len(search.paths) == len(probe.SEARCH_QUERIES)
    queries = [parse_qs(urlsplit(path).query)["q"][0] for path in search.paths]
    assert queries == list(probe.SEARCH_QUERIES)
    assert all(urlsplit(path).path == "/soeg/" for path in search.paths)


@pytest.mark.django_db
def test_the_workload_figures_count_statements_per_search(reporter, monkeypatch):
    monkeypatch.setattr(probe, "SEARCH_REPEATS", 1)
    client = Client()
    client.force_login(reporter)
    paths = ["/soeg/?q=mistet+telefon", "/soeg/?q=fodbold"]
    figures = probe._workload_figures(client, paths)
    assert figures["status"] == 200
    assert figures["workload_size"] == 2
    # A miss needs one statement more than a hit: counting the miss.
    assert figures["queries"] - figures["queries_min"] == 1
    assert figures["inprocess_ms_p50"] > 0


def test_the_report_describes_the_workload(capsys):
    workload = {
        "queries": 6,
        "queries_min": 4,
        "queries_mean": 4.2,
        "workload_size": 44,
        "inprocess_ms_p50": 5.1,
        "inprocess_ms_p95": 7.9,
        "inprocess_ms_max": 9.0,
    }
    assert run.describe_workload(workload) == (
        "mixed workload of 44 queries in turn: 4–6 statements per request (mean 4.2), "
        "in-process 5.1 ms p50 / 7.9 ms p95 / 9.0 ms max per request"
    )
