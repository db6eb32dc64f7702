from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.backups import BackupError, database_restore


class Command(BaseCommand):
    help = (
        "Restore an encrypted backup into this database (replaces what is there, in one transaction). "
        "Stop the web and worker processes first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="an encrypted backup written by backup_database")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, file, yes=False, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Backups are for PostgreSQL; this database is " + connection.vendor + ".")
        name = connection.settings_dict["NAME"]
        if not yes and input(f"Replace everything in database {name!r} with {file}? Type the database name: ") != name:
            raise CommandError("Not confirmed; nothing changed.")
        connection.close()  # pg_restore drops and recreates the tables: hold no connection meanwhile
        try:
            database_restore(db=connection.settings_dict, source=Path(file), passphrase=settings.BACKUP_PASSPHRASE)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Restored {file} into {name}."))
