"""Roll-up tasks: ids in, services called; safe to run twice (a refresh recounts, a rebuild replaces)."""

from celery import shared_task
from django.db import OperationalError

from cities.models import Programme

from .models import PendingSlice
from .services import progress_check, progress_refresh

_DB_RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": 5, "retry_backoff_max": 300, "max_retries": 5}


@shared_task(name="progress.refresh", acks_late=True, **_DB_RETRY)
def refresh_progress(programme_id: int) -> int:
    return progress_refresh(programme_id=programme_id)


@shared_task(name="progress.refresh_pending", acks_late=True, **_DB_RETRY)
def refresh_pending_progress() -> int:
    """The periodic sweep: recount slices whose refresh could not be queued (broker down) or was lost."""
    ids = list(PendingSlice.objects.order_by().values_list("programme_id", flat=True).distinct())
    for programme_id in ids:
        refresh_progress.delay(programme_id)
    return len(ids)


@shared_task(name="progress.check", acks_late=True, **_DB_RETRY)
def check_progress(programme_id: int) -> int:
    check = progress_check(programme_id=programme_id)
    return check.differences if check else 0


@shared_task(name="progress.check_all", acks_late=True, **_DB_RETRY)
def check_all_progress() -> int:
    """The nightly check, one task (one transaction) per programme."""
    ids = list(Programme.objects.order_by("pk").values_list("pk", flat=True))
    for programme_id in ids:
        check_progress.delay(programme_id)
    return len(ids)
