"""Apply the retention periods (RETENTION_ATTACHMENTS_DAYS, RETENTION_PERSONAL_TEXT_DAYS).

Run once a day (README: "Retention"); idempotent.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from incidents.retention import apply_retention


class Command(BaseCommand):
    help = "Delete attachments and reporters' free text whose retention period has ended."

    def handle(self, *args, **options) -> None:
        result = apply_retention()
        self.stdout.write(
            f"Bilag slettet: {result.attachments_deleted} "
            f"(fra {result.incidents_without_attachments} sager); "
            f"fritekst fjernet fra {result.incidents_scrubbed} sager; "
            f"filer uden sag slettet: {result.orphan_files_deleted}."
        )
