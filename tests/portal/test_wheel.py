"""The wheel is the product: built from the checkout and installed into a fresh virtualenv
outside it, it migrates an empty database (the folder's content included), passes the deploy
checks and serves the Danish login page and its static files with its own gunicorn."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, capture_output=True, text=True, check=False, **kwargs)
    assert result.returncode == 0, f"{args}: {result.stdout[-2000:]}{result.stderr[-3000:]}"
    return result


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def empty_database() -> Iterator[str]:
    """A new database on the test session's PostgreSQL; its URL."""
    db = settings.DATABASES["default"]
    name = f"wheel_{secrets.token_hex(4)}"
    params = {"host": db["HOST"], "user": db["USER"], "dbname": "postgres"}
    if db.get("PORT"):
        params["port"] = db["PORT"]
    admin = psycopg2.connect(**params)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    host = quote(db["HOST"], safe="")
    yield f"postgres://{db['USER']}@{host}{':' + str(db['PORT']) if db.get('PORT') else ''}/{name}"
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE {name} WITH (FORCE)")
    admin.close()


def test_the_wheel_installs_migrates_and_serves_outside_the_checkout(tmp_path, empty_database):
    # Build from the files git knows (tracked or new, not ignored), as a release would.
    source = tmp_path / "source"
    files = run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=ROOT)
    for name in filter(None, files.stdout.split("\0")):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
        "--quiet", "-w", str(tmp_path / "dist"), str(source))  # fmt: skip
    (wheel,) = (tmp_path / "dist").glob("sikkerhedsportalen-*.whl")

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", str(venv))
    run(str(venv / "bin" / "pip"), "install", "--quiet", str(wheel))
    site = tmp_path / "site"
    site.mkdir()
    env = {
        "PATH": f"{venv / 'bin'}:{os.environ['PATH']}",
        "LANG": "C.UTF-8",
        "DATABASE_URL": empty_database,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(site / "static"),
        "MEDIA_ROOT": str(site / "media"),
        "EMAIL_HOST": "127.0.0.1",
    }
    portal = str(venv / "bin" / "sikkerhedsportalen")

    where = run(str(venv / "bin" / "python"), "-c", "import portal; print(portal.__file__)",
                cwd=site, env=env)  # fmt: skip
    assert where.stdout.startswith(str(venv)), where.stdout
    # An installed portal has no var/ folder: where files go must be said.
    missing = subprocess.run([portal, "check"], cwd=site, capture_output=True, text=True,
                             env={k: v for k, v in env.items() if k != "STATIC_ROOT"})  # fmt: skip
    assert "STATIC_ROOT must be set" in missing.stderr

    run(portal, "check", "--deploy", "--fail-level", "WARNING", cwd=site, env=env)
    run(portal, "migrate", "--no-input", cwd=site, env=env)
    run(portal, "collectstatic", "--no-input", cwd=site, env=env)
    run(portal, "run_worker", "--once", cwd=site, env=env)
    with psycopg2.connect(empty_database) as db, db.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM guidance_section")
        assert cursor.fetchone()[0] == 11  # the folder's content came with the package

    port = free_port()
    web = subprocess.Popen(
        [str(venv / "bin" / "gunicorn"), "portal.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "1"],
        cwd=site, env={**env, "HTTPS": "0"},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        for _try in range(150):
            try:
                status, page = get(f"http://127.0.0.1:{port}/log-ind/")
                break
            except OSError:
                time.sleep(0.2)
        assert status == 200, page[:500]
        assert '<html lang="da">' in page
        assert "Log ind på Sikkerhedsportalen" in page
        stylesheets = re.findall(r'href="(/static/[^"]+\.css)"', page)
        assert "/static/css/portal." in " ".join(stylesheets)  # hashed by the manifest
        for path in stylesheets:
            status, css = get(f"http://127.0.0.1:{port}{path}")
            assert status == 200, path
            assert "{" in css
    finally:
        web.terminate()
        web.communicate(timeout=30)
