"""Loading the folder's content file (content/folder.toml) into the database.

Used by `manage.py import_folder` and the tests; the data migration 0002 carries its own copy
of the loader and the data.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps as global_apps
from django.db import transaction

CONTENT_FILE = Path(__file__).resolve().parent / "content" / "folder.toml"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, created: bool, changed: bool) -> None:
        if created:
            self.created += 1
        elif changed:
            self.updated += 1
        else:
            self.unchanged += 1


def read_folder(path: Path = CONTENT_FILE) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _upsert(model, lookup: dict[str, Any], values: dict[str, Any], result: ImportResult):
    """Create or update one row by its stable key; only save when something changed."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        result.count(created=True, changed=False)
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        fields = changed + (["updated_at"] if hasattr(obj, "updated_at") else [])
        obj.save(update_fields=fields)
    result.count(created=False, changed=bool(changed))
    return obj


def _import_section(section_model, models: dict, position: int, data: dict, result) -> None:
    section = _upsert(
        section_model,
        {"slug": data["slug"]},
        {
            "title": data["title"],
            "subtitle": data.get("subtitle", ""),
            "lead": data.get("lead", "").strip(),
            "order": position * 10,
        },
        result,
    )
    for rule_position, rule in enumerate(data.get("rules", []), start=1):
        _upsert(
            models["Rule"],
            {"section": section, "anchor": rule["anchor"]},
            {"kind": rule["kind"], "text": rule["text"].strip(), "order": rule_position * 10},
            result,
        )
    for note_position, note in enumerate(data.get("notes", []), start=1):
        _upsert(
            models["Note"],
            {"section": section, "order": note_position * 10},
            {"after": note["after"], "text": note["text"].strip()},
            result,
        )


def import_folder(path: Path = CONTENT_FILE, *, apps=None) -> ImportResult:
    """Create or update every section, rule, note and contact of the content file.

    Idempotent: rows are matched by stable keys (section slug, rule anchor within its
    section, note position within its section, contact name), so running it twice creates
    nothing the second time. Rows that exist only in the database are left alone.
    `apps` is the migration's app registry; the installed apps are used by default.
    """
    registry = apps or global_apps
    introduction_model = registry.get_model("guidance", "Introduction")
    section_model = registry.get_model("guidance", "Section")
    contact_model = registry.get_model("guidance", "Contact")

    folder = read_folder(path)
    result = ImportResult()
    models = {name: registry.get_model("guidance", name) for name in ("Rule", "Note")}
    with transaction.atomic():
        intro = folder["introduction"]
        existing = introduction_model.objects.order_by("pk").first()
        _upsert(
            introduction_model,
            {"pk": existing.pk} if existing else {},
            {"title": intro["title"], "lead": intro["lead"].strip()},
            result,
        )
        for position, data in enumerate(folder["sections"], start=1):
            _import_section(section_model, models, position, data, result)
        for position, data in enumerate(folder["contacts"], start=1):
            _upsert(
                contact_model,
                {"name": data["name"]},
                {
                    "heading": data["heading"],
                    "email": data.get("email", ""),
                    "phone": data.get("phone", ""),
                    "description": data.get("description", ""),
                    "order": position * 10,
                },
                result,
            )
    return result
