"""Login throttling around django-axes: whose address a failure counts against, and a limit per
address across usernames (password spraying).

settings.py points axes here (AXES_CLIENT_IP_CALLABLE, AXES_HANDLER); the limits themselves are
LOGIN_FAILURE_LIMIT (one username from one address) and LOGIN_ADDRESS_FAILURE_LIMIT (all usernames
from one address).
"""

from __future__ import annotations

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address a login attempt counts against.

    REMOTE_ADDR, unless TRUST_X_FORWARDED_FOR is on and the request came from one of
    TRUSTED_PROXIES: then the address that proxy appended to X-Forwarded-For, which is the
    right-most entry (the ones before it are whatever the client sent and prove nothing).
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if not settings.TRUST_X_FORWARDED_FOR or remote not in settings.TRUSTED_PROXIES:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    last = forwarded.rsplit(",", 1)[-1].strip()
    try:
        return str(ipaddress.ip_address(last))
    except ValueError:
        return remote


class PortalAxesHandler(AxesDatabaseHandler):
    """axes' database handler plus a limit on failed passwords from one address, any username.

    Only password attempts (credentials with a username) are held back by it: a colleague behind
    the same address can still log in with the organisation's account (OpenID Connect).
    """

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        if not (credentials or {}).get("username"):
            return False
        return address_failures(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


def address_failures(request) -> int:
    """Failed logins from the request's address within the cool-off period, any username."""
    recent = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
    )
    return recent.aggregate(total=Sum("failures_since_start"))["total"] or 0
