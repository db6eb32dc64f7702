"""Thin Celery tasks: ids in, services called. Each is safe to run twice or concurrently.

A database that is briefly away is retried by the task base (umkm_program/task_base.py); provider faults are
retried per message by the outbox (attempts, send_after), which survives restarts."""

from umkm_program.task_base import project_task

from .services.outbox import notification_send, notification_texts_drop_old, notifications_send_due
from .services.reminders import reminders_plan


@project_task("notifications.plan_reminders")
def plan_reminders() -> int:
    return reminders_plan()


@project_task("notifications.send_due")
def send_due_notifications() -> int:
    return notifications_send_due()


@project_task("notifications.send_one")
def send_notification(notification_id: int) -> str | None:
    return notification_send(notification_id=notification_id)


@project_task("notifications.drop_old_texts")
def drop_old_notification_texts() -> int:
    return notification_texts_drop_old()
