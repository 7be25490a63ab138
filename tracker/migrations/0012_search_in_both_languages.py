"""Indexes for searching initiatives in Russian and English (tracker/domain/text_search.py), on PostgreSQL only:
SQLite, the first-run default, searches by substring without them."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# The very expression text_search.document() builds: the planner uses the index only for an identical one.
DOCUMENT = (
    "(to_tsvector('russian'::regconfig, COALESCE(title_ru, '') || ' ' || COALESCE(summary_ru, ''))"
    " || to_tsvector('english'::regconfig, COALESCE(title_en, '') || ' ' || COALESCE(summary_en, '')))"
)
INDEXES = {
    "initiative_text_search": f"USING gin ({DOCUMENT})",
    "initiative_code_trigram": "USING gin (code gin_trgm_ops)",
    "initiative_title_ru_trigram": "USING gin (title_ru gin_trgm_ops)",
    "initiative_title_en_trigram": "USING gin (title_en gin_trgm_ops)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, definition in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON tracker_initiative {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0011_content_in_russian_and_english"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create, drop),
    ]
