"""Roll-up tasks: ids in, services called; safe to run twice (a rebuild replaces, never adds)."""

from celery import shared_task
from django.db import OperationalError

from cities.models import Programme

from .services import progress_refresh

_DB_RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": 5, "retry_backoff_max": 300, "max_retries": 5}


@shared_task(name="progress.refresh", acks_late=True, **_DB_RETRY)
def refresh_progress(programme_id: int) -> int:
    return progress_refresh(programme_id=programme_id)


@shared_task(name="progress.rebuild_all", acks_late=True, **_DB_RETRY)
def rebuild_all_progress() -> int:
    """The periodic rebuild, one task (one transaction) per programme so batches stay small."""
    ids = list(Programme.objects.order_by("pk").values_list("pk", flat=True))
    for programme_id in ids:
        refresh_progress.delay(programme_id)
    return len(ids)
