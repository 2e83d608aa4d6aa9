"""Headers, deploy checks and the offline rule."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def test_every_page_sends_a_csp_without_unsafe_inline(client, reporter):
    client.force_login(reporter)
    for path in ["/", reverse("login"), reverse("incidents:report")]:
        csp = client.get(path)["Content-Security-Policy"]
        assert "script-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp


@pytest.mark.django_db
def test_the_login_page_forbids_framing_and_sniffing(client):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_check_deploy_is_clean_with_production_settings():
    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "portal.example",
        "DATABASE_URL": "postgres://portal@db.example/portal",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {"PATH": os.environ["PATH"], "DATABASE_URL": "postgres://portal@db.example/portal"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_no_page_references_another_host(client, reporter):
    client.force_login(reporter)
    for path in ["/", reverse("login"), reverse("incidents:report"), reverse("incidents:mine")]:
        html = client.get(path).text
        external = re.findall(r'(?:src|href|action)="(?:https?:)?//[^"]*"', html)
        assert external == [], (path, external)


def test_no_template_has_inline_script_or_style():
    for template in (ROOT / "portal" / "templates").rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template
        assert "style=" not in text, template
