"""The job system for real: Redis broker, a `celery worker` process, the fake provider on loopback."""

import datetime as dt
import signal

import pytest
from django.utils import timezone

from notifications.models import Notification, NotificationKind, NotificationState
from notifications.services.reminders import reminders_plan
from notifications.tasks import plan_reminders, send_due_notifications
from participants.models import AttendanceStatus
from tests.factories import AttendanceFactory, CityFactory, ParticipantFactory, TrainingSessionFactory
from tests.jobs import wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def registered_for_a_session_starting_soon(*, minutes=90, people=1):
    city = CityFactory(name="Makassar", time_zone="Asia/Makassar")
    session = TrainingSessionFactory(city=city, starts_at=timezone.now() + dt.timedelta(minutes=minutes))
    for _ in range(people):
        AttendanceFactory(
            session=session, participant=ParticipantFactory(city=city, whatsapp_opt_in=True), status=AttendanceStatus.REGISTERED
        )
    return session


def test_a_reminder_goes_end_to_end_and_beat_firing_twice_sends_once(start_worker, fake_provider):
    session = registered_for_a_session_starting_soon(people=2)
    start_worker()

    # Beat fires the planner twice (late, duplicated) and the sender twice.
    plan_reminders.delay()
    plan_reminders.delay()
    send_due_notifications.delay()
    send_due_notifications.delay()

    wait_for(
        lambda: Notification.objects.filter(session=session, state=NotificationState.SENT).count() == 2,
        message="both reminders sent",
    )
    send_due_notifications.delay()
    wait_for(lambda: Notification.objects.filter(state=NotificationState.SENT).count() == 2, timeout=3, message="settle")
    rows = list(Notification.objects.filter(session=session))
    assert [r.kind for r in rows] == [NotificationKind.SESSION_TWO_HOURS] * 2
    assert len(fake_provider.delivered) == 2
    assert len(fake_provider.requests) == 2
    payload = fake_provider.requests[0]["body"]
    assert payload["type"] == "template"
    assert payload["template"]["name"] == "session_two_hours"
    assert payload["template"]["language"] == {"code": "id"}
    assert fake_provider.requests[0]["auth"] == "Bearer test-token"
    assert {r.provider_message_id for r in rows} == {f"wamid.{r.idempotency_key}" for r in rows}


def test_beat_firing_the_reminder_tasks_every_second_sends_each_reminder_once(start_worker, fake_provider):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    session = registered_for_a_session_starting_soon(people=3)
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    for task in ("notifications.plan_reminders", "notifications.send_due"):
        PeriodicTask.objects.create(name=task, task=task, interval=every_second)
    worker = start_worker()
    start_worker(beat=True)

    wait_for(lambda: worker.log.read_text().count("Task notifications.plan_reminders[") >= 6, message="beat firing thrice")
    wait_for(
        lambda: Notification.objects.filter(session=session, state=NotificationState.SENT).count() == 3,
        message="the reminders sent",
    )

    assert len(fake_provider.requests) == 3
    assert len(fake_provider.delivered) == 3
    assert Notification.objects.count() == 3


def test_a_worker_killed_between_sending_and_marking_delivers_once(start_worker, fake_provider):
    session = registered_for_a_session_starting_soon()
    reminders_plan(now=timezone.now())
    row = Notification.objects.get(session=session)
    fake_provider.script = ["hold"]

    first = start_worker()
    send_due_notifications.delay()
    assert fake_provider.holding.wait(30), "the provider never received the message"
    first.send_signal(signal.SIGKILL)  # the provider has delivered; the worker never hears back
    first.wait(timeout=10)
    fake_provider.release.set()

    wait_for(lambda: _unlocked_and_pending(row.pk), message="the dead worker's transaction to roll back")
    second = start_worker()
    send_due_notifications.delay()  # what beat does every minute
    wait_for(lambda: Notification.objects.get(pk=row.pk).state == NotificationState.SENT, message="the row sent")

    assert second.poll() is None
    assert [r["key"] for r in fake_provider.requests] == [str(row.idempotency_key)] * 2
    assert len(fake_provider.delivered) == 1
    row.refresh_from_db()
    assert row.attempts == 1  # the killed attempt left no trace but the provider's own record


def _unlocked_and_pending(pk):
    from django.db import transaction

    with transaction.atomic():
        return Notification.objects.select_for_update(skip_locked=True).filter(pk=pk, state=NotificationState.PENDING).exists()
