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
        "show_dashboard_link": bool(user and roles.can_see_dashboard(user)),
        "show_case_list_link": bool(user and roles.can_see_others_incidents(user)),
        # Read-and-acknowledge (awareness/): everyone reads; these see the pages beside it.
        "show_team_training_link": bool(user and roles.can_see_team_training(user)),
        "show_campaigns_link": bool(user and roles.can_run_campaigns(user)),
        "show_password_link": bool(
            settings.LOCAL_LOGIN and user and user.is_authenticated and user.has_usable_password()
        ),
    }
