"""Lockouts behind the README's reverse proxy, and password spraying from one address.

The proxy is simulated the way gunicorn sees it: every request comes from 127.0.0.1 and carries
the X-Forwarded-For header the proxy appended the client's address to.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.throttling import client_ip
from tests.personas import PASSWORD, make_person

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"
ALICE_PC, MALLORY_PC = "10.20.0.11", "10.20.0.66"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUST_X_FORWARDED_FOR = True
    settings.TRUSTED_PROXIES = [PROXY]


def attempt(username: str, password: str, *, via: str = PROXY, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": via}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client().post(reverse("login"), {"username": username, "password": password}, **headers)


def test_failures_from_one_client_lock_only_that_client(behind_proxy, reporter):
    for _attempt in range(6):
        attempt("rikke", "forkert", forwarded=MALLORY_PC)
    assert attempt("rikke", PASSWORD, forwarded=MALLORY_PC).status_code == 429
    # The same person at her own PC, through the same proxy, is not locked out.
    assert attempt("rikke", PASSWORD, forwarded=ALICE_PC).status_code == 302


def test_a_client_cannot_dodge_its_lockout_by_sending_its_own_forwarded_header(
    behind_proxy, reporter
):
    # nginx's $proxy_add_x_forwarded_for keeps what the client sent and appends what it saw.
    for n in range(6):
        attempt("rikke", "forkert", forwarded=f"192.0.2.{n}, {MALLORY_PC}")
    response = attempt("rikke", PASSWORD, forwarded=f"198.51.100.7, {MALLORY_PC}")
    assert response.status_code == 429


def test_a_spoofed_forwarded_header_changes_nothing_without_trust(settings, reporter):
    settings.TRUST_X_FORWARDED_FOR = False
    for n in range(6):
        attempt("rikke", "forkert", via=MALLORY_PC, forwarded=f"10.20.0.{n}")
    # Locked on the address that really connected, whatever the header claimed.
    assert attempt("rikke", PASSWORD, via=MALLORY_PC, forwarded=ALICE_PC).status_code == 429
    assert attempt("rikke", PASSWORD, via=ALICE_PC).status_code == 302


def test_a_forwarded_header_from_an_untrusted_sender_is_ignored(behind_proxy, reporter):
    for _attempt in range(6):
        attempt("rikke", "forkert", via=MALLORY_PC, forwarded=ALICE_PC)
    assert attempt("rikke", PASSWORD, via=ALICE_PC).status_code == 302
    assert attempt("rikke", PASSWORD, via=MALLORY_PC, forwarded=ALICE_PC).status_code == 429


def test_the_client_address_is_the_one_the_proxy_appended(rf, behind_proxy):
    def ip(**meta):
        return client_ip(rf.get("/", **meta))

    assert ip(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {ALICE_PC}") == ALICE_PC
    assert ip(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="::1") == "::1"
    assert ip(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="not an address") == PROXY
    assert ip(REMOTE_ADDR=PROXY) == PROXY
    assert ip(REMOTE_ADDR=MALLORY_PC, HTTP_X_FORWARDED_FOR=ALICE_PC) == MALLORY_PC


def test_spraying_many_usernames_from_one_address_is_held_back(behind_proxy, settings):
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 30
    names = [f"ansat{n:02d}" for n in range(12)]
    for name in names:
        make_person(name, "Anne", "Ansat", "Borgerservice")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        statuses = []
        for round_ in range(5):  # 60 attempts: 5 per username, none locks a username by itself
            for name in names:
                statuses.append(attempt(name, f"Forkert{round_}", forwarded=MALLORY_PC).status_code)
        assert statuses[:30] == [200] * 30
        assert set(statuses[30:]) == {429}
        # Even a right password is held back from that address, but not from another one.
        assert attempt("ansat00", PASSWORD, forwarded=MALLORY_PC).status_code == 429
        assert attempt("ansat00", PASSWORD, forwarded=ALICE_PC).status_code == 302
        clock.shift(timedelta(minutes=16))
        assert attempt("ansat01", PASSWORD, forwarded=MALLORY_PC).status_code == 302


def test_the_address_limit_comes_from_the_environment():
    code = (
        "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'portal.settings');"
        "from django.conf import settings; print(settings.LOGIN_ADDRESS_FAILURE_LIMIT,"
        " settings.TRUST_X_FORWARDED_FOR, settings.TRUSTED_PROXIES)"
    )
    env = {
        "LOGIN_ADDRESS_FAILURE_LIMIT": "50",
        "TRUST_X_FORWARDED_FOR": "1",
        "TRUSTED_PROXIES": "10.0.0.5, 10.0.0.6",
        "HTTPS": "0",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "50 True ['10.0.0.5', '10.0.0.6']"
