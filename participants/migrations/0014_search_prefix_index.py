"""Btrees that let the trainer's search stop after the best 15 in the session's city (issue 16, search at 1,000,000).

The search reads its tiers (participants/search.py) in the order of these indexes: names that start with
what was typed, by name; numbers that start with what was typed, by number. With the city first and the
second column in byte order ("C" collation), one index serves both `city_id = … AND UPPER(full_name) LIKE
'ARI%'` (PostgreSQL turns a LIKE prefix into a range on an index whose collation is "C") and `ORDER BY
UPPER(full_name) COLLATE "C"`, so the database reads the matches of the city in order and stops at the
first 15 in the user's scope, instead of ranking the tens of thousands a fragment like "Ari" or "0853 00"
matches (236-267 ms at p95 before: docs/benchmarks.md). `UPPER("full_name"::text)` is the expression
Django's `istartswith`/`Upper()` emit. 0012's `varchar_pattern_ops` btree on phone serves LIKE but not
ORDER BY (the pattern operator class has no ordering the ORM can ask for), hence a new one.

PostgreSQL only (skipped on SQLite, whose default collation is already byte order), built CONCURRENTLY
(hence atomic = False) so that a deploy does not block check-ins while 1,000,000 rows are indexed. Like
0012's, the indexes are not in the models' Meta, so this file is where they live.
"""

from django.db import migrations

BTREES = {
    "participant_city_name_prefix": 'city_id, (UPPER("full_name"::text)) COLLATE "C"',
    "participant_city_phone_prefix": 'city_id, "phone" COLLATE "C"',
    # the business tier ("toko ber..."): a range, where trigrams of a whole business name read 500+ GIN pages
    "participant_city_business_prefix": 'city_id, (UPPER("business_name"::text)) COLLATE "C"',
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, columns in BTREES.items():
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON participants_participant ({columns})")
    # Expression indexes have no statistics until the table is analysed, and nothing else triggers that:
    # without them the planner guesses the prefix ranges' sizes (100x off at 1,000,000 people).
    schema_editor.execute("ANALYZE participants_participant")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in BTREES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("participants", "0013_import_preview_counts"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
