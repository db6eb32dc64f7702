from django.core.management.base import BaseCommand

from cities.models import Programme
from monitoring.services import monitoring_rebuild


class Command(BaseCommand):
    help = "Rebuild the monitoring roll-ups (dimensions, session fill) of every programme, or of one by slug."

    def add_arguments(self, parser):
        parser.add_argument("--programme", help="Programme slug (default: all).")

    def handle(self, *args, **options):
        programmes = Programme.objects.all()
        if options["programme"]:
            programmes = programmes.filter(slug=options["programme"])
        for programme in programmes:
            rows = monitoring_rebuild(programme_id=programme.pk)
            self.stdout.write(f"{programme.slug}: {rows} rows")
