from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GdprConfig(AppConfig):
    """The GDPR unit's pages: the deadline dashboard, the Datatilsynet draft and the letter to
    data subjects, the register, statistics and the deadline calendar. Reads only; every change
    to an incident goes through incidents/services.py."""

    name = "gdpr"
    verbose_name = _("GDPR-enheden")
