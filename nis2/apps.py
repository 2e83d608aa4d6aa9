from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Nis2Config(AppConfig):
    """NIS2 on an incident (art. 23): the significant-incident assessment, the 24-hour, 72-hour
    and one-month clocks, the reports to the CSIRT, their drafts and reminders. Off with
    NIS2_ENABLED=0."""

    name = "nis2"
    verbose_name = _("NIS2")

    def ready(self) -> None:
        from incidents import duties
        from nis2.duties import close_blockers

        # The incident's case stays open until NIS2's reports are sent (nis2/duties.py).
        if close_blockers not in duties.OTHER_CLOSE_BLOCKERS:
            duties.OTHER_CLOSE_BLOCKERS.append(close_blockers)
