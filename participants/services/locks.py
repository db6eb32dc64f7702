"""Transaction-scoped advisory locks: serialise writers that share a natural key with no unique constraint."""

from django.db import connection


def advisory_lock(*, key: str) -> None:
    """Held until the surrounding transaction ends. A no-op on SQLite, which serialises writers anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
