"""Thin Celery tasks: ids in, services called. Each is safe to run twice or concurrently."""

from celery import shared_task
from django.db import OperationalError

from .services.outbox import notification_send, notification_texts_drop_old, notifications_send_due
from .services.reminders import reminders_plan

# A database that is briefly away is retried by Celery with back-off; provider faults are
# retried per message by the outbox (attempts, send_after), which survives restarts.
_DB_RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": 5, "retry_backoff_max": 300, "max_retries": 5}


@shared_task(name="notifications.plan_reminders", acks_late=True, **_DB_RETRY)
def plan_reminders() -> int:
    return reminders_plan()


@shared_task(name="notifications.send_due", acks_late=True, **_DB_RETRY)
def send_due_notifications() -> int:
    return notifications_send_due()


@shared_task(name="notifications.send_one", acks_late=True, **_DB_RETRY)
def send_notification(notification_id: int) -> str | None:
    return notification_send(notification_id=notification_id)


@shared_task(name="notifications.drop_old_texts", acks_late=True, **_DB_RETRY)
def drop_old_notification_texts() -> int:
    return notification_texts_drop_old()
