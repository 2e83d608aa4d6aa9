"""Every change to an incident: one typed, keyword-only function per step, each one transaction.

Views and background jobs call these; nothing else changes an incident. Each function checks the
invariants of its step against the locked row (the database checks them again where it can,
models.py names the constraint) and writes a TimelineEntry of facts: {field: [old, new]} with
codes, times and ids. The invariants, and where each is kept, are listed in the README ("The
breach record"); who may take each step is declared in incidents/steps.py.
"""

from incidents.services._base import CLOCK_SKEW, StaleIncident
from incidents.services.closing import incident_close, incident_reopen
from incidents.services.conversation import (
    VIEW_LOG_INTERVAL,
    incident_add_information,
    incident_add_note,
    incident_confirm_manager_acted,
    incident_log_view,
    incident_send_message,
)
from incidents.services.deciding import incident_assess, incident_decide
from incidents.services.handling import (
    incident_change_awareness,
    incident_escalate,
    incident_record_containment,
    incident_record_people_notified,
)
from incidents.services.notifying import (
    incident_record_dt_notification,
    incident_record_other,
    incident_record_subjects,
)
from incidents.services.reporting import incident_submit

__all__ = [
    "CLOCK_SKEW",
    "VIEW_LOG_INTERVAL",
    "StaleIncident",
    "incident_add_information",
    "incident_add_note",
    "incident_assess",
    "incident_change_awareness",
    "incident_close",
    "incident_confirm_manager_acted",
    "incident_decide",
    "incident_escalate",
    "incident_log_view",
    "incident_record_containment",
    "incident_record_dt_notification",
    "incident_record_other",
    "incident_record_people_notified",
    "incident_record_subjects",
    "incident_reopen",
    "incident_send_message",
    "incident_submit",
]
