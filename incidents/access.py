"""The one access helper every incident view uses."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from incidents.models import Incident
from incidents.steps import may  # who may take each step or see each read: declared there

__all__ = ["get_incident_for_user", "may"]


def get_incident_for_user(
    user, reference: str, *, for_change: str | None = None, queryset=None
) -> Incident:
    """The incident, if `user` may see it (else 404) and do `for_change` to it (else 403).

    `queryset`: the same rows with what a page needs selected (incidents/selectors.py).
    """
    rows = (queryset if queryset is not None else Incident.objects).visible_to(user)
    try:
        incident = rows.get(reference=reference)
    except Incident.DoesNotExist:
        raise Http404 from None
    if for_change is not None and not may(user, incident, for_change):
        raise PermissionDenied
    return incident
