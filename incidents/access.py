"""The one access helper every incident view uses."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404

from incidents.models import Incident
from portal import roles

# Who may do what to an incident they can see. Keys are the `for_change` actions of the views.
_HANDLE = lambda user, incident: roles.can_handle_incidents(user)  # noqa: E731
_HANDS_ON = lambda user, incident: roles.can_record_containment(user)  # noqa: E731
_STAFF = lambda user, incident: roles.can_see_all_incidents(user)  # noqa: E731

ACTIONS: dict[str, Callable] = {
    "add_information": lambda user, incident: incident.reporter_id == user.pk,
    "containment": _HANDS_ON,
    "people_notified": _HANDS_ON,
    "note": _STAFF,
    "message": _STAFF,
    "internal": _STAFF,  # the full timeline, internal notes and Datatilsynet receipts
    # The GDPR unit's messages to the reporter are a conversation with the reporter: the
    # reporter and the staff who handle breaches read them, the reporter's manager does not.
    "read_messages": lambda user, incident: (
        incident.reporter_id == user.pk or roles.can_see_all_incidents(user)
    ),
    "escalate": _HANDLE,
    "awareness": _HANDLE,
    "assess": _HANDLE,
    "decide": _HANDLE,
    "datatilsynet": _HANDLE,
    "subjects": _HANDLE,
    "other": _HANDLE,
    "close": _HANDLE,
    "reopen": _HANDLE,
}


def may(user, incident: Incident, action: str) -> bool:
    return ACTIONS[action](user, incident)


def get_incident_for_user(user, reference: str, *, for_change: str | None = None) -> Incident:
    """The incident, if `user` may see it (else 404) and do `for_change` to it (else 403)."""
    try:
        incident = Incident.objects.visible_to(user).get(reference=reference)
    except Incident.DoesNotExist:
        raise Http404 from None
    if for_change is not None and not may(user, incident, for_change):
        raise PermissionDenied
    return incident
