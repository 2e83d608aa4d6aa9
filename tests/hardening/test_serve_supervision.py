"""`make run`'s scripts/serve.sh keeps the portal up: a web server or worker that dies is started
again, a database restart is a few seconds of the 503 page (never "connection refused"), and
SIGTERM stops everything it started."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hardening.stack import (
    ROOT,
    Stack,
    build_stack,
    create_people,
    free_port,
    log_in,
    request,
)
from tests.personas import PASSWORD

pytestmark = [pytest.mark.fault]


def processes_of(session: int) -> dict[int, str]:
    """pid → command line of every process in a session."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getsid(int(entry.name)) != session:
                continue
            found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ProcessLookupError):
            continue
    return found


def pids(session: int, needle: str) -> set[int]:
    return {pid for pid, command in processes_of(session).items() if needle in command}


def wait_until(condition, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError("not within the time allowed")


def status(stack: Stack, path: str = "/log-ind/", cookies: dict | None = None) -> int | str:
    try:
        response = request(stack, "GET", path, cookies=cookies, timeout=10)
    except OSError as error:
        return type(error).__name__
    if response.status == 503 and "Portalen er midlertidigt utilgængelig" not in response.text:
        return "503 without the calm page"
    return response.status


@pytest.fixture
def served(tmp_path) -> Iterator[tuple[Stack, subprocess.Popen]]:
    stack = build_stack()
    stack.port = free_port()
    env = {**stack.env, "PORT": str(stack.port), "HTTPS": "0",
           "PIDFILE": str(tmp_path / "serve.pid")}  # fmt: skip
    serve = subprocess.Popen(
        ["scripts/serve.sh"], cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until(lambda: status(stack) == 200)
        yield stack, serve
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
        serve.wait()
        stack.cluster.destroy()


def test_a_dead_worker_or_web_server_is_started_again(served):
    stack, serve = served
    (worker,) = wait_until(lambda: pids(serve.pid, "run_worker"))
    os.kill(worker, signal.SIGKILL)
    wait_until(lambda: pids(serve.pid, "run_worker") - {worker})

    master = min(pids(serve.pid, "gunicorn"))  # the master starts before its workers
    os.kill(master, signal.SIGKILL)
    wait_until(lambda: master not in pids(serve.pid, "gunicorn") and status(stack) == 200)


def test_a_database_restart_is_a_few_seconds_of_the_503_page(served):
    stack, serve = served
    create_people(stack, ["dina"])
    cookies = log_in(stack, "dina", PASSWORD)
    worker = pids(serve.pid, "run_worker")
    answers = []
    stack.cluster.stop()
    try:
        for _n in range(10):
            answers.append(status(stack, "/", cookies))
            time.sleep(0.2)
    finally:
        stack.cluster.start()
    wait_until(lambda: status(stack, "/", cookies) == 200, seconds=30)
    assert set(answers) == {503}, answers  # the calm page; never refused, never a 500

    restart = threading.Thread(target=stack.cluster.restart, args=("immediate",))
    restart.start()
    while restart.is_alive():
        answers.append(status(stack, "/", cookies))
    restart.join()
    wait_until(lambda: status(stack, "/", cookies) == 200, seconds=30)
    assert set(answers) <= {200, 503}, answers
    assert pids(serve.pid, "run_worker") == worker  # the worker waited it out, not restarted


def test_sigterm_stops_everything_it_started(served):
    _stack, serve = served
    assert pids(serve.pid, "gunicorn")
    assert pids(serve.pid, "run_worker")
    os.kill(serve.pid, signal.SIGTERM)
    assert serve.wait(timeout=60) == 0
    wait_until(lambda: not processes_of(serve.pid), seconds=30)
