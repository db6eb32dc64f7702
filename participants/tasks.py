from umkm_program.task_base import project_task

from .counting import counted_attendance_follow_session
from .models import ParticipantImport
from .services.imports import import_apply, import_mark_failed
from .services.retention import import_rows_drop_old, retention_erase_due


# An import records its own failure (the uploader sees why) and is started again by a person, so it is not retried;
# 100,000 rows need more than the default five minutes.
@project_task("participants.run_import", autoretry_for=(), soft_time_limit=1800, time_limit=1860)
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


@project_task("participants.retention")
def apply_retention() -> dict:
    """Drop old uploaded rows, then erase a batch of participants past their programmes' retention;
    queues itself again while a full batch was erased. Safe to run twice (erasure is idempotent)."""
    dropped = import_rows_drop_old()
    erased = retention_erase_due(limit=RETENTION_BATCH)
    if erased == RETENTION_BATCH:
        apply_retention.apply_async(countdown=5)
    return {"import_files": dropped, "participants_erased": erased}


RETENTION_BATCH = 200


@project_task("participants.counted_follow_session")
def counted_attendance_follow_session_task(session_id: int) -> int:
    """Idempotent: recomputes the counted attendances of the session's people from the raw rows."""
    return len(counted_attendance_follow_session(session_id=session_id))
