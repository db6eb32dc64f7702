"""Bulk writes with PostgreSQL COPY: the floor for loading many rows (demo data, seeds).

`copy_rows` streams tuples into a model's table through psycopg 3's `cursor.copy()`; every
concrete field not named gets its model default once (auto_now fields: now), so adding a
field with a default never breaks a caller. `ids_reserve` takes primary keys from the table's
own sequence first, so the caller can point other rows at rows it has not written yet, and
`checks_after_load` moves the per-row foreign-key checks and index inserts to one pass at the end.
No model code runs (no save(), no signals): callers write what the services would have.
PostgreSQL only: check `copy_supported()` and keep a bulk_create path for SQLite.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.models import Field, Model
from django.utils import timezone


def copy_supported() -> bool:
    return connection.vendor == "postgresql"


def ids_reserve(model: type[Model], count: int) -> list[int]:
    """`count` fresh primary keys from the table's sequence, in ascending order (safe beside concurrent inserts)."""
    if count <= 0:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, count])
        return [row[0] for row in cursor.fetchall()]


def _default(field: Field, now: Any) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    return field.get_default()  # the model default, "" for text, None for nullable fields


def copy_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY `rows` (tuples in the order of `fields`, attnames such as "city_id") into the model's table; returns rows written."""
    meta = model._meta
    named = set(fields)
    unknown = named - {f.attname for f in meta.concrete_fields}
    if unknown:
        raise ValueError(f"{meta.label} has no fields {sorted(unknown)}")
    now = timezone.now()
    # an unnamed primary key comes from the table's sequence
    rest = [f for f in meta.concrete_fields if f.attname not in named and not f.primary_key]
    tail = tuple(_default(f, now) for f in rest)
    column_of = {f.attname: str(f.column) for f in meta.concrete_fields}
    columns = [column_of[name] for name in (*fields, *(f.attname for f in rest))]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    written = 0
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {connection.ops.quote_name(meta.db_table)} ({quoted}) FROM STDIN") as copy,
    ):
        write = copy.write_row
        if tail:
            for row in rows:
                write((*row, *tail))
                written += 1
        else:
            for row in rows:
                write(row)
                written += 1
    return written


def insert_from_select(model: type[Model], fields: Sequence[str], select_sql: str, params: dict[str, Any]) -> int:
    """INSERT the rows of `select_sql` (its columns in the order of `fields`) into the model's table; returns rows written.

    The database makes the rows (demo data drawn in SQL): like `copy_rows`, every concrete field
    not named gets its model default (auto_now fields: now) and an unnamed primary key its sequence.
    `params` are named (%(name)s); the defaults are added as `_default_<n>`.
    """
    meta = model._meta
    unknown = set(fields) - {f.attname for f in meta.concrete_fields}
    if unknown:
        raise ValueError(f"{meta.label} has no fields {sorted(unknown)}")
    now = timezone.now()
    rest = [f for f in meta.concrete_fields if f.attname not in set(fields) and not f.primary_key]
    defaults = {f"_default_{n}": _default(field, now) for n, field in enumerate(rest)}
    column_of = {f.attname: str(f.column) for f in meta.concrete_fields}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column_of[name]) for name in (*fields, *(f.attname for f in rest)))
    selected = ", ".join(["rows.*", *(f"%({name})s" for name in defaults)])
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) SELECT {selected} FROM ({select_sql}) rows"  # noqa: S608  names from the model; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, **defaults})
        return int(cursor.rowcount)


@contextmanager
def checks_after_load(*models: type[Model], unique: bool = True) -> Iterator[None]:
    """Around a big load into these tables: their foreign keys and secondary indexes are dropped, then re-created.

    Re-adding a foreign key checks every row with one join and re-creating an index sorts once,
    where a load with them in place pays a trigger and an index insert per row (pg_restore loads
    the same way). `unique=False` keeps the unique constraints (an upsert needs them). Call inside
    a transaction: PostgreSQL's DDL is transactional, so a failure leaves the schema as it was.
    """
    if not copy_supported():
        yield
        return
    saved: list[tuple[str, list[tuple[str, str]], list[str]]] = []
    kinds = ["f", "u"] if unique else ["f"]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses a table with checks still queued
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conrelid = %s::regclass AND contype = ANY(%s) ORDER BY contype, conname",
                [table, kinds],
            )
            constraints = cursor.fetchall()
            cursor.execute(
                "SELECT pg_get_indexdef(i.indexrelid), i.indexrelid::regclass::text FROM pg_index i"
                " WHERE i.indrelid = %s::regclass AND NOT i.indisprimary"
                " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
                [table],
            )
            indexes = cursor.fetchall()
            for name, _definition in constraints:
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
            for _definition, index in indexes:
                cursor.execute(f"DROP INDEX {index}")  # regclass text: already quoted where needed
            saved.append((table, constraints, [definition for definition, _ in indexes]))
    yield
    with connection.cursor() as cursor:
        for table, constraints, index_definitions in saved:
            for definition in index_definitions:
                cursor.execute(definition)
            for name, definition in constraints:
                cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
