from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from core.backups import BackupError, database_backup


class Command(BaseCommand):
    help = "Back up the database: pg_dump in custom format, encrypted with BACKUP_PASSPHRASE (AES-256-GCM)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="file to write (default: BACKUP_DIR/laju-<UTC time>.dump.enc)")

    def handle(self, *args, output=None, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Backups are for PostgreSQL; this database is " + connection.vendor + ".")
        if output:
            path = Path(output)
        else:
            folder = Path(settings.BACKUP_DIR)
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            path = folder / f"laju-{timezone.now():%Y%m%dT%H%M%SZ}.dump.enc"
        try:
            size = database_backup(db=connection.settings_dict, output=path, passphrase=settings.BACKUP_PASSPHRASE)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"{path} ({size / 1e6:.1f} MB before encryption)"))
