from io import StringIO

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from core.periodic import PERIODIC_TASKS
from umkm_program.celery import app

pytestmark = pytest.mark.django_db


def test_setup_periodic_tasks_installs_the_schedule_once_and_keeps_an_admins_pause():
    call_command("setup_periodic_tasks", stdout=StringIO())
    PeriodicTask.objects.filter(name="Send due messages").update(enabled=False)  # an admin pauses it

    call_command("setup_periodic_tasks", stdout=StringIO())

    tasks = {t.name: t for t in PeriodicTask.objects.select_related("interval")}
    assert set(tasks) == {spec["name"] for spec in PERIODIC_TASKS}
    assert tasks["Send due messages"].enabled is False
    assert tasks["Plan reminders"].enabled and tasks["Plan reminders"].interval.every == 300
    app.loader.import_default_modules()
    assert {t.task for t in tasks.values()} <= set(app.tasks)


def test_the_schedule_is_visible_and_pausable_in_the_admin(admin_client):
    call_command("setup_periodic_tasks", stdout=StringIO())
    task = PeriodicTask.objects.get(name="Check progress roll-ups")

    page = admin_client.get("/admin/django_celery_beat/periodictask/")
    admin_client.post("/admin/django_celery_beat/periodictask/", {"action": "disable_tasks", "_selected_action": [task.pk]})

    assert "Check progress roll-ups" in page.content.decode()
    task.refresh_from_db()
    assert task.enabled is False
