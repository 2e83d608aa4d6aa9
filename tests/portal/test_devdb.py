"""The private PostgreSQL cluster script: clear failure without PostgreSQL, root handled."""

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "devdb.py"


def run_devdb(*args, env):
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, env=env
    )


def test_without_postgresql_it_names_the_package_to_install(tmp_path):
    env = {"PATH": str(tmp_path), "PORTAL_PG_GLOB": str(tmp_path / "*" / "bin")}
    result = run_devdb("status", env=env)
    assert result.returncode == 1
    assert "PostgreSQL was not found" in result.stderr
    assert "apt-get install postgresql postgresql-contrib" in result.stderr
    assert "Traceback" not in result.stderr


def test_with_database_url_the_private_cluster_is_left_alone(tmp_path):
    env = {"PATH": str(tmp_path), "DATABASE_URL": "postgres://db.example/portal"}
    result = run_devdb("start", env=env)
    assert result.returncode == 0
    assert "not used" in result.stdout


def test_as_root_the_server_runs_as_the_postgres_user(monkeypatch):
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import devdb
    finally:
        sys.path.pop(0)
    monkeypatch.setattr(devdb.os, "geteuid", lambda: 0)
    assert devdb.as_server_user(["initdb", "-D", "x"]) == [
        "runuser",
        "-u",
        "postgres",
        "--",
        "initdb",
        "-D",
        "x",
    ]
    monkeypatch.setattr(devdb.os, "geteuid", lambda: 1000)
    assert devdb.as_server_user(["initdb"]) == ["initdb"]


@pytest.mark.django_db
def test_the_test_database_is_real_postgresql_on_the_private_socket():
    from django.conf import settings
    from django.db import connection

    assert connection.vendor == "postgresql"
    if settings.USING_PRIVATE_CLUSTER:
        assert connection.settings_dict["HOST"].endswith("/run")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('listen_addresses')")
            assert cursor.fetchone() == ("",)
