"""Logging in with the organisation's account in a real Chromium, against a real OpenID Connect
provider on loopback (tests/oidc_provider.py): the journey, a role that changes at the provider,
logging out there too, and forged answers refused with a Danish page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from portal import roles
from portal.models import RoleMapping
from portal.oidc import forget_provider
from tests.oidc_provider import MetadataServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GDPR_GROUP = "5f0c2a47-gdpr"
MANAGER_GROUP = "1a2b3c4d-ledere"


@pytest.fixture
def mapping(db):
    RoleMapping.objects.create(group_id=GDPR_GROUP, role=roles.GDPR_UNIT)
    RoleMapping.objects.create(group_id=MANAGER_GROUP, role=roles.MANAGERS)


@pytest.fixture
def loopback_only(page):
    """The provider's pages link a stylesheet on the internet; the test machine has none."""

    def route(request_route):
        host = urlsplit(request_route.request.url).hostname
        if host in ("localhost", "127.0.0.1", "::1"):
            request_route.continue_()
        else:
            request_route.abort()

    page.context.route("**/*", route)
    return page


@pytest.fixture
def metadata():
    server = MetadataServer()
    yield server
    server.close()


def gry(oidc, groups: list[str]) -> None:
    oidc.set_user(
        "sub-gry",
        preferred_username="gry.g@herlev.dk",
        email="gry.g@herlev.dk",
        given_name="Gry",
        family_name="Gregersen",
        department="GDPR-enheden",
        groups=groups,
    )


def at_provider(page, sub: str) -> None:
    page.locator("input[name=sub]").fill(sub)
    with page.expect_navigation():
        page.get_by_role("button", name="Authorize").click()


def with_query(url: str, **replace: str) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()} | replace
    return urlunsplit(parts._replace(query=urlencode(query)))


def test_an_employee_logs_in_with_her_account_and_gets_the_role_the_provider_says(
    page, live_server, oidc, mapping, loopback_only
):
    gry(oidc, groups=[GDPR_GROUP])
    page.goto(f"{live_server.url}/sikkerhedsbrud/frister/")
    assert "/log-ind/" in page.url
    page.get_by_role("link", name="Log ind med din Herlev-konto").click()
    page.wait_for_url(f"{oidc.url}/oauth2/authorize?*")
    at_provider(page, "sub-gry")

    assert page.url == f"{live_server.url}/sikkerhedsbrud/frister/"
    nav = page.get_by_role("navigation", name="Hovedmenu")
    assert nav.get_by_text("Gry Gregersen").is_visible()
    assert nav.get_by_role("link", name="Frister").is_visible()
    assert page.get_by_role("link", name="Skift adgangskode").count() == 0  # no local password

    # Logging out ends the session at the provider too, and comes back to the login page.
    nav.get_by_role("button", name="Log ud").click()
    page.wait_for_url(f"{oidc.url}/oauth2/end_session?*")
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{live_server.url}/log-ind/")

    # At the provider she has moved from the GDPR unit's group to the managers'.
    gry(oidc, groups=[MANAGER_GROUP])
    page.get_by_role("link", name="Log ind med din Herlev-konto").click()
    page.wait_for_url(f"{oidc.url}/oauth2/authorize?*")
    at_provider(page, "sub-gry")
    assert page.url == f"{live_server.url}/"
    nav = page.get_by_role("navigation", name="Hovedmenu")
    assert nav.get_by_role("link", name="Sager").is_visible()
    assert nav.get_by_role("link", name="Frister").count() == 0
    response = page.goto(f"{live_server.url}/sikkerhedsbrud/frister/")
    assert response.status == 403


EXPIRED = "Log ind blev ikke gennemført, fordi svaret fra log ind-tjenesten ikke passede"
INVALID = "Svaret fra log ind-tjenesten kunne ikke godkendes, så du er ikke logget ind."
# What is forged, and what the person is told.
FORGERIES = {
    "state": EXPIRED,  # an answer to a login this browser did not start
    "nonce": INVALID,  # a code issued for another login request
    "issuer": INVALID,  # tokens from another issuer than the one configured
    "signature": INVALID,  # the provider's key id, another key
}


def _set_up_metadata(kind: str, oidc, metadata, settings) -> None:
    """For "issuer" and "signature": a provider description that names another issuer than the
    one that signs the tokens, or that publishes the provider's key id with another key."""
    document = oidc.discovery()
    if kind == "issuer":
        document["issuer"] = metadata.url
        settings.OIDC_ISSUER = metadata.url
    elif kind == "signature":
        document["jwks_uri"] = f"{metadata.url}/jwks"
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
        keys = []
        for real in oidc.jwks()["keys"]:
            fake = jwt.algorithms.RSAAlgorithm.to_jwk(other, as_dict=True)
            keys.append({**real, "n": fake["n"], "e": fake["e"]})
        metadata.documents["/jwks"] = {"keys": keys}
    else:
        return
    metadata.documents["/.well-known/openid-configuration"] = document
    settings.OIDC_DISCOVERY_URL = f"{metadata.url}/.well-known/openid-configuration"
    forget_provider()


@pytest.mark.parametrize("kind", list(FORGERIES))
def test_a_forged_answer_is_refused_with_a_danish_page(
    page, live_server, oidc, mapping, loopback_only, metadata, settings, kind
):
    gry(oidc, groups=[GDPR_GROUP])
    _set_up_metadata(kind, oidc, metadata, settings)
    page.goto(f"{live_server.url}/log-ind/")
    page.get_by_role("link", name="Log ind med din Herlev-konto").click()
    page.wait_for_url(f"{oidc.url}/oauth2/authorize?*")
    if kind in ("state", "nonce"):
        page.goto(with_query(page.url, **{kind: f"forged-{kind}"}))
    with page.expect_response(lambda r: "/log-ind/konto/retur/" in r.url) as answer:
        at_provider(page, "sub-gry")

    assert answer.value.status == 400
    assert page.locator("h1").inner_text() == "Log ind mislykkedes"
    assert page.get_by_role("alert").inner_text().startswith(FORGERIES[kind])
    assert page.get_by_role("link", name="Prøv at logge ind igen").is_visible()
    page.goto(f"{live_server.url}/")
    assert "/log-ind/" in page.url  # not logged in
