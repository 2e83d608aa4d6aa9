"""Load the folder's content file, so an empty database holds the whole folder after migrate."""

from django.db import migrations


def load_folder(apps, schema_editor):
    from guidance.content import import_folder

    import_folder(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("guidance", "0001_folder")]

    operations = [migrations.RunPython(load_folder, migrations.RunPython.noop)]
