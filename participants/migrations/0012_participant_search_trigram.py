"""Trigram (pg_trgm GIN) indexes for the trainer's search-as-you-type at a million participants.

PostgreSQL only: the extension and the indexes are skipped on SQLite (`make run` without DATABASE_URL),
where the search falls back to plain scans over a small table. The indexes are not in the models'
Meta (SQLite could not create them), so Django's migration state does not know them: this file is
where they live.

Each index is on the expression the ORM's lookups emit, so the planner can use it:
`full_name__icontains` is `UPPER("full_name"::text) LIKE UPPER('%siti%')`, and `phone__contains` is
`"phone"::text LIKE '%6281234%'` (phone holds E.164, "+" and digits only: participants/phones.py,
checked by the participant_phone_e164 constraint, so it needs no separate digits column).

Built CONCURRENTLY (hence atomic = False) so that a deploy does not block check-ins while
1,000,000 rows are indexed.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "participant_name_trgm": 'UPPER("full_name"::text) gin_trgm_ops',
    "participant_business_trgm": 'UPPER("business_name"::text) gin_trgm_ops',
    "participant_agency_trgm": 'UPPER("agency"::text) gin_trgm_ops',
    "participant_phone_trgm": '"phone" gin_trgm_ops',
}
# A number typed from its start ("0812 34", "+62812-34") is a prefix: a btree in pattern order serves
# `"phone"::text LIKE '+6281234%'` (the database's C.UTF-8 collation does not let the plain phone index do it),
# where trigrams of digits, a thousand of them shared by every number, would read hundreds of pages.
BTREES = {"participant_phone_prefix": '"phone" varchar_pattern_ops'}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, expression in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON participants_participant USING gin ({expression})"
        )
    for name, expression in BTREES.items():
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON participants_participant ({expression})")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in [*INDEXES, *BTREES]:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("participants", "0011_participant_nib_validator"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
