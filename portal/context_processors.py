"""Values every page needs: the organisation, its contacts and the user's navigation."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from portal import roles


def portal(request: HttpRequest) -> dict:
    user = request.user if hasattr(request, "user") else None
    return {
        "organisation": settings.PORTAL_ORGANISATION,
        "account_name": settings.PORTAL_ACCOUNT_NAME,
        "oidc_enabled": settings.OIDC_ENABLED,
        "contacts": settings.PORTAL_CONTACTS,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        **layout_flags(user),
    }


def layout_flags(user: roles.AnyUser | None) -> dict[str, bool]:
    """The menu links a person's roles give them. Cached pages are kept per role set
    (portal.caching), so these may depend on the user's groups and superuser and staff flags,
    nothing else; anything else personal is a `{% per_request %}` part."""
    authenticated = bool(user and user.is_authenticated)
    return {
        "show_dashboard_link": authenticated and roles.can_see_dashboard(user),
        "show_case_list_link": authenticated and roles.can_see_others_incidents(user),
        "show_admin_link": authenticated and user.is_staff,
        # Read-and-acknowledge (awareness/): everyone reads; these see the pages beside it.
        "show_team_training_link": authenticated and roles.can_see_team_training(user),
        "show_campaigns_link": authenticated and roles.can_run_campaigns(user),
    }
