"""NIS2 fixtures: incidents made through the services, and the GDPR unit's mail set-up."""

from __future__ import annotations

from tests.gdpr.conftest import smtp_server  # noqa: F401
from tests.incidents.conftest import incident, incident_factory  # noqa: F401
