"""The repeated-breaches count's covering index, built without locking the incidents table
against reports (README, "Migrations": index concurrently)."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ("incidents", "0003_step_tables"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="incident",
            index=models.Index(
                fields=["reported_at"],
                include=("department", "category", "classification"),
                name="incident_repeats",
            ),
        ),
    ]
