"""Logging in with the organisation's account (Entra ID, AD FS) over OpenID Connect.

mozilla-django-oidc runs the code flow (PKCE, state, nonce); this module adds what it leaves out:
the provider's endpoints from its discovery document, a full check of the ID token (signature,
issuer, audience, expiry, nonce), and the person's name, department and roles taken from the
token's claims at every login. The views are in portal/views.py.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from portal import roles
from portal.models import Department, Profile

logger = logging.getLogger(__name__)

# How long the discovery document is trusted before it is fetched again.
DISCOVERY_SECONDS = 3600
# Clock difference allowed between the provider and us when checking exp/iat.
LEEWAY_SECONDS = 60


class LoginRefused(Exception):
    """A login with the provider that must not go through.

    `reason` picks the Danish explanation on the error page (portal.views.LOGIN_REFUSED);
    `detail` goes to the log and must never hold personal data (no claims, no tokens).
    """

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


# --- The provider's discovery document ---------------------------------------------------------

_discovered: dict[str, tuple[float, dict]] = {}


def provider() -> dict:
    """The provider's metadata (endpoints, keys' address), fetched and checked, kept an hour."""
    url = settings.OIDC_DISCOVERY_URL
    cached = _discovered.get(url)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise LoginRefused(
            "unavailable", f"discovery document not available ({type(error).__name__})"
        ) from error
    # OpenID Connect Discovery 1.0, section 4.3: the issuer must be exactly the one configured.
    if not isinstance(document, dict) or document.get("issuer") != settings.OIDC_ISSUER:
        raise LoginRefused("invalid", "the discovery document names another issuer")
    missing = [
        key
        for key in ("authorization_endpoint", "token_endpoint", "jwks_uri")
        if key not in document
    ]
    if missing:
        raise LoginRefused("invalid", f"the discovery document lacks {', '.join(missing)}")
    _discovered[url] = (time.monotonic() + DISCOVERY_SECONDS, document)
    return document


def forget_provider() -> None:
    """Fetch the discovery document again at the next login (tests, a changed provider)."""
    _discovered.clear()


# --- Authentication backends ----------------------------------------------------------------


class ProviderBackend(OIDCAuthenticationBackend):
    """Turns the provider's answer into a portal user; every failure raises LoginRefused."""

    OIDC_RP_IDP_SIGN_KEY = None

    def __init__(self, *args, **kwargs) -> None:
        # No network and no settings checks here: Django builds a backend for every request of
        # a signed-in user. The endpoints are read when a login needs them.
        self.UserModel = get_user_model()

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:
        return provider()["token_endpoint"]

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:
        return provider()["jwks_uri"]

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:
        return settings.OIDC_RP_CLIENT_ID

    @property
    def OIDC_RP_CLIENT_SECRET(self) -> str:
        return settings.OIDC_RP_CLIENT_SECRET

    @property
    def OIDC_RP_SIGN_ALGO(self) -> str:
        return settings.OIDC_RP_SIGN_ALGO

    def authenticate(self, request, **kwargs):
        # Only the callback view passes a nonce; a password login must never reach the provider.
        if not settings.OIDC_ENABLED or request is None or not kwargs.get("nonce"):
            return None
        try:
            return super().authenticate(request, **kwargs)
        except requests.HTTPError as error:
            status = error.response.status_code if error.response is not None else "?"
            raise LoginRefused("invalid", f"the token endpoint answered {status}") from error
        except requests.RequestException as error:
            raise LoginRefused(
                "unavailable", f"the provider did not answer ({type(error).__name__})"
            ) from error

    def verify_token(self, token, **kwargs) -> dict:
        """The ID token's claims, after checking signature, issuer, audience, times and nonce.

        mozilla-django-oidc checks the signature and nonce only.
        """
        if not token:
            raise LoginRefused("invalid", "the token response has no ID token")
        try:
            key = self._signing_key(token)
            claims = jwt.decode(
                token,
                key,
                algorithms=[settings.OIDC_RP_SIGN_ALGO],
                audience=settings.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_ISSUER,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except (jwt.PyJWTError, SuspiciousOperation, KeyError, ValueError) as error:
            raise LoginRefused("invalid", f"ID token refused: {error}") from error
        except requests.RequestException as error:
            raise LoginRefused(
                "unavailable", f"the provider's keys are not available ({type(error).__name__})"
            ) from error
        nonce = kwargs.get("nonce")
        if not nonce or claims.get("nonce") != nonce:
            raise LoginRefused("invalid", "ID token refused: the nonce does not match")
        return claims

    def _signing_key(self, token: str) -> jwt.PyJWK:
        """The provider's published key that signed `token`: the one with the token's key id,
        or the only signing key when the provider names none (as a single-key provider may)."""
        header = jwt.get_unverified_header(token)
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        keys = [key for key in response.json().get("keys", []) if key.get("use", "sig") == "sig"]
        if "kid" in header:
            keys = [key for key in keys if key.get("kid") == header["kid"]]
        if len(keys) != 1:
            raise LoginRefused("invalid", "no single published key matches the ID token")
        return jwt.PyJWK(keys[0])

    def get_or_create_user(self, access_token, id_token, payload) -> User:
        # The ID token's claims are the whole truth: AD FS' userinfo endpoint returns only `sub`,
        # and Entra's carries no groups.
        return sync_user(payload)


class LocalPasswordBackend(ModelBackend):
    """Username and password, only while LOCAL_LOGIN is on (break-glass administrators)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not settings.LOCAL_LOGIN:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


# --- From claims to a portal user -------------------------------------------------------------


def sync_user(claims: dict) -> User:
    """The portal user for these (verified) ID token claims, created at the first login and
    brought in step at every later one: names, e-mail, department and roles.
    """
    names = settings.OIDC_CLAIMS
    subject = _text(claims.get("sub"))
    username = _text(claims.get(names["username"]))[:150]
    if not subject or not username:
        raise LoginRefused("account", f"the ID token lacks sub or {names['username']}")
    group_ids = _group_ids(claims, names["groups"])
    with transaction.atomic():
        user = _user_for(subject, username)
        first, last = _names(claims, names)
        user.first_name, user.last_name = first[:150], last[:150]
        user.email = _text(claims.get(names["email"]))[:254]
        if user.username != username and not (
            User.objects.filter(username__iexact=username).exclude(pk=user.pk).exists()
        ):
            user.username = username  # renamed at the provider (a new name, a new UPN)
        user.save()
        department = _text(claims.get(names["department"])) if names["department"] else ""
        if department:
            Profile.objects.filter(user=user).update(
                department=Department.objects.get_or_create(name=department[:200])[0]
            )
        roles.set_roles(user, roles.roles_for_provider_groups(group_ids))
    return user


def _user_for(subject: str, username: str) -> User:
    """The user linked to this person at the provider; else the local user of the same name,
    now linked; else a new user without a password."""
    issuer = settings.OIDC_ISSUER
    profile = (
        Profile.objects.select_for_update()
        .select_related("user")
        .filter(oidc_issuer=issuer, oidc_subject=subject)
        .first()
    )
    if profile is not None:
        return profile.user
    user = User.objects.select_for_update().filter(username__iexact=username).first()
    if user is None:
        user = User(username=username)
        user.set_unusable_password()
        user.save()
    elif user.is_superuser:
        # A break-glass administrator's account is never taken over by a provider login.
        raise LoginRefused("account", "the username belongs to a superuser; not linked")
    profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
    if profile.oidc_subject:
        raise LoginRefused("account", "the username is linked to another person at the provider")
    profile.oidc_issuer, profile.oidc_subject = issuer, subject
    profile.save(update_fields=["oidc_issuer", "oidc_subject"])
    return user


def _group_ids(claims: dict, claim: str) -> list[str]:
    value = claims.get(claim)
    if value is None and claim in (claims.get("_claim_names") or {}):
        # Entra ID's "groups overage": too many groups to list in the token. Without them the
        # roles cannot be known, and guessing would give or take rights at random.
        raise LoginRefused(
            "account",
            "the provider sent a groups overage instead of groups; assign only the groups "
            "that matter to the application",
        )
    if value is None:
        return []
    if isinstance(value, str):  # AD FS sends a single group as a string
        return [value]
    if isinstance(value, Iterable):
        return [_text(item) for item in value if _text(item)]
    return []


def _names(claims: dict, names: dict[str, str]) -> tuple[str, str]:
    first = _text(claims.get(names["first_name"]))
    last = _text(claims.get(names["last_name"]))
    if not first and not last:
        # Entra ID sends only "name" unless given_name/family_name are added as optional claims.
        full = _text(claims.get(names["name"]))
        first, _space, last = full.rpartition(" ") if " " in full else (full, "", "")
    return first, last


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""
