from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    # What the admin shows under this heading: departments, roles from the provider's groups and
    # failed logins.
    verbose_name = _("Organisation og log ind")
