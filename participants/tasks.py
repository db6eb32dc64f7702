from celery import shared_task

from .counting import counted_attendance_follow_session
from .models import ParticipantImport
from .services.imports import import_apply, import_mark_failed


@shared_task(acks_late=True)
def participant_import_run(import_id: int) -> None:
    """Run a confirmed import. Idempotent: an import already done is left as it is."""
    job = ParticipantImport.objects.filter(pk=import_id).first()
    if job is None:
        return
    try:
        import_apply(participant_import=job)
    except Exception as exc:  # the transaction rolled back; tell the person who uploaded it
        import_mark_failed(import_id=import_id, reason=str(exc))
        raise


@shared_task(name="participants.counted_follow_session", acks_late=True)
def counted_attendance_follow_session_task(session_id: int) -> int:
    """Idempotent: recomputes the counted attendances of the session's people from the raw rows."""
    return len(counted_attendance_follow_session(session_id=session_id))
