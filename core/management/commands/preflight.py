import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from core.health import broker_ok, database_ok


class Command(BaseCommand):
    help = "Check that the database and the broker answer; print one clear line for each that does not."

    def handle(self, *args, **options):
        problems = []
        db_up, db_detail = database_ok()
        if not db_up:
            engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
            problems.append(
                f"Database ({engine}) is not reachable ({db_detail}): set DATABASE_URL in .env or the environment "
                "(e.g. postgres://user:pass@127.0.0.1:5432/umkm), or unset it to use the built-in SQLite file."
            )
        broker_up, broker_detail = broker_ok()
        if not broker_up:
            problems.append(
                f"Broker ({settings.CELERY_BROKER_URL.split(':')[0]}) is not reachable ({broker_detail}): set REDIS_URL "
                "(e.g. redis://127.0.0.1:6379/0), or unset it to use the built-in SQLite broker."
            )
        for line in problems:
            self.stderr.write(line)
        if problems:
            sys.exit(1)
        self.stdout.write("Database and broker answer.")
