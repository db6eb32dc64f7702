"""Thin Celery tasks: ids in, services called; each safe to run twice or concurrently."""

from cities.models import Programme
from umkm_program.task_base import project_task

from .services.indicators import indicators_refresh
from .services.invitations import feedback_invitations_create, followup_invitations_plan, survey_reminders_plan


@project_task("surveys.invite_feedback")
def invite_feedback(session_id: int) -> int:
    return feedback_invitations_create(session_id=session_id)


@project_task("surveys.plan_invitations")
def plan_invitations() -> int:
    """Follow-ups due at this local hour, then reminders of unanswered invitations."""
    return followup_invitations_plan() + survey_reminders_plan()


@project_task("surveys.refresh_indicators")
def refresh_indicators(programme_id: int) -> int:
    return indicators_refresh(programme_id=programme_id)


@project_task("surveys.rebuild_all")
def rebuild_all_indicators() -> int:
    ids = list(Programme.objects.order_by("pk").values_list("pk", flat=True))
    for programme_id in ids:
        refresh_indicators.delay(programme_id)
    return len(ids)
