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

from guidance.models import bump_content_version

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
    return _upsert_changes(model, lookup, values, result)[0]


def _upsert_changes(model, lookup: dict[str, Any], values: dict[str, Any], result: ImportResult):
    """_upsert(), also saying which fields of an existing row it changed (None: a new row)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        result.count(created=True, changed=False)
        return obj, None
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        fields = changed + (["updated_at"] if hasattr(obj, "updated_at") else [])
        obj.save(update_fields=fields)
    result.count(created=False, changed=bool(changed))
    return obj, set(changed)


# What an employee reads of a section: a change to any of these raises its content version
# (guidance.models.bump_content_version); its place in the folder does not.
SECTION_CONTENT = {"title", "subtitle", "lead"}
RULE_CONTENT = {"kind", "text"}
NOTE_CONTENT = {"after", "text"}


def _import_section(section_model, models: dict, position: int, data: dict, result) -> None:
    section, changed = _upsert_changes(
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
    if changed is None:  # a new section starts at version 1
        _import_rules_and_notes(section, models, data, result)
        return
    content_changed = bool(changed & SECTION_CONTENT)
    content_changed |= _import_rules_and_notes(section, models, data, result)
    if content_changed and "content_version" in {f.name for f in section_model._meta.fields}:
        # (The migration that first loads the folder runs before the version exists.)
        bump_content_version(section_model, [section.pk])


def _import_rules_and_notes(section, models: dict, data: dict, result) -> bool:
    """Create or update the section's rules and notes; True if what they say changed."""
    content_changed = False
    for rule_position, rule in enumerate(data.get("rules", []), start=1):
        _rule, changed = _upsert_changes(
            models["Rule"],
            {"section": section, "anchor": rule["anchor"]},
            {"kind": rule["kind"], "text": rule["text"].strip(), "order": rule_position * 10},
            result,
        )
        content_changed |= changed is None or bool(changed & RULE_CONTENT)
    for note_position, note in enumerate(data.get("notes", []), start=1):
        _note, changed = _upsert_changes(
            models["Note"],
            {"section": section, "order": note_position * 10},
            {"after": note["after"], "text": note["text"].strip()},
            result,
        )
        content_changed |= changed is None or bool(changed & NOTE_CONTENT)
    return content_changed


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
