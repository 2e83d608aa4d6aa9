"""Re-import the security folder's content file without duplicating anything."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from guidance.content import CONTENT_FILE, import_folder


class Command(BaseCommand):
    help = "Opretter eller opdaterer folderens afsnit, regler, noter og kontakter fra TOML-filen."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default=str(CONTENT_FILE), type=Path)

    def handle(self, *args, path: Path, **options) -> None:
        result = import_folder(path)
        self.stdout.write(
            f"Oprettet: {result.created}, opdateret: {result.updated}, uændret: {result.unchanged}"
        )
