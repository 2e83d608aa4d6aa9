"""The runner's report copes with an endpoint that failed (no timings here)."""

from __future__ import annotations

from bench import run


def _figures(p95: float) -> dict:
    return {
        "rps": 100.0,
        "rps_vs_bare": 0.1,
        "p50_ms": p95 / 2,
        "p95_ms": p95,
        "p99_ms": p95,
        "errors": 0,
        "queries": 5,
        "worker_peak_rss_mb": 60.0,
    }


def test_a_failed_endpoint_is_a_row_and_a_failed_target_not_a_crash(capsys):
    sizes = {
        "100000": {
            "endpoints": {
                "bare": _figures(1.0),
                "search": {"error": "TimeoutError: timed out", "path": "/", "queries": 10},
                "report": _figures(50.0),
            }
        }
    }
    run.print_table(sizes)
    assert "search        failed: TimeoutError: timed out" in capsys.readouterr().out
    targets = {t["target"]: t for t in run.check_targets(sizes)}
    assert targets["Search p95 < 60 ms (mixed workload)"]["result"] == "FAIL"
    assert targets["Search p95 < 60 ms (mixed workload)"]["detail"] == "100,000: failed"
    assert targets["Report submission p95 < 250 ms, 0 errors, 20 clients"]["result"] == "PASS"
    assert targets["Gunicorn worker peak RSS < 120 MB"]["result"] == "PASS"
