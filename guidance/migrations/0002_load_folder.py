"""Load the folder's text, so an empty database holds the whole folder after migrate.

The data and the loader are copied into this migration on purpose (folder_0002.toml beside it is
guidance/content/folder.toml as it was): a migration must give the same result whatever the code
and the content file say later. `manage.py import_folder` brings a database up to the current
content file.
"""

import tomllib
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent / "folder_0002.toml"


def load_folder(apps, schema_editor):
    get = apps.get_model
    Introduction, Section = get("guidance", "Introduction"), get("guidance", "Section")
    Rule, Note, Contact = (
        get("guidance", "Rule"),
        get("guidance", "Note"),
        get("guidance", "Contact"),
    )
    if Section.objects.exists():
        return  # a database that has the folder already keeps it
    folder = tomllib.loads(DATA.read_text(encoding="utf-8"))
    intro = folder["introduction"]
    Introduction.objects.create(title=intro["title"], lead=intro["lead"].strip())
    for position, data in enumerate(folder["sections"], start=1):
        section = Section.objects.create(
            slug=data["slug"],
            title=data["title"],
            subtitle=data.get("subtitle", ""),
            lead=data.get("lead", "").strip(),
            order=position * 10,
        )
        Rule.objects.bulk_create(
            Rule(
                section=section,
                anchor=rule["anchor"],
                kind=rule["kind"],
                text=rule["text"].strip(),
                order=index * 10,
            )
            for index, rule in enumerate(data.get("rules", []), start=1)
        )
        Note.objects.bulk_create(
            Note(section=section, order=index * 10, after=note["after"], text=note["text"].strip())
            for index, note in enumerate(data.get("notes", []), start=1)
        )
    Contact.objects.bulk_create(
        Contact(
            name=data["name"],
            heading=data["heading"],
            email=data.get("email", ""),
            phone=data.get("phone", ""),
            description=data.get("description", ""),
            order=position * 10,
        )
        for position, data in enumerate(folder["contacts"], start=1)
    )


class Migration(migrations.Migration):
    dependencies = [("guidance", "0001_folder")]

    operations = [migrations.RunPython(load_folder, migrations.RunPython.noop)]
