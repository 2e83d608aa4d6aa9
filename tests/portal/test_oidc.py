"""Logging in with the organisation's account (OpenID Connect) against a real provider on
loopback: who gets in, as whom, with which roles, and what is refused."""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, User
from django.urls import reverse

from incidents.models import Incident
from portal import roles
from portal.models import RoleMapping
from tests.oidc_provider import CLIENT_ID
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

GDPR_GROUP = "5f0c2a47-gdpr"
IT_GROUP = "8d1e0b33-it"


@pytest.fixture
def mapping(db):
    RoleMapping.objects.create(group_id=GDPR_GROUP, role=roles.GDPR_UNIT, note="SG-GDPR")
    RoleMapping.objects.create(group_id=IT_GROUP, role=roles.IT, note="SG-IT")


def employee(oidc, sub: str = "sub-rikke", **claims) -> None:
    oidc.set_user(
        sub,
        **{
            "preferred_username": "rikke.r@herlev.dk",
            "email": "rikke.r@herlev.dk",
            "given_name": "Rikke",
            "family_name": "Rasmussen",
            "department": "Borgerservice",
            "groups": [],
            **claims,
        },
    )


def start(client, next_path: str | None = None):
    url = reverse("oidc_start") + (f"?next={next_path}" if next_path else "")
    response = client.get(url)
    assert response.status_code == 302
    return response["Location"]


def back(client, location: str):
    """Follow the provider's redirect back to the portal's callback."""
    parts = urlsplit(location)
    return client.get(f"{parts.path}?{parts.query}")


def log_in(client, oidc, sub: str = "sub-rikke", next_path: str | None = None, **replace):
    return back(client, oidc.authorize(start(client, next_path), sub, **replace))


# --- The login page ------------------------------------------------------------------------------


def test_the_login_page_leads_with_the_organisations_account(client, oidc):
    html = client.get(reverse("login")).text
    assert "Log ind med din Herlev-konto" in html
    assert 'href="/log-ind/konto/"' in html
    assert 'name="password"' not in html  # local login is off once a provider is configured


def test_the_account_name_follows_the_organisation(client, oidc, settings):
    settings.PORTAL_ACCOUNT_NAME = "Gladsaxe"
    assert "Log ind med din Gladsaxe-konto" in client.get(reverse("login")).text


def test_a_password_login_is_refused_while_local_login_is_off(client, rf, oidc, reporter):
    response = client.post(reverse("login"), {"username": "rikke", "password": PASSWORD})
    assert response.status_code == 405
    request = rf.post(reverse("login"))
    assert authenticate(request, username="rikke", password=PASSWORD) is None
    assert client.get("/").status_code == 302


