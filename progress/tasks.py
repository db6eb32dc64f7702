"""Roll-up tasks: ids in, services called; safe to run twice (a refresh recounts, a rebuild replaces)."""

from cities.models import Programme
from umkm_program.task_base import project_task

from .models import PendingSlice
from .services import progress_check, progress_refresh


@project_task("progress.refresh")
def refresh_progress(programme_id: int) -> int:
    return progress_refresh(programme_id=programme_id)


@project_task("progress.refresh_pending")
def refresh_pending_progress() -> int:
    """The periodic sweep: recount slices whose refresh could not be queued (broker down) or was lost."""
    ids = list(PendingSlice.objects.order_by().values_list("programme_id", flat=True).distinct())
    for programme_id in ids:
        refresh_progress.delay(programme_id)
    return len(ids)


# The nightly recount of a whole programme: 50 to 90 s at 1,000,000 participants (docs/benchmarks.md), so it
# gets more than the default five minutes, for a loaded machine.
@project_task("progress.check", soft_time_limit=1200, time_limit=1260)
def check_progress(programme_id: int) -> int:
    check = progress_check(programme_id=programme_id)
    return check.differences if check else 0


@project_task("progress.check_all")
def check_all_progress() -> int:
    """The nightly check, one task (one transaction) per programme."""
    ids = list(Programme.objects.order_by("pk").values_list("pk", flat=True))
    for programme_id in ids:
        check_progress.delay(programme_id)
    return len(ids)
