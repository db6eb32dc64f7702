"""Prepared statements for the few statements every check-in runs (issue 16).

Django sends each statement with its values written in (client-side binding), so PostgreSQL parses
and plans it every time: for the check-in's two statements that planning is ~1 ms of the database's
CPU each time, ten times their execution. `prepared_cursor()` gives a cursor that sends the values
apart and has the statement prepared on the connection, so with persistent connections
(CONN_MAX_AGE, as in production) it is planned once per connection. It goes through Django's cursor
wrapper: errors are Django's, and query logging and counting (CaptureQueriesContext) see it.
Use it for fixed SQL text only (a new text is a new prepared statement), with a cast on any
parameter whose type PostgreSQL cannot infer.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

try:
    import psycopg
except ImportError:  # pragma: no cover  (psycopg is a dependency; SQLite setups never call this)
    psycopg = None  # type: ignore[assignment]


if psycopg is not None:

    class _PreparingCursor(psycopg.Cursor):
        def execute(self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: bool | None = None) -> Any:
            return super().execute(query, params, prepare=True, binary=binary)


def prepared_cursor():
    """A cursor on Django's PostgreSQL connection whose statements are prepared (see the module's note)."""
    if connection.vendor != "postgresql" or psycopg is None:
        return connection.cursor()
    # what connection.cursor() does before making its cursor
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    if not isinstance(connection.connection, psycopg.Connection):  # psycopg2
        return connection.cursor()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        raw = _PreparingCursor(connection.connection)
    return connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)
