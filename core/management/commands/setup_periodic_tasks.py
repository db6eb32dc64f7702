from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from core.periodic import PERIODIC_TASKS


class Command(BaseCommand):
    help = "Install the periodic tasks defined in core/periodic.py into the database scheduler. Idempotent; keeps pauses."

    @transaction.atomic
    def handle(self, *args, **options):
        for spec in PERIODIC_TASKS:
            schedule, _ = IntervalSchedule.objects.get_or_create(every=spec["every_seconds"], period=IntervalSchedule.SECONDS)
            task, created = PeriodicTask.objects.get_or_create(
                name=spec["name"], defaults={"task": spec["task"], "interval": schedule, "description": spec["description"]}
            )
            if not created:  # update what code owns; leave `enabled` as the admin set it
                task.task, task.interval, task.crontab, task.description = spec["task"], schedule, None, spec["description"]
                task.save(update_fields=["task", "interval", "crontab", "description"])
            state = "installed" if created else ("updated" if task.enabled else "updated (paused)")
            self.stdout.write(f"{spec['name']}: {state}")
