"""The check-in's floor: the same stack (gunicorn, every middleware, the trainer's session, CSRF) doing one INSERT.

Bench-only (bench/settings.py routes /bench/checkin-floor/ here). The table is the bench's own,
made by `floor_table_create()`; a replayed client id inserts nothing, as a replayed check-in
changes nothing.
"""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_POST

FLOOR_TABLE = "bench_checkin_floor"


def floor_table_create() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {FLOOR_TABLE} ("  # noqa: S608  (a constant)
            "id bigserial PRIMARY KEY, participant_id bigint NOT NULL, client_id uuid NOT NULL UNIQUE, "
            "at timestamptz NOT NULL DEFAULT now())"
        )


@require_POST
@login_required
def checkin_floor(request):
    """One INSERT; the login and CSRF checks are the middleware's, as for the real check-in."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {FLOOR_TABLE} (participant_id, client_id) VALUES (%s, %s) ON CONFLICT (client_id) DO NOTHING",  # noqa: S608
            [int(request.POST["participant"]), request.POST["client_id"]],
        )
    return JsonResponse({"ok": True})