def test_break_glass_administrators_keep_a_local_login_when_it_is_turned_on(
    client, oidc, settings, superuser
):
    settings.LOCAL_LOGIN = True
    html = client.get(reverse("login")).text
    assert html.index("Log ind med din Herlev-konto") < html.index("Nødadgang med lokal konto")
    response = client.post(reverse("login"), {"username": "sune", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_next_is_kept_through_the_provider(client, oidc, mapping):
    employee(oidc)
    response = log_in(client, oidc, next_path="/sikkerhedsbrud/mine/")
    assert response["Location"] == "/sikkerhedsbrud/mine/"


# --- The flow ----------------------------------------------------------------------------------


def test_the_authorisation_request_carries_state_nonce_and_a_pkce_challenge(client, oidc):
    employee(oidc)
    authorize_url = start(client)
    query = {key: values[0] for key, values in parse_qs(urlsplit(authorize_url).query).items()}
    assert authorize_url.startswith(f"{oidc.url}/oauth2/authorize?")
    assert query["response_type"] == "code"
    assert query["client_id"] == CLIENT_ID
    assert query["scope"] == "openid profile email"
    assert query["redirect_uri"] == "http://testserver/log-ind/konto/retur/"
    assert query["code_challenge_method"] == "S256"
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    back(client, oidc.authorize(authorize_url, "sub-rikke"))
    verifier = oidc.token_requests[-1]["code_verifier"]
    digest = hashlib.sha256(verifier.encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == query["code_challenge"]


def test_the_first_login_creates_the_user_from_the_claims(client, oidc, mapping):
    employee(oidc, groups=[GDPR_GROUP, "some-other-group"])
    response = log_in(client, oidc)
    assert response.status_code == 302
    # The role came with the claims, so the first login already lands on the GDPR unit's page.
    assert response["Location"] == reverse("incidents:dashboard")
    user = User.objects.get(username="rikke.r@herlev.dk")
    assert (user.first_name, user.last_name, user.email) == (
        "Rikke",
        "Rasmussen",
        "rikke.r@herlev.dk",
    )
    assert not user.has_usable_password()
    assert user.profile.department.name == "Borgerservice"
    assert (user.profile.oidc_issuer, user.profile.oidc_subject) == (oidc.url, "sub-rikke")
    assert roles.role_names(user) == ["Medarbejder", roles.GDPR_UNIT]
    home = client.get("/")
    assert home.status_code == 200
    assert "Rikke Rasmussen" in home.text
    assert "Frister" in home.text  # the GDPR unit's deadline link


def test_a_changed_group_claim_changes_the_role_at_the_next_login(client, oidc, mapping):
    employee(oidc, groups=[GDPR_GROUP])
    log_in(client, oidc)
    user = User.objects.get(username="rikke.r@herlev.dk")
    # Given by hand in the admin, but not by the provider: taken away at the next login too.
    user.groups.add(Group.objects.get(name=roles.MANAGERS))
    client.post(reverse("logout"))
    employee(oidc, groups=[IT_GROUP], department="IT")
    log_in(client, oidc)
    user = User.objects.get(pk=user.pk)
    assert roles.role_names(user) == ["Medarbejder", roles.IT]
    assert user.profile.department.name == "IT"
    client.post(reverse("logout"))
    employee(oidc, groups=[])
    log_in(client, oidc)
    assert roles.role_names(User.objects.get(pk=user.pk)) == ["Medarbejder"]
    assert User.objects.filter(username="rikke.r@herlev.dk").count() == 1


def test_a_group_the_administrator_maps_later_gives_its_role_at_the_next_login(client, oidc):
    employee(oidc, groups=["ledere-borgerservice"])
    log_in(client, oidc)
    user = User.objects.get(username="rikke.r@herlev.dk")
    assert not roles.is_manager(user)
    RoleMapping.objects.create(group_id="ledere-borgerservice", role=roles.MANAGERS)
    client.post(reverse("logout"))
    log_in(client, oidc)
    assert roles.is_manager(User.objects.get(pk=user.pk))


def test_a_single_group_sent_as_a_string_counts(client, oidc, mapping, settings):
    settings.OIDC_CLAIMS = {**settings.OIDC_CLAIMS, "groups": "group"}  # AD FS' claim name
    employee(oidc, group=IT_GROUP)
    log_in(client, oidc)
    assert roles.is_it(User.objects.get(username="rikke.r@herlev.dk"))


def test_a_renamed_person_keeps_their_account(client, oidc):
    employee(oidc)
    log_in(client, oidc)
    user = User.objects.get(username="rikke.r@herlev.dk")
    client.post(reverse("logout"))
    employee(oidc, preferred_username="rikke.h@herlev.dk", family_name="Holm")
    log_in(client, oidc)
    user.refresh_from_db()
    assert (user.username, user.last_name) == ("rikke.h@herlev.dk", "Holm")


def test_an_existing_local_account_is_taken_over_with_its_reports(client, oidc, reporter):
    incident = Incident.objects.create(
        reference="SB-2026-0001",
        reporter=reporter,
        category="other",
        description="Test",
        discovered_at="2026-01-05T10:00+01:00",
        reported_at="2026-01-05T10:00+01:00",
        aware_at="2026-01-05T10:00+01:00",
        notification_deadline="2026-01-08T10:00+01:00",
        personal_data="no",
        stopped="yes",
    )
    employee(oidc, preferred_username="rikke")
    log_in(client, oidc)
    reporter.refresh_from_db()
    assert reporter.profile.oidc_subject == "sub-rikke"
    assert client.get(reverse("incidents:detail", args=[incident.reference])).status_code == 200


def test_name_alone_is_split_into_first_and_last_name(client, oidc):
    employee(oidc, given_name=None, family_name=None, name="Rikke Marie Rasmussen")
    log_in(client, oidc)
    user = User.objects.get(username="rikke.r@herlev.dk")
    assert (user.first_name, user.last_name) == ("Rikke Marie", "Rasmussen")


# --- Refused ------------------------------------------------------------------------------------


def test_someone_the_provider_turns_away_is_not_logged_in(client, oidc):
    response = back(client, oidc.deny(start(client)))
    assert response.status_code == 403
    assert "Din konto har ikke adgang til Sikkerhedsportalen" in response.text
    assert client.get("/").status_code == 302


def test_a_deactivated_portal_account_cannot_log_in(client, oidc):
    employee(oidc)
    log_in(client, oidc)
    client.post(reverse("logout"))
    User.objects.filter(username="rikke.r@herlev.dk").update(is_active=False)
    response = log_in(client, oidc)
    assert response.status_code == 403
    assert "Din konto har ikke adgang" in response.text
    assert client.get("/").status_code == 302


def test_a_superusers_account_is_never_taken_over_by_a_provider_login(client, oidc, superuser):
    employee(oidc, preferred_username="sune")
    response = log_in(client, oidc)
    assert response.status_code == 403
    assert "Din konto kunne ikke kobles til Sikkerhedsportalen" in response.text
    superuser.refresh_from_db()
    assert superuser.profile.oidc_subject == ""


def test_a_groups_overage_is_refused_rather_than_guessed(client, oidc, mapping):
    employee(oidc, groups=None, _claim_names={"groups": "src1"})
    response = log_in(client, oidc)
    assert response.status_code == 403
    assert not User.objects.filter(username="rikke.r@herlev.dk").exists()


def test_a_callback_without_a_login_in_progress_gets_a_danish_page(client, oidc):
    response = client.get(reverse("oidc_callback"), {"code": "abc", "state": "xyz"})
    assert response.status_code == 400
    assert "Log ind mislykkedes" in response.text
    assert "Prøv igen" in response.text


def test_an_unreachable_provider_gets_a_danish_page_not_a_500(client, oidc, settings):
    from portal.oidc import forget_provider

    settings.OIDC_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    forget_provider()
    response = client.get(reverse("oidc_start"))
    assert response.status_code == 502
    assert "Log ind-tjenesten svarer ikke lige nu" in response.text


def test_a_refusal_is_one_log_line_without_claims_or_tokens(client, oidc, caplog):
    employee(oidc)
    caplog.set_level(logging.DEBUG)
    response = log_in(client, oidc, state="forged-state")
    assert response.status_code == 400
    refusals = [r for r in caplog.records if "login refused" in r.getMessage()]
    assert len(refusals) == 1
    assert refusals[0].exc_info is None
    # The provider's own log, and the HTTP client the test drives it with, are not the portal's.
    provider_side = ("werkzeug", "oidc_provider_mock", "authlib", "urllib3")
    text = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith(provider_side))
    assert "rikke" not in text.lower()
    assert "eyJ" not in text  # no JWT


# --- Logging out -------------------------------------------------------------------------------


def test_logging_out_ends_the_session_at_the_provider_too(client, oidc):
    employee(oidc)
    log_in(client, oidc)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    parts = urlsplit(response["Location"])
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert (
        f"{parts.scheme}://{parts.netloc}{parts.path}" == oidc.discovery()["end_session_endpoint"]
    )
    assert query["post_logout_redirect_uri"] == "http://testserver/log-ind/"
    assert query["client_id"] == CLIENT_ID
    assert query["id_token_hint"].startswith("eyJ")
    assert client.get("/").status_code == 302


def test_a_local_login_logs_out_locally_only(client, oidc, settings, superuser):
    settings.LOCAL_LOGIN = True
    client.post(reverse("login"), {"username": "sune", "password": PASSWORD})
    response = client.post(reverse("logout"))
    assert response["Location"] == "/log-ind/"


# --- Configuration ------------------------------------------------------------------------------


def _settings_in_subprocess(env: dict, expression: str) -> subprocess.CompletedProcess:
    code = (
        "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'portal.settings');"
        f"from django.conf import settings; print({expression})"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OIDC_", "LOCAL_LOGIN"))}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "HTTPS": "0", **env},
        capture_output=True,
        text=True,
    )


def test_the_provider_is_configured_by_the_environment():
    result = _settings_in_subprocess(
        {
            "OIDC_ISSUER": "https://login.microsoftonline.com/tenant-id/v2.0/",
            "OIDC_CLIENT_ID": "app-id",
            "OIDC_CLIENT_SECRET": "secret",
            "OIDC_GROUPS_CLAIM": "roles",
            "OIDC_DEPARTMENT_CLAIM": "",
        },
        "settings.OIDC_ENABLED, settings.LOCAL_LOGIN, settings.OIDC_DISCOVERY_URL,"
        " settings.OIDC_CLAIMS['groups'], repr(settings.OIDC_CLAIMS['department'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "False",
        "https://login.microsoftonline.com/tenant-id/v2.0/.well-known/openid-configuration",
        "roles",
        "''",
    ]


def test_without_a_provider_local_login_is_on():
    result = _settings_in_subprocess({}, "settings.OIDC_ENABLED, settings.LOCAL_LOGIN")
    assert result.stdout.split() == ["False", "True"]


def test_a_provider_without_client_credentials_stops_the_portal():
    result = _settings_in_subprocess({"OIDC_ISSUER": "https://adfs.example/adfs"}, "settings.DEBUG")
    assert result.returncode != 0
    assert "OIDC_ISSUER needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET" in result.stderr


def test_set_roles_leaves_groups_that_are_not_roles_alone(reporter):
    other = Group.objects.create(name="Nyhedsbrev")
    reporter.groups.add(other, Group.objects.get(name=roles.IT))
    roles.set_roles(reporter, {roles.GDPR_UNIT})
    assert set(reporter.groups.values_list("name", flat=True)) == {"Nyhedsbrev", roles.GDPR_UNIT}
