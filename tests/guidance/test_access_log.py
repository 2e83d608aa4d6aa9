"""What people search for stays out of gunicorn's access log (portal.logs.GunicornLogger)."""

from __future__ import annotations

import datetime as dt
import http.client
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config

from portal.logs import GunicornLogger

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Bodil Borgersen 010190-1234"


def log_line(tmp_path: Path, uri: str, referer: str = "") -> str:
    """One access log line written by the logger, as gunicorn's worker would write it."""
    config = Config()
    config.set("accesslog", str(tmp_path / "access.log"))
    logger = GunicornLogger(config)
    path, _, query = uri.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": uri,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_USER_AGENT": "test",
    }
    headers = [("USER-AGENT", "test")]
    if referer:
        environ["HTTP_REFERER"] = referer
        headers.append(("REFERER", referer))
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = SimpleNamespace(headers=headers)
    logger.access(response, request, environ, dt.timedelta(milliseconds=5))
    for handler in logger.access_log.handlers:
        handler.flush()
    return (tmp_path / "access.log").read_text().strip().splitlines()[-1]


def test_the_search_words_are_left_out(tmp_path) -> None:
    line = log_line(tmp_path, "/soeg/?q=Bodil+Borgersen+010190-1234")
    assert '"GET /soeg/ HTTP/1.1" 200' in line
    assert "Bodil" not in line and "010190" not in line


def test_the_page_opened_from_the_results_does_not_log_them_as_its_referer(tmp_path) -> None:
    line = log_line(tmp_path, "/afsnit/virus/", referer="https://portal/soeg/?q=Bodil")
    assert "https://portal/soeg/" in line
    assert "Bodil" not in line


def test_the_login_redirect_after_an_ended_session_does_not_log_them(tmp_path) -> None:
    line = log_line(tmp_path, "/log-ind/?next=/soeg/%3Fq%3DBodil%2BBorgersen")
    assert "Bodil" not in line
    assert '"GET /log-ind/ HTTP/1.1"' in line


def test_no_address_keeps_its_query_string(tmp_path) -> None:
    line = log_line(tmp_path, "/sikkerhedsbrud/anmeld/?kategori=lost_device", referer="/")
    assert '"GET /sikkerhedsbrud/anmeld/ HTTP/1.1" 200' in line


def test_serve_sh_and_the_benchmark_use_the_logger() -> None:
    serve = (ROOT / "scripts" / "serve.sh").read_text()
    assert "--logger-class portal.logs.GunicornLogger" in serve
    from bench import run

    assert run.ACCESS_LOGGER == "portal.logs.GunicornLogger"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_started_as_serve_sh_starts_it_logs_no_search_words(tmp_path) -> None:
    """The real server: the flags are read from scripts/serve.sh, the requests are anonymous
    (a redirect to the login page is logged like any answer, and needs no database)."""
    serve = (ROOT / "scripts" / "serve.sh").read_text()
    logger_class = re.search(r"--logger-class (\S+)", serve).group(1)
    port = _free_port()
    log = tmp_path / "access.log"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "HTTPS": "0"}
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    command = [gunicorn, "portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
               "--access-logfile", str(log), "--logger-class", logger_class]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    try:
        for path in ("/soeg/?q=Bodil+Borgersen+010190-1234", "/kontakt/?x=1"):
            deadline = time.monotonic() + 30
            while True:
                try:
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                    connection.request("GET", path, headers={"Referer": f"/soeg/?q={SECRET}"})
                    assert connection.getresponse().status == 302
                    connection.close()
                    break
                except ConnectionRefusedError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=20)
    text = log.read_text()
    assert "GET /soeg/ " in text
    assert "GET /kontakt/ " in text
    assert "Bodil" not in text and "010190" not in text
