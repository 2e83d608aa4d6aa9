from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwarenessConfig(AppConfig):
    """Documented awareness training (NIS2 art. 21(2)(g)): read-and-acknowledge campaigns over
    the security folder's sections, the evidence an auditor asks for, and campaigns aimed at
    departments where the same kind of breach keeps happening."""

    name = "awareness"
    verbose_name = _("Oplysningskampagner")
