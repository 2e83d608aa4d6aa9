"""What NIS2 asks before the incident's case may be closed: every report of a significant
incident sent (incidents.duties.OTHER_CLOSE_BLOCKERS reads this). A closed incident takes no
NIS2 report (the database refuses it), so closing first would strand the final report."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

from incidents.models import Incident
from nis2.models import Nis2Case


def case_for(incident: Incident) -> Nis2Case | None:
    """The incident's NIS2 record, or None (the reverse one-to-one caches either answer)."""
    try:
        return incident.nis2
    except ObjectDoesNotExist:
        return None


def close_blockers(incident: Incident) -> list[str]:
    if not settings.NIS2_ENABLED:
        return []
    case = case_for(incident)
    if case is None or case.significant is not True:
        return []
    blockers = []
    if case.early_warning_at is None:
        blockers.append(_("NIS2: den tidlige varsling til CSIRT'en er ikke registreret."))
    if case.notification_at is None:
        blockers.append(_("NIS2: hændelsesunderretningen til CSIRT'en er ikke registreret."))
    if case.final_at is None:
        blockers.append(_("NIS2: den endelige rapport til CSIRT'en er ikke registreret."))
    return blockers
