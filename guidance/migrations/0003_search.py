"""Search: stored tsvector columns with GIN indexes, synonyms and searches without results.

The stored vectors replace the expression and trigram indexes of 0001, which only rules and
section titles had.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.text
from django.contrib.postgres.operations import CreateExtension
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("guidance", "0002_load_folder"),
    ]

    operations = [
        # Typo correction accepts a swap of two letters ("virsu") by edit distance: levenshtein.
        CreateExtension("fuzzystrmatch"),
        migrations.CreateModel(
            name="SearchMiss",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("query", models.CharField(max_length=100, unique=True, verbose_name="søgning")),
                ("count", models.PositiveIntegerField(default=1, verbose_name="antal")),
                ("first_seen", models.DateField(verbose_name="første gang")),
                ("last_seen", models.DateField(verbose_name="seneste gang")),
            ],
            options={
                "verbose_name": "søgning uden resultat",
                "verbose_name_plural": "søgninger uden resultat",
                "ordering": ["-count", "-last_seen"],
            },
        ),
        migrations.CreateModel(
            name="Synonym",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "term",
                    models.CharField(
                        help_text="Det, medarbejderne skriver, fx »phishing« eller »glemt kode«.",
                        max_length=100,
                        verbose_name="søgeord",
                    ),
                ),
                (
                    "alternatives",
                    models.CharField(
                        help_text="Ord eller udtryk, som folderen bruger, adskilt af komma, fx »mistænkelig e-mail, link«. Et udtryk med flere ord finder tekster med alle ordene.",
                        max_length=500,
                        verbose_name="søg også efter",
                    ),
                ),
                (
                    "updated_at",
                    models.DateTimeField(auto_now=True, verbose_name="senest opdateret"),
                ),
                (
                    "term_vector",
                    models.GeneratedField(
                        db_persist=True,
                        expression=django.contrib.postgres.search.SearchVector(
                            "term", config="danish"
                        ),
                        output_field=django.contrib.postgres.search.SearchVectorField(),
                    ),
                ),
            ],
            options={
                "verbose_name": "synonym",
                "verbose_name_plural": "synonymer",
                "ordering": ["term"],
            },
        ),
        migrations.RemoveIndex(
            model_name="rule",
            name="rule_text_fts",
        ),
        migrations.RemoveIndex(
            model_name="rule",
            name="rule_text_trgm",
        ),
        migrations.RemoveIndex(
            model_name="section",
            name="section_title_trgm",
        ),
        migrations.RemoveIndex(
            model_name="section",
            name="section_title_fts",
        ),
        migrations.AddField(
            model_name="contact",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.CombinedSearchVector(
                        django.contrib.postgres.search.SearchVector(
                            "heading", config="danish", weight="A"
                        ),
                        "||",
                        django.contrib.postgres.search.SearchVector(
                            "name", config="danish", weight="A"
                        ),
                        django.contrib.postgres.search.SearchConfig("danish"),
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector(
                        "description", config="danish", weight="B"
                    ),
                    django.contrib.postgres.search.SearchConfig("danish"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddField(
            model_name="note",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.SearchVector(
                    "text", config="danish", weight="B"
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddField(
            model_name="rule",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.SearchVector(
                    "text", config="danish", weight="B"
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddField(
            model_name="section",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.CombinedSearchVector(
                        django.contrib.postgres.search.SearchVector(
                            "title", config="danish", weight="A"
                        ),
                        "||",
                        django.contrib.postgres.search.SearchVector(
                            "subtitle", config="danish", weight="B"
                        ),
                        django.contrib.postgres.search.SearchConfig("danish"),
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector(
                        "lead", config="danish", weight="B"
                    ),
                    django.contrib.postgres.search.SearchConfig("danish"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="contact_search_vector"
            ),
        ),
        migrations.AddIndex(
            model_name="note",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="note_search_vector"
            ),
        ),
        migrations.AddIndex(
            model_name="rule",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="rule_search_vector"
            ),
        ),
        migrations.AddIndex(
            model_name="section",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="section_search_vector"
            ),
        ),
        migrations.AddConstraint(
            model_name="synonym",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("term"),
                name="synonym_term_unique",
                violation_error_message="Der findes allerede et synonym for dette søgeord.",
            ),
        ),
    ]
