"""The folder's own vocabulary for search: every word of the folder and of the synonyms' terms.

guidance.search corrects typos against it (trigram similarity, served by the trigram GIN index),
widens a word to the compounds that contain it ("telefon" → "mobiltelefon") and proposes
"mente du …?". Row triggers keep it up to date whenever the text of a section, rule, note,
contact or synonym changes (each change subtracts the old text's words and adds the new ones'),
so it never disagrees with the folder; TRUNCATE rebuilds it. No Django model: only
guidance.search reads it, and a test flush must not empty it behind the triggers' back.
"""

from django.db import migrations

# (table, the columns whose words are in the vocabulary). Copied here, as a migration must not
# change when the models do.
SOURCES = [
    ("guidance_rule", ["text"]),
    ("guidance_note", ["text"]),
    ("guidance_section", ["title", "subtitle", "lead"]),
    ("guidance_contact", ["heading", "description"]),
    ("guidance_synonym", ["term"]),
]

# Words are runs of letters (hyphenated words give their parts), lower case, three or more
# letters, no stop words; `lexeme` is the word's Danish stem, as it appears in the tsvectors.
FUNCTIONS = r"""
CREATE TABLE guidance_vocabulary (
    word text PRIMARY KEY,
    lexeme text NOT NULL,
    frequency integer NOT NULL
);
-- Typos and compounds: `word % …`, `word LIKE '%…%'`; words by their stem: `lexeme = …`.
CREATE INDEX guidance_vocabulary_word_trgm ON guidance_vocabulary USING gin (word gin_trgm_ops);
CREATE INDEX guidance_vocabulary_lexeme ON guidance_vocabulary (lexeme);

CREATE FUNCTION guidance_vocabulary_add(content text, delta integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO guidance_vocabulary AS v (word, lexeme, frequency)
    SELECT word, lexeme, n
    FROM (
        SELECT word, (ts_lexize('danish_stem', word))[1] AS lexeme, count(*) * delta AS n
        FROM regexp_split_to_table(lower(coalesce(content, '')), '[^[:alpha:]]+') AS word
        WHERE length(word) >= 3
        GROUP BY word
    ) AS counted
    WHERE lexeme IS NOT NULL
    ON CONFLICT (word) DO UPDATE SET frequency = v.frequency + excluded.frequency;
    IF delta < 0 THEN
        DELETE FROM guidance_vocabulary WHERE frequency <= 0;
    END IF;
END
$$;

-- Row trigger; the arguments name the columns whose words count.
CREATE FUNCTION guidance_vocabulary_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    column_name text;
    old_text text := '';
    new_text text := '';
BEGIN
    FOREACH column_name IN ARRAY TG_ARGV LOOP
        IF TG_OP <> 'INSERT' THEN
            old_text := old_text || ' ' || coalesce(to_jsonb(OLD) ->> column_name, '');
        END IF;
        IF TG_OP <> 'DELETE' THEN
            new_text := new_text || ' ' || coalesce(to_jsonb(NEW) ->> column_name, '');
        END IF;
    END LOOP;
    IF old_text IS DISTINCT FROM new_text THEN
        PERFORM guidance_vocabulary_add(old_text, -1);
        PERFORM guidance_vocabulary_add(new_text, 1);
    END IF;
    RETURN NULL;
END
$$;
"""

# The same columns as SOURCES.
REBUILD = r"""
CREATE FUNCTION guidance_rebuild_vocabulary() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM guidance_vocabulary;
    PERFORM guidance_vocabulary_add((SELECT string_agg(text, ' ') FROM guidance_rule), 1);
    PERFORM guidance_vocabulary_add((SELECT string_agg(text, ' ') FROM guidance_note), 1);
    PERFORM guidance_vocabulary_add(
        (SELECT string_agg(concat_ws(' ', title, subtitle, lead), ' ') FROM guidance_section), 1
    );
    PERFORM guidance_vocabulary_add(
        (SELECT string_agg(concat_ws(' ', heading, description), ' ') FROM guidance_contact), 1
    );
    PERFORM guidance_vocabulary_add((SELECT string_agg(term, ' ') FROM guidance_synonym), 1);
END
$$;

CREATE FUNCTION guidance_vocabulary_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM guidance_rebuild_vocabulary();
    RETURN NULL;
END
$$;
"""

TRIGGERS = "".join(
    f"CREATE TRIGGER {table}_vocabulary\n"
    f"    AFTER INSERT OR DELETE OR UPDATE OF {', '.join(columns)} ON {table}\n"
    f"    FOR EACH ROW EXECUTE FUNCTION guidance_vocabulary_row("
    f"{', '.join(repr(c) for c in columns)});\n"
    f"CREATE TRIGGER {table}_vocabulary_truncate AFTER TRUNCATE ON {table}\n"
    f"    FOR EACH STATEMENT EXECUTE FUNCTION guidance_vocabulary_truncate();\n"
    for table, columns in SOURCES
)

DROP = "".join(
    f"DROP TRIGGER {table}_vocabulary ON {table};\n"
    f"DROP TRIGGER {table}_vocabulary_truncate ON {table};\n"
    for table, _ in SOURCES
) + (
    "DROP FUNCTION guidance_vocabulary_truncate();\n"
    "DROP FUNCTION guidance_rebuild_vocabulary();\n"
    "DROP FUNCTION guidance_vocabulary_row();\n"
    "DROP FUNCTION guidance_vocabulary_add(text, integer);\n"
    "DROP TABLE guidance_vocabulary;\n"
)


class Migration(migrations.Migration):
    dependencies = [("guidance", "0003_search")]

    operations = [
        migrations.RunSQL(
            # The folder is already loaded (0002): fill the vocabulary once.
            FUNCTIONS + REBUILD + TRIGGERS + "SELECT guidance_rebuild_vocabulary();",
            DROP,
        )
    ]
