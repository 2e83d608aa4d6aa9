#!/usr/bin/env python3
"""Create, start and stop the portal's private PostgreSQL cluster (development, demo, tests).

The cluster lives in var/postgres (ignored by git) and listens only on a Unix socket inside it, so
it never clashes with another server. PostgreSQL refuses to run as root, so when started as root
the server runs as the `postgres` system user. Standard library only: this runs before the venv.

Usage: scripts/devdb.py start|stop|status
"""

from __future__ import annotations

import glob
import hashlib
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLUSTER = ROOT / "var" / "postgres"
DB_NAME = "sikkerhedsportalen"
SERVER_USER = "postgres"
BIN_GLOB = os.environ.get("PORTAL_PG_GLOB", "/usr/lib/postgresql/*/bin")

INSTALL_HINT = (
    "PostgreSQL was not found (looked for pg_ctl on PATH and in {glob}).\n"
    "Install the server and its contrib modules, e.g. on Debian/Ubuntu:\n"
    "    apt-get install postgresql postgresql-contrib\n"
    "or set DATABASE_URL to use an existing PostgreSQL server."
)


class DevDbError(Exception):
    pass


def find_bin_dir() -> Path:
    on_path = shutil.which("pg_ctl")
    if on_path:
        # Debian links single tools into /usr/local/bin; the real folder holds them all.
        real = Path(on_path).resolve().parent
        if (real / "initdb").exists() and (real / "psql").exists():
            return real
    candidates = [Path(p) for p in glob.glob(BIN_GLOB) if (Path(p) / "pg_ctl").exists()]
    if not candidates:
        raise DevDbError(INSTALL_HINT.format(glob=BIN_GLOB))

    def version(path: Path) -> tuple[int, ...]:
        digits = path.parent.name
        return tuple(int(part) for part in digits.split(".") if part.isdigit())

    return max(candidates, key=version)


def running_as_root() -> bool:
    return os.geteuid() == 0


def as_server_user(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: hand root's commands to the postgres system user."""
    if running_as_root():
        return ["runuser", "-u", SERVER_USER, "--", *cmd]
    return cmd


def _server_user_can_enter(path: Path) -> bool:
    probe = ["runuser", "-u", SERVER_USER, "--", "test", "-w", str(path)]
    return subprocess.run(probe, check=False).returncode == 0


def cluster_dir() -> Path:
    """The folder the cluster lives in, preparing ownership when we run as root."""
    if not running_as_root():
        CLUSTER.mkdir(parents=True, exist_ok=True)
        return CLUSTER
    try:
        server = pwd.getpwnam(SERVER_USER)
    except KeyError:
        raise DevDbError(
            f"Running as root, but there is no '{SERVER_USER}' system user to run PostgreSQL as.\n"
            "Install the postgresql package (it creates the user) or run as an ordinary user."
        ) from None
    if CLUSTER.is_symlink():
        target = CLUSTER.resolve()
    else:
        CLUSTER.mkdir(parents=True, exist_ok=True)
        target = CLUSTER
    os.chown(target, server.pw_uid, server.pw_gid)
    if not _server_user_can_enter(target):
        # The checkout sits where the postgres user cannot reach (e.g. under /root): keep the
        # cluster in a private folder outside it and point var/postgres there.
        digest = hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
        target = Path("/var/tmp") / f"sikkerhedsportalen-{digest}"  # noqa: S108 - mode 0700
        target.mkdir(mode=0o700, exist_ok=True)
        os.chown(target, server.pw_uid, server.pw_gid)
        if not CLUSTER.is_symlink():
            CLUSTER.rmdir()
            CLUSTER.symlink_to(target)
    return target


def _run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(as_server_user(cmd), check=False, text=True, **kwargs)


def is_running(bin_dir: Path, base: Path) -> bool:
    result = _run(
        [str(bin_dir / "pg_ctl"), "status", "-D", str(base / "data")], capture_output=True
    )
    return result.returncode == 0


def start() -> None:
    bin_dir = find_bin_dir()
    base = cluster_dir()
    data, sockets = base / "data", base / "run"
    if not (data / "PG_VERSION").exists():
        print(f"Creating a private PostgreSQL cluster in {data} …")
        result = _run(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                # Only local socket connections exist, in a folder only the owner can enter.
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ],
            capture_output=True,
        )
        if result.returncode != 0:
            raise DevDbError(f"initdb failed:\n{result.stdout}{result.stderr}")
    _run(["mkdir", "-p", "-m", "700", str(sockets)])
    if not is_running(bin_dir, base):
        options = f"-k {sockets} -c listen_addresses='' -c max_connections=200"
        result = _run(
            [
                str(bin_dir / "pg_ctl"),
                "start",
                "-w",
                "-D",
                str(data),
                "-l",
                str(base / "server.log"),
                "-o",
                options,
            ],
            capture_output=True,
        )
        if result.returncode != 0:
            log = (base / "server.log").read_text(errors="replace")[-2000:]
            raise DevDbError(f"PostgreSQL did not start:\n{result.stdout}{result.stderr}\n{log}")
    psql = [str(bin_dir / "psql"), "-h", str(sockets), "-U", "postgres", "-d", "postgres", "-Atc"]
    exists = subprocess.run(
        [*psql, f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'"],  # noqa: S608
        check=True,
        capture_output=True,
        text=True,
    )
    if exists.stdout.strip() != "1":
        subprocess.run([*psql, f'CREATE DATABASE "{DB_NAME}"'], check=True, capture_output=True)
    print(f"PostgreSQL is running (socket in {sockets}).")


def stop() -> None:
    bin_dir = find_bin_dir()
    if not CLUSTER.exists():
        print("No private PostgreSQL cluster here.")
        return
    base = CLUSTER.resolve()
    if is_running(bin_dir, base):
        _run([str(bin_dir / "pg_ctl"), "stop", "-m", "fast", "-D", str(base / "data")])
        print("PostgreSQL stopped.")
    else:
        print("PostgreSQL was not running.")


def status() -> None:
    bin_dir = find_bin_dir()
    running = CLUSTER.exists() and is_running(bin_dir, CLUSTER.resolve())
    print("running" if running else "stopped")


def main(argv: list[str]) -> int:
    if os.environ.get("DATABASE_URL"):
        print("DATABASE_URL is set: the private PostgreSQL cluster is not used.")
        return 0
    commands = {"start": start, "stop": stop, "status": status}
    if len(argv) != 2 or argv[1] not in commands:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    try:
        commands[argv[1]]()
    except DevDbError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
