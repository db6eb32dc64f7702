from celery import shared_task

from .services import monitoring_rebuild


@shared_task(name="monitoring.rebuild", acks_late=True)
def monitoring_rebuild_task(programme_id: int) -> int:
    """Idempotent: a full rebuild from raw rows. Schedule it beside progress_rebuild."""
    return monitoring_rebuild(programme_id=programme_id)
