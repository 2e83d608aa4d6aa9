"""A real portal for fault and load tests: its own throwaway PostgreSQL cluster (so stopping it
never touches the cluster the test session uses), migrated, served by gunicorn on loopback.

The web processes run with tests.settings (MD5 hasher, static files from the apps), pointed at the
throwaway cluster through DATABASE_URL.
"""

from __future__ import annotations

import contextlib
import http.client
import importlib.util
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("devdb", ROOT / "scripts" / "devdb.py")
devdb = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(devdb)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A PostgreSQL cluster in a temporary folder, started and stopped by pg_ctl."""

    def __init__(self) -> None:
        self.bin = devdb.find_bin_dir()
        # /var/tmp, not pytest's tmp_path: the postgres user must be able to enter it.
        self.base = Path(tempfile.mkdtemp(prefix="portal-fault-", dir="/var/tmp"))
        if devdb.running_as_root():
            server = pwd.getpwnam(devdb.SERVER_USER)
            os.chown(self.base, server.pw_uid, server.pw_gid)
        self.data, self.sockets = self.base / "data", self.base / "run"
        self._pg(["initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--encoding=UTF8", "--locale=C.UTF-8"])  # fmt: skip
        self._pg(["mkdir", "-p", "-m", "700", str(self.sockets)], tool=False)

    def _pg(self, cmd: list[str], *, tool: bool = True) -> None:
        if tool:
            cmd = [str(self.bin / cmd[0]), *cmd[1:]]
        result = subprocess.run(
            devdb.as_server_user(cmd), capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"{cmd}: {result.stdout}{result.stderr}")

    def start(self) -> None:
        self._pg(["pg_ctl", "start", "-w", "-D", str(self.data),
                  "-l", str(self.base / "server.log"), "-o", self._options])  # fmt: skip

    def stop(self) -> None:
        self._pg(["pg_ctl", "stop", "-w", "-m", "fast", "-D", str(self.data)])

    def restart(self, mode: str) -> None:
        """`pg_ctl restart -m fast` (clients disconnected, a clean shutdown) or `-m immediate`
        (the server killed, crash recovery at start), as an operator or a crash would."""
        self._pg(["pg_ctl", "restart", "-w", "-m", mode, "-D", str(self.data),
                  "-l", str(self.base / "server.log"), "-o", self._options])  # fmt: skip

    @property
    def _options(self) -> str:
        return f"-k {self.sockets} -c listen_addresses='' -c max_connections=300"

    def psql(self, sql: str, db: str = "portal") -> str:
        result = subprocess.run(
            [str(self.bin / "psql"), "-h", str(self.sockets), "-U", "postgres", "-d", db,
             "-Atc", sql],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return result.stdout.strip()

    def destroy(self) -> None:
        with contextlib.suppress(RuntimeError):
            self.stop()
        shutil.rmtree(self.base, ignore_errors=True)


@dataclass
class Stack:
    cluster: Cluster
    env: dict
    port: int
    media: Path
    processes: list = field(default_factory=list)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT, env=self.env, capture_output=True, text=True, check=check,
        )  # fmt: skip

    def start_web(self, workers: int = 4, threads: int = 8) -> None:
        web = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "portal.wsgi",
             "--bind", self.host, "--workers", str(workers), "--threads", str(threads),
             "--worker-class", "gthread", "--timeout", "120", "--backlog", "512"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.processes.append(web)
        for _try in range(200):
            try:
                request(self, "GET", "/log-ind/")
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer")

    def stop_all(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()


def build_stack() -> Stack:
    cluster = Cluster()
    cluster.start()
    cluster.psql("CREATE DATABASE portal", db="postgres")
    media = cluster.base.parent / f"{cluster.base.name}-media"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": "postgres://postgres@/portal?host="
        + urllib.parse.quote(str(cluster.sockets), safe=""),
        "SECRET_KEY": "fault-tests-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "0",
        "DB_CONN_MAX_AGE": "0",
        "MEDIA_ROOT": str(media),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    stack = Stack(cluster=cluster, env=env, port=free_port(), media=media)
    stack.manage("migrate", "--no-input", "-v0")
    return stack


# --- A tiny HTTP client (stdlib: what a browser does, without one) -----------------------------


@dataclass
class Response:
    status: int
    headers: dict
    text: str
    content: bytes = b""


def multipart(form: dict, files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    """A multipart/form-data body, as a browser sends a form with files; and its content type."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in form.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())  # fmt: skip
    for name, (filename, content, content_type) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                     + content + b"\r\n")  # fmt: skip
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def request(stack: Stack, method: str, path: str, *, cookies: dict | None = None,
            form: dict | None = None, files: dict | None = None,
            timeout: float = 120) -> Response:  # fmt: skip
    connection = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=timeout)
    headers = {"Host": stack.host}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    body = None
    if files is not None:
        body, headers["Content-Type"] = multipart(form or {}, files)
        headers["Referer"] = f"http://{stack.host}/"
    elif form is not None:
        body = urllib.parse.urlencode(form, doseq=True)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://{stack.host}/"
    try:
        connection.request(method, path, body=body, headers=headers)
        raw = connection.getresponse()
        content = raw.read()
        text = content.decode(errors="replace")
        result = Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, text, content)
        for value in raw.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            if cookies is not None:
                cookies[name] = rest.split(";", 1)[0]
        return result
    finally:
        connection.close()


def csrf_from(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def log_in(stack: Stack, username: str, password: str) -> dict:
    cookies: dict = {}
    page = request(stack, "GET", "/log-ind/", cookies=cookies)
    form = {"username": username, "password": password, "csrfmiddlewaretoken": csrf_from(page.text)}
    response = request(stack, "POST", "/log-ind/", cookies=cookies, form=form)
    assert response.status == 302, response.text[:500]
    return cookies


def create_people(stack: Stack, usernames: list[str]) -> None:
    code = (
        "from tests.personas import make_person\n"
        f"for name in {usernames!r}:\n"
        "    make_person(name, name.title(), 'Test', 'Borgerservice')\n"
    )
    stack.manage("shell", "-c", code)


def report_form(csrf: str, token: str, description: str = "Mobil glemt i bussen.") -> dict:
    from django.utils import timezone

    return {
        "csrfmiddlewaretoken": csrf,
        "category": "lost_device",
        "discovered_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "description": description,
        "personal_data": "no",
        "stopped": "yes",
        "submission_token": token,
    }
