"""A starting map from each kind of breach to the folder sections that teach how to avoid it;
staff keep it in the admin from here on (Oplysningskampagner → Afsnit til kategorier af brud).
Copied into the migration on purpose: a migration gives the same result whatever the code says
later. Sections not in the database (a folder without them) are skipped."""

from django.db import migrations

STARTER_MAP = {
    "lost_device": ["sikkerhed-paa-mobile-enheder", "informationssikkerhed-i-hverdagen"],
    "misdirected_mail": ["e-mail-og-sikkerhed", "behandling-af-persondata"],
    "phishing": ["e-mail-og-sikkerhed", "brug-af-internettet", "virus"],
    "malware": ["virus", "brug-af-internettet"],
    "unauthorised_access": ["brugernavn-og-adgangskode", "behandling-af-persondata"],
    "lost_papers": ["opbevaring-af-data", "informationssikkerhed-i-hverdagen"],
    "password_disclosed": ["brugernavn-og-adgangskode"],
}


def load(apps, schema_editor):
    CategorySections = apps.get_model("awareness", "CategorySections")
    Section = apps.get_model("guidance", "Section")
    for category, slugs in STARTER_MAP.items():
        sections = list(Section.objects.filter(slug__in=slugs))
        if not sections:
            continue
        mapping, _created = CategorySections.objects.get_or_create(category=category)
        mapping.sections.add(*sections)


class Migration(migrations.Migration):
    dependencies = [
        ("awareness", "0001_initial"),
        ("guidance", "0007_section_content_version"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
