"""Thin Celery tasks: ids in, services called; each safe to run twice or concurrently."""

from celery import shared_task
from django.db import OperationalError

from cities.models import Programme

from .services.indicators import indicators_refresh
from .services.invitations import feedback_invitations_create, followup_invitations_plan, survey_reminders_plan

_DB_RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": 5, "retry_backoff_max": 300, "max_retries": 5}


@shared_task(name="surveys.invite_feedback", acks_late=True, **_DB_RETRY)
def invite_feedback(session_id: int) -> int:
    return feedback_invitations_create(session_id=session_id)


@shared_task(name="surveys.plan_invitations", acks_late=True, **_DB_RETRY)
def plan_invitations() -> int:
    """Follow-ups due at this local hour, then reminders of unanswered invitations."""
    return followup_invitations_plan() + survey_reminders_plan()


@shared_task(name="surveys.refresh_indicators", acks_late=True, **_DB_RETRY)
def refresh_indicators(programme_id: int) -> int:
    return indicators_refresh(programme_id=programme_id)


@shared_task(name="surveys.rebuild_all", acks_late=True, **_DB_RETRY)
def rebuild_all_indicators() -> int:
    ids = list(Programme.objects.order_by("pk").values_list("pk", flat=True))
    for programme_id in ids:
        refresh_indicators.delay(programme_id)
    return len(ids)
