"""Create the role groups portal.roles relies on."""

from django.db import migrations

# Copied, not imported: a migration must keep working when portal.roles changes.
GROUPS = ("Ledere", "IT", "GDPR-enheden")


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
